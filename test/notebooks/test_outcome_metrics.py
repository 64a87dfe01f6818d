"""`relmesh evaluate`'s figures on hand-made numbers (notebooks/local/outcome_metrics.py) and its choice of
deals (evaluate.select_deals): no Spark. Issue 11, weights checked against outcomes."""

import datetime as dt
import itertools
import random
import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "notebooks" / "local"))
import evaluate  # noqa: E402
import outcome_metrics as m  # noqa: E402


def brute_auc(won, lost):
    return sum(1.0 if w > s else 0.5 if w == s else 0.0 for w, s in itertools.product(won, lost)) / (len(won) * len(lost))


@pytest.mark.parametrize(
    "won,lost,expected",
    [
        ([3, 4], [1, 2], 1.0),
        ([1], [2], 0.0),
        ([1, 2], [1, 2], 0.5),  # (1,1) ½ + (1,2) 0 + (2,1) 1 + (2,2) ½ = 2 of 4
        ([2, 2, 3], [1, 2], 5 / 6),  # each 2: 1 + ½; the 3: 1 + 1
        ([0, 0, 0], [0, 0], 0.5),  # all tied: a coin toss
    ],
)
def test_auc_is_mann_whitney_with_ties_counted_half(won, lost, expected):
    assert m.auc(won, lost) == pytest.approx(expected)


def test_auc_equals_the_pairwise_count_on_random_scores_with_ties():
    rng = random.Random(3)
    for _ in range(50):
        won = [rng.randint(0, 6) for _ in range(rng.randint(1, 12))]
        lost = [rng.randint(0, 6) for _ in range(rng.randint(1, 12))]
        assert m.auc(won, lost) == pytest.approx(brute_auc(won, lost))


def test_auc_needs_both_classes():
    with pytest.raises(ValueError, match="at least one won and one lost"):
        m.auc([1.0], [])


def test_the_bootstrap_interval_is_seeded_and_holds_the_estimate():
    rng = random.Random(5)
    won = [rng.gauss(1.0, 1.0) for _ in range(40)]
    lost = [rng.gauss(0.0, 1.0) for _ in range(30)]
    low, high = m.bootstrap_interval(won, lost, seed=1, resamples=400)
    assert (low, high) == m.bootstrap_interval(won, lost, seed=1, resamples=400)
    assert (low, high) != m.bootstrap_interval(won, lost, seed=2, resamples=400)
    assert low < m.auc(won, lost) < high
    # Perfect separation stays perfect in every resample (won and lost are drawn apart, never missing).
    assert m.bootstrap_interval([5, 6, 7], [1, 2], seed=1, resamples=50) == (1.0, 1.0)


def test_a_group_with_fewer_than_ten_of_either_class_is_too_few():
    rows = [{"score": i, "won": True} for i in range(20)] + [{"score": i, "won": False} for i in range(9)]
    assert m.separation(rows, seed=1) == {"won": 20, "lost": 9, "too_few": True}
    rows.append({"score": 3, "won": False})
    got = m.separation(rows, seed=1, resamples=100)
    assert (got["won"], got["lost"], got["too_few"]) == (20, 10, False)
    assert got["low"] <= got["auc"] <= got["high"]


def test_per_tier_groups_in_tier_order_with_no_tier_last():
    rows = [{"score": s, "won": w, "tier": t} for t in (2, None, 1) for s, w in [(1, True), (0, False)]]
    assert [g["tier"] for g in m.by_tier(rows, seed=1)] == [1, 2, None]
    assert all(g["too_few"] for g in m.by_tier(rows, seed=1))


def deal(i, day, won, as_of_lag=30):
    close = dt.date(2026, 6, 1) + dt.timedelta(days=day)
    return {"opportunity_id": f"o{i:03d}", "close_date": close, "as_of": close - dt.timedelta(days=as_of_lag), "won": won}


def test_forward_folds_train_on_every_earlier_deal_and_keep_a_day_in_one_block():
    deals = [deal(i, i // 2, i % 3 != 0, as_of_lag=0) for i in range(40)]  # two deals a day, no lead time
    folds = m.forward_folds(list(reversed(deals)), 3)
    assert len(folds) == 3
    for f in folds:
        assert max(r["close_date"] for r in f["train"]) < min(r["close_date"] for r in f["test"])
    # Blocks of 10: each cut falls between two days.
    assert [len(f["test"]) for f in folds] == [10, 10, 10]
    assert [len(f["train"]) for f in folds] == [10, 20, 30]
    odd = [deal(i, i // 3, True, as_of_lag=0) for i in range(20)]  # three a day: cuts at 5, 10, 15 move to 6, 12, 15
    assert [len(f["train"]) for f in m.forward_folds(odd, 3)] == [6, 12, 15]


def test_forward_folds_leave_out_training_deals_that_closed_after_the_test_deals_were_scored():
    """A training deal that closed on or after a test deal's as-of date was not yet known when that
    deal was scored: fitting on it would choose a ruleset with hindsight (the lead time is purged)."""
    deals = [deal(i, i, i % 2 == 0, as_of_lag=5) for i in range(40)]  # one a day, scored 5 days before
    folds = m.forward_folds(deals, 3)
    assert [len(f["test"]) for f in folds] == [10, 10, 10]
    assert [len(f["train"]) for f in folds] == [5, 15, 25]
    for f in folds:
        assert max(r["close_date"] for r in f["train"]) < min(r["as_of"] for r in f["test"])


def test_cross_validation_chooses_on_training_deals_and_judges_on_the_next():
    deals = [deal(i, i, i % 2 == 0, as_of_lag=0) for i in range(80)]
    # "signal" separates every deal; "default" is noise; "early_fit" separates the first half and is
    # reversed afterwards: the best on the first fold's training deals, and wrong on its test deals.
    rng = random.Random(7)
    scores = {
        "default": {d["opportunity_id"]: rng.random() for d in deals},
        "signal": {d["opportunity_id"]: (1.0 if d["won"] else 0.0) * 0.5 + 0.1 for d in deals},
        "early_fit": {d["opportunity_id"]: (1.0 if d["won"] == (i < 20) else 0.0) for i, d in enumerate(deals)},
    }
    cv = m.cross_validate(deals, {"default": scores["default"], "early_fit": scores["early_fit"]}, "default", 3)
    first = cv["folds"][0]
    assert (first["chosen"], first["chosen_train_auc"], first["chosen_test_auc"]) == ("early_fit", 1.0, 0.0)
    cv = m.cross_validate(deals, {"default": scores["default"], "signal": scores["signal"]}, "default", 3)
    assert [f["chosen"] for f in cv["folds"]] == ["signal", "signal", "signal"]
    assert cv["chosen_test_auc_mean"] == 1.0 and cv["folds_judged"] == 3
    assert (
        cv["default_test_auc_mean"] == pytest.approx(sum(f["default_test_auc"] for f in cv["folds"]) / 3, abs=1e-4)
        and 0.2 < cv["default_test_auc_mean"] < 0.8
    )


def test_on_a_tie_or_with_too_few_training_deals_the_default_is_kept():
    deals = [deal(i, i, i % 2 == 0, as_of_lag=0) for i in range(80)]
    same = {d["opportunity_id"]: float(d["won"]) for d in deals}
    cv = m.cross_validate(deals, {"a": same, "default": dict(same), "z": dict(same)}, "default", 3)
    assert {f["chosen"] for f in cv["folds"]} == {"default"}
    few = deals[:24]  # 6 per block: every training part has under 10 of each class
    cv = m.cross_validate(few, {"a": same, "default": same}, "default", 3)
    assert {f["chosen"] for f in cv["folds"]} == {"default"} and cv["folds_judged"] == 0


def opportunity(i, status, close="2026-09-01", account="a1"):
    return {
        "opportunity_id": f"o{i}",
        "account_id": account,
        "status": status,
        "close_date": dt.date.fromisoformat(close) if close else None,
    }


def test_select_deals_counts_every_opportunity_by_what_became_of_it():
    opps = [
        opportunity(1, "open"),
        opportunity(2, "Won"),  # scored: as of 2026-08-02
        opportunity(3, "lost"),
        opportunity(4, "cancelled"),
        opportunity(5, None),
        opportunity(6, "won", close=None),
        opportunity(7, "lost", account="gone"),
        opportunity(8, "won", close="2026-07-15"),  # as of 06-15: under 30 days after the first day (06-01)
        opportunity(9, "lost", close="2026-07-31"),  # as of 07-01: exactly 30 days of data, scored
        opportunity(10, "won", close="2026-12-31"),  # as of 12-01: the data stops 10-31
        opportunity(11, "won", close="2026-12-01"),  # as of 11-01: the day after the last day, scored
    ]
    deals, counts = evaluate.select_deals(opps, {"a1": 2}, dt.date(2026, 6, 1), dt.date(2026, 10, 31), 30, 30)
    assert [d["opportunity_id"] for d in deals] == ["o2", "o3", "o9", "o11"]
    assert [d["won"] for d in deals] == [True, False, False, True]
    assert deals[0]["as_of"] == dt.date(2026, 8, 2) and deals[0]["tier"] == 2
    assert counts == {
        "total": 11,
        "open": 1,
        "other_status": 2,
        "closed": 8,
        "scored": 4,
        "left_out": {"no_close_date": 1, "unknown_account": 1, "too_little_history": 1, "after_the_data": 1},
    }
    assert counts["closed"] == counts["scored"] + sum(counts["left_out"].values())
    assert counts["total"] == counts["open"] + counts["other_status"] + counts["closed"]


def test_the_grid_starts_with_the_runs_ruleset_and_holds_each_other_combination_once(ruleset):
    rulesets = evaluate.grid_rulesets(ruleset, evaluate.GRID)
    assert rulesets[0] == ("run's ruleset", {"recency.half_life_days": 90.0, "sources.meeting": 3.0, "reciprocity.one_way_factor": 0.5})
    assert len(rulesets) == 27 and len({n for n, _ in rulesets}) == 27
    assert "half-life 30 d, meeting 1.5, one-way 0.25" in [n for n, _ in rulesets]
    off_grid = evaluate.with_overrides(ruleset, {"recency.half_life_days": 45})
    assert len(evaluate.grid_rulesets(off_grid, evaluate.GRID)) == 28
    assert evaluate.grid_rulesets(ruleset, {}) == rulesets[:1]
