# %% [markdown]
# # 03 · Score → gold `pair_scores`, `account_scores`, `checklist`, `touchpoints`, `interactions_weekly`, `who_knows_whom`
# Applies the ruleset to every silver interaction before `as_of`. Gold tables are snapshots for that
# as-of date, replaced whole when their content changed: a rerun with the same inputs writes nothing.
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
# %run rm_scoring

# %%
# %run rm_serving

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


interactions = load("interactions").persist()
contacts, accounts, opportunities = load("dim_contact"), load("dim_account"), load("dim_opportunity")
sellers = load("dim_seller")
lake_databases = lake_database_names(lake_databases_json)

# Each input of the gold tables is computed once: the contributions at as_of (pairs, last touch,
# touchpoints, weekly) and the pair scores one trend period earlier (pair and account trends).
contrib = contributions(interactions, contacts, as_of_date, ruleset).persist()
pairs_before = previous_pairs(interactions, contacts, as_of_date, ruleset).persist()
pairs = pair_scores(contrib, pairs_before, as_of_date, ruleset).persist()
last = last_touch(contrib)
accounts_scored = account_scores(pairs, pairs_before, last, accounts, contacts, opportunities, sellers, as_of_date, ruleset)
items = checklist(interactions, pairs, accounts, contacts, as_of_date, ruleset)
touch = touchpoints(contrib, ruleset).withColumn("as_of", F.lit(as_of_date))
weekly = interactions_weekly(contrib).withColumn("as_of", F.lit(as_of_date))
knows = who_knows_whom(pairs, contacts, sellers, ruleset).withColumn("as_of", F.lit(as_of_date))

result = {"notebook": "03_score", "as_of": as_of, "tables": {}}
for name, df, keys in (
    ("pair_scores", pairs, ["seller_id", "contact_id"]),
    ("account_scores", accounts_scored, ["account_id"]),
    ("checklist", items, ["account_id", "item"]),
    ("touchpoints", touch, ["account_id", "rank"]),
    ("interactions_weekly", weekly, ["account_id", "seller_id", "week_start", "source"]),
    ("who_knows_whom", knows, ["contact_id"]),
):
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
