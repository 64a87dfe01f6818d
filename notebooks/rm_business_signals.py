# %% [markdown]
# # rm_business_signals — what ERP orders and service cases say about an account
# Included with `%run rm_business_signals` after `rm_common`. Pure functions of (DataFrames, as-of,
# ruleset). Signals mail and meetings miss: a customer whose orders dropped, an account with open
# escalations. They never change the connectivity score (that measures how well sellers know people);
# an open escalation makes the account need attention whatever its score, and the dashboards show both.
#
# Point in time as far as silver allows: an order counts in the period its order date falls in, a case
# is open at as_of when it was opened before it and not closed before it; silver holds each order's
# and case's newest version, so a later cancellation or resolution is known when scoring an earlier date.

# %%
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

# The columns account_scores gains (sql/gold-schema.json); null when the stack has no such source.
ORDER_SIGNALS = ("orders_in_period", "order_value_in_period", "order_value_previous_period", "order_trend", "last_order_at")
CASE_SIGNALS = ("open_cases", "open_escalations", "escalations_in_period")


def _period_bounds(as_of, days: int):
    """[start, as_of) is the period; [previous, start) the one before it."""
    return F.date_sub(F.lit(as_of), days), F.date_sub(F.lit(as_of), 2 * days)


def order_signals(orders: DataFrame, as_of, ruleset: dict) -> DataFrame:
    """Per account: orders and their value in the last period_days before as_of and in the period
    before it, the trend between the two, and the last order date. Cancelled orders do not count."""
    rules = ruleset["business_signals"]
    start, previous = _period_bounds(as_of, int(rules["period_days"]))
    placed = F.to_date("ordered_at")
    live = orders.filter((F.col("status").isNull() | (F.lower("status") != "cancelled")) & (placed < F.lit(as_of)))
    agg = live.groupBy("account_id").agg(
        F.sum(F.when(placed >= start, 1).otherwise(0)).cast("int").alias("orders_in_period"),
        F.sum(F.when(placed >= start, F.col("amount")).otherwise(0.0)).alias("order_value_in_period"),
        F.sum(F.when((placed >= previous) & (placed < start), F.col("amount")).otherwise(0.0)).alias("order_value_previous_period"),
        F.max("ordered_at").alias("last_order_at"),
    )
    change = float(rules["order_change_share"])
    now, before = F.col("order_value_in_period"), F.col("order_value_previous_period")
    trend = (
        F.when((now == 0) & (before == 0), "none")
        .when(now <= before * (1 - change), "down")
        .when(now >= before * (1 + change), "up")
        .otherwise("steady")
    )
    return agg.withColumn("order_trend", trend).select("account_id", *ORDER_SIGNALS)


def case_signals(cases: DataFrame, as_of, ruleset: dict) -> DataFrame:
    """Per account: cases open at as_of (opened before it, not closed before it), the escalated ones
    among them, and the escalations opened in the last period_days."""
    start, _ = _period_bounds(as_of, int(ruleset["business_signals"]["period_days"]))
    opened = F.to_date("opened_at")
    is_open = (opened < F.lit(as_of)) & (F.col("closed_at").isNull() | (F.to_date("closed_at") >= F.lit(as_of)))
    escalated = F.coalesce(F.col("escalated"), F.lit(False))
    return cases.groupBy("account_id").agg(
        F.sum(is_open.cast("int")).cast("int").alias("open_cases"),
        F.sum((is_open & escalated).cast("int")).cast("int").alias("open_escalations"),
        F.sum(((opened >= start) & (opened < F.lit(as_of)) & escalated).cast("int")).cast("int").alias("escalations_in_period"),
    )


def with_business_signals(accounts: DataFrame, orders: "DataFrame | None", cases: "DataFrame | None", as_of, ruleset: dict) -> DataFrame:
    """account_scores with the signals: zeros (and trend 'none') for an account with no orders or cases,
    null throughout when the stack has no such source, so "no ERP" never reads as "no orders". An account
    with at least needs_attention_open_escalations open escalations needs attention."""
    out = accounts
    if orders is not None:
        zero = {"orders_in_period": 0, "order_value_in_period": 0.0, "order_value_previous_period": 0.0, "order_trend": "none"}
        out = out.join(order_signals(orders, as_of, ruleset), "account_id", "left").fillna(zero)
    else:
        out = out.select(
            "*", *[F.lit(None).cast(t).alias(c) for c, t in zip(ORDER_SIGNALS, ("int", "double", "double", "string", "timestamp"))]
        )
    if cases is not None:
        out = out.join(case_signals(cases, as_of, ruleset), "account_id", "left").fillna(0, subset=list(CASE_SIGNALS))
    else:
        out = out.select("*", *[F.lit(None).cast("int").alias(c) for c in CASE_SIGNALS])
    threshold = int(ruleset["business_signals"]["needs_attention_open_escalations"])
    escalated = F.coalesce(F.col("open_escalations"), F.lit(0)) >= threshold
    status = F.when((F.col("status") == "good_standing") & escalated, F.lit("needs_attention")).otherwise(F.col("status"))
    return out.withColumn("status", status)
