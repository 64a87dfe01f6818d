# %% [markdown]
# # rm_score_state — incremental scoring: silver interactions kept as day groups
# Included with `%run rm_score_state` after `rm_common`, `rm_scoring` and `rm_serving`.
#
# Recency decay is exponential, so a day's contributions at any as-of date are the day's decayed sum
# at the end of that day times 0.5^(days since then / half-life): a day group is as-of-independent.
# The state keeps, per day, seller × contact × account × source × direction groups (counts, that
# decayed sum, first and last time) and each account-day's top N touchpoint candidates. Scoring reads
# the state's days inside the window; a day is rebuilt from silver only when its rows changed (a new
# day, late-arriving or corrected rows), found by comparing per-day digests of silver's row hashes.
# Rows leaving the history window simply fall outside the days scored. A changed ruleset or set of
# opted-out contacts rebuilds the whole state. `gold_inputs_from_silver` (rm_scoring) is the full
# recompute this must equal.

# %%
import datetime as _dt
import hashlib as _hashlib
import json as _json

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T
from pyspark.sql.window import Window

# Silver columns a touchpoint candidate does not keep: the subject (never, whatever keepSubjects says),
# the conversation (reply times read it from silver, rm_response_times) and bookkeeping. Everything else
# is what touchpoints() shows.
_NOT_CANDIDATE_COLUMNS = ("subject", "conversation_id", "source_key", "window_date", "load_id", "row_hash")


def state_schemas(silver: T.StructType) -> dict:
    """The state tables' schemas. Silver's own fields (types and nullability) are kept: a Delta table
    written from a DataFrame makes every column nullable, while one created from these first keeps
    silver's NOT NULL keys, which the gold contract carries on."""
    fields = {f.name: f for f in silver.fields}
    day = T.StructField("day", T.DateType(), False)
    digest = T.StructField("day_digest", T.StringType(), False)
    return {
        "touch_candidates": T.StructType([day, *[f for f in silver.fields if f.name not in _NOT_CANDIDATE_COLUMNS], digest]),
        "score_days": T.StructType(
            [
                day,
                *[fields[c] for c in ("seller_id", "contact_id", "account_id", "source", "direction")],
                T.StructField("interactions", T.LongType(), False),
                T.StructField("weight_at_day_end", T.DoubleType(), False),
                T.StructField("first_at", T.TimestampType(), False),
                T.StructField("last_at", T.TimestampType(), False),
                digest,
            ]
        ),
    }


def _day(occurred_at: F.Column) -> F.Column:
    return F.to_date(occurred_at)


def _decay_to_day_end(occurred_at: F.Column, half_life: float) -> F.Column:
    """0.5^(time from the interaction to the end of its UTC day, in half-lives)."""
    day_end = F.date_add(_day(occurred_at), 1).cast("timestamp").cast("long")
    return F.pow(F.lit(0.5), (day_end - occurred_at.cast("long")) / 86400.0 / half_life)


def state_key(ruleset: dict, contacts: DataFrame) -> dict:
    """What the state was built for: the whole ruleset (any change rebuilds, so no rule can be missed)
    and the opted-out contacts (excluded from the touchpoint candidates)."""
    opted_out = sorted(r[0] for r in contacts.filter(F.col("opted_out")).select("contact_id").collect())
    digest = lambda value: _hashlib.sha256(_json.dumps(value, sort_keys=True).encode()).hexdigest()  # noqa: E731
    return {"ruleset": digest(ruleset), "opted_out": digest(opted_out)}


def silver_day_digests(interactions: DataFrame) -> DataFrame:
    """day → digest of silver's rows that occurred on it (row hashes cover every business column, so
    a new, changed or deleted row changes its day's digest)."""
    sums = interactions.groupBy(_day(F.col("occurred_at")).alias("day")).agg(*digest_aggregates(F.col("row_hash")))
    return sums.select("day", F.concat_ws("|", "_n", "_a", "_b").alias("day_digest"))


def day_groups(interactions: DataFrame, ruleset: dict) -> DataFrame:
    """Silver rows → one row per day × seller × contact × account × source × direction, with the
    decayed weight at the end of the day. Opted-out contacts stay: the checklist counts them."""
    half_life = float(ruleset["recency"]["half_life_days"])
    keys = ["day", "seller_id", "contact_id", "account_id", "source", "direction"]
    return (
        interactions.withColumn("day", _day(F.col("occurred_at")))
        .groupBy(*keys)
        .agg(
            F.count(F.lit(1)).alias("interactions"),
            F.sum(F.col("weight") * _decay_to_day_end(F.col("occurred_at"), half_life)).alias("weight_at_day_end"),
            F.min("occurred_at").alias("first_at"),
            F.max("occurred_at").alias("last_at"),
        )
    )


def day_candidates(interactions: DataFrame, contacts: DataFrame, ruleset: dict) -> DataFrame:
    """Each account-day's top N interactions by contribution. Decay scales a day's rows alike, so their
    order never changes with the as-of date, and an account's top N over any window of whole days is
    among its days' top Ns."""
    n = int(ruleset["touchpoints_per_account"])
    half_life = float(ruleset["recency"]["half_life_days"])
    opted_out = contacts.filter(F.col("opted_out")).select("contact_id")
    rows = (
        interactions.filter(F.col("account_id").isNotNull())
        .join(F.broadcast(opted_out), "contact_id", "left_anti")
        .withColumn("day", _day(F.col("occurred_at")))
        .withColumn("_at_day_end", F.col("weight") * _decay_to_day_end(F.col("occurred_at"), half_life))
    )
    order = Window.partitionBy("account_id", "day").orderBy(F.desc("_at_day_end"), "interaction_id")
    return (
        rows.withColumn("_rank", F.row_number().over(order))
        .filter(F.col("_rank") <= n)
        .drop("_rank", "_at_day_end", *_NOT_CANDIDATE_COLUMNS)
    )


def why_rebuild(stored: list, key: dict) -> str:
    """The reason the whole state must be rebuilt, or None: `stored` is what each state table's last
    write recorded (the key it was built for and the day digests it holds)."""
    if not all(s.get("key") for s in stored):
        return "no state yet"
    if any(s["key"].get("ruleset") != key["ruleset"] for s in stored):
        return "the ruleset changed"
    if any(s["key"].get("opted_out") != key["opted_out"] for s in stored):
        return "the opted-out contacts changed"
    if any(s.get("days") != stored[0].get("days") for s in stored):
        return "the last refresh was interrupted"
    return None


def refresh_state(spark: SparkSession, state_root: str, interactions: DataFrame, contacts: DataFrame, ruleset: dict) -> dict:
    """Brings the state up to silver: rebuilds it whole when there is none or it was built for another
    ruleset or opt-out set; otherwise rebuilds only the days whose silver digest differs. Both tables
    record the key and the digests they hold, so an interrupted refresh is found and rebuilt."""
    schemas = state_schemas(interactions.schema)
    paths = {name: table_path(state_root, name) for name in schemas}
    key = state_key(ruleset, contacts)
    silver_days = {r["day"]: r["day_digest"] for r in silver_day_digests(interactions).collect()}
    stored = [last_snapshot(spark, p) for p in paths.values()]
    reason = why_rebuild(stored, key)
    held = {} if reason else {_dt.date.fromisoformat(d): v for d, v in stored[0]["days"].items()}
    changed = sorted(d for d in set(silver_days) | set(held) if silver_days.get(d) != held.get(d))
    if not changed and not reason:
        return {"refresh": "unchanged", "days": len(silver_days), "days_rebuilt": 0}
    meta = {"key": key, "days": {d.isoformat(): v for d, v in sorted(silver_days.items())}}
    digests = spark.createDataFrame([(d, v) for d, v in silver_days.items()], "day date, day_digest string")
    options = {"userMetadata": _json.dumps({"relmesh_snapshot": meta})}
    if reason:
        source = interactions
    else:
        # Whole days are replaced: rows of a day that silver no longer has go with it.
        source = interactions.filter(_day(F.col("occurred_at")).isin(changed))
        options["replaceWhere"] = " OR ".join(f"day = DATE'{d.isoformat()}'" for d in changed)
    # Both tables are built from the same rows: read and filter silver once.
    source = source.persist()
    for name, rows in (("touch_candidates", day_candidates(source, contacts, ruleset)), ("score_days", day_groups(source, ruleset))):
        ensure_table(spark, paths[name], schemas[name])
        columns = [F.col(f.name) for f in schemas[name].fields]
        writer = rows.join(F.broadcast(digests), "day", "left").select(*columns).write.format("delta").mode("overwrite")
        for option, value in options.items():
            writer = writer.option(option, value)
        writer.save(paths[name])
    source.unpersist()
    return {"refresh": "rebuilt" if reason else "updated", "reason": reason, "days": len(silver_days), "days_rebuilt": len(changed)}


def gold_inputs_from_state(
    spark: SparkSession, state_root: str, interactions: DataFrame, contacts: DataFrame, as_of: _dt.date, ruleset: dict
) -> dict:
    """The scoring inputs of rm_scoring.gold_inputs_from_silver, from the state: the day groups inside
    each window decayed to its as-of date, and the touchpoint candidates inside the window; the mail
    reply times thread is read from silver `interactions` (rm_response_times says why)."""
    days = spark.read.format("delta").load(table_path(state_root, "score_days"))
    candidates = spark.read.format("delta").load(table_path(state_root, "touch_candidates"))
    previous_as_of = as_of - _dt.timedelta(days=int(ruleset["trend"]["period_days"]))
    return {
        "groups": groups_at(days, contacts, as_of, ruleset),
        "groups_before": groups_at(days, contacts, previous_as_of, ruleset),
        "evidence": days.drop("weight_at_day_end", "day_digest"),
        "candidates": contributions(candidates, contacts, as_of, ruleset),
        "mail": thread_mail(interactions, contacts, as_of),
    }


def groups_at(days: DataFrame, contacts: DataFrame, as_of: _dt.date, ruleset: dict) -> DataFrame:
    """The day groups of the history window before as_of, with their contribution at as_of."""
    start = as_of - _dt.timedelta(days=int(ruleset["history_days"]))
    half_life = float(ruleset["recency"]["half_life_days"])
    opted_out = contacts.filter(F.col("opted_out")).select("contact_id")
    days_after = F.datediff(F.lit(as_of), F.date_add(F.col("day"), 1))
    return (
        days.filter((F.col("day") >= F.lit(start)) & (F.col("day") < F.lit(as_of)))
        .join(F.broadcast(opted_out), "contact_id", "left_anti")
        .withColumn("contribution", F.col("weight_at_day_end") * F.pow(F.lit(0.5), days_after / half_life))
        .drop("weight_at_day_end", "day_digest")
    )
