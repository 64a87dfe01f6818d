# %% [markdown]
# # rm_serving — what the dashboards read beyond the scores
# Included with `%run rm_serving` after `rm_common`, `rm_scoring` and `rm_business_signals`. Pure functions of (DataFrames,
# ruleset): the event tracker's weekly counts, who knows whom (the best-connected colleague per
# contact, and the runner-up, for introductions) and the contacts found that the CRM lacks.

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
    "contact_colleagues": ["contact_id", "rank"],
    "who_knows_whom": ["contact_id"],
    "discovered_contacts": ["contact_id"],
}

_INPUT_GROUPS = ("groups", "groups_before", "evidence", "candidates", "mail")


def gold_tables(inputs: dict, dims: dict, as_of, ruleset: dict) -> dict:
    """Every gold table at as_of from the scoring inputs (gold_inputs_from_silver, the reference, or
    gold_inputs_from_state, the incremental path: same shapes) and the CRM dimensions. Contacts the CRM
    does not know are listed in `discovered_contacts` and, unless the ruleset counts them
    (discovered_contacts.count_in_scores), left out of every score: gold contact ids are then CRM ids."""
    everyone = inputs
    if not ruleset["discovered_contacts"]["count_in_scores"]:
        inputs = {k: inputs[k].filter(~is_discovered("contact_id")) for k in _INPUT_GROUPS}
    groups = inputs["groups"].persist()
    # Reply delays are found once and feed the pairs now and before (their reply factor) and the accounts.
    replies = replies_by_window(inputs["mail"], as_of, ruleset)
    aggregates_before = with_reply_factor(pair_aggregates(inputs["groups_before"]), replies["pairs_before"], ruleset)
    pairs_before = score_pairs(aggregates_before, ruleset).persist()
    pairs = pair_scores(with_reply_factor(pair_aggregates(groups), replies["pairs"], ruleset), pairs_before, as_of, ruleset).persist()
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
    found = discovered_list(everyone, dims["discovered_contacts"], as_of, ruleset).persist()
    per_account = found.filter(F.col("account_id").isNotNull()).groupBy("account_id").agg(F.count(F.lit(1)).cast("int").alias("_found"))
    found_column = F.coalesce("_found", F.lit(0)).alias("discovered_contacts")
    reply_columns = [F.round(c, 6).alias(c) if c.endswith("median") else F.col(c) for c in REPLY_COLUMNS]
    accounts = with_replies(accounts.join(per_account, "account_id", "left"), replies["accounts"], ["account_id"]).select(
        *[c for c in accounts.columns if c != "as_of"], found_column, *reply_columns, "as_of"
    )
    # ERP orders and service cases (absent from dims when the stack has no such source).
    accounts = with_business_signals(accounts, dims.get("erp_orders"), dims.get("service_cases"), as_of, ruleset)
    accounts = accounts.select(*[c for c in accounts.columns if c != "as_of"], "as_of")
    colleagues = contact_colleagues(pairs, dims["dim_seller"]).persist()
    tables = {
        "pair_scores": pairs,
        "account_scores": accounts,
        "checklist": checklist(inputs["evidence"], pairs, dims["dim_account"], contacts, as_of, ruleset),
        "touchpoints": touchpoints(inputs["candidates"], groups, ruleset),
        "interactions_weekly": interactions_weekly(groups),
        "contact_colleagues": colleagues,
        "who_knows_whom": who_knows_whom(colleagues, contacts, ruleset),
        "discovered_contacts": found,
    }
    return {name: df if "as_of" in df.columns else df.withColumn("as_of", F.lit(as_of)) for name, df in tables.items()}


def discovered_list(inputs: dict, addresses: DataFrame, as_of, ruleset: dict) -> DataFrame:
    """Per discovered contact with a scored interaction in the window: the address to add to the CRM,
    the account its domain belongs to, how much it was used, and the colleague who knows it best."""
    only = {k: inputs[k].filter(is_discovered("contact_id")) for k in ("groups", "groups_before")}
    before = score_pairs(pair_aggregates(only["groups_before"]), ruleset)
    pairs = pair_scores(pair_aggregates(only["groups"]), before, as_of, ruleset)
    best = Window.partitionBy("contact_id").orderBy(F.desc("score"), "seller_id")
    per_contact = (
        pairs.withColumn("_rank", F.row_number().over(best))
        .groupBy("contact_id")
        .agg(
            F.first("account_id", ignorenulls=True).alias("account_id"),
            F.sum("interactions").alias("interactions"),
            F.count(F.lit(1)).cast("int").alias("sellers_connected"),
            F.max(F.when(F.col("_rank") == 1, F.col("seller_id"))).alias("best_seller_id"),
            F.max(F.when(F.col("_rank") == 1, F.col("score"))).alias("best_score"),
            F.min("first_interaction_at").alias("first_interaction_at"),
            F.max("last_interaction_at").alias("last_interaction_at"),
        )
    )
    emails = addresses.groupBy("contact_id").agg(F.min("email").alias("email"))
    out = per_contact.join(emails, "contact_id", "left").select(
        "contact_id",
        "email",
        "account_id",
        "interactions",
        "sellers_connected",
        "best_seller_id",
        "best_score",
        "first_interaction_at",
        "last_interaction_at",
    )
    return _rounded(out)


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


def contact_colleagues(pairs: DataFrame, sellers: DataFrame) -> DataFrame:
    """Per contact, every colleague with a scored pair, strongest first (ties: seller_id, so a rerun
    names the same people), with the pair's evidence: what `relmesh who-knows` prints, and what
    who_knows_whom keeps the first two of."""
    ranked = pairs.withColumn("rank", F.row_number().over(Window.partitionBy("contact_id").orderBy(F.desc("score"), "seller_id")))
    out = ranked.join(sellers.select("seller_id", F.col("full_name").alias("seller_name")), "seller_id", "left").select(
        "contact_id",
        F.col("rank").cast("int").alias("rank"),
        "seller_id",
        "seller_name",
        "account_id",
        "score",
        "emails_outbound",
        "emails_inbound",
        "meetings",
        "interactions",
        "last_interaction_at",
    )
    return _rounded(out)


def who_knows_whom(colleagues: DataFrame, contacts: DataFrame, ruleset: dict) -> DataFrame:
    """Per contact with a scored pair: the colleague with the strongest pair score and the runner-up,
    the first two of contact_colleagues."""
    per_contact = colleagues.groupBy("contact_id").agg(
        F.first("account_id", ignorenulls=True).alias("account_id"),
        F.count(F.lit(1)).cast("int").alias("sellers_connected"),
        F.max(F.when(F.col("rank") == 1, F.col("seller_id"))).alias("best_seller_id"),
        F.max(F.when(F.col("rank") == 1, F.col("score"))).alias("best_score"),
        F.max(F.when(F.col("rank") == 1, F.col("seller_name"))).alias("best_seller_name"),
        F.max(F.when(F.col("rank") == 2, F.col("seller_id"))).alias("runner_up_seller_id"),
        F.max(F.when(F.col("rank") == 2, F.col("score"))).alias("runner_up_score"),
        F.max(F.when(F.col("rank") == 2, F.col("seller_name"))).alias("runner_up_name"),
    )
    titled = per_contact.join(contacts.select("contact_id", "job_title"), "contact_id", "left")
    executive = title_matches(F.col("job_title"), ruleset["account"]["executive_titles"])
    out = titled.select(
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
    return _rounded(out)
