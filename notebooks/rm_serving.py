# %% [markdown]
# # rm_serving — what the dashboards read beyond the scores
# Included with `%run rm_serving` after `rm_common` and `rm_scoring`. Pure functions of (DataFrames,
# ruleset): the event tracker's weekly counts and who knows whom (the best-connected colleague per
# contact, and the runner-up, for introductions).

# %%
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

# The gold tables and their keys (sql/gold-schema.json is the contract), in the order 03_score writes them.
GOLD_KEYS = {
    "pair_scores": ["seller_id", "contact_id"],
    "account_scores": ["account_id"],
    "checklist": ["account_id", "item"],
    "touchpoints": ["account_id", "rank"],
    "interactions_weekly": ["account_id", "seller_id", "week_start", "source"],
    "who_knows_whom": ["contact_id"],
}


def gold_tables(inputs: dict, dims: dict, as_of, ruleset: dict) -> dict:
    """Every gold table at as_of from the scoring inputs (gold_inputs_from_silver, the reference, or
    gold_inputs_from_state, the incremental path: same shapes) and the CRM dimensions."""
    groups = inputs["groups"].persist()
    pairs_before = score_pairs(pair_aggregates(inputs["groups_before"]), ruleset).persist()
    pairs = pair_scores(pair_aggregates(groups), pairs_before, as_of, ruleset).persist()
    contacts = dims["dim_contact"]
    accounts = account_scores(
        pairs,
        pairs_before,
        last_touch(groups),
        dims["dim_account"],
        contacts,
        dims["dim_opportunity"],
        dims["dim_seller"],
        as_of,
        ruleset,
    )
    tables = {
        "pair_scores": pairs,
        "account_scores": accounts,
        "checklist": checklist(inputs["evidence"], pairs, dims["dim_account"], contacts, as_of, ruleset),
        "touchpoints": touchpoints(inputs["candidates"], groups, ruleset),
        "interactions_weekly": interactions_weekly(groups),
        "who_knows_whom": who_knows_whom(pairs, contacts, dims["dim_seller"], ruleset),
    }
    return {name: df if "as_of" in df.columns else df.withColumn("as_of", F.lit(as_of)) for name, df in tables.items()}


def interactions_weekly(groups: DataFrame) -> DataFrame:
    """Scored interactions per account × seller × week (Monday, UTC) × source: the event tracker.
    `groups` are the contribution groups at as_of (a group never spans two days, so never two weeks),
    so the weeks cover the history window and nothing after."""
    weekly = (
        groups.filter(F.col("account_id").isNotNull())
        .withColumn("week_start", F.to_date(F.date_trunc("week", F.col("first_at"))))
        .groupBy("account_id", "seller_id", "week_start", "source")
        .agg(F.coalesce(F.sum("interactions"), F.lit(0)).alias("interactions"), F.sum("contribution").alias("contribution"))
    )
    return _rounded(weekly)


def who_knows_whom(pairs: DataFrame, contacts: DataFrame, sellers: DataFrame, ruleset: dict) -> DataFrame:
    """Per contact with a scored pair: the colleague with the strongest pair score and the runner-up
    (ties broken by seller_id, so a rerun names the same people)."""
    names = sellers.select("seller_id", "full_name")
    ranked = pairs.select("contact_id", "account_id", "seller_id", "score").withColumn(
        "_rank", F.row_number().over(Window.partitionBy("contact_id").orderBy(F.desc("score"), "seller_id"))
    )
    per_contact = ranked.groupBy("contact_id").agg(
        F.first("account_id", ignorenulls=True).alias("account_id"),
        F.count(F.lit(1)).cast("int").alias("sellers_connected"),
        F.max(F.when(F.col("_rank") == 1, F.col("seller_id"))).alias("best_seller_id"),
        F.max(F.when(F.col("_rank") == 1, F.col("score"))).alias("best_score"),
        F.max(F.when(F.col("_rank") == 2, F.col("seller_id"))).alias("runner_up_seller_id"),
        F.max(F.when(F.col("_rank") == 2, F.col("score"))).alias("runner_up_score"),
    )
    titled = per_contact.join(contacts.select("contact_id", "job_title"), "contact_id", "left")
    executive = title_matches(F.col("job_title"), ruleset["account"]["executive_titles"])
    out = (
        titled.join(
            names.withColumnRenamed("seller_id", "best_seller_id").withColumnRenamed("full_name", "best_seller_name"),
            "best_seller_id",
            "left",
        )
        .join(
            names.withColumnRenamed("seller_id", "runner_up_seller_id").withColumnRenamed("full_name", "runner_up_name"),
            "runner_up_seller_id",
            "left",
        )
        .select(
            "contact_id",
            "account_id",
            F.col("best_score").alias("contact_score"),
            executive.alias("is_executive"),
            "sellers_connected",
            "best_seller_id",
            "best_score",
            "runner_up_seller_id",
            "runner_up_score",
            "best_seller_name",
            "runner_up_name",
        )
    )
    return _rounded(out)
