"""What ingestion assumes when a value is missing: each assumption is a stated rule, the used rows that
relied on one are counted per dataset, and a large share of them warns (data_quality.fallback_warning_share).

A meeting whose length is unknown weighs the ruleset's duration.default_minutes (30): with the default
ruleset, 3.0 (meeting) × audience 1 × modality unknown 1.0 × accepted 1.0 × min(2, 30 / 60) = 1.5.
"""

import pytest

from conftest import Tenant, attendee, dims, event, ingest_in_memory, lines_df, message, rules
from summary import data_quality as summary_warnings

EVENTS = "BasicDataSet_v0.CalendarView_v0"
MESSAGES = "BasicDataSet_v0.Message_v1"


def meeting(start: str, end: str, ical: str, **kwargs) -> dict:
    return event("ann@contoso.com", [attendee("carl@fabrikam.com")], start, end, ical=ical, **kwargs)


@pytest.mark.parametrize(
    "start, end",
    [
        ("2026-03-04", "2026-03-04"),  # a date, no time: measured 0 minutes
        ("2026-03-04", "2026-03-05"),  # midnight to midnight written as dates: not a 24-hour meeting
        ("2026-03-04T10:00:00.0000000", "2026-03-04"),  # one side without a time of day
        ("2026-03-04T10:00:00.0000000", "2026-03-04T10:00:00.0000000"),  # zero length
        ("2026-03-04T10:00:00.0000000", "2026-03-04T09:00:00.0000000"),  # end before start
    ],
)
def test_a_meeting_whose_length_is_unknown_weighs_the_default_length_not_zero(spark, lib, ruleset, start, end):
    out = ingest_in_memory(spark, lib, ruleset, Tenant("/unused"), events=[meeting(start, end, "m")])
    (row,) = out["interactions"]
    assert (row["duration_min"], row["weight"]) == (30.0, pytest.approx(1.5))
    assert out["events"] == {"m": "used"}


def test_the_default_length_is_the_rulesets_and_a_measured_length_is_kept(spark, lib, ruleset):
    measured = meeting("2026-03-04T10:00:00.0000000", "2026-03-04T10:45:00.0000000", "measured")
    dated = meeting("2026-03-04", "2026-03-04", "dated")
    out = ingest_in_memory(spark, lib, rules(ruleset, **{"duration.default_minutes": 90}), Tenant("/unused"), events=[measured, dated])
    got = {r["source_key"].split("|")[0]: (r["duration_min"], r["weight"]) for r in out["interactions"]}
    # measured: 3.0 × 45 / 60 = 2.25; dated: 3.0 × min(2, 90 / 60) = 4.5
    assert got == {"measured": (45.0, pytest.approx(2.25)), "dated": (90.0, pytest.approx(4.5))}


def counts_of(spark, lib, ruleset, dataset, lines):
    d = dims(spark, lib, Tenant("/unused"))
    lookup = lib.directory(d["sellers"], d["contacts"], d["accounts"])
    _, _, counts = lib.ingest_dataset(lines_df(spark, lines), dataset, lookup, ruleset, False, "t")
    return {k: counts[k] for k in ("used", "fallbacks", "with_fallback", "fallback_warning_share", "fallback_warning")}


def test_defaulted_meetings_and_other_fallbacks_are_counted_and_a_large_share_warns(spark, lib, ruleset):
    timed = [meeting(f"2026-03-0{d}T10:00:00.0000000", f"2026-03-0{d}T11:00:00.0000000", f"t{d}") for d in range(1, 4)]
    no_zone = meeting("2026-03-05T10:00:00.0000000", "2026-03-05T11:00:00.0000000", "zone")
    no_zone["start"].pop("timeZone")
    no_zone["end"].pop("timeZone")
    dated = meeting("2026-03-06", "2026-03-06", "dated")
    cancelled = meeting("2026-03-07", "2026-03-07", "cancelled", cancelled=True)  # excluded: not counted
    lines = timed + [no_zone, dated, cancelled]
    # 2 of the 5 used meetings relied on a fallback: 40%, at or above the default 20%.
    assert counts_of(spark, lib, ruleset, EVENTS, lines) == {
        "used": 5,
        "fallbacks": {"meeting_length_defaulted": 1, "time_zone_missing": 1},
        "with_fallback": 2,
        "fallback_warning_share": 0.2,
        "fallback_warning": True,
    }
    quiet = counts_of(spark, lib, rules(ruleset, **{"data_quality.fallback_warning_share": 0.5}), EVENTS, lines)
    assert (quiet["with_fallback"], quiet["fallback_warning"]) == (2, False)


def test_messages_count_a_missing_sent_time_and_a_date_without_a_time(spark, lib, ruleset):
    fine = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<fine@x>")
    received_only = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T11:00:00Z", imid="<recv@x>")
    del received_only["sentDateTime"]
    dated = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10", imid="<dated@x>")
    assert counts_of(spark, lib, ruleset, MESSAGES, [fine, received_only, dated]) == {
        "used": 3,
        "fallbacks": {"sent_time_missing": 1, "date_only_time": 1},
        "with_fallback": 2,
        "fallback_warning_share": 0.2,
        "fallback_warning": True,
    }


def test_data_quality_counts_each_fallback_and_the_rows_relying_on_any(lib, ruleset):
    groups = [
        {"fallbacks": ["time_zone_missing", "meeting_length_defaulted"], "count": 2},
        {"fallbacks": ["meeting_length_defaulted"], "count": 3},
        {"fallbacks": [], "count": 45},
    ]
    assert lib.data_quality(groups, 50, ruleset) == {
        "fallbacks": {"time_zone_missing": 2, "meeting_length_defaulted": 5},
        "with_fallback": 5,
        "fallback_warning_share": 0.2,
        "fallback_warning": False,  # 10% of 50
    }
    assert (
        lib.data_quality([{"fallbacks": [], "count": 50}], 50, rules(ruleset, **{"data_quality.fallback_warning_share": 0}))[
            "fallback_warning"
        ]
        is False
    )  # nothing relied on a fallback: nothing to warn about
    assert lib.data_quality([], 0, ruleset)["fallback_warning"] is False


def test_the_run_summary_repeats_the_warnings_of_the_ingest_results():
    warned = {"used": 5, "with_fallback": 2, "fallback_warning_share": 0.2, "fallbacks": {"meeting_length_defaulted": 2}}
    results = [
        {"notebook": "01_ingest_crm", "tables": {}},
        {"datasets": {EVENTS: {**warned, "fallback_warning": True}, MESSAGES: {"used": 9, "fallback_warning": False}}},
    ]
    assert summary_warnings(results) == [{"dataset": EVENTS, **warned}]
