# %% [markdown]
# # rm_scoring — the ruleset applied to silver interactions → gold scores
# Included with `%run rm_scoring` after `rm_common`. Pure functions of (DataFrames, as_of, ruleset).
# Nothing reads the clock: the as-of date is a parameter, so a rerun reproduces the same scores.

# %%
import datetime as _dt
import re as _re

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.window import Window

_DIGITS = 6


def _as_of_ts(as_of: _dt.date) -> F.Column:
    return F.lit(_dt.datetime(as_of.year, as_of.month, as_of.day)).cast("timestamp")


def normalise_phrase(text: str) -> str:
    return " ".join(_re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def title_matches(title, phrases: list) -> F.Column:
    """Whole-word match of normalised title phrases ("VP, Sales" matches "vp")."""
    norm = F.concat(F.lit(" "), F.trim(F.regexp_replace(F.lower(F.coalesce(title, F.lit(""))), r"[^a-z0-9]+", " ")), F.lit(" "))
    tests = [F.instr(norm, f" {normalise_phrase(p)} ") > 0 for p in phrases if normalise_phrase(p)]
    result = F.lit(False)
    for t in tests:
        result = result | t
    return result


def contributions(interactions: DataFrame, contacts: DataFrame, as_of: _dt.date, ruleset: dict) -> DataFrame:
    """Interactions in [as_of - history_days, as_of) with contribution = weight * 0.5^(age_days / half_life).
    Contacts flagged opted-out in CRM are dropped here too, whatever was ingested before they opted out."""
    start = as_of - _dt.timedelta(days=int(ruleset["history_days"]))
    age_days = (_as_of_ts(as_of).cast("long") - F.col("occurred_at").cast("long")) / 86400.0
    opted_out = contacts.filter(F.col("opted_out")).select("contact_id")
    kept = interactions.filter((F.col("occurred_at") >= _as_of_ts(start)) & (F.col("occurred_at") < _as_of_ts(as_of))).join(
        F.broadcast(opted_out), "contact_id", "left_anti"
    )
    half_life = float(ruleset["recency"]["half_life_days"])
    return kept.withColumn("age_days", age_days).withColumn(
        "contribution", F.col("weight") * F.pow(F.lit(0.5), F.col("age_days") / half_life)
    )


def as_groups(rows: DataFrame) -> DataFrame:
    """Interactions (or their contributions) as one-interaction groups: the grain every aggregation
    below takes. The scoring state's day groups (rm_score_state) are the other grain, so the full
    recompute from silver and the incremental path share every aggregation after this point."""
    extra = [c for c in ("contribution",) if c in rows.columns]
    return rows.select(
        "seller_id",
        "contact_id",
        "account_id",
        "source",
        "direction",
        F.lit(1).cast("long").alias("interactions"),
        F.col("occurred_at").alias("first_at"),
        F.col("occurred_at").alias("last_at"),
        *extra,
    )


def pair_aggregates(groups: DataFrame) -> DataFrame:
    """seller × contact sums over contribution groups: what a pair's score is a function of."""
    n = F.col("interactions")
    email = F.col("source") == "email"
    return groups.groupBy("seller_id", "contact_id").agg(
        F.min("account_id").alias("account_id"),
        F.sum("contribution").alias("decayed_weight"),
        F.sum(F.when(email & (F.col("direction") == "outbound"), n).otherwise(0)).alias("emails_outbound"),
        F.sum(F.when(email & (F.col("direction") == "inbound"), n).otherwise(0)).alias("emails_inbound"),
        F.sum(F.when(F.col("source") == "meeting", n).otherwise(0)).alias("meetings"),
        F.coalesce(F.sum(n), F.lit(0)).alias("interactions"),  # a sum is nullable; the contract's count is not
        F.min("first_at").alias("first_interaction_at"),
        F.max("last_at").alias("last_interaction_at"),
    )


def score_pairs(aggregates: DataFrame, ruleset: dict) -> DataFrame:
    """Pair aggregates → reciprocity-adjusted raw score and its saturating 0-100 map; aggregates with a
    `reply_factor` (rm_response_times.with_reply_factor) have the raw score multiplied by it too."""
    rec = ruleset["reciprocity"]
    # A meeting is a touch in both directions.
    two_way = F.least(F.col("emails_outbound") + F.col("meetings"), F.col("emails_inbound") + F.col("meetings"))
    factor = F.lit(float(rec["one_way_factor"])) + F.lit(1.0 - float(rec["one_way_factor"])) * F.least(
        F.lit(1.0), two_way / float(rec["balanced_at"])
    )
    raw = F.col("decayed_weight") * F.col("reciprocity_factor")
    raw = raw * F.col("reply_factor") if "reply_factor" in aggregates.columns else raw
    return (
        aggregates.withColumn("reciprocity_factor", factor)
        .withColumn("raw_score", raw)
        .withColumn("score", F.lit(100.0) * (F.lit(1.0) - F.exp(-F.col("raw_score") / float(ruleset["score_scale"]))))
        .drop("reply_factor")
    )


def gold_inputs_from_silver(interactions: DataFrame, contacts: DataFrame, as_of: _dt.date, ruleset: dict) -> dict:
    """The full recompute, from every silver interaction: the reference the incremental path
    (rm_score_state.gold_inputs_from_state) must equal. `groups` are the contributions at as_of,
    `groups_before` one trend period earlier, `evidence` every interaction (the checklist counts
    opted-out contacts' meetings too), `candidates` the rows touchpoints rank, `mail` the email rows
    reply times thread (rm_response_times)."""
    previous_as_of = as_of - _dt.timedelta(days=int(ruleset["trend"]["period_days"]))
    contrib = contributions(interactions, contacts, as_of, ruleset)
    return {
        "groups": as_groups(contrib),
        "groups_before": as_groups(contributions(interactions, contacts, previous_as_of, ruleset)),
        "evidence": as_groups(interactions),
        "candidates": contrib,
        "mail": thread_mail(interactions, contacts, as_of),
    }


def pair_scores(aggregates: DataFrame, pairs_before: DataFrame, as_of: _dt.date, ruleset: dict) -> DataFrame:
    """Pair scores at as_of (from their aggregates) with the trend against the scores one period earlier."""
    now = score_pairs(aggregates, ruleset)
    before = pairs_before.select("seller_id", "contact_id", F.col("score").alias("previous_score"))
    out = (
        now.join(before, ["seller_id", "contact_id"], "left")
        .withColumn("previous_score", F.coalesce("previous_score", F.lit(0.0)))
        .withColumn("trend", F.col("score") - F.col("previous_score"))
    )
    return _rounded(out).withColumn("as_of", F.lit(as_of))


def last_touch(groups: DataFrame) -> DataFrame:
    """account → the latest interaction, email and meeting inside the history window."""
    return groups.groupBy("account_id").agg(
        F.max("last_at").alias("last_interaction_at"),
        F.max(F.when(F.col("source") == "email", F.col("last_at"))).alias("last_email_at"),
        F.max(F.when(F.col("source") == "meeting", F.col("last_at"))).alias("last_meeting_at"),
    )


def _contact_scores(pairs: DataFrame, contacts: DataFrame, ruleset: dict) -> DataFrame:
    acct = ruleset["account"]
    best = pairs.groupBy("account_id", "contact_id").agg(F.max("score").alias("contact_score"))
    titled = best.join(contacts.select("contact_id", "job_title"), "contact_id", "left")
    return titled.withColumn("is_executive", title_matches(F.col("job_title"), acct["executive_titles"])).withColumn(
        "engaged", F.col("contact_score") >= float(acct["engaged_min_score"])
    )


def connectivity(pairs: DataFrame, contacts: DataFrame, ruleset: dict) -> DataFrame:
    """account → depth, breadth, executive coverage, sellers, and the connectivity score."""
    acct = ruleset["account"]
    w = acct["weights"]
    n = int(acct["depth_top_n"])
    cs = _contact_scores(pairs, contacts, ruleset)
    ranked = cs.withColumn("_rank", F.row_number().over(Window.partitionBy("account_id").orderBy(F.desc("contact_score"), "contact_id")))
    per_account = ranked.groupBy("account_id").agg(
        (F.sum(F.when(F.col("_rank") <= n, F.col("contact_score")).otherwise(0.0)) / float(n)).alias("depth"),
        F.sum(F.col("engaged").cast("int")).alias("engaged_contacts"),
        F.count(F.lit(1)).alias("connected_contacts"),
        F.max((F.col("engaged") & F.col("is_executive")).cast("int")).cast("boolean").alias("exec_coverage"),
    )
    sellers = pairs.groupBy("account_id").agg(F.countDistinct("seller_id").alias("connected_sellers"))
    out = per_account.join(sellers, "account_id", "left")
    breadth = F.lit(100.0) * F.least(F.lit(1.0), F.col("engaged_contacts") / float(acct["breadth_target"]))
    single = F.col("connected_sellers") == 1
    base = (
        F.col("depth") * float(w["depth"])
        + F.col("breadth") * float(w["breadth"])
        + F.when(F.col("exec_coverage"), 100.0).otherwise(0.0) * float(w["executive"])
    )
    return (
        out.withColumn("breadth", breadth)
        .withColumn("single_threaded", single)
        .withColumn(
            "connectivity_score", F.least(F.lit(100.0), base * F.when(single, float(acct["single_threaded_factor"])).otherwise(1.0))
        )
    )


def account_scores(
    pairs_now: DataFrame,
    pairs_before: DataFrame,
    last: DataFrame,
    accounts: DataFrame,
    contacts: DataFrame,
    opportunities: "DataFrame | None",
    sellers: DataFrame,
    as_of: _dt.date,
    ruleset: dict,
) -> DataFrame:
    """Every CRM account, touched or not: score, status, priority, trend, and the attributes the
    dashboards filter by (industry, sector, owner, transaction size) and show (email and meeting gaps).
    `opportunities` is None when the CRM has no opportunities export: open_pipeline is then null (not
    a zero that reads as "no open deals"), transaction_size is NO_OPPORTUNITIES_EXPORT, and high
    priority comes from the tier alone."""
    st = ruleset["status"]
    hp = ruleset["high_priority"]
    now = connectivity(pairs_now, contacts, ruleset)
    before = connectivity(pairs_before, contacts, ruleset).select("account_id", F.col("connectivity_score").alias("previous_score"))
    exported = opportunities is not None
    pipeline = (
        opportunities.filter(F.col("status") == "open").groupBy("account_id").agg(F.sum("amount").alias("open_pipeline"))
        if exported
        else accounts.select("account_id", F.lit(None).cast("double").alias("open_pipeline")).limit(0)
    )
    cadences = F.create_map(*[F.lit(x) for k, v in st["cadence_days"].items() for x in (int(k), int(v))])
    owners = sellers.select(F.col("seller_id").alias("owner_seller_id"), F.col("full_name").alias("owner_name"))
    a = (
        accounts.select("account_id", "name", "tier", "industry", "sector", "owner_seller_id")
        .join(owners, "owner_seller_id", "left")
        .join(now, "account_id", "left")
        .join(before, "account_id", "left")
        .join(last, "account_id", "left")
        .join(pipeline, "account_id", "left")
    )
    days_since = F.datediff(F.lit(as_of), F.to_date("last_interaction_at"))
    cadence = F.coalesce(F.element_at(cadences, F.col("tier")), F.lit(int(st["default_cadence_days"])))
    score = F.coalesce(F.col("connectivity_score"), F.lit(0.0))
    status = (
        F.when(F.col("last_interaction_at").isNull(), "no_coverage")
        .when((days_since > cadence) | (score < float(st["needs_attention_below"])), "needs_attention")
        .otherwise("good_standing")
    )
    by_pipeline = F.coalesce(F.col("open_pipeline"), F.lit(0.0)) >= float(hp["open_pipeline_at_least"]) if exported else F.lit(False)
    priority = (F.col("tier").isin(*hp["tiers"]) if hp["tiers"] else F.lit(False)) | by_pipeline
    open_pipeline = F.coalesce("open_pipeline", F.lit(0.0)) if exported else F.lit(None).cast("double")
    out = a.select(
        "account_id",
        "name",
        "tier",
        score.alias("connectivity_score"),
        status.alias("status"),
        days_since.alias("days_since_last_interaction"),
        "last_interaction_at",
        "last_email_at",
        "last_meeting_at",
        cadence.alias("cadence_days"),
        F.coalesce("connected_contacts", F.lit(0)).cast("int").alias("connected_contacts"),
        F.coalesce("engaged_contacts", F.lit(0)).cast("int").alias("engaged_contacts"),
        F.coalesce("connected_sellers", F.lit(0)).cast("int").alias("connected_sellers"),
        F.coalesce("exec_coverage", F.lit(False)).alias("exec_coverage"),
        F.coalesce("single_threaded", F.lit(False)).alias("single_threaded"),
        F.coalesce("depth", F.lit(0.0)).alias("depth"),
        F.coalesce("breadth", F.lit(0.0)).alias("breadth"),
        open_pipeline.alias("open_pipeline"),
        F.coalesce(priority, F.lit(False)).alias("is_high_priority"),
        (score - F.coalesce("previous_score", F.lit(0.0))).alias("trend"),
        "industry",
        "sector",
        "owner_seller_id",
        "owner_name",
        *(transaction_size(open_pipeline, ruleset["transaction_size"]) if exported else no_export_size(ruleset["transaction_size"])),
        F.datediff(F.lit(as_of), F.to_date("last_email_at")).alias("email_gap_days"),
        F.datediff(F.lit(as_of), F.to_date("last_meeting_at")).alias("meeting_gap_days"),
    )
    return _rounded(out).withColumn("as_of", F.lit(as_of))


# The transaction size of every account when the CRM has no opportunities export: a fact about the
# input, not a band, so it is not a ruleset label; it sorts after the ruleset's no-pipeline label.
NO_OPPORTUNITIES_EXPORT = "No opportunities export"


def no_export_size(bands: dict) -> list:
    return [F.lit(NO_OPPORTUNITIES_EXPORT).alias("transaction_size"), F.lit(len(bands["bands"]) + 2).alias("transaction_size_order")]


def transaction_size(open_pipeline: F.Column, bands: dict) -> list:
    """The band label of an open-pipeline amount and its sort order (1 = the largest band; the
    no-pipeline label last). Bands are validated largest first (config/ruleset.ts)."""
    label = F.lit(bands["no_pipeline_label"])
    order = F.lit(len(bands["bands"]) + 1)
    # Built from the smallest band up, so the largest band that the amount reaches wins.
    for i, band in reversed(list(enumerate(bands["bands"], start=1))):
        reached = (open_pipeline > 0) & (open_pipeline >= float(band["at_least"]))
        label = F.when(reached, F.lit(band["label"])).otherwise(label)
        order = F.when(reached, F.lit(i)).otherwise(order)
    return [label.alias("transaction_size"), order.cast("int").alias("transaction_size_order")]


def checklist(
    evidence: DataFrame, pairs_now: DataFrame, accounts: DataFrame, contacts: DataFrame, as_of: _dt.date, ruleset: dict
) -> DataFrame:
    """account × checklist item: satisfied, and the time of the latest interaction that satisfies it.
    `evidence` is interaction groups of any grain (as_groups, or the state's days): windows are whole
    days, so a group is inside one exactly when its last interaction is."""
    titled = evidence.join(contacts.select("contact_id", "job_title"), "contact_id", "left")
    sellers = pairs_now.groupBy("account_id").agg(
        F.countDistinct("seller_id").alias("_sellers"), F.max("last_interaction_at").alias("_last")
    )
    engaged = _contact_scores(pairs_now, contacts, ruleset).filter("engaged").select("account_id", "contact_id")
    parts = []
    for item in ruleset["checklist"]:
        kind = item["kind"]
        recent = None
        if "within_days" in item:
            since = as_of - _dt.timedelta(days=int(item["within_days"]))
            recent = titled.filter((F.col("last_at") >= _as_of_ts(since)) & (F.col("last_at") < _as_of_ts(as_of)))
        if kind == "meeting_with_title":
            ev = (
                recent.filter((F.col("source") == "meeting") & title_matches(F.col("job_title"), item["titles"]))
                .groupBy("account_id")
                .agg(F.max("last_at").alias("evidence_at"), F.lit(True).alias("satisfied"))
            )
        elif kind == "two_way_email":
            ev = (
                recent.filter(F.col("source") == "email")
                .groupBy("account_id")
                .agg(
                    F.max("last_at").alias("evidence_at"),
                    (
                        (F.max((F.col("direction") == "outbound").cast("int")) == 1)
                        & (F.max((F.col("direction") == "inbound").cast("int")) == 1)
                    ).alias("satisfied"),
                )
            )
        elif kind == "engaged_contacts":
            # Engaged as the account score defines it (best pair score ≥ engaged_min_score), and touched
            # in the period: counting every contact touched let the item hold with engaged_contacts 0.
            ev = (
                recent.join(engaged, ["account_id", "contact_id"])
                .groupBy("account_id")
                .agg(F.max("last_at").alias("evidence_at"), (F.countDistinct("contact_id") >= int(item["min_contacts"])).alias("satisfied"))
            )
        else:  # multi_threaded
            ev = sellers.select(
                "account_id", F.col("_last").alias("evidence_at"), (F.col("_sellers") >= int(item["min_sellers"])).alias("satisfied")
            )
        rows = (
            accounts.select("account_id")
            .join(ev, "account_id", "left")
            .select(
                "account_id",
                F.lit(item["id"]).alias("item"),
                F.lit(item["description"]).alias("description"),
                F.coalesce("satisfied", F.lit(False)).alias("satisfied"),
                F.when(F.coalesce("satisfied", F.lit(False)), F.col("evidence_at")).alias("evidence_at"),
            )
        )
        parts.append(rows)
    out = parts[0]
    for p in parts[1:]:
        out = out.unionByName(p)
    return out.withColumn("as_of", F.lit(as_of))


# Ties in contribution have a stated order (docs/gold-schema.md): a CRM contact before a discovered one
# (when the ruleset counts those), then the newer interaction, then the id, so reruns list the same rows.
TOUCHPOINT_ORDER = (F.desc("contribution"), is_discovered("contact_id").asc(), F.desc("occurred_at"), "interaction_id")


def touchpoints(candidates: DataFrame, groups: DataFrame, ruleset: dict) -> DataFrame:
    """Per account, the interactions that contributed most to its score (the event tracker's list).
    `candidates` are contributions() rows, all of them or any superset of each account's top N (the
    state keeps each account-day's top N); `groups` give each account's total for the share."""
    n = int(ruleset["touchpoints_per_account"])
    totals = groups.filter(F.col("account_id").isNotNull()).groupBy("account_id").agg(F.sum("contribution").alias("_total"))
    ranked = (
        candidates.filter(F.col("account_id").isNotNull())
        .withColumn("rank", F.row_number().over(Window.partitionBy("account_id").orderBy(*TOUCHPOINT_ORDER)))
        .filter(F.col("rank") <= n)
        .join(totals, "account_id")
        .withColumn("share", F.col("contribution") / F.col("_total"))
    )
    out = ranked.select(
        "account_id",
        F.col("rank").cast("int").alias("rank"),
        "interaction_id",
        "seller_id",
        "contact_id",
        "source",
        "direction",
        "occurred_at",
        "modality",
        "response",
        "weight",
        "contribution",
        "share",
        "participants",
        "duration_min",
        # The same decay contributions() applies, kept so "why this score" can show weight × decay = contribution.
        F.pow(F.lit(0.5), F.col("age_days") / float(ruleset["recency"]["half_life_days"])).alias("decay_factor"),
    )
    return _rounded(out)


def _rounded(df: DataFrame) -> DataFrame:
    """Doubles rounded so that a recompute over the same input is bit-for-bit equal whatever the partitioning."""
    for field in df.schema.fields:
        if field.dataType.typeName() == "double":
            df = df.withColumn(field.name, F.round(F.col(field.name), _DIGITS))
    return df
