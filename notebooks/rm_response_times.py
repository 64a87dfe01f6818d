# %% [markdown]
# # rm_response_times — how fast a contact answers a seller, and a seller a contact
# Included with `%run rm_response_times` after `rm_common`. Pure functions of (DataFrames, as_of, ruleset).
#
# The reply rule. Within one conversation (MGDC's conversationId), seller and contact, the pair's mail is
# ordered by time (ties by interaction_id); consecutive mails in one direction are a run. The first mail
# of every run after the first is a reply to the run before it, timed from that run's FIRST mail: a nudge
# does not reset the clock. An inbound run answering an outbound one is a contact reply, the reverse a
# seller reply. A delay over response_times.max_reply_days is a new topic on an old thread, not a reply.
# Mail without a conversation takes no part.
#
# Windows. A reply counts in a scoring window [as_of − history_days, as_of) when it and the first mail of
# the run it answers are both inside: only mail in the window counts, and a run that began before the
# window is not cut short by it (its nudges inside would otherwise pass for the mail answered).
# Threading needs the mail before the window too, so the replies are found once per run over the pair's
# mail before as_of, and each window (the scores now, and one trend period earlier, which the reply factor
# also moves) filters them: one computation feeds pair_scores, account_scores and the trend.
#
# Why 03_score reads silver rather than the scoring state (rm_score_state): thread order crosses days, so
# per-day state would have to keep every mail's conversation, time and direction, which is silver's own
# narrow email columns again, kept twice. Reading them from silver (Delta is columnar: five narrow columns
# of the email rows, no subject) costs a scan of those columns each run; the state's day groups are not
# touched, so the state and its digests are unchanged. Measured with `npm run bench --data` on the
# 20,000-message sample (2026-12-03, a busy 2-core machine, before → after): the one-new-day score stage
# 248 → 260 Spark jobs and 17.3 → 20.9 s of task time; not measured on the 1M-message tenant.

# %%
import datetime as _dt

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

_THREAD = ("conversation_id", "seller_id", "contact_id")
REPLY_COLUMNS = ("contact_reply_hours_median", "seller_reply_hours_median", "contact_replies", "seller_replies")


def thread_mail(interactions: DataFrame, contacts: DataFrame, as_of: _dt.date) -> DataFrame:
    """The email rows that can thread (a conversation id), before as_of, without opted-out contacts
    (they never score): the narrow columns the reply rule reads."""
    opted_out = contacts.filter(F.col("opted_out")).select("contact_id")
    until = F.lit(_dt.datetime(as_of.year, as_of.month, as_of.day)).cast("timestamp")
    return (
        interactions.filter((F.col("source") == "email") & F.col("conversation_id").isNotNull() & (F.col("occurred_at") < until))
        .select("interaction_id", *_THREAD, "account_id", "direction", "occurred_at")
        .join(F.broadcast(opted_out), "contact_id", "left_anti")
    )


def reply_delays(mail: DataFrame, ruleset: dict) -> DataFrame:
    """thread_mail rows → one row per reply: seller_id, contact_id, account_id, kind (contact | seller),
    answered_at (the first mail of the run answered), replied_at and hours between them."""
    max_hours = float(ruleset["response_times"]["max_reply_days"]) * 24.0
    order = Window.partitionBy(*_THREAD).orderBy("occurred_at", "interaction_id")
    previous = F.lag("direction").over(order)
    starts = mail.withColumn("_starts", previous.isNull() | (previous != F.col("direction")))
    runs = starts.withColumn("_run", F.sum(F.col("_starts").cast("int")).over(order))
    first = runs.withColumn("_run_first_at", F.min("occurred_at").over(Window.partitionBy(*_THREAD, "_run")))
    # On a run's first mail, the row before it is the last of the run answered, which carries that run's first time.
    answered = first.withColumn("answered_at", F.lag("_run_first_at").over(order))
    replies = answered.filter(F.col("_starts") & F.col("answered_at").isNotNull()).select(
        "seller_id",
        "contact_id",
        "account_id",
        F.when(F.col("direction") == "inbound", "contact").otherwise("seller").alias("kind"),
        "answered_at",
        F.col("occurred_at").alias("replied_at"),
        ((F.col("occurred_at").cast("long") - F.col("answered_at").cast("long")) / 3600.0).alias("hours"),
    )
    return replies.filter(F.col("hours") <= max_hours)


def in_window(replies: DataFrame, as_of: _dt.date, ruleset: dict) -> DataFrame:
    """The replies of the scoring window before as_of: the reply and the mail it answers both inside."""
    start = as_of - _dt.timedelta(days=int(ruleset["history_days"]))
    at = lambda d: F.lit(_dt.datetime(d.year, d.month, d.day)).cast("timestamp")  # noqa: E731
    return replies.filter((F.col("answered_at") >= at(start)) & (F.col("replied_at") < at(as_of)))


def reply_stats(replies: DataFrame, keys: list) -> DataFrame:
    """Per key: the median hours of contact and of seller replies (exact medians over every reply, so an
    account's is over all its replies, not a median of its pairs' medians) and how many there were."""
    contact, seller = F.col("kind") == "contact", F.col("kind") == "seller"
    return replies.groupBy(*keys).agg(
        F.median(F.when(contact, F.col("hours"))).alias("contact_reply_hours_median"),
        F.median(F.when(seller, F.col("hours"))).alias("seller_reply_hours_median"),
        F.count(F.when(contact, 1)).alias("contact_replies"),
        F.count(F.when(seller, 1)).alias("seller_replies"),
    )


def with_replies(table: DataFrame, stats: DataFrame, keys: list) -> DataFrame:
    """`table` with the four reply columns of its keys: null medians and 0 replies where there were none."""
    joined = table.join(stats, keys, "left")
    counts = {c: F.coalesce(F.col(c), F.lit(0).cast("long")) for c in ("contact_replies", "seller_replies")}
    return joined.withColumns(counts)


def with_reply_factor(aggregates: DataFrame, stats: DataFrame, ruleset: dict) -> DataFrame:
    """Pair aggregates with their reply columns and `reply_factor`, which rm_scoring.score_pairs multiplies
    the raw score by: fast_reply_factor when the contact's median reply is at most fast_reply_hours, else 1."""
    rt = ruleset["response_times"]
    fast = F.col("contact_reply_hours_median") <= float(rt["fast_reply_hours"])
    factor = F.when(fast, F.lit(float(rt["fast_reply_factor"]))).otherwise(F.lit(1.0))
    return with_replies(aggregates, stats, ["seller_id", "contact_id"]).withColumn("reply_factor", factor)


def replies_by_window(mail: DataFrame, as_of: _dt.date, ruleset: dict) -> dict:
    """The replies found once, per use: `pairs` and `accounts` stats at as_of, `pairs_before` one trend
    period earlier (the reply factor of the scores the trend compares with)."""
    replies = reply_delays(mail, ruleset).persist()
    now = in_window(replies, as_of, ruleset)
    previous_as_of = as_of - _dt.timedelta(days=int(ruleset["trend"]["period_days"]))
    return {
        "replies": replies,
        "pairs": reply_stats(now, ["seller_id", "contact_id"]),
        "pairs_before": reply_stats(in_window(replies, previous_as_of, ruleset), ["seller_id", "contact_id"]),
        "accounts": reply_stats(now.filter(F.col("account_id").isNotNull()), ["account_id"]),
    }
