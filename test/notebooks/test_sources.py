"""02_ingest_sources on hand-made ERP orders and service cases (issue 12): every line used or quarantined
with its reason, the CRM matches, newest versions, the seller↔contact touches and idempotent reruns."""

import pytest

from conftest import Tenant, read_table, run_pipeline

ORDERS, CASES = "erp/SalesOrder", "service/cases"
INGEST = ("01_ingest_crm", "02_ingest_sources")


def order(order_id, account="a1", contact=None, seller=None, at="2026-11-01T09:00:00.0000000", **extra):
    return {
        "order_id": order_id,
        "account_crm_id": account,
        "contact_crm_id": contact,
        "seller_email": seller,
        "ordered_at": at,
        "amount": 1200.5,
        "currency": "EUR",
        "status": "open",
        "modified_at": at,
        **extra,
    }


def case(case_id, ts, account="a1", contact=None, owner=None, escalated=False, **extra):
    return {
        "case_id": case_id,
        "account_crm_id": account,
        "contact_crm_id": contact,
        "owner_email": owner,
        "opened_at": "2026-11-01T08:00:00Z",
        "closed_at": None,
        "status": "open",
        "priority": "high",
        "escalated": escalated,
        "_ts": ts,
        **extra,
    }


NOV1_TS = 1793523600  # 2026-11-01T09:00:00Z
NOV2_TS = 1793610000  # 2026-11-02T09:00:00Z


@pytest.fixture(scope="module")
def lake(spark, ruleset, tmp_path_factory):
    t = Tenant(tmp_path_factory.mktemp("sources")).write_crm()
    t.source_rows(
        ORDERS,
        "erp_orders",
        "2026-11-01",
        [
            order("SO-1", contact="c1", seller="Ann@Contoso.com"),  # a pair touch: both named, both known
            order("SO-2", seller="ann@contoso.com"),  # the account's only: no contact
            order("SO-3", account="a2", contact="c3"),  # the account's only: no seller
            order("SO-4", account="X-UNKNOWN"),
            '{"order_id": "SO-5", "account_crm_id": "a1", ',
            order("SO-6", at="31/10/2026"),
            order("SO-7", amount="12,5"),
            order("SO-8", account=None),
            order("SO-9", contact="c9", seller="ann@contoso.com"),  # contact not in the CRM: the account's only
        ],
    )
    t.source_rows(
        CASES,
        "service_cases",
        "2026-11-01",
        [
            case("CAS-1", NOV1_TS, contact="c2", owner="bob@contoso.com", escalated=True),
            case("CAS-2", NOV1_TS, account="a2", contact="c3", owner="support@contoso.com"),
            case("CAS-3", NOV1_TS, escalated="maybe"),
        ],
    )
    t.source_rows(
        ORDERS,
        "erp_orders",
        "2026-11-02",
        [order("SO-1", contact="c1", seller="ann@contoso.com", status="cancelled", modified_at="2026-11-02T10:00:00.0000000")],
    )
    t.source_rows(
        CASES,
        "service_cases",
        "2026-11-02",
        [
            case(
                "CAS-1", NOV2_TS, contact="c2", owner="bob@contoso.com", escalated=True, status="resolved", closed_at="2026-11-02T09:00:00Z"
            )
        ],
    )
    out = tmp_path_factory.mktemp("sources-out")
    first = run_pipeline(spark, t, out, ruleset, ("2026-11-01", "2026-11-02"), "2026-11-02", notebooks=INGEST)[1]
    touches_after_first = read_table(spark, out, "silver", "interactions").collect()
    # The CRM is loaded once; the later windows run the sources' notebook alone.
    second = run_pipeline(spark, t, out, ruleset, ("2026-11-02", "2026-11-03"), "2026-11-03", notebooks=INGEST[1:])[0]
    rerun = run_pipeline(spark, t, out, ruleset, ("2026-11-01", "2026-11-02"), "2026-11-02", notebooks=INGEST[1:])[0]
    return {"out": out, "first": first, "second": second, "rerun": rerun, "touches_after_first": touches_after_first}


def test_every_line_is_used_or_quarantined_with_its_reason(lake):
    orders = lake["first"]["tables"]["erp_orders"]
    # 9 lines: SO-1, SO-2, SO-3, SO-9 used; SO-4 unknown account, SO-5 cut off, SO-6 a local date, SO-7 '12,5', SO-8 no account.
    assert orders["rows_in"] == 9 == orders["used"] + orders["quarantined"]
    assert orders["used"] == 4 and orders["distinct"] == 4 and orders["superseded_versions"] == 0
    assert orders["quarantine_reasons"] == {
        "bad_number": 1,
        "bad_timestamp": 1,
        "malformed_json": 1,
        "missing_account": 1,
        "unknown_account": 1,
    }
    assert orders["contact_not_in_crm"] == 1  # SO-9
    cases = lake["first"]["tables"]["service_cases"]
    assert (cases["rows_in"], cases["used"], cases["quarantine_reasons"]) == (3, 2, {"bad_boolean": 1})


def test_quarantine_keeps_each_rejected_line_with_its_reason(spark, lake):
    q = read_table(spark, lake["out"], "silver", "quarantine").filter("dataset IN ('erp_orders', 'service_cases')").collect()
    assert sorted((r.dataset, r.reason) for r in q) == sorted(
        [("erp_orders", r) for r in ("bad_number", "bad_timestamp", "malformed_json", "missing_account", "unknown_account")]
        + [("service_cases", "bad_boolean")]
    )
    assert any(r.raw.startswith('{"order_id": "SO-5"') for r in q)


def test_a_pair_touch_only_when_the_order_or_case_names_a_seller_and_a_crm_contact(lake):
    touches = sorted((r.source, r.source_key, r.seller_id, r.contact_id, r.direction, r.weight) for r in lake["touches_after_first"])
    # SO-1: Ann (the address matched case-insensitively) and c1; CAS-1: Bob owns c2's case.
    # Weights: sources.erp_order 1.0, sources.service_case 0.5.
    assert touches == [("erp_order", "SO-1", "s1", "c1", "mutual", 1.0), ("service_case", "CAS-1", "s2", "c2", "mutual", 0.5)]


def test_the_newest_version_wins_and_a_cancelled_order_is_no_touch(spark, lake):
    assert lake["second"]["tables"]["erp_orders"]["rows_in"] == 1
    orders = {r.order_id: r for r in read_table(spark, lake["out"], "silver", "erp_orders").collect()}
    assert sorted(orders) == ["SO-1", "SO-2", "SO-3", "SO-9"]
    assert orders["SO-1"].status == "cancelled"
    assert orders["SO-9"].contact_id is None and orders["SO-1"].seller_id == "s1"
    assert "seller_email" not in read_table(spark, lake["out"], "silver", "erp_orders").columns  # ids only, no address
    cases = {r.case_id: r for r in read_table(spark, lake["out"], "silver", "service_cases").collect()}
    assert cases["CAS-1"].status == "resolved" and cases["CAS-1"].escalated is True
    touches = read_table(spark, lake["out"], "silver", "interactions").collect()
    assert [(r.source, r.source_key) for r in touches] == [("service_case", "CAS-1")]


def test_rerunning_an_old_window_brings_back_nothing_older_and_writes_nothing(spark, lake):
    assert lake["rerun"]["tables"]["erp_orders"]["merged"] == {"inserted": 0, "updated": 0, "deleted": 0}
    assert lake["rerun"]["interactions"] == {"rows": 1, "inserted": 0, "updated": 0, "deleted": 0}
    orders = {r.order_id: r.status for r in read_table(spark, lake["out"], "silver", "erp_orders").collect()}
    assert orders["SO-1"] == "cancelled"


# ---- the accounts' signals (rm_business_signals), on in-memory rows with the arithmetic here -------------

import datetime as dt  # noqa: E402

from pyspark.sql import types as T  # noqa: E402

AS_OF = dt.date(2026, 11, 2)
_ORDERS = T.StructType(
    [
        T.StructField(n, t)
        for n, t in (
            ("account_id", T.StringType()),
            ("ordered_at", T.TimestampType()),
            ("amount", T.DoubleType()),
            ("status", T.StringType()),
        )
    ]
)
_CASES = T.StructType(
    [
        T.StructField(n, t)
        for n, t in (
            ("account_id", T.StringType()),
            ("opened_at", T.TimestampType()),
            ("closed_at", T.TimestampType()),
            ("escalated", T.BooleanType()),
        )
    ]
)


def _at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T10:00:00")


@pytest.fixture(scope="module")
def signals(spark, lib, ruleset):
    accounts = spark.createDataFrame(
        [(a, s) for a, s in (("a1", "good_standing"), ("a2", "good_standing"), ("a3", "no_coverage"), ("a4", "good_standing"))],
        "account_id string, status string",
    )
    orders = spark.createDataFrame(
        [
            # a1: 1,000 + 500 in the 90 days before 2026-11-02; 4,000 in the 90 before those: fell by 62.5% → down.
            ("a1", _at("2026-10-30"), 1000.0, "open"),
            ("a1", _at("2026-09-01"), 500.0, "open"),
            ("a1", _at("2026-07-01"), 4000.0, "open"),
            ("a1", _at("2026-10-31"), 9000.0, "cancelled"),  # cancelled: not counted
            ("a1", _at("2026-11-02"), 7000.0, "open"),  # on the as-of day: after it, not counted
            # a2: 300 now, 250 before: +20%, under order_change_share 0.5 → steady.
            ("a2", _at("2026-10-01"), 300.0, "open"),
            ("a2", _at("2026-06-01"), 250.0, "open"),
        ],
        _ORDERS,
    )
    cases = spark.createDataFrame(
        [
            ("a1", _at("2026-10-20"), None, True),  # open escalation → a1 needs attention
            ("a1", _at("2026-10-21"), _at("2026-11-01"), True),  # closed before as_of: not open, but escalated in the period
            ("a2", _at("2026-10-25"), _at("2026-11-05"), False),  # closed after as_of: open at as_of
            ("a3", _at("2026-10-25"), None, True),  # no_coverage stays no_coverage
        ],
        _CASES,
    )
    rows = lib.with_business_signals(accounts, orders, cases, AS_OF, ruleset).collect()
    absent = lib.with_business_signals(accounts, None, None, AS_OF, ruleset).collect()
    return {r.account_id: r for r in rows}, {r.account_id: r for r in absent}


def test_orders_in_the_period_against_the_period_before(signals):
    by, _ = signals
    a1, a2, a4 = by["a1"], by["a2"], by["a4"]
    assert (a1.orders_in_period, a1.order_value_in_period, a1.order_value_previous_period, a1.order_trend) == (2, 1500.0, 4000.0, "down")
    assert (a2.orders_in_period, a2.order_value_in_period, a2.order_value_previous_period, a2.order_trend) == (1, 300.0, 250.0, "steady")
    assert (a4.orders_in_period, a4.order_value_in_period, a4.order_trend, a4.last_order_at) == (0, 0.0, "none", None)
    # Not the cancelled one of 10-31, nor the one on the as-of day: 10-30.
    assert a1.last_order_at == _at("2026-10-30")


def test_cases_open_at_the_as_of_date_and_escalations_make_an_account_need_attention(signals):
    by, _ = signals
    assert (by["a1"].open_cases, by["a1"].open_escalations, by["a1"].escalations_in_period) == (1, 1, 2)
    assert (by["a2"].open_cases, by["a2"].open_escalations) == (1, 0)
    assert [by[a].status for a in ("a1", "a2", "a3", "a4")] == ["needs_attention", "good_standing", "no_coverage", "good_standing"]


def test_without_the_sources_the_signals_are_null_not_zero(signals):
    _, absent = signals
    a1 = absent["a1"]
    assert [a1[c] for c in ("orders_in_period", "order_trend", "open_cases", "open_escalations")] == [None, None, None, None]
    assert a1.status == "good_standing"
