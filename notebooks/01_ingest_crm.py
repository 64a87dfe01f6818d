# %% [markdown]
# # 01 · Ingest CRM → silver dimensions
# Reads the CRM export (CSV) named by the column mapping, maps columns to canonical names, quarantines
# bad rows with a reason, and MERGEs `dim_account`, `dim_contact`, `dim_opportunity`, `dim_seller`.

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
configure_session(spark)
mapping = json.loads(crm_mapping_json)
silver = table_path(curated_root, "silver")
result = {"notebook": "01_ingest_crm", "tables": {}}

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
    typed = apply_mapping(raw, table, mapping).cache()
    rows_in = raw.count()
    merged = merge_rows(
        spark,
        table_path(silver, DIM_TABLES[table]),
        dimension_rows(typed, table, load_id),
        [DIM_KEYS[table]],
        DIM_SCHEMAS[table],
        delete_missing=True,
    )
    bad = crm_quarantine(typed, table, spec["file"], load_id)
    merge_rows(spark, table_path(silver, "quarantine"), bad, ["quarantine_id"], QUARANTINE_SCHEMA)
    quarantined = typed.filter(F.col("reason").isNotNull()).count()
    reasons = {r["reason"]: r["count"] for r in typed.filter(F.col("reason").isNotNull()).groupBy("reason").count().collect()}
    counts = {"rows_in": rows_in, "used": rows_in - quarantined, "quarantined": quarantined, "quarantine_reasons": reasons, **merged}
    result["tables"][table] = counts
    log_step(f"crm.{table}", **counts)
    raw.unpersist()
    typed.unpersist()

notebook_exit(result)
