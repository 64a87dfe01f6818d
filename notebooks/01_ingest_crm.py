# %% [markdown]
# # 01 · Ingest CRM → silver dimensions
# Reads the CRM export (CSV) named by the column mapping, maps columns to canonical names, quarantines
# bad rows with a reason, and writes the snapshots `dim_account`, `dim_contact`, `dim_opportunity`,
# `dim_seller`: an export that did not change since the last run writes nothing.

# %% tags=["parameters"]
raw_root = "/tmp/relmesh-sample"
curated_root = "/tmp/relmesh-out"
crm_mapping_json = "{}"
load_id = "local"

# %%
# %run rm_common

# %%
# %run rm_ingest_crm

# %%
from functools import reduce

from pyspark.sql import DataFrame

configure_session(spark)
mapping = json.loads(crm_mapping_json)
silver = table_path(curated_root, "silver")
result = {"notebook": "01_ingest_crm", "tables": {}}
# The quarantine rows of every changed export, merged once at the end: one MERGE, not one per table.
quarantine_rows, cached = [], []

for table, spec in sorted(mapping["tables"].items()):
    source_file = table_path(table_path(raw_root, "crm"), spec["file"])
    header = spark.read.option("header", True).csv(source_file).columns
    schema = T.StructType(
        [T.StructField(c, T.StringType(), True) for c in header] + [T.StructField("_corrupt_record", T.StringType(), True)]
    )
    raw = (
        spark.read.option("header", True)
        .option("mode", "PERMISSIVE")
        .option("multiLine", True)
        .option("columnNameOfCorruptRecord", "_corrupt_record")
        .schema(schema)
        .csv(source_file)
    ).cache()
    typed = with_row_hash(apply_mapping(raw, table, mapping)).cache()
    cached += [raw, typed]
    # One pass gives the counts and the digest of everything this export decides (dimension rows and
    # quarantine rows alike), so an unchanged export skips both writes.
    by_reason = typed.groupBy("reason").agg(*digest_aggregates(F.col("row_hash"))).collect()
    reasons = {r["reason"]: r["_n"] for r in by_reason if r["reason"] is not None}
    rows_in = sum(r["_n"] for r in by_reason)
    quarantined = sum(reasons.values())
    counts = {"rows_in": rows_in, "used": rows_in - quarantined, "quarantined": quarantined, "quarantine_reasons": reasons}
    written = write_snapshot(
        spark,
        table_path(silver, DIM_TABLES[table]),
        dimension_rows(typed, table, load_id),
        [DIM_KEYS[table]],
        DIM_SCHEMAS[table],
        digest=combine_digests(by_reason, DIM_SCHEMAS[table]),
        facts=counts,
    )
    if not written.get("unchanged"):
        quarantine_rows.append(crm_quarantine(typed, table, spec["file"], load_id))
    counts = {**counts, **written}
    result["tables"][table] = counts
    log_step(f"crm.{table}", **counts)

if quarantine_rows:
    bad = reduce(DataFrame.unionByName, quarantine_rows)
    result["quarantine"] = merge_rows(spark, table_path(silver, "quarantine"), bad, ["quarantine_id"], QUARANTINE_SCHEMA)
for frame in cached:
    frame.unpersist()

notebook_exit(result)
