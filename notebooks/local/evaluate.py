"""`relmesh evaluate`: does the connectivity score separate won from lost deals? Reads the last run's
silver tables (never writes them), scores each won or lost opportunity's account as of a lead time
before its close date (notebooks/local/point_in_time.py), and reports the ROC AUC with a bootstrap
interval, overall and per tier, for the run's ruleset and a small grid of alternatives, with
forward-chaining cross-validation (notebooks/local/outcome_metrics.py). Prints one JSON line that
cli/evaluate.ts words and writes to DIR/_relmesh/evaluate.json.

Usage: python evaluate.py REQUEST.json
REQUEST = {"out": DIR, "lead_days": 30, "min_history_days": 30, "grid": true, "seed": 1, "folds": 3,
           "ruleset": {...the run's scoring ruleset}, "silver_meeting_weight": 3.0}
"""

import datetime as dt
import itertools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from last_run import NoAnswer, answer_request, emit, missing_run, read_delta  # noqa: E402
from outcome_metrics import MIN_PER_CLASS, RESAMPLES, by_tier, cross_validate, separation  # noqa: E402
from point_in_time import PointInTimeScorer, load_libraries  # noqa: E402

# The alternatives tried: every combination (27), each a change of the run's ruleset at these keys.
GRID = {
    "recency.half_life_days": [30, 90, 180],
    "sources.meeting": [1.5, 3.0, 5.0],
    "reciprocity.one_way_factor": [0.25, 0.5, 1.0],
}


def select_deals(opportunities: list, tiers: dict, first_day: dt.date, last_day: dt.date, lead_days: int, min_history_days: int):
    """The won and lost opportunities that can be scored, each with its as-of date (close date − lead
    days), and a count of every opportunity by what became of it (they add up to the total). Left out:
    no close date; an account the CRM does not list; an as-of date with under min_history_days of data
    before it; an as-of date after the day following the data's last day (the data would stop early)."""
    counts = {"total": len(opportunities), "open": 0, "other_status": 0, "closed": 0}
    left_out = {"no_close_date": 0, "unknown_account": 0, "too_little_history": 0, "after_the_data": 0}
    deals = []
    earliest = first_day + dt.timedelta(days=min_history_days)
    latest = last_day + dt.timedelta(days=1)
    for o in opportunities:
        status = (o.get("status") or "").strip().lower()
        if status == "open":
            counts["open"] += 1
            continue
        if status not in ("won", "lost"):
            counts["other_status"] += 1
            continue
        counts["closed"] += 1
        if o.get("close_date") is None:
            left_out["no_close_date"] += 1
            continue
        if o.get("account_id") not in tiers:
            left_out["unknown_account"] += 1
            continue
        as_of = o["close_date"] - dt.timedelta(days=lead_days)
        if as_of < earliest:
            left_out["too_little_history"] += 1
            continue
        if as_of > latest:
            left_out["after_the_data"] += 1
            continue
        deals.append(
            {
                "opportunity_id": o["opportunity_id"],
                "account_id": o["account_id"],
                "tier": tiers[o["account_id"]],
                "close_date": o["close_date"],
                "as_of": as_of,
                "won": status == "won",
            }
        )
    counts["scored"] = len(deals)
    return deals, {**counts, "left_out": left_out}


def with_overrides(ruleset: dict, overrides: dict) -> dict:
    out = json.loads(json.dumps(ruleset))
    for dotted, value in overrides.items():
        node = out
        *parents, last = dotted.split(".")
        for p in parents:
            node = node[p]
        node[last] = value
    return out


def value_at(ruleset: dict, dotted: str):
    node = ruleset
    for key in dotted.split("."):
        node = node[key]
    return node


def grid_rulesets(ruleset: dict, grid: dict) -> list:
    """(name, overrides) for the run's own ruleset first (its values at the grid's keys), then every grid
    combination that differs from it. An empty grid gives the run's ruleset alone."""
    out = [("run's ruleset", {k: float(value_at(ruleset, k)) for k in GRID})]
    for values in itertools.product(*grid.values()):
        overrides = {**out[0][1], **dict(zip(grid.keys(), (float(v) for v in values)))}
        if overrides != out[0][1]:
            out.append((ruleset_name(overrides), overrides))
    return out


def ruleset_name(overrides: dict) -> str:
    return (
        f"half-life {overrides['recency.half_life_days']:g} d, meeting {overrides['sources.meeting']:g}, "
        f"one-way {overrides['reciprocity.one_way_factor']:g}"
    )


def read_run(spark, out: Path) -> dict:
    silver = out / "silver"

    def table(name):
        return read_delta(spark, silver / name, missing_run(silver / name, out, "evaluate"))

    opportunities = silver / "dim_opportunity"
    no_opportunities = (
        f"{opportunities} holds no Delta table: this run has no CRM opportunities (is the opportunities table left out of the "
        "CRM mapping?); evaluate needs won and lost opportunities with close dates"
    )
    return {
        **{name: table(name) for name in ("interactions", "dim_contact", "dim_account", "dim_seller")},
        "dim_opportunity": read_delta(spark, opportunities, no_opportunities),
    }


def evaluate(spark, request: dict) -> dict:
    started = time.monotonic()
    out = Path(request["out"])
    lead, history = int(request.get("lead_days", 30)), int(request.get("min_history_days", 30))
    seed, folds = int(request.get("seed", 1)), int(request.get("folds", 3))
    run = read_run(spark, out)
    span = run["interactions"].selectExpr("min(occurred_at) AS first", "max(occurred_at) AS last").collect()[0]
    if span["first"] is None:
        raise NoAnswer(f"{out / 'silver' / 'interactions'} has no interactions: there is nothing to score")
    first_day, last_day = span["first"].date(), span["last"].date()
    tiers = {r["account_id"]: r["tier"] for r in run["dim_account"].select("account_id", "tier").collect()}
    opportunities = [r.asDict() for r in run["dim_opportunity"].select("opportunity_id", "account_id", "status", "close_date").collect()]
    deals, counts = select_deals(opportunities, tiers, first_day, last_day, lead, history)
    base = {
        "out": str(out),
        "lead_days": lead,
        "min_history_days": history,
        "data": {"first_day": first_day, "last_day": last_day},
        "opportunities": counts,
        "min_per_class": MIN_PER_CLASS,
        "seed": seed,
        "resamples": RESAMPLES,
    }
    if counts["closed"] == 0:
        raise NoAnswer(
            f"no won or lost opportunities in {out / 'silver' / 'dim_opportunity'} ({counts['total']} opportunities: "
            f"{counts['open']} open, {counts['other_status']} with another status): evaluate compares scores with closed deals"
        )
    won = sum(1 for d in deals if d["won"])
    if won < MIN_PER_CLASS or len(deals) - won < MIN_PER_CLASS:
        raise NoAnswer(too_few_message(counts, won, len(deals) - won, lead, history))

    targets = sorted({(d["account_id"], d["as_of"]) for d in deals})
    rulesets = grid_rulesets(request["ruleset"], GRID if request.get("grid", True) else {})
    emit("progress", step="copies", targets=len(targets), as_of_dates=len({t[1] for t in targets}), rulesets=len(rulesets))
    meetings = sorted({o["sources.meeting"] for _, o in rulesets})
    dims = {k: run[k] for k in ("dim_contact", "dim_account", "dim_opportunity", "dim_seller")}
    scorer = PointInTimeScorer(spark, load_libraries(spark), run["interactions"], dims, targets, request["silver_meeting_weight"], meetings)
    prepared = time.monotonic()
    scores = {}
    # One Spark job per (half-life, one-way) pair scores every meeting weight (PointInTimeScorer).
    by_job = {}
    for name, overrides in rulesets:
        by_job.setdefault((overrides["recency.half_life_days"], overrides["reciprocity.one_way_factor"]), []).append((name, overrides))
    for members in by_job.values():
        at = scorer.scores(with_overrides(request["ruleset"], members[0][1]))
        for name, overrides in members:
            scores[name] = {d["opportunity_id"]: at[overrides["sources.meeting"]][(d["account_id"], d["as_of"])] for d in deals}
        emit("progress", step="rulesets", done=len(scores), of=len(rulesets))
    scorer.close()
    scored_at = time.monotonic()

    default = rulesets[0][0]
    rows = [{**d, "score": scores[default][d["opportunity_id"]]} for d in deals]
    report = {
        **base,
        "targets": len(targets),
        "as_of_dates": len({t[1] for t in targets}),
        "copied_interactions": scorer.rows,
        "ruleset": rulesets[0][1],
        "overall": separation(rows, seed),
        "tiers": by_tier(rows, seed),
    }
    if len(rulesets) > 1:
        report["grid"] = [
            {"name": name, **overrides, **separation([{**d, "score": scores[name][d["opportunity_id"]]} for d in deals], seed)}
            for name, overrides in rulesets
        ]
        report["cross_validation"] = {"k": folds, **cross_validate(deals, scores, default, folds)}
    report["seconds"] = {
        "total": round(time.monotonic() - started, 1),
        "scoring": round(scored_at - prepared, 1),
        "rulesets": len(rulesets),
        "spark_jobs": len(by_job),
    }
    return report


def too_few_message(counts: dict, won: int, lost: int, lead: int, history: int) -> str:
    dropped = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts["left_out"].items() if n)
    return (
        f"too few deals to judge: {won} won and {lost} lost can be scored (at least {MIN_PER_CLASS} of each are needed) out of "
        f"{counts['closed']} closed opportunities" + (f"; left out: {dropped}" if dropped else "") + f". As-of dates are the close date "
        f"minus {lead} days and need {history} days of data before them: a longer data window, or a shorter --lead-days, scores more deals"
    )


def main(request_path: str) -> int:
    spark_overrides = {"spark.driver.memory": "2g", "spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2"}
    return answer_request(request_path, "evaluate", evaluate, spark_overrides)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
