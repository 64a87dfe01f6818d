"""Does a score separate won from lost deals? Pure functions over (score, won) pairs, no Spark: the
figures `relmesh evaluate` reports (notebooks/local/evaluate.py computes the scores).

- ROC AUC as the Mann–Whitney statistic: the chance that a won deal's account scored higher than a lost
  one's, ties counted half. 0.5 is no better than a coin; 1.0 separates them perfectly.
- A seeded, stratified bootstrap 95% interval (won and lost resampled apart, so every resample has both).
- Forward-chaining cross-validation for choosing a ruleset: fitted on earlier deals, judged on later ones.
"""

import random
from typing import Optional

# Fewer than this many won or lost deals in a group and its AUC is not reported ("too few").
MIN_PER_CLASS = 10
RESAMPLES = 1000


def auc(scores_won: list, scores_lost: list) -> float:
    """P(score of a won deal > score of a lost deal) + ½ P(equal), by ranks: O(n log n)."""
    if not scores_won or not scores_lost:
        raise ValueError("auc needs at least one won and one lost score")
    tagged = sorted([(s, 1) for s in scores_won] + [(s, 0) for s in scores_lost])
    rank_sum_won = 0.0
    i = 0
    while i < len(tagged):
        j = i
        while j < len(tagged) and tagged[j][0] == tagged[i][0]:
            j += 1
        mid_rank = (i + 1 + j) / 2.0  # the ranks i+1..j share their mean: a tie counts half
        rank_sum_won += mid_rank * sum(t[1] for t in tagged[i:j])
        i = j
    n_won, n_lost = len(scores_won), len(scores_lost)
    return (rank_sum_won - n_won * (n_won + 1) / 2.0) / (n_won * n_lost)


def bootstrap_interval(scores_won: list, scores_lost: list, seed: int, resamples: int = RESAMPLES, level: float = 0.95) -> tuple:
    """Percentile interval of the AUC over resamples that redraw the won and the lost deals apart."""
    rng = random.Random(seed)
    values = sorted(
        auc([rng.choice(scores_won) for _ in scores_won], [rng.choice(scores_lost) for _ in scores_lost]) for _ in range(resamples)
    )
    tail = (1.0 - level) / 2.0
    low = values[int(tail * resamples)]
    high = values[min(resamples - 1, int((1.0 - tail) * resamples))]
    return low, high


def separation(rows: list, seed: int, resamples: int = RESAMPLES) -> dict:
    """n won, n lost, and the AUC with its interval, or `too_few` when either class has under MIN_PER_CLASS.
    rows: dicts with `score` and `won` (bool)."""
    won = [r["score"] for r in rows if r["won"]]
    lost = [r["score"] for r in rows if not r["won"]]
    out = {"won": len(won), "lost": len(lost)}
    if len(won) < MIN_PER_CLASS or len(lost) < MIN_PER_CLASS:
        return {**out, "too_few": True}
    low, high = bootstrap_interval(won, lost, seed, resamples)
    return {**out, "too_few": False, "auc": round(auc(won, lost), 4), "low": round(low, 4), "high": round(high, 4)}


def by_tier(rows: list, seed: int, resamples: int = RESAMPLES) -> list:
    """separation() per account tier (None last: accounts with no tier in the CRM)."""
    tiers = sorted({r.get("tier") for r in rows}, key=lambda t: (t is None, t))
    return [{"tier": t, **separation([r for r in rows if r.get("tier") == t], seed, resamples)} for t in tiers]


def forward_folds(rows: list, folds: int) -> list:
    """Forward chaining over deals ordered by close date: the deals split into folds + 1 consecutive
    blocks; fold k tests on block k and trains on the earlier deals that closed before the first as-of
    date of block k. A training deal that closed after that date would be an outcome not yet known
    when the test deals were scored, so it is left out (the lead-time gap is purged)."""
    ordered = sorted(rows, key=lambda r: (r["close_date"], r["opportunity_id"]))
    cuts = [0]
    for i in range(1, folds + 1):
        cut = max(cuts[-1], round(i * len(ordered) / float(folds + 1)))
        # Deals closed on one day stay in one block: a test block never shares a day with its training.
        while 0 < cut < len(ordered) and ordered[cut]["close_date"] == ordered[cut - 1]["close_date"]:
            cut += 1
        cuts.append(cut)
    cuts.append(len(ordered))
    blocks = [ordered[a:b] for a, b in zip(cuts, cuts[1:])]
    out = []
    for k in range(1, folds + 1):
        test = blocks[k]
        if not test:
            continue
        first_as_of = min(r["as_of"] for r in test)
        train = [r for b in blocks[:k] for r in b if r["close_date"] < first_as_of]
        out.append({"train": train, "test": test})
    return out


def _auc_or_none(rows: list) -> Optional[float]:
    won = [r["score"] for r in rows if r["won"]]
    lost = [r["score"] for r in rows if not r["won"]]
    if len(won) < MIN_PER_CLASS or len(lost) < MIN_PER_CLASS:
        return None
    return auc(won, lost)


def cross_validate(outcomes: list, scores: dict, default: str, folds: int) -> dict:
    """Chooses, on each fold's training deals, the ruleset with the highest AUC (the default on a tie
    or when the training deals are too few), and reports that choice's AUC on the fold's test deals
    beside the default's. `outcomes`: the deals (opportunity_id, close_date, as_of, won); `scores`:
    ruleset name → {opportunity_id: score}. Out-of-sample is what tells a better ruleset from one
    fitted to noise: its training AUC is optimistic by construction."""
    results = []
    for fold in forward_folds(outcomes, folds):

        def scored(rows, name):
            return [{**r, "score": scores[name][r["opportunity_id"]]} for r in rows]

        train_auc = {name: _auc_or_none(scored(fold["train"], name)) for name in scores}
        fitted = {n: a for n, a in train_auc.items() if a is not None}
        chosen = max(sorted(fitted), key=lambda n: (fitted[n], n == default)) if fitted else default
        test = fold["test"]
        results.append(
            {
                "train": _span(fold["train"]),
                "test": _span(test),
                "chosen": chosen,
                "chosen_train_auc": _rounded(train_auc.get(chosen)),
                "chosen_test_auc": _rounded(_auc_or_none(scored(test, chosen))),
                "default_test_auc": _rounded(_auc_or_none(scored(test, default))),
            }
        )
    judged = [r for r in results if r["chosen_test_auc"] is not None and r["default_test_auc"] is not None]
    return {
        "folds": results,
        "chosen_test_auc_mean": _rounded(_mean([r["chosen_test_auc"] for r in judged])),
        "default_test_auc_mean": _rounded(_mean([r["default_test_auc"] for r in judged])),
        "folds_judged": len(judged),
    }


def _span(rows: list) -> dict:
    if not rows:
        return {"from": None, "to": None, "won": 0, "lost": 0}
    won = sum(1 for r in rows if r["won"])
    return {"from": min(r["close_date"] for r in rows), "to": max(r["close_date"] for r in rows), "won": won, "lost": len(rows) - won}


def _mean(values: list) -> Optional[float]:
    return sum(values) / len(values) if values else None


def _rounded(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value, 4)
