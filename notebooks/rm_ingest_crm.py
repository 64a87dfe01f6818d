# %% [markdown]
# # rm_ingest_crm — CRM exports + the column mapping → silver dimensions
# Included with `%run rm_ingest_crm` after `rm_common`. The mapping (config/crm-mappings/*.yaml or a
# data folder's crm/column-mapping.yaml, passed as JSON) names the CRM's columns for each canonical
# column, the rows a table reads (`filter`), the values of columns an export lacks (`defaults`) and
# coded values (`values`), so a new CRM needs a mapping, not code here.

# %%
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.window import Window

_EMAIL = r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$"

DIM_SCHEMAS = {
    "accounts": T.StructType(
        [
            T.StructField("account_id", T.StringType(), False),
            T.StructField("name", T.StringType(), True),
            T.StructField("domains", T.ArrayType(T.StringType()), True),
            T.StructField("tier", T.IntegerType(), True),
            T.StructField("industry", T.StringType(), True),
            T.StructField("sector", T.StringType(), True),
            T.StructField("owner_seller_id", T.StringType(), True),
            T.StructField("load_id", T.StringType(), True),
            T.StructField("row_hash", T.StringType(), True),
        ]
    ),
    "contacts": T.StructType(
        [
            T.StructField("contact_id", T.StringType(), False),
            T.StructField("account_id", T.StringType(), True),
            T.StructField("email", T.StringType(), True),
            T.StructField("full_name", T.StringType(), True),
            T.StructField("job_title", T.StringType(), True),
            T.StructField("opted_out", T.BooleanType(), False),
            T.StructField("load_id", T.StringType(), True),
            T.StructField("row_hash", T.StringType(), True),
        ]
    ),
    "opportunities": T.StructType(
        [
            T.StructField("opportunity_id", T.StringType(), False),
            T.StructField("account_id", T.StringType(), True),
            T.StructField("amount", T.DoubleType(), True),
            T.StructField("status", T.StringType(), True),
            T.StructField("close_date", T.DateType(), True),
            T.StructField("load_id", T.StringType(), True),
            T.StructField("row_hash", T.StringType(), True),
        ]
    ),
    "sellers": T.StructType(
        [
            T.StructField("seller_id", T.StringType(), False),
            T.StructField("email", T.StringType(), True),
            T.StructField("full_name", T.StringType(), True),
            T.StructField("title", T.StringType(), True),
            T.StructField("user_object_id", T.StringType(), True),
            T.StructField("load_id", T.StringType(), True),
            T.StructField("row_hash", T.StringType(), True),
        ]
    ),
}
DIM_TABLES = {"accounts": "dim_account", "contacts": "dim_contact", "opportunities": "dim_opportunity", "sellers": "dim_seller"}
DIM_KEYS = {"accounts": "account_id", "contacts": "contact_id", "opportunities": "opportunity_id", "sellers": "seller_id"}
# Values a row must carry, or it is quarantined as missing_<column>. Which columns a mapping must
# name is another fact, config/crm-mapping.schema.json's, which arrives with the mapping
# (`required_columns`, config/crm-mapping.ts crmMappingForNotebook).
ROW_KEYS = {
    "accounts": ["account_id", "name"],
    "contacts": ["contact_id", "email"],
    "opportunities": ["opportunity_id", "account_id"],
    "sellers": ["seller_id", "email"],
}


# The statuses scoring understands; anything else after the mapping's value map is quarantined, so
# a CRM's own stage never silently drops out of the open pipeline.
STATUSES = ("open", "won", "lost")


def read_export(spark, path: str) -> DataFrame:
    """A CRM CSV export as the mapping expects it: every column a string (the mapping types them), and
    `_corrupt_record` for a row the CSV reader cannot split, which is quarantined rather than dropped.
    multiLine: CRM exports quote line breaks inside fields (addresses, notes)."""
    header = spark.read.option("header", True).csv(path).columns
    schema = T.StructType(
        [T.StructField(c, T.StringType(), True) for c in header] + [T.StructField("_corrupt_record", T.StringType(), True)]
    )
    return (
        spark.read.option("header", True)
        .option("mode", "PERMISSIVE")
        .option("multiLine", True)
        .option("columnNameOfCorruptRecord", "_corrupt_record")
        .schema(schema)
        .csv(path)
    )


class MappingError(ValueError):
    """The column mapping does not fit the CRM file: the message names the key and the fix."""


def _mapping_file(mapping: dict) -> str:
    """The file a mapping error tells the user to fix: the one the mapping was read from
    (config/crm-mapping.ts loadCrmMapping records it), whichever relmesh:crmMapping chose."""
    return mapping.get("source") or "the CRM column mapping relmesh:crmMapping names"


def _table_spec(table: str, mapping: dict) -> dict:
    spec = mapping.get("tables", {}).get(table)
    if spec is None:
        raise MappingError(f"column mapping has no tables.{table}: add it to {_mapping_file(mapping)}")
    return spec


def mapped_columns(table: str, mapping: dict, header: list) -> dict:
    """canonical column → CRM column, for the mapped columns the file has, checked against the
    file's header before any data is read. A mapped column the file lacks is an error unless the
    mapping states its default (defaulted_columns)."""
    spec = _table_spec(table, mapping)
    columns = spec.get("columns", {})
    if table not in mapping.get("required_columns", {}):
        raise MappingError(
            f"column mapping has no required_columns.{table}: the caller passes config/crm-mapping.ts crmMappingForNotebook(mapping)"
        )
    missing = [k for k in mapping["required_columns"][table] if k not in columns]
    if missing:
        raise MappingError(f"column mapping tables.{table}.columns lacks {', '.join(missing)}: map them to the CRM's column names")
    defaults = spec.get("defaults", {})
    absent = {k: v for k, v in columns.items() if v not in header and k not in defaults}
    if absent:
        wrong = ", ".join(f"{k}: {v}" for k, v in sorted(absent.items()))
        raise MappingError(
            f"column mapping tables.{table}.columns names columns not in {spec.get('file')} ({wrong}); "
            f"the file has {', '.join(header)}: fix {_mapping_file(mapping)}, "
            f"or state tables.{table}.defaults for a column the export may lack"
        )
    return {k: v for k, v in columns.items() if v in header}


def csv_header(raw: DataFrame) -> list:
    """The export's own columns: read_crm_csv's frame less the reader's `_corrupt_record`."""
    return [c for c in raw.columns if c != "_corrupt_record"]


def defaulted_columns(table: str, mapping: dict, header: list) -> dict:
    """canonical column → {column, value}: the mapped columns the file lacks, which take the
    mapping's stated default for every row (the run output names each)."""
    spec = _table_spec(table, mapping)
    defaults = spec.get("defaults", {})
    return {k: {"column": v, "value": defaults[k]} for k, v in sorted(spec.get("columns", {}).items()) if v not in header and k in defaults}


def filter_skips(table: str, mapping: dict, header: list) -> "F.Column":
    """True for the rows the mapping's filter leaves out: those not matching every `keep` column,
    and those matching any `skip` column (cells compared as trimmed text, '' for an empty cell)."""
    spec = _table_spec(table, mapping)
    rules = spec.get("filter", {})
    named = {c for part in ("keep", "skip") for c in rules.get(part, {})}
    absent = sorted(c for c in named if c not in header)
    if absent:
        raise MappingError(
            f"column mapping tables.{table}.filter names columns not in {spec.get('file')} ({', '.join(absent)}); "
            f"the file has {', '.join(header)}: fix the filter in {_mapping_file(mapping)}"
        )

    def matches(column, values):
        return F.coalesce(F.trim(F.col(f"`{column}`")), F.lit("")).isin(*[str(v).strip() for v in values])

    kept = F.lit(True)
    for column, values in sorted(rules.get("keep", {}).items()):
        kept = kept & matches(column, values)
    for column, values in sorted(rules.get("skip", {}).items()):
        kept = kept & ~matches(column, values)
    return ~kept


def email_domain(value: "F.Column") -> "F.Column":
    """A domain as an export writes it, a website URL or an address → the bare mail domain: lower
    case, without scheme, path, port, user part or a leading www. (websites stand in for domains in
    exports without a domains column, config/crm-mappings/salesforce.yaml)."""
    d = F.lower(F.trim(value))
    for pattern in (r"^[a-z][a-z0-9+.-]*://", r"[/?#].*$", r"^.*@", r":[0-9]+$", r"^www[.]", r"[.]$"):
        d = F.regexp_replace(d, pattern, "")
    return d


def apply_mapping(raw: DataFrame, table: str, mapping: dict) -> DataFrame:
    """CRM rows (all strings, plus _corrupt_record) → canonical typed rows with a quarantine `reason`
    and `skipped` (left out by the mapping's filter: never quarantined, never a dimension row)."""
    header = csv_header(raw)
    columns = mapped_columns(table, mapping, header)
    defaulted = defaulted_columns(table, mapping, header)
    values = mapping["tables"][table].get("values", {})

    def col(name):
        if name in defaulted:
            value = defaulted[name]["value"]
            return F.lit(None if value is None else str(value).lower() if isinstance(value, bool) else str(value)).cast("string")
        if name not in columns:
            return F.lit(None).cast("string")
        c = F.nullif(F.trim(F.col(f"`{columns[name]}`")), F.lit(""))
        if name in values:
            lookup = F.create_map(*[F.lit(str(x)) for kv in values[name].items() for x in kv])
            c = F.coalesce(F.element_at(lookup, c), c)
        return c

    key = DIM_KEYS[table]
    # A malformed line is quarantined whatever its cells say: the filter reads only well-formed rows.
    skipped = F.col("_corrupt_record").isNull() & filter_skips(table, mapping, header)
    out = raw.select(
        *[col(f.name).alias(f.name) for f in DIM_SCHEMAS[table].fields if f.name not in ("load_id", "row_hash")],
        F.to_json(F.struct(*[F.col(f"`{c}`") for c in header])).alias("raw"),
        F.col("_corrupt_record"),
        skipped.alias("skipped"),
    )
    reasons = F.when(F.col("skipped"), F.lit(None).cast("string")).when(F.col("_corrupt_record").isNotNull(), "malformed_csv_row")
    for required in ROW_KEYS[table]:
        reasons = reasons.when(F.col(required).isNull(), f"missing_{required}")
    if "email" in out.columns:
        reasons = reasons.when(~F.col("email").rlike(_EMAIL), "invalid_email")
    typed = out
    if table == "accounts":
        typed = (
            typed.withColumn("domains", F.filter(F.transform(F.split(F.col("domains"), "[;,]"), email_domain), lambda d: d != ""))
            .withColumn("tier_raw", F.col("tier"))
            .withColumn("tier", F.col("tier").cast("int"))
        )
        reasons = reasons.when(F.col("tier").isNull() & F.col("tier_raw").isNotNull(), "invalid_tier")
    if table == "contacts":
        typed = typed.withColumn("email", F.lower("email")).withColumn(
            "opted_out", F.coalesce(F.lower("opted_out").isin("true", "1", "yes", "y"), F.lit(False))
        )
    if table == "sellers":
        typed = typed.withColumn("email", F.lower("email"))
    if table == "opportunities":
        typed = (
            typed.withColumn("amount_raw", F.col("amount"))
            .withColumn("amount", F.col("amount").cast("double"))
            .withColumn("close_date", F.to_date("close_date"))
        )
        reasons = reasons.when(F.col("amount").isNull() & F.col("amount_raw").isNotNull(), "invalid_amount")
        reasons = reasons.when(~F.col("status").isin(*STATUSES) | F.col("status").isNull(), "invalid_status")
    typed = typed.withColumn("reason", reasons)
    # A key seen twice keeps its first good row; the others are quarantined, not silently dropped.
    # Rows the filter skipped take no part: they are neither kept nor duplicates.
    w = Window.partitionBy(key, "skipped").orderBy(F.col("reason").isNotNull(), F.col("raw"))
    typed = typed.withColumn("_n", F.row_number().over(w))
    typed = typed.withColumn(
        "reason",
        F.when(F.col("reason").isNull() & ~F.col("skipped") & (F.col("_n") > 1) & F.col(key).isNotNull(), "duplicate_id").otherwise(
            F.col("reason")
        ),
    ).drop("_n")
    return typed.drop("amount_raw", "tier_raw")


def crm_counts(by_reason: list) -> dict:
    """Rows in = used + quarantined + skipped by the filter, from the (reason, skipped) groups of
    one export (REL-15: every row is accounted for)."""
    rows_in = sum(r["_n"] for r in by_reason)
    skipped = sum(r["_n"] for r in by_reason if r["skipped"])
    reasons = {}
    for r in by_reason:
        if r["reason"] is not None:
            reasons[r["reason"]] = reasons.get(r["reason"], 0) + r["_n"]
    quarantined = sum(reasons.values())
    return {
        "rows_in": rows_in,
        "used": rows_in - quarantined - skipped,
        "quarantined": quarantined,
        "skipped": skipped,
        "quarantine_reasons": reasons,
    }


def dimension_rows(typed: DataFrame, table: str, load_id: str) -> DataFrame:
    good = typed.filter(F.col("reason").isNull() & ~F.col("skipped")).withColumn("load_id", F.lit(load_id))
    names = [f.name for f in DIM_SCHEMAS[table].fields if f.name != "row_hash"]
    return with_row_hash(good.select(*names)).select(*[f.name for f in DIM_SCHEMAS[table].fields])


def crm_quarantine(typed: DataFrame, table: str, source_file: str, load_id: str) -> DataFrame:
    bad = typed.filter(F.col("reason").isNotNull())
    out = bad.select(
        stable_id(F.lit(f"crm.{table}"), F.lit(source_file), F.col("raw"), F.col("reason")).alias("quarantine_id"),
        F.lit(f"crm.{table}").alias("dataset"),
        F.lit(source_file).alias("source_file"),
        F.lit(None).cast("date").alias("window_date"),
        "reason",
        F.coalesce(F.col("_corrupt_record"), F.col("raw")).alias("raw"),
        F.lit(load_id).alias("load_id"),
    )
    return with_row_hash(out).dropDuplicates(["quarantine_id"])
