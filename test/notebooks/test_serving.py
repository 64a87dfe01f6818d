"""The serving-layer additions the dashboards read, on hand-made input with values worked out by hand:
the filter attributes and gaps of account_scores, the event tracker's weeks, who knows whom, the
touchpoints' factors, schema evolution of an existing table, and the lake database registration."""

import datetime as dt

import pytest
from pyspark.sql import types as T

from conftest import Tenant, dims, interactions_df, score_accounts

AS_OF = dt.date(2026, 11, 16)


def _scored(spark, lib, ruleset, rows, **overrides):
    return score_accounts(spark, lib, ruleset, rows, AS_OF, **overrides)


def test_email_and_meeting_gaps_count_days_to_the_as_of_date(spark, lib, ruleset):
    # a1: last email 2026-11-06 (10 days), last meeting 2026-08-08 (100 days); a2: one email 61 days ago, no meeting.
    rows = [
        {"occurred_at": "2026-11-06T09:00:00"},
        {"occurred_at": "2026-08-08T09:00:00", "source": "meeting", "direction": "mutual", "weight": 3.0},
        {"occurred_at": "2026-09-16T09:00:00", "contact_id": "c3", "account_id": "a2"},
    ]
    acc, *_ = _scored(spark, lib, ruleset, rows)
    assert (acc["a1"]["email_gap_days"], acc["a1"]["meeting_gap_days"]) == (10, 100)
    assert (acc["a2"]["email_gap_days"], acc["a2"]["meeting_gap_days"]) == (61, None)


def test_accounts_carry_the_crm_attributes_the_filters_use(spark, lib, ruleset):
    acc, *_ = _scored(spark, lib, ruleset, [{"occurred_at": "2026-11-06T09:00:00"}])
    # dims(): industry Retail, sector Commercial, owner s1 = Ann Seller, for every account.
    assert {(a["industry"], a["sector"], a["owner_seller_id"], a["owner_name"]) for a in acc.values()} == {
        ("Retail", "Commercial", "s1", "Ann Seller")
    }


@pytest.mark.parametrize(
    "amount,band,order",
    [(300000.0, "Large (250k+)", 1), (250000.0, "Large (250k+)", 1), (249999.99, "Medium (50k–250k)", 2), (50000.0, "Medium (50k–250k)", 2),
     (12.5, "Small (under 50k)", 3), (0.0, "No open pipeline", 4)],
)  # fmt: skip
def test_open_pipeline_falls_in_the_first_band_it_reaches(spark, lib, ruleset, amount, band, order):
    df = spark.createDataFrame([(amount,)], "open_pipeline double")
    got = df.select(*lib.transaction_size(lib.F.col("open_pipeline"), ruleset["transaction_size"])).collect()[0]
    assert (got["transaction_size"], got["transaction_size_order"]) == (band, order)


def test_an_account_without_open_pipeline_gets_the_no_pipeline_band(spark, lib, ruleset):
    # dims(): a2 has the one open opportunity (300000); a1 has none.
    acc, *_ = _scored(spark, lib, ruleset, [{"occurred_at": "2026-11-06T09:00:00"}])
    assert (acc["a2"]["transaction_size"], acc["a2"]["open_pipeline"]) == ("Large (250k+)", 300000.0)
    assert (acc["a1"]["transaction_size"], acc["a1"]["transaction_size_order"]) == ("No open pipeline", 4)


def test_the_event_tracker_counts_interactions_per_monday_week_and_source(spark, lib, ruleset):
    # 2026-11-09 is a Monday: Mon 09:00 and Sun 2026-11-15 23:00 share its week; 2026-11-08 (Sunday) is the week before.
    rows = [
        {"occurred_at": "2026-11-09T09:00:00"},
        {"occurred_at": "2026-11-15T23:00:00", "direction": "inbound"},
        {"occurred_at": "2026-11-08T10:00:00"},
        {"occurred_at": "2026-11-10T10:00:00", "source": "meeting", "direction": "mutual", "weight": 3.0},
        {"occurred_at": "2026-11-16T08:00:00"},  # on the as-of date: not scored, not tracked
    ]
    d = dims(spark, lib, Tenant("/unused"))
    contrib = lib.contributions(interactions_df(spark, lib, rows), d["contacts"], AS_OF, ruleset)
    got = {(str(r["week_start"]), r["source"]): r for r in lib.interactions_weekly(lib.as_groups(contrib)).collect()}
    assert sorted(got) == [("2026-11-02", "email"), ("2026-11-09", "email"), ("2026-11-09", "meeting")]
    assert got[("2026-11-09", "email")]["interactions"] == 2
    # Contributions: 0.5^(6.625/90) + 0.5^(0.041667/90) = 0.950237 + 0.999679
    assert got[("2026-11-09", "email")]["contribution"] == pytest.approx(0.5 ** (6.625 / 90) + 0.5 ** (1 / 24 / 90), abs=1e-5)
    assert got[("2026-11-09", "meeting")]["interactions"] == 1


def test_who_knows_whom_names_the_best_connected_colleague_and_the_runner_up(spark, lib, ruleset):
    # c1: s2 has two emails both ways (stronger), s1 one outbound. c2: only s1.
    rows = [
        {"occurred_at": "2026-11-10T09:00:00", "seller_id": "s1"},
        {"occurred_at": "2026-11-10T09:00:00", "seller_id": "s2"},
        {"occurred_at": "2026-11-11T09:00:00", "seller_id": "s2", "direction": "inbound"},
        {"occurred_at": "2026-11-10T09:00:00", "seller_id": "s1", "contact_id": "c2"},
    ]
    _, pairs, _, d, r = _scored(spark, lib, ruleset, rows)
    got = {row["contact_id"]: row for row in lib.who_knows_whom(lib.contact_colleagues(pairs, d["sellers"]), d["contacts"], r).collect()}
    scores = {(p["seller_id"], p["contact_id"]): p["score"] for p in pairs.collect()}
    c1 = got["c1"]
    assert (c1["best_seller_id"], c1["best_seller_name"], c1["runner_up_seller_id"], c1["runner_up_name"]) == (
        "s2",
        "Bob Seller",
        "s1",
        "Ann Seller",
    )
    assert (c1["best_score"], c1["runner_up_score"]) == (scores[("s2", "c1")], scores[("s1", "c1")])
    assert c1["contact_score"] == c1["best_score"] and c1["sellers_connected"] == 2
    assert c1["is_executive"] is True  # Chief Executive Officer
    c2 = got["c2"]
    assert (c2["best_seller_id"], c2["runner_up_seller_id"], c2["runner_up_score"], c2["sellers_connected"]) == ("s1", None, None, 1)
    assert c2["is_executive"] is False


def test_who_knows_whom_breaks_a_tie_by_seller_id(spark, lib, ruleset):
    rows = [{"occurred_at": "2026-11-10T09:00:00", "seller_id": s} for s in ("s2", "s1")]
    _, pairs, _, d, r = _scored(spark, lib, ruleset, rows)
    c1 = lib.who_knows_whom(lib.contact_colleagues(pairs, d["sellers"]), d["contacts"], r).collect()[0]
    assert (c1["best_seller_id"], c1["runner_up_seller_id"]) == ("s1", "s2")


def test_a_touchpoint_shows_the_factors_its_contribution_is_made_of(spark, lib, ruleset):
    # A 90-day-old meeting (one half-life): decay 0.5, contribution = weight × 0.5.
    rows = [
        {
            "occurred_at": "2026-08-18T00:00:00",
            "source": "meeting",
            "direction": "mutual",
            "weight": 4.5,
            "participants": 3,
            "duration_min": 90.0,
        }
    ]
    d = dims(spark, lib, Tenant("/unused"))
    contrib = lib.contributions(interactions_df(spark, lib, rows), d["contacts"], AS_OF, ruleset)
    tp = lib.touchpoints(contrib, lib.as_groups(contrib), ruleset).collect()[0]
    assert (tp["participants"], tp["duration_min"], tp["decay_factor"]) == (3, 90.0, pytest.approx(0.5))
    assert tp["contribution"] == pytest.approx(tp["weight"] * tp["decay_factor"])


def test_a_table_from_an_earlier_release_gains_the_new_columns_in_contract_order(spark, lib, tmp_path):
    path = str(tmp_path / "t")
    old = T.StructType([T.StructField("k", T.StringType()), T.StructField("as_of", T.DateType())])
    spark.createDataFrame([("x", AS_OF)], old).write.format("delta").save(path)
    new = T.StructType([T.StructField("k", T.StringType()), T.StructField("added", T.IntegerType()), T.StructField("as_of", T.DateType())])
    table = lib.ensure_table(spark, path, new)
    assert [f.name for f in table.toDF().schema.fields] == ["k", "added", "as_of"]
    assert [tuple(r) for r in spark.read.format("delta").load(path).collect()] == [("x", None, AS_OF)]
    assert lib.add_missing_columns(spark, table, path, new) == []  # a second run changes nothing


def test_every_delta_table_of_a_zone_is_registered_in_its_lake_database(spark, lib, tmp_path):
    zone = tmp_path / "gold"
    for name in ("b_table", "a_table"):
        spark.createDataFrame([(1,)], "n int").write.format("delta").save(str(zone / name))
    (zone / "not_a_table").mkdir()
    assert lib.register_lake_tables(spark, "relmesh_test_lake", str(zone)) == ["a_table", "b_table"]
    assert lib.register_lake_tables(spark, "relmesh_test_lake", str(zone)) == ["a_table", "b_table"]  # idempotent
    assert {t.name for t in spark.catalog.listTables("relmesh_test_lake")} == {"a_table", "b_table"}
    assert spark.table("relmesh_test_lake.a_table").collect()[0]["n"] == 1


def test_the_lake_database_names_are_required(lib):
    with pytest.raises(ValueError, match="lake_databases_json names no lake database for gold"):
        lib.lake_database_names('{"silver": "s"}')
