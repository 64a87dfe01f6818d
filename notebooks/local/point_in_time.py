"""Accounts' connectivity scores as of many past dates at once, from the silver tables, with the
pipeline's own scoring functions (notebooks/rm_scoring.py, composed as rm_serving.gold_tables composes
them): what `relmesh evaluate` compares with won and lost deals.

Point in time: a score as of D uses only interactions before D (rm_scoring.contributions keeps
[D − history_days, D)). CRM attributes (titles, opt-outs, tiers) are the CRM's today: it keeps no history.

One Spark job scores every (account, as-of) target, rather than one job per date: each target gets its
own copy of its account's interactions, moved forward in time by (reference date − as-of) whole days and
keyed by the target (account and contact ids tagged), then every copy is scored once as of the
reference date. A score depends on an interaction only through its age at the as-of date and the
window [as-of − history, as-of), and both are unchanged by the move, so each tagged account's score is
the account's score as of its own date (test_evaluate.py checks this against 03_score's gold table).
"""

import datetime as dt
from pathlib import Path

from pyspark.sql import functions as F

NOTEBOOKS = Path(__file__).resolve().parents[1]
# Loaded into one namespace, as `%run` does in Synapse and the local runner does.
LIBRARIES = ("rm_common", "rm_response_times", "rm_scoring")


def load_libraries(spark) -> dict:
    namespace = {"spark": spark, "__name__": "__relmesh_evaluate__"}
    for library in LIBRARIES:
        path = NOTEBOOKS / f"{library}.py"
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    namespace["configure_session"](spark)
    return namespace


def account_scores_at(lib: dict, inputs: dict, dims: dict, as_of: dt.date, ruleset: dict):
    """gold account_scores at as_of from gold_inputs_from_silver's inputs: rm_serving.gold_tables'
    composition of the scoring functions, the parts the account score depends on."""
    if not ruleset["discovered_contacts"]["count_in_scores"]:
        inputs = {k: v.filter(~lib["is_discovered"]("contact_id")) for k, v in inputs.items()}
    # The reply factor as 03 applies it (rm_serving.gold_tables): the replies found once, for both periods.
    replies = lib["replies_by_window"](inputs["mail"], as_of, ruleset)
    aggregates_before = lib["with_reply_factor"](lib["pair_aggregates"](inputs["groups_before"]), replies["pairs_before"], ruleset)
    before = lib["score_pairs"](aggregates_before, ruleset)
    now = lib["with_reply_factor"](lib["pair_aggregates"](inputs["groups"]), replies["pairs"], ruleset)
    pairs = lib["pair_scores"](now, before, as_of, ruleset)
    return lib["account_scores"](
        pairs,
        before,
        lib["last_touch"](inputs["groups"]),
        dims["dim_account"],
        dims["dim_contact"],
        dims["dim_opportunity"],
        dims["dim_seller"],
        as_of,
        ruleset,
    )


def target_frame(spark, targets: list, reference: dt.date, meeting_factors: list):
    """(account_id, as_of) targets × meeting-weight variants → a DataFrame with each copy's tag, its
    shift in days, its variant and the factor its meeting rows' weights are multiplied by."""
    rows = [
        (a, d, f"{a}#{i}~{v}", (reference - d).days, v, float(factor))
        for i, (a, d) in enumerate(targets)
        for v, factor in enumerate(meeting_factors)
    ]
    return spark.createDataFrame(rows, "account_id string, as_of date, tag string, shift_days int, variant int, meeting_factor double")


def shifted_inputs(interactions, dims: dict, targets_df):
    """Each copy's interactions, contacts and account row, keyed by the copy's tag and moved forward
    by shift_days (see the module's note); meeting weights scaled by the copy's meeting_factor."""
    t = F.broadcast(targets_df)
    extra = ("tag", "as_of", "shift_days", "variant", "meeting_factor")
    moved = (
        interactions.join(t, "account_id")
        .withColumn("occurred_at", F.expr("occurred_at + make_dt_interval(shift_days)"))
        .withColumn("weight", F.when(F.col("source") == "meeting", F.col("weight") * F.col("meeting_factor")).otherwise(F.col("weight")))
        .withColumn("contact_id", F.concat("contact_id", F.lit("#"), "tag"))
        .withColumn("account_id", F.col("tag"))
        .drop(*extra)
    )
    contacts = (
        dims["dim_contact"]
        .join(t, "account_id")
        .withColumn("contact_id", F.concat("contact_id", F.lit("#"), "tag"))
        .withColumn("account_id", F.col("tag"))
        .drop(*extra)
    )
    accounts = dims["dim_account"].join(t, "account_id").withColumn("account_id", F.col("tag")).drop(*extra)
    # Open pipeline only sets the priority flag, never the score: no opportunity needs to follow the move.
    none = dims["dim_opportunity"].limit(0)
    return moved, {**dims, "dim_contact": contacts, "dim_account": accounts, "dim_opportunity": none}


class PointInTimeScorer:
    """Scores a fixed set of (account_id, as_of) targets under any number of rulesets. The copies (shared
    by every ruleset) are built and cached once. sources.meeting enters the score only through the
    silver weights (weight = that base × the meeting's other factors), so each meeting weight asked for
    is a variant of the copies, meeting rows rescaled, and one Spark job scores them all: a grid over
    meeting weights costs one job, not one per value (each job's fixed cost dominates at this size)."""

    def __init__(self, spark, lib: dict, interactions, dims: dict, targets: list, silver_meeting_weight: float, meeting_weights: list):
        self.lib = lib
        self.meeting_weights = [float(m) for m in meeting_weights]
        self.reference = max(d for _, d in targets)
        factors = [m / float(silver_meeting_weight) for m in self.meeting_weights]
        self.targets_df = target_frame(spark, targets, self.reference, factors).persist()
        moved, self.dims = shifted_inputs(interactions, dims, self.targets_df)
        self.moved = moved.persist()
        self.rows = self.moved.count()
        for name in ("dim_contact", "dim_account"):
            self.dims[name] = self.dims[name].persist()

    def scores(self, ruleset: dict) -> dict:
        """{meeting weight: {(account_id, as_of): connectivity_score}} for every target, under `ruleset`
        with each of the scorer's meeting weights (the ruleset's own sources.meeting is not read)."""
        inputs = self.lib["gold_inputs_from_silver"](self.moved, self.dims["dim_contact"], self.reference, ruleset)
        scored = account_scores_at(self.lib, inputs, self.dims, self.reference, ruleset)
        rows = (
            scored.select(F.col("account_id").alias("tag"), "connectivity_score")
            .join(F.broadcast(self.targets_df), "tag")
            .select("account_id", "as_of", "variant", "connectivity_score")
            .collect()
        )
        out = {m: {} for m in self.meeting_weights}
        for r in rows:
            out[self.meeting_weights[r["variant"]]][(r["account_id"], r["as_of"])] = float(r["connectivity_score"])
        return out

    def close(self):
        for df in (self.moved, self.targets_df, self.dims["dim_contact"], self.dims["dim_account"]):
            df.unpersist()
