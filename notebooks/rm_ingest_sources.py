# %% [markdown]
# # rm_ingest_sources — ERP orders and service cases, from the copies' JSON lines to silver
# Included with `%run rm_ingest_sources` after `rm_common` and `rm_interactions`. Pure transforms.
# The columns, their types, each table's key and watermark come in as `sources_json`, generated from
# config/source-tables.ts (the copy queries select the same list), so nothing here restates them.
#
# Every raw line is either used or quarantined with one reason; a used row is a version of an order or
# case, and the newest version (by its watermark) is the one silver keeps. Rows are matched to the CRM
# by the ids the systems carry: an account the CRM does not know quarantines the row; a contact it does
# not know leaves the row for the account and is counted; an owner or sales rep who is not a seller is
# simply nobody's touch.

# %%
import functools

from pyspark.sql import DataFrame, Window
from pyspark.sql import functions as F
from pyspark.sql import types as T

_CORRUPT = "_corrupt_record"
_TYPES = {"string": T.StringType(), "timestamp": T.TimestampType(), "number": T.DoubleType(), "boolean": T.BooleanType()}

# Silver tables: the canonical columns typed, the CRM matches, and the window a version was read in.
_MATCHES = [
    T.StructField("account_id", T.StringType(), False),
    T.StructField("contact_id", T.StringType(), True),
    T.StructField("seller_id", T.StringType(), True),
]
_TAIL = [
    T.StructField("modified_at", T.TimestampType(), False),
    T.StructField("window_date", T.DateType(), True),
    T.StructField("load_id", T.StringType(), True),
    T.StructField("row_hash", T.StringType(), True),
]

# Which interaction source an order's or a case's pair touch is, and the ruleset weight it takes.
TOUCH_SOURCE = {"erp_orders": "erp_order", "service_cases": "service_case"}
# An order that was cancelled never happened as far as the relationship goes; the ERP's status is
# compared case-blind, as rm_business_signals.order_signals compares it.
NOT_A_TOUCH = {"erp_orders": "lower(status) = 'cancelled'", "service_cases": "false"}

# Replaced by the CRM matches (ids) in silver: no e-mail address is stored, as in `interactions`.
_NOT_STORED = ("account_crm_id", "contact_crm_id", "seller_email", "owner_email")

_REASON_ORDER = ("malformed_json", "missing_id", "missing_account", "bad_timestamp", "bad_number", "bad_boolean", "unknown_account")


def silver_schema(spec: dict) -> T.StructType:
    """The silver table of one source table: key and canonical columns (CRM ids replaced by matches)."""
    own = [T.StructField(c["name"], _TYPES[c["type"]], c["name"] != spec["key"]) for c in spec["columns"] if c["name"] not in _NOT_STORED]
    return T.StructType(own[:1] + _MATCHES + own[1:] + _TAIL)


def raw_schema(spec: dict) -> T.StructType:
    """Every column read as text, so a value of the wrong type is a counted reason, not a silent null."""
    names = [c["name"] for c in spec["columns"]] + [spec["watermark"]["column"]]
    return T.StructType([T.StructField(n, T.StringType(), True) for n in names] + [T.StructField(_CORRUPT, T.StringType(), True)])


def _window_date(source_file) -> F.Column:
    """The day folder a copy landed the line in: `<raw folder>/yyyy/MM/dd/<file>`."""
    return F.to_date(F.regexp_extract(source_file, r"/(\d{4})/(\d{2})/(\d{2})/[^/]+$", 0).substr(2, 10), "yyyy/MM/dd")


def _typed(text, kind: str) -> F.Column:
    if kind == "timestamp":
        return text.cast("timestamp")
    if kind == "number":
        return text.cast("double")
    if kind == "boolean":
        return F.lower(F.trim(text)).cast("boolean")
    return F.when(F.trim(text) != "", F.trim(text))


def _watermark(spec: dict) -> F.Column:
    text = F.col(f"rec.{spec['watermark']['column']}")
    return F.timestamp_seconds(text.cast("long")) if spec["watermark"]["kind"] == "epochSeconds" else text.cast("timestamp")


def parse_lines(lines: DataFrame, spec: dict) -> DataFrame:
    """Raw lines (value, source_file) → one row per line: typed columns, modified_at, window_date and
    the first reason the line cannot be used (null when it can), before matching to the CRM."""
    trimmed = lines.withColumn("value", F.trim("value")).filter(F.col("value") != "")
    rec = F.from_json("value", raw_schema(spec), {"mode": "PERMISSIVE", "columnNameOfCorruptRecord": _CORRUPT})
    parsed = trimmed.select("value", "source_file", rec.alias("rec"))
    typed = {c["name"]: _typed(F.col(f"rec.{c['name']}"), c["type"]) for c in spec["columns"]}
    text = {c["name"]: F.col(f"rec.{c['name']}") for c in spec["columns"]}
    present = lambda name: text[name].isNotNull() & (F.trim(text[name]) != "")  # noqa: E731

    def failed(kind):
        return [present(c["name"]) & typed[c["name"]].isNull() for c in spec["columns"] if c["type"] == kind]

    any_of = lambda conds: functools.reduce(lambda a, b: a | b, conds, F.lit(False))  # noqa: E731
    wm_text = F.col(f"rec.{spec['watermark']['column']}")
    reasons = {
        "malformed_json": F.col("rec").isNull() | F.col(f"rec.{_CORRUPT}").isNotNull(),
        "missing_id": ~present(spec["key"]),
        "missing_account": ~present("account_crm_id"),
        "bad_timestamp": any_of(failed("timestamp") + [~present(spec["occurred_at"]), wm_text.isNull() | _watermark(spec).isNull()]),
        "bad_number": any_of(failed("number")),
        "bad_boolean": any_of(failed("boolean")),
    }
    reason = F.coalesce(*[F.when(reasons[r], F.lit(r)) for r in _REASON_ORDER if r in reasons])
    return parsed.select(
        "value",
        "source_file",
        *[typed[c["name"]].alias(c["name"]) for c in spec["columns"]],
        _watermark(spec).alias("modified_at"),
        _window_date(F.col("source_file")).alias("window_date"),
        reason.alias("reason"),
    )


def match_crm(rows: DataFrame, dims: dict) -> DataFrame:
    """Adds account_id (or reason unknown_account), contact_id when the CRM knows the contact at that
    account (contact_unmatched otherwise), seller_id when the named e-mail is a seller's."""
    accounts = dims["dim_account"].select(F.col("account_id").alias("_account"))
    contacts = dims["dim_contact"].select(F.col("contact_id").alias("_contact"), F.col("account_id").alias("_contact_account"))
    sellers = (
        dims["dim_seller"]
        .select(F.lower("email").alias("_seller_email"), F.col("seller_id").alias("_seller"))
        .dropDuplicates(["_seller_email"])
    )
    email = next((c for c in ("seller_email", "owner_email") if c in rows.columns), None)
    out = rows.join(F.broadcast(accounts), rows["account_crm_id"] == F.col("_account"), "left")
    out = out.join(
        F.broadcast(contacts), (out["contact_crm_id"] == F.col("_contact")) & (out["account_crm_id"] == F.col("_contact_account")), "left"
    )
    out = (
        out.join(F.broadcast(sellers), F.lower(out[email]) == F.col("_seller_email"), "left")
        if email
        else out.withColumn("_seller", F.lit(None))
    )
    return out.select(
        *rows.columns,
        F.col("_account").alias("account_id"),
        F.col("_contact").alias("contact_id"),
        F.col("_seller").alias("seller_id"),
    ).withColumn("reason", F.coalesce("reason", F.when(F.col("account_id").isNull(), F.lit("unknown_account"))))


def newest_versions(used: DataFrame, spec: dict) -> DataFrame:
    """One row per order or case: its newest version in these rows (ties: the later line wins by text)."""
    order = Window.partitionBy(spec["key"]).orderBy(F.desc("modified_at"), F.desc("value"))
    return used.withColumn("_n", F.row_number().over(order)).filter(F.col("_n") == 1).drop("_n")


def silver_rows(newest: DataFrame, spec: dict, load_id: str) -> DataFrame:
    """The silver columns only, hashed over the business columns (not the window or load it came in)."""
    fields = [f for f in silver_schema(spec).fields if f.name != "row_hash"]
    rows = newest.withColumn("load_id", F.lit(load_id)).select(*[F.col(f.name).cast(f.dataType) for f in fields])
    return with_row_hash(rows, exclude=("load_id", "row_hash", "window_date"))


def not_older_than_stored(rows: DataFrame, stored: DataFrame, key: str) -> DataFrame:
    """Versions at least as new as the one silver holds: a rerun of an old window never brings back an
    order's earlier state over the change a later window read."""
    held = stored.select(F.col(key).alias("_held_key"), F.col("modified_at").alias("_held_at"))
    joined = rows.join(held, rows[key] == F.col("_held_key"), "left")
    return joined.filter(F.col("_held_at").isNull() | (F.col("modified_at") >= F.col("_held_at"))).drop("_held_key", "_held_at")


def source_quarantine(bad: DataFrame, table_id: str, load_id: str) -> DataFrame:
    out = bad.select(
        stable_id(F.lit(table_id), F.col("source_file"), F.col("value"), F.col("reason")).alias("quarantine_id"),
        F.lit(table_id).alias("dataset"),
        "source_file",
        "window_date",
        "reason",
        F.col("value").alias("raw"),
        F.lit(load_id).alias("load_id"),
    )
    return with_row_hash(out).dropDuplicates(["quarantine_id"]).select(*[f.name for f in QUARANTINE_SCHEMA.fields])


def touches(silver: DataFrame, spec: dict, contacts: DataFrame, ruleset: dict, load_id: str) -> DataFrame:
    """Interactions from an order or case that names both a seller and a CRM contact (not opted out):
    one `mutual` touch at the time it was placed or opened, weighted sources.<source>. The rest touch the
    account only (its order trend, open escalations), never a seller↔contact pair."""
    source = TOUCH_SOURCE[spec["id"]]
    if source not in ruleset["sources"]:
        raise ValueError(f"ruleset sources has no weight for '{source}': add sources.{source} to config/ruleset.yaml")
    opted_out = contacts.filter("opted_out").select(F.col("contact_id").alias("_out"))
    named = (
        silver.filter(F.col("seller_id").isNotNull() & F.col("contact_id").isNotNull())
        .filter(~F.expr(NOT_A_TOUCH[spec["id"]]))
        .join(F.broadcast(opted_out), F.col("contact_id") == F.col("_out"), "left_anti")
    )
    occurred = F.col(spec["occurred_at"])
    rows = named.select(
        F.lit(source).alias("source"),
        F.col(spec["key"]).alias("source_key"),
        F.lit("mutual").alias("direction"),
        "seller_id",
        "contact_id",
        "account_id",
        occurred.alias("occurred_at"),
        F.lit(None).cast("double").alias("duration_min"),
        F.lit(2).alias("participants"),
        F.lit("unknown").alias("modality"),
        F.lit("n/a").alias("response"),
        F.lit(None).cast("string").alias("subject"),
        # Threads are mail's: an order or a case has no conversation, so it never times a reply.
        F.lit(None).cast("string").alias("conversation_id"),
        F.lit(float(ruleset["sources"][source])).alias("weight"),
        F.to_date(occurred).alias("window_date"),
        F.lit(None).cast("string").alias("contact_address"),
    )
    return _finish(rows, load_id).drop("contact_address")


def source_counts(parsed_with_reasons: DataFrame, newest_count: int) -> dict:
    """rows in = used + quarantined by reason; used versions = distinct orders/cases + superseded
    versions; contacts and sellers named but not matched, counted (REL-12)."""
    groups = [
        r.asDict()
        for r in parsed_with_reasons.groupBy(
            "reason",
            (F.col("contact_crm_id").isNotNull() & F.col("contact_id").isNull()).alias("contact_unmatched"),
        )
        .count()
        .collect()
    ]
    by_reason = {}
    for g in groups:
        if g["reason"] is not None:
            by_reason[g["reason"]] = by_reason.get(g["reason"], 0) + g["count"]
    used = sum(g["count"] for g in groups if g["reason"] is None)
    counts = {
        "rows_in": used + sum(by_reason.values()),
        "used": used,
        "quarantined": sum(by_reason.values()),
        "quarantine_reasons": dict(sorted(by_reason.items())),
        "distinct": newest_count,
        "superseded_versions": used - newest_count,
        "contact_not_in_crm": sum(g["count"] for g in groups if g["reason"] is None and g["contact_unmatched"]),
    }
    if counts["rows_in"] != counts["used"] + counts["quarantined"] or counts["superseded_versions"] < 0:
        raise ValueError(f"source rows do not reconcile: {counts}")
    return counts
