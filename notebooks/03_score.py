# %% [markdown]
# # 03 · Score → the gold tables
# `pair_scores`, `account_scores`, `checklist`, `touchpoints`, `interactions_weekly`, `who_knows_whom`,
# `discovered_contacts`.
# Applies the ruleset to every silver interaction before `as_of`, through the scoring state (silver as
# day groups, `state/`): only days whose silver rows changed are rebuilt, so a new day costs a day.
# Gold tables are snapshots for that as-of date, replaced whole when their content changed: a rerun
# with the same inputs writes nothing.
# Then every silver and gold Delta table is registered in the workspace's lake databases, so Synapse
# Studio lists them.

# %% tags=["parameters"]
curated_root = "/tmp/relmesh-out"
as_of = "2026-11-16"
ruleset_json = "{}"
load_id = "local"
lake_databases_json = "{}"

# %%
# %run rm_common

# %%
# %run rm_response_times

# %%
# %run rm_scoring

# %%
# %run rm_business_signals

# %%
# %run rm_serving

# %%
# %run rm_score_state

# %%
import datetime as dt

from pyspark.sql import functions as F

configure_session(spark)
ruleset = json.loads(ruleset_json)
as_of_date = dt.date.fromisoformat(as_of)
silver = table_path(curated_root, "silver")
gold = table_path(curated_root, "gold")


def load(name):
    return spark.read.format("delta").load(table_path(silver, name))


interactions = load("interactions")
dims = {name: load(name) for name in ("dim_contact", "dim_account", "dim_opportunity", "dim_seller")}
# 02 creates it with the first interactions it stores; a lake that has none has found no one yet.
found = table_path(silver, "discovered_contacts")
dims["discovered_contacts"] = (
    load("discovered_contacts") if DeltaTable.isDeltaTable(spark, found) else spark.createDataFrame([], DISCOVERED_SCHEMA)
)
# ERP orders and service cases (02_ingest_sources), when the lake has them: the accounts' order trend
# and open escalations. A lake without them gives null signals, not zeros.
for name in ("erp_orders", "service_cases"):
    path = table_path(silver, name)
    dims[name] = load(name) if DeltaTable.isDeltaTable(spark, path) else None
lake_databases = lake_database_names(lake_databases_json)
# Without an opportunities export (01_ingest_crm records the absence with the dimension's snapshot)
# the pipeline-based features are off and take stated neutral values (rm_scoring account_scores).
pipeline_features = "off" if last_snapshot(spark, table_path(silver, "dim_opportunity")).get("facts", {}).get("absent") else "on"
if pipeline_features == "off":
    dims["dim_opportunity"] = None
    log_step("pipeline_features", off="no opportunities export")

# The state holds silver as day groups; only days whose rows changed are rebuilt, and the scores are
# computed from the days inside the window (rm_score_state explains why that equals a full recompute).
state_root = table_path(curated_root, "state")
refreshed = refresh_state(spark, state_root, interactions, dims["dim_contact"], ruleset)
log_step("state", **refreshed)
inputs = gold_inputs_from_state(spark, state_root, interactions, dims["dim_contact"], as_of_date, ruleset)
tables = gold_tables(inputs, dims, as_of_date, ruleset)

result = {"notebook": "03_score", "as_of": as_of, "state": refreshed, "pipeline_features": pipeline_features, "tables": {}}
for name, df in tables.items():
    keys = GOLD_KEYS[name]
    rows = with_row_hash(df.withColumn("load_id", F.lit(load_id))).persist()
    digest = rows.agg(*digest_aggregates(F.col("row_hash"))).collect()
    counts = write_snapshot(spark, table_path(gold, name), rows, keys, rows.schema, combine_digests(digest, rows.schema))
    counts["rows"] = int(digest[0]["_n"])
    result["tables"][name] = counts
    log_step(f"gold.{name}", **counts)

for zone, root in (("silver", silver), ("gold", gold)):
    registered = register_lake_tables(spark, lake_databases[zone], root)
    result.setdefault("lake_databases", {})[lake_databases[zone]] = registered
    log_step(f"lake.{zone}", database=lake_databases[zone], tables=registered)

notebook_exit(result)
