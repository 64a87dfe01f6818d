# %% [markdown]
# # rm_serving — what the dashboards read beyond the scores
# Included with `%run rm_serving` after `rm_common` and `rm_scoring`. Pure functions of (DataFrames,
# ruleset): the event tracker's weekly counts and who knows whom (the best-connected colleague per
# contact, and the runner-up, for introductions).

# %%
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window


def interactions_weekly(contrib: DataFrame) -> DataFrame:
    """Scored interactions per account × seller × week (Monday, UTC) × source: the event tracker.
    `contrib` is contributions() at as_of, so the weeks cover the history window and nothing after."""
    weekly = (
        contrib.filter(F.col("account_id").isNotNull())
        .withColumn("week_start", F.to_date(F.date_trunc("week", F.col("occurred_at"))))
        .groupBy("account_id", "seller_id", "week_start", "source")
        .agg(F.count(F.lit(1)).alias("interactions"), F.sum("contribution").alias("contribution"))
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
