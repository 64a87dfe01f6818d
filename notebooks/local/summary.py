"""The short summary `relmesh run` prints: which accounts are well covered and which need attention."""

from pyspark.sql import functions as F


def _rows(df, limit):
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.asDict().items()} for r in df.limit(limit).collect()]


def summarise(spark, plan: dict) -> dict:
    root = plan["curated_root"].rstrip("/")

    def read(zone, name):
        return spark.read.format("delta").load(f"{root}/{zone}/{name}")

    accounts = read("gold", "account_scores")
    # The account row's columns come with the plan (cli/render.ts ACCOUNT_ROW_COLUMNS).
    columns = plan["columns"]
    by_status = {r["status"]: r["count"] for r in accounts.groupBy("status").count().collect()}
    attention = accounts.filter(F.col("is_high_priority") & (F.col("status") != "good_standing"))
    return {
        "accounts": accounts.count(),
        "by_status": by_status,
        "high_priority_needing_attention": attention.count(),
        "top": _rows(accounts.orderBy(F.desc("connectivity_score"), "account_id").select(*columns), plan.get("top", 5)),
        "bottom": _rows(accounts.orderBy("connectivity_score", "account_id").select(*columns), plan.get("top", 5)),
        "attention": _rows(attention.orderBy("connectivity_score", "account_id").select(*columns), plan.get("top", 5)),
        "pairs": read("gold", "pair_scores").count(),
        "interactions": read("silver", "interactions").count(),
        "quarantine": {r["dataset"]: r["count"] for r in read("silver", "quarantine").groupBy("dataset").count().collect()},
        "outputs": {zone: f"{root}/{zone}" for zone in ("silver", "gold")},
        "dashboard": dashboard_data(spark, read, accounts),
    }


def dashboard_data(spark, read, accounts, limit: int = 1000) -> dict:
    """What the static dashboard shows: every account (up to `limit`), its checklist and top touchpoints."""
    items = read("gold", "checklist").select("account_id", "item", "description", "satisfied", "evidence_at")
    touch = (
        read("gold", "touchpoints").filter(F.col("rank") <= 3).select("account_id", "rank", "source", "direction", "occurred_at", "share")
    )

    def by_account(df):
        return {k: sorted(v, key=lambda r: (r.get("rank", 0), r.get("item", ""))) for k, v in _group(df).items()}

    return {
        "as_of": str(accounts.select(F.max("as_of")).collect()[0][0]),
        "accounts": _rows(
            accounts.drop("load_id", "row_hash").orderBy(F.desc("is_high_priority"), "connectivity_score", "account_id"), limit
        ),
        "checklist": by_account(items),
        "touchpoints": by_account(touch),
    }


def _group(df) -> dict:
    out = {}
    for row in _rows(df, 100000):
        out.setdefault(row.pop("account_id"), []).append(row)
    return out
