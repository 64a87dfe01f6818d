# %% [markdown]
# # 01 · Ingest CRM → silver dimensions
# Reads the CRM export (CSV) named by the column mapping, keeps the rows the mapping's filter reads
# (the others are counted as skipped), maps columns to canonical names (a column the export lacks
# takes the mapping's stated default), quarantines bad rows with a reason, and writes the snapshots
# `dim_account`, `dim_contact`, `dim_opportunity`, `dim_seller`: an export that did not change since
# the last run writes nothing. An optional export that is absent (opportunities) empties its
# dimension and says so; 03_score then turns the pipeline-based features off.

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
crm_folder = table_path(raw_root, "crm")
exported = {name for name, is_dir, _ in list_folder(spark, crm_folder) if not is_dir}
result = {"notebook": "01_ingest_crm", "tables": {}}
# The quarantine rows of every changed export, merged once at the end: one MERGE, not one per table.
quarantine_rows, cached = [], []

for table, spec in sorted(mapping["tables"].items()):
    if spec["file"] not in exported:
        if not spec.get("optional"):
            raise MappingError(
                f"the CRM export has no {spec['file']} in {crm_folder} (tables.{table}.file): export the {table} there"
                + (f", or mark tables.{table} optional" if table == "opportunities" else "")
            )
        # An optional export that is absent: its dimension is emptied (no stale rows from an earlier
        # export) and its snapshot records the absence, which 03_score reads to turn its features off.
        counts = {**crm_counts([]), "absent": True, "file": spec["file"]}
        written = write_snapshot(
            spark,
            table_path(silver, DIM_TABLES[table]),
            spark.createDataFrame([], DIM_SCHEMAS[table]),
            [DIM_KEYS[table]],
            DIM_SCHEMAS[table],
            digest=f"absent|{DIM_SCHEMAS[table].simpleString()}",
            facts=counts,
        )
        result["tables"][table] = {**counts, **written}
        log_step(f"crm.{table}", **result["tables"][table])
        continue
    source_file = table_path(crm_folder, spec["file"])
    raw = read_export(spark, source_file).cache()
    typed = with_row_hash(apply_mapping(raw, table, mapping)).cache()
    cached += [raw, typed]
    # One pass gives the counts and the digest of everything this export decides (dimension rows,
    # quarantine rows and the rows the filter skipped alike), so an unchanged export skips both writes.
    by_reason = typed.groupBy("reason", "skipped").agg(*digest_aggregates(F.col("row_hash"))).collect()
    counts = {
        **crm_counts(by_reason),
        "file": spec["file"],
        # What the run output states: the defaults applied for columns the export lacks, and the filter.
        "defaulted": defaulted_columns(table, mapping, csv_header(raw)),
        **({"filter": spec["filter"]} if spec.get("filter") else {}),
    }
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
