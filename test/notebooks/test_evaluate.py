"""`relmesh evaluate` (notebooks/local/evaluate.py, point_in_time.py) on Spark: it finds an outcome signal
planted in the sample tenant and reports about 0.5 where none was planted; its point-in-time scores are
the pipeline's own (equal to 03_score's gold at the run's as-of date, and to scoring each date alone);
nothing after an as-of date changes the score used; and what it cannot answer it says plainly.
Issue 11, weights checked against outcomes."""

import datetime as dt
import json
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, Tenant, dims, interactions_df, read_table, run_pipeline

sys.path.insert(0, str(ROOT / "notebooks" / "local"))
import evaluate  # noqa: E402
from point_in_time import PointInTimeScorer, account_scores_at  # noqa: E402

# The README's samples: 300 accounts over 180 days (about 285 closed opportunities, 184 of them with
# 30 days of data before their as-of date), the planted one with signal 2.
SIZE = ["--accounts", "300", "--days", "180"]
SIGNAL = "2"


def write_sample(folder, *extra):
    done = subprocess.run(
        ["node", str(ROOT / "bin" / "relmesh.js"), "sample", "--out", str(folder), *SIZE, *extra], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads((folder / "tenant.json").read_text())


def request(out, ruleset, **overrides):
    return {
        "out": str(out),
        "lead_days": 30,
        "min_history_days": 30,
        "grid": False,
        "seed": 1,
        "folds": 3,
        "ruleset": ruleset,
        "silver_meeting_weight": ruleset["sources"]["meeting"],
        **overrides,
    }


@pytest.fixture(scope="module")
def runs(spark, ruleset, tmp_path_factory):
    """The pipeline over the planted sample; the null sample differs only in crm/opportunities.csv
    (sample/outcome.ts), so its run is a copy with the CRM notebook rerun over the null CRM."""
    root = tmp_path_factory.mktemp("evaluate")
    manifest = write_sample(root / "planted", "--outcome-signal", SIGNAL)
    write_sample(root / "null")
    assert manifest["outcome"]["signal"] == float(SIGNAL)
    out = root / "planted-out"
    run_pipeline(spark, Tenant(root / "planted"), out, ruleset, (manifest["startDate"], manifest["asOf"]), manifest["asOf"])
    null_out = root / "null-out"
    shutil.copytree(out, null_out)
    window = (manifest["startDate"], manifest["asOf"])
    run_pipeline(spark, Tenant(root / "null"), null_out, ruleset, window, manifest["asOf"], notebooks=("01_ingest_crm",))
    return {"planted": out, "null": null_out, "manifest": manifest}


def test_evaluate_finds_the_planted_signal_and_the_grid_is_cross_validated(spark, runs, ruleset):
    report = evaluate.evaluate(spark, request(runs["planted"], ruleset, grid=True))
    o = report["opportunities"]
    assert o["total"] == o["open"] + o["other_status"] + o["closed"]
    assert o["closed"] == o["scored"] + sum(o["left_out"].values())
    assert o["scored"] >= 150 and report["overall"]["won"] + report["overall"]["lost"] == o["scored"]
    overall = report["overall"]
    assert overall["low"] > 0.6, overall
    assert [t["tier"] for t in report["tiers"]] == [1, 2, 3]
    assert len(report["grid"]) == 27 and report["grid"][0]["name"] == "run's ruleset"
    assert report["grid"][0]["auc"] == overall["auc"]
    assert all(g["auc"] > 0.6 for g in report["grid"])
    cv = report["cross_validation"]
    assert len(cv["folds"]) == 3 and cv["folds_judged"] == 3
    assert {f["chosen"] for f in cv["folds"]} <= {g["name"] for g in report["grid"]}
    assert report["seconds"]["spark_jobs"] == 9  # one per (half-life, one-way): the meeting weights share a job


def test_evaluate_reports_about_half_on_the_sample_without_a_signal(spark, runs, ruleset):
    overall = evaluate.evaluate(spark, request(runs["null"], ruleset))["overall"]
    assert overall["low"] < 0.5 < overall["high"], overall
    assert 0.4 < overall["auc"] < 0.6


def silver(spark, out):
    return {
        name: read_table(spark, out, "silver", name)
        for name in ("interactions", "dim_contact", "dim_account", "dim_opportunity", "dim_seller")
    }


def test_point_in_time_scores_are_the_pipelines_own(spark, runs, ruleset):
    """At the run's as-of date every account's score equals 03_score's gold (the state path); at earlier
    dates, scored in the same batch, each equals scoring that date alone from unmoved silver."""
    out, as_of = runs["planted"], dt.date.fromisoformat(runs["manifest"]["asOf"])
    s = silver(spark, out)
    lib = evaluate.load_libraries(spark)
    gold = {r["account_id"]: r["connectivity_score"] for r in read_table(spark, out, "gold", "account_scores").collect()}
    earlier = [dt.date(2026, 8, 3), dt.date(2026, 10, 1)]
    sampled = sorted(gold)[:60]
    targets = [(a, as_of) for a in gold] + [(a, d) for a in sampled for d in earlier]
    scorer = PointInTimeScorer(spark, lib, s["interactions"], s, targets, ruleset["sources"]["meeting"], [ruleset["sources"]["meeting"]])
    got = scorer.scores(ruleset)[float(ruleset["sources"]["meeting"])]
    scorer.close()
    assert {a: got[(a, as_of)] for a in gold} == pytest.approx(gold, abs=2e-6)
    assert sum(1 for v in gold.values() if v > 0) > 100
    for d in earlier:
        inputs = lib["gold_inputs_from_silver"](s["interactions"], s["dim_contact"], d, ruleset)
        alone = {r["account_id"]: r["connectivity_score"] for r in account_scores_at(lib, inputs, s, d, ruleset).collect()}
        assert {a: got[(a, d)] for a in sampled} == pytest.approx({a: alone[a] for a in sampled}, abs=2e-6)
        assert any(alone[a] > 0 for a in sampled)


def test_an_interaction_after_the_as_of_date_does_not_change_the_score_used(spark, lib, ruleset):
    """a1 scored as of 2026-11-01, beside a later target of the same account (whose copies do include
    the later rows): mail on the as-of day or after it changes nothing; mail the evening before does."""
    tenant = Tenant("/unused")
    d = dims(spark, lib, tenant)
    crm = {"dim_contact": d["contacts"], "dim_account": d["accounts"], "dim_opportunity": d["opportunities"], "dim_seller": d["sellers"]}
    base = [
        {"occurred_at": "2026-09-10T10:00:00", "direction": "outbound"},
        {"occurred_at": "2026-09-11T10:00:00", "direction": "inbound"},
        {"occurred_at": "2026-10-20T10:00:00", "contact_id": "c2", "source": "meeting", "weight": 3.0},
    ]
    after = [
        {"occurred_at": "2026-11-01T00:00:00"},
        {"occurred_at": "2026-11-03T09:00:00", "source": "meeting", "weight": 3.0, "seller_id": "s2"},
        {"occurred_at": "2026-11-08T09:00:00", "contact_id": "c2", "direction": "inbound"},
    ]
    before = [{"occurred_at": "2026-10-31T23:59:00"}]
    as_of, later = dt.date(2026, 11, 1), dt.date(2026, 11, 10)
    targets = [("a1", as_of), ("a1", later), ("a2", as_of)]

    def scores(rows):
        scorer = PointInTimeScorer(spark, vars(lib), interactions_df(spark, lib, rows), crm, targets, 3.0, [3.0])
        got = scorer.scores(ruleset)[3.0]
        scorer.close()
        return got

    plain, with_after, with_before = scores(base), scores(base + after), scores(base + before)
    assert plain[("a1", as_of)] > 0 and plain[("a2", as_of)] == 0.0
    assert with_after[("a1", as_of)] == plain[("a1", as_of)]
    assert with_after[("a1", later)] > plain[("a1", later)]  # the later target does see them
    assert with_before[("a1", as_of)] > plain[("a1", as_of)]


def overwrite(spark, out, name, df):
    df.write.format("delta").mode("overwrite").save(str(out / "silver" / name))


def test_what_it_cannot_answer_it_says_plainly(spark, runs, ruleset, tmp_path):
    with pytest.raises(evaluate.NoAnswer, match="holds no Delta table: run `npm start` or `relmesh run --out"):
        evaluate.evaluate(spark, request(tmp_path / "nothing", ruleset))
    out = tmp_path / "run"
    shutil.copytree(runs["null"], out, ignore=shutil.ignore_patterns("gold", "state", "dashboard"))
    opportunities = read_table(spark, out, "silver", "dim_opportunity").localCheckpoint()
    won, lost = opportunities.filter("status = 'won'"), opportunities.filter("status = 'lost'")
    overwrite(spark, out, "dim_opportunity", opportunities.filter("status = 'open'"))
    with pytest.raises(evaluate.NoAnswer, match=r"no won or lost opportunities in .*dim_opportunity \(\d+ opportunities: \d+ open"):
        evaluate.evaluate(spark, request(out, ruleset))
    overwrite(spark, out, "dim_opportunity", won.limit(40).unionByName(lost.orderBy("close_date").limit(30)))
    with pytest.raises(evaluate.NoAnswer, match=r"too few deals to judge: \d+ won and \d lost can be scored \(at least 10 of each"):
        evaluate.evaluate(spark, request(out, ruleset))
    shutil.rmtree(out / "silver" / "dim_opportunity")
    with pytest.raises(evaluate.NoAnswer, match="this run has no CRM opportunities"):
        evaluate.evaluate(spark, request(out, ruleset))
