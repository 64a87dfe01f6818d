"""Conformance: Microsoft's own published MGDC sample rows parse, in both casings. They are not part of
the repository; set RELMESH_MGDC_SAMPLES (or place ../shared/mgdc-samples beside the clone). Without
them these tests are skipped, and the skip names the path searched."""

import pytest

from conftest import MICROSOFT_SAMPLES
from test_bad_input import EVENTS, MESSAGES, assert_pascal_parses_like_camel, parse_events, parse_messages

pytestmark = pytest.mark.skipif(
    not (MICROSOFT_SAMPLES / f"{MESSAGES}.jsonl").exists(),
    reason=f"Microsoft's MGDC sample rows not found at {MICROSOFT_SAMPLES}; set RELMESH_MGDC_SAMPLES to run the conformance tests",
)


def sample_lines(dataset):
    return (MICROSOFT_SAMPLES / f"{dataset}.jsonl").read_text().splitlines()


def test_microsofts_sample_messages_all_parse(spark, lib):
    lines = sample_lines(MESSAGES)
    rows = parse_messages(spark, lib, lines)
    assert len(rows) == len(lines) == 10
    assert [r["reason"] for r in rows] == [None] * 10
    first = rows[0]
    assert first["sender"] == "noreply@email.teams.microsoft.com"
    assert first["recipients"] == ["pattif@m365x723843.onmicrosoft.com"]
    assert first["occurred_at"].isoformat() == "2021-02-03T00:37:41"


def test_microsofts_sample_events_all_parse_with_responses_and_seven_digit_times(spark, lib):
    rows = parse_events(spark, lib, sample_lines(EVENTS))
    assert [r["reason"] for r in rows] == [None] * 10
    first = rows[0]
    assert first["start_at"].isoformat() == "2020-01-07T22:00:00"
    assert first["organizer"] == "lidiah@m365x723843.onmicrosoft.com"
    assert [(a["email"], a["response"]) for a in first["attendees"]][:2] == [
        ("meganb@m365x723843.onmicrosoft.com", "accepted"),
        ("lynner@m365x723843.onmicrosoft.com", "none"),
    ]
    assert first["location"] == "Umi Sake House (2230 1st Ave, Seattle, WA 98121 US)"


def test_microsofts_samples_in_pascal_case_parse_the_same_as_camel_case(spark, lib):
    assert_pascal_parses_like_camel(spark, lib, sample_lines)
