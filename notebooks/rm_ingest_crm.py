# %% [markdown]
# # rm_ingest_crm — CRM exports + the column mapping → silver dimensions
# Included with `%run rm_ingest_crm` after `rm_common`. The mapping (crm/column-mapping.yaml, passed
# as JSON) names the CRM's columns for each canonical column, so a fork edits the mapping, not this code.

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


class MappingError(ValueError):
    """The column mapping does not fit the CRM file: the message names the key and the fix."""


def mapped_columns(table: str, mapping: dict, header: list) -> dict:
    """canonical column → CRM column, checked against the file's header before any data is read."""
    spec = mapping.get("tables", {}).get(table)
    if spec is None:
        raise MappingError(f"column mapping has no tables.{table}: add it to crm/column-mapping.yaml")
    columns = spec.get("columns", {})
    if table not in mapping.get("required_columns", {}):
        raise MappingError(
            f"column mapping has no required_columns.{table}: the caller passes config/crm-mapping.ts crmMappingForNotebook(mapping)"
        )
    missing = [k for k in mapping["required_columns"][table] if k not in columns]
    if missing:
        raise MappingError(f"column mapping tables.{table}.columns lacks {', '.join(missing)}: map them to the CRM's column names")
    absent = {k: v for k, v in columns.items() if v not in header}
    if absent:
        wrong = ", ".join(f"{k}: {v}" for k, v in sorted(absent.items()))
        raise MappingError(
            f"column mapping tables.{table}.columns names columns not in {spec.get('file')} ({wrong}); "
            f"the file has {', '.join(header)}: fix crm/column-mapping.yaml"
        )
    return columns


def apply_mapping(raw: DataFrame, table: str, mapping: dict) -> DataFrame:
    """CRM rows (all strings, plus _corrupt_record) → canonical typed rows with a quarantine `reason`."""
    columns = mapped_columns(table, mapping, [c for c in raw.columns if c != "_corrupt_record"])
    values = mapping["tables"][table].get("values", {})

    def col(name):
        if name not in columns:
            return F.lit(None).cast("string")
        c = F.nullif(F.trim(F.col(f"`{columns[name]}`")), F.lit(""))
        if name in values:
            lookup = F.create_map(*[F.lit(str(x)) for kv in values[name].items() for x in kv])
            c = F.coalesce(F.element_at(lookup, c), c)
        return c

    key = DIM_KEYS[table]
    out = raw.select(
        *[col(f.name).alias(f.name) for f in DIM_SCHEMAS[table].fields if f.name not in ("load_id", "row_hash")],
        F.to_json(F.struct(*[F.col(f"`{c}`") for c in raw.columns if c != "_corrupt_record"])).alias("raw"),
        F.col("_corrupt_record"),
    )
    reasons = F.when(F.col("_corrupt_record").isNotNull(), "malformed_csv_row")
    for required in ROW_KEYS[table]:
        reasons = reasons.when(F.col(required).isNull(), f"missing_{required}")
    if "email" in out.columns:
        reasons = reasons.when(~F.col("email").rlike(_EMAIL), "invalid_email")
    typed = out
    if table == "accounts":
        typed = (
            typed.withColumn(
                "domains", F.filter(F.transform(F.split(F.col("domains"), "[;,]"), lambda d: F.lower(F.trim(d))), lambda d: d != "")
            )
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
    typed = typed.withColumn("reason", reasons)
    # A key seen twice keeps its first good row; the others are quarantined, not silently dropped.
    w = Window.partitionBy(key).orderBy(F.col("reason").isNotNull(), F.col("raw"))
    typed = typed.withColumn("_n", F.row_number().over(w))
    typed = typed.withColumn(
        "reason", F.when(F.col("reason").isNull() & (F.col("_n") > 1) & F.col(key).isNotNull(), "duplicate_id").otherwise(F.col("reason"))
    ).drop("_n")
    return typed.drop("amount_raw", "tier_raw")


def dimension_rows(typed: DataFrame, table: str, load_id: str) -> DataFrame:
    good = typed.filter(F.col("reason").isNull()).withColumn("load_id", F.lit(load_id))
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
