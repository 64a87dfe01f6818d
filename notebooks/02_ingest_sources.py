# %% [markdown]
# # 02 · Ingest ERP orders and service cases → silver `erp_orders`, `service_cases`, their `interactions`
# Reads the JSON lines the incremental copies landed for one window (`window_start` ≤ day < `window_end`),
# quarantines what cannot be used with its reason, matches accounts, contacts and sellers through the
# CRM ids the systems carry, and keeps each order's and case's newest version. Then every order or case
# that names both a seller and a CRM contact becomes one seller↔contact touch (sources erp_order,
# service_case); the rest count for the account only (03_score: order trend, open escalations).
# Rerunning a window changes nothing; an old window rerun never overwrites a newer version.

# %% tags=["parameters"]
raw_root = "/tmp/relmesh-sample"
curated_root = "/tmp/relmesh-out"
window_start = "2026-07-01"
window_end = "2026-11-16"
sources_json = "{}"
ruleset_json = "{}"
load_id = "local"

# %%
# %run rm_common

# %%
# %run rm_reconcile

# %%
# %run rm_ingest_m365

# %%
# %run rm_interactions

# %%
# %run rm_ingest_sources

# %%
import datetime as dt
from functools import reduce

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

configure_session(spark)
ruleset = json.loads(ruleset_json)
specs = json.loads(sources_json).get("tables", [])
silver = table_path(curated_root, "silver")
start, end = dt.date.fromisoformat(window_start), dt.date.fromisoformat(window_end)
dims = {name: spark.read.format("delta").load(table_path(silver, name)) for name in ("dim_seller", "dim_contact", "dim_account")}
result = {"notebook": "02_ingest_sources", "window_start": window_start, "window_end": window_end, "tables": {}}

quarantined = []
for spec in specs:
    found = window_files(lambda folder: list_folder(spark, folder), table_path(raw_root, spec["raw_folder"]), start, end)
    if not found:
        result["tables"][spec["id"]] = {"rows_in": 0, "files": 0}
        log_step(spec["id"], rows_in=0, note="no files in the window")
        continue
    matched = match_crm(parse_lines(spark.read.text(found).withColumn("source_file", F.input_file_name()), spec), dims).persist()
    newest = newest_versions(matched.filter(F.col("reason").isNull()), spec).persist()
    path = table_path(silver, spec["id"])
    schema = silver_schema(spec)
    stored = ensure_table(spark, path, schema).toDF()
    rows = not_older_than_stored(silver_rows(newest, spec, load_id), stored, spec["key"])
    counts = source_counts(matched, newest.count())
    counts["files"] = len(found)
    counts["merged"] = merge_rows(spark, path, rows, [spec["key"]], schema, keep_on_update=("load_id", "window_date"))
    result["tables"][spec["id"]] = counts
    log_step(spec["id"], **counts)
    quarantined.append(source_quarantine(matched.filter(F.col("reason").isNotNull()), spec["id"], load_id))

# The touches are derived from the whole silver tables, not the window: a version read today (an order
# cancelled, a case reassigned) changes the touch it made in an earlier window.
held = [s for s in specs if DeltaTable.isDeltaTable(spark, table_path(silver, s["id"]))]
if held:
    touch_rows = reduce(
        DataFrame.unionByName,
        [touches(spark.read.format("delta").load(table_path(silver, s["id"])), s, dims["dim_contact"], ruleset, load_id) for s in held],
    ).persist()  # read by the MERGE's change count, the MERGE and the row count: derived once
    sources_in = ", ".join(f"'{TOUCH_SOURCE[s['id']]}'" for s in held)
    merged = merge_rows(
        spark,
        table_path(silver, "interactions"),
        touch_rows,
        ["interaction_id"],
        INTERACTION_SCHEMA,
        delete_missing=True,
        delete_where=f"t.source IN ({sources_in})",
        keep_on_update=("load_id", "window_date"),
    )
    result["interactions"] = {"rows": touch_rows.count(), **merged}
    touch_rows.unpersist()
    log_step(f"interactions ({sources_in.replace(chr(39), '')})", **result["interactions"])
if quarantined:
    q = reduce(DataFrame.unionByName, quarantined)
    result["quarantine"] = merge_rows(spark, table_path(silver, "quarantine"), q, ["quarantine_id"], QUARANTINE_SCHEMA)

notebook_exit(result)
