"""The short summary `relmesh run` prints (which accounts are well covered and which need attention),
and the gold rows the local dashboard shows."""

import json

from pyspark.sql import functions as F
from pyspark.sql.utils import AnalysisException

CRM_DIMENSIONS = {"accounts": "dim_account", "contacts": "dim_contact", "opportunities": "dim_opportunity", "sellers": "dim_seller"}


def _value(v):
    return v.isoformat() if hasattr(v, "isoformat") else v


def _rows(df, limit):
    return [{k: _value(v) for k, v in r.asDict().items()} for r in df.limit(limit).collect()]


def data_quality(results: list) -> list:
    """The datasets whose used rows relied on fallbacks at or above the ruleset's warning share, from
    the notebooks' results (02_ingest_m365's per-dataset counts), so the summary repeats the warning."""
    keys = ("used", "with_fallback", "fallback_warning_share", "fallbacks")
    return [
        {"dataset": name, **{k: counts.get(k) for k in keys}}
        for result in results
        for name, counts in (result or {}).get("datasets", {}).items()
        if counts.get("fallback_warning")
    ]


def summarise(spark, plan: dict, results: list = ()) -> dict:
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
        "data_quality": data_quality(results),
        "outputs": {zone: f"{root}/{zone}" for zone in ("silver", "gold")},
        "dashboard": dashboard_data(read, plan.get("dashboard_tables", [])),
        "crm": crm_facts(spark, root),
    }


def crm_facts(spark, root: str) -> dict:
    """What 01_ingest_crm recorded about each CRM export with its dimension's snapshot (rm_common
    write_snapshot `facts`): counts, rows the mapping's filter skipped, defaults applied, an absent export."""
    out = {}
    for table, name in CRM_DIMENSIONS.items():
        try:
            history = spark.sql(f"DESCRIBE HISTORY delta.`{root}/silver/{name}` LIMIT 1").collect()
        except AnalysisException:  # not written by this run's notebooks
            continue
        text = history[0]["userMetadata"] if history else None
        try:
            out[table] = json.loads(text or "{}").get("relmesh_snapshot", {}).get("facts", {})
        except ValueError:  # a commit someone else annotated
            continue
    return out


def _select(df, columns):
    """The plan's columns; one the table lacks (written before the contract gained it) comes as null."""
    present = set(df.columns)
    return df.select(*[F.col(c) if c in present else F.lit(None).alias(c) for c in columns])


def dashboard_data(read, tables: list) -> dict:
    """Every row of the tables the dashboard shows, with the columns the plan names
    (dashboard/data.ts dashboardTables: no email addresses, no lineage), sorted by each table's key."""
    out = {"as_of": None}
    for table in tables:
        try:
            df = read(table["zone"], table["name"])
        except AnalysisException:  # a table this run's notebooks do not write yet: the page shows it empty
            out[table["name"]] = []
            continue
        out[table["name"]] = _rows(_select(df, table["columns"]).orderBy(*table["key"]), 10_000_000)
    accounts = out.get("account_scores") or []
    out["as_of"] = max((a["as_of"] for a in accounts if a.get("as_of")), default=None)
    return out
