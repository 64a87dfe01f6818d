"""Reading MGDC rows through an explicit schema (only the fields the parsers use, in camelCase and
PascalCase at every level), quarantining what is not a JSON object, counting in one pass, and picking
the window's files from the date folders."""

import datetime as dt
import json

import pytest

from conftest import Tenant, attendee, dims, event, lines_df, message
from test_bad_input import EVENTS, MESSAGES, parse_events, parse_messages

D = dt.date.fromisoformat


def _values(rows, *names):
    return [tuple(r[n] for n in names) for r in rows]


def test_the_schema_holds_every_field_in_both_spellings_and_no_body(lib):
    names = {f.name for f in lib.record_schema(MESSAGES).fields}
    assert {"internetMessageId", "InternetMessageId", "toRecipients", "ToRecipients", "puser", "Puser"} <= names
    assert not {"body", "Body", "bodyPreview", "BodyPreview", "uniqueBody", "attachments"} & names
    assert {"iCalUId", "ICalUId", "attendees", "Attendees"} <= {f.name for f in lib.record_schema(EVENTS).fields}
    assert "attendees" not in names  # each dataset reads only its own fields
    sender = lib.record_schema(MESSAGES)["Sender"].dataType
    assert [f.name for f in sender["EmailAddress"].dataType.fields] == ["address", "Address"]


def test_pascal_case_at_nested_levels_inside_camel_case_rows(spark, lib):
    camel = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<m@x>", cc=["dora@fabrikam.com"])
    mixed = json.loads(json.dumps(camel))
    mixed["InternetMessageId"] = mixed.pop("internetMessageId")
    mixed["from"] = {"EmailAddress": {"address": "ann@contoso.com"}}
    mixed["sender"] = {"emailAddress": {"Address": "ann@contoso.com"}}
    mixed["CcRecipients"] = [{"EmailAddress": {"Address": "dora@fabrikam.com"}}]
    del mixed["ccRecipients"]
    mixed["SentDateTime"] = mixed.pop("sentDateTime")
    assert _values(parse_messages(spark, lib, [mixed]), "reason", "internet_message_id", "sender", "recipients", "occurred_at") == _values(
        parse_messages(spark, lib, [camel]), "reason", "internet_message_id", "sender", "recipients", "occurred_at"
    )


def test_pascal_case_at_nested_levels_of_events(spark, lib):
    camel = event(
        "ann@contoso.com",
        [attendee("carl@fabrikam.com", "tentativelyAccepted")],
        "2026-07-10T09:00:00.0000000",
        "2026-07-10T10:00:00.0000000",
        tz="W. Europe Standard Time",
        location="HQ",
    )
    mixed = json.loads(json.dumps(camel))
    mixed["Attendees"] = [{"EmailAddress": {"address": "carl@fabrikam.com"}, "status": {"Response": "TentativelyAccepted"}}]
    del mixed["attendees"]
    mixed["start"] = {"DateTime": camel["start"]["dateTime"], "timeZone": camel["start"]["timeZone"]}
    mixed["End"] = {"dateTime": camel["end"]["dateTime"], "TimeZone": camel["end"]["timeZone"]}
    del mixed["end"]
    mixed["Location"] = {"DisplayName": "HQ"}
    del mixed["location"]
    mixed["Organizer"] = {"emailAddress": {"Address": "ann@contoso.com"}}
    del mixed["organizer"]
    names = ("reason", "organizer", "attendees", "start_at", "end_at", "location")
    (row,) = parse_events(spark, lib, [mixed])
    assert _values([row], *names) == _values(parse_events(spark, lib, [camel]), *names)
    assert (row["start_at"].isoformat(), row["attendees"][0]["response"], row["location"]) == ("2026-07-10T07:00:00", "tentative", "HQ")


def test_where_one_object_has_both_spellings_camel_case_wins(spark, lib):
    m = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<both@x>")
    m["Sender"] = {"EmailAddress": {"Address": "bob@contoso.com"}}
    (row,) = parse_messages(spark, lib, [m])
    assert row["sender"] == "ann@contoso.com"


@pytest.mark.parametrize("value, expected", [(True, True), ("true", True), ("True", True), (False, False), ("false", False)])
def test_booleans_arrive_as_json_booleans_or_as_text(spark, lib, value, expected):
    m = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z")
    m["isDraft"] = value
    e = event("ann@contoso.com", [attendee("carl@fabrikam.com")], "2026-11-10T09:00:00", "2026-11-10T10:00:00")
    e.update(isCancelled=value, IsAllDay=value, isOnlineMeeting=value, onlineMeetingProvider="unknown")
    del e["isAllDay"]
    (mrow,) = parse_messages(spark, lib, [m])
    (erow,) = parse_events(spark, lib, [e])
    assert (mrow["reason"], mrow["is_draft"]) == (None, expected)
    assert (erow["reason"], erow["is_cancelled"], erow["is_all_day"], erow["is_online"]) == (None, expected, expected, expected)


def test_numbers_and_objects_where_text_belongs_arrive_as_text(spark, lib):
    m = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<n@x>")
    m.update(id=12345, subject={"text": "Hello"})
    (row,) = parse_messages(spark, lib, [m])
    assert (row["reason"], row["copy_id"], row["subject"]) == (None, "12345", '{"text":"Hello"}')


@pytest.mark.parametrize("line", ['{"id": "a", "sender": {"emailAdd', '{"id": "a"', "42", '"text"', "null", "[", "]", "[]", "[1, 2"])
def test_text_that_is_not_a_json_object_is_malformed(spark, lib, line):
    assert _values(parse_messages(spark, lib, [line]), "reason", "raw") == [("malformed_json", line)]


def test_an_object_with_a_field_of_the_wrong_shape_is_read_not_called_malformed(spark, lib):
    """Spark flags the row (text where an object belongs) but keeps its other fields; the row is then
    judged on those, as any row is."""
    m = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<shape@x>")
    m["sender"] = "ann@contoso.com"
    no_sender = dict(m, **{"from": 7})
    rows = parse_messages(spark, lib, [m, no_sender])
    assert _values(rows, "reason", "sender") == [(None, "ann@contoso.com"), ("missing_sender", None)]


def test_array_lines_yield_their_objects_and_quarantine_the_rest_element_by_element(spark, lib):
    a = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<1@x>")
    b = json.loads(json.dumps(a))
    b["InternetMessageId"] = "<2@x>"
    del b["internetMessageId"]
    rows = sorted(parse_messages(spark, lib, [json.dumps([a, 5, b])]), key=lambda r: r["element_index"])
    assert _values(rows, "element_index", "internet_message_id", "reason") == [
        (0, "<1@x>", None),
        (1, None, "malformed_json"),
        (2, "<2@x>", None),
    ]
    # Only quarantined rows keep their text, and only their own element's: never the whole line,
    # which would make memory line × elements.
    assert (rows[1]["raw"], rows[0]["raw"]) == ("5", None)
    assert [r["from_array"] for r in rows] == [True, True, True]


def test_a_short_array_line_of_three_values_is_three_rows_from_one_line(spark, lib, ruleset):
    """Three values on one line were counted as three rows in, as if three lines had been read."""
    a = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<a3@x>")
    b = message("carl@fabrikam.com", ["ann@contoso.com"], "2026-11-10T11:00:00Z", imid="<b3@x>")
    single = message("ann@contoso.com", ["dora@fabrikam.com"], "2026-11-10T12:00:00Z", imid="<s@x>")
    d = dims(spark, lib, Tenant("/unused"))
    lookup = lib.directory(d["sellers"], d["contacts"], d["accounts"])
    lines = [json.dumps([a, 7, b]), single, "[]", "[1, 2", "[null]"]
    _, quarantined, counts = lib.ingest_dataset(lines_df(spark, lines), MESSAGES, lookup, ruleset, False, "t")
    # 5 lines: the arrays' 3 values and 1 null are 4 rows, the object 1, the empty and the broken array 1 each.
    assert {k: counts[k] for k in ("rows_in", "lines_in", "array_lines", "rows_from_arrays", "copies", "quarantined")} == {
        "rows_in": 7,
        "lines_in": 5,
        "array_lines": 2,
        "rows_from_arrays": 4,
        "copies": 3,
        "quarantined": 4,
    }
    assert sorted(q["raw"] for q in quarantined.collect()) == ["7", "[1, 2", "[]", "null"]


def test_counts_come_from_one_pass_and_reconcile(spark, lib, ruleset):
    out = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<o@x>")
    reply = message("carl@fabrikam.com", ["ann@contoso.com", "bob@contoso.com"], "2026-11-10T11:00:00Z", imid="<r@x>")
    internal = message("ann@contoso.com", ["bob@contoso.com"], "2026-11-10T12:00:00Z", imid="<i@x>")
    lines = [out, reply, {**reply, "id": "bob-copy"}, json.dumps([internal]), "{broken", dict(out, sender=None, **{"from": None})]
    d = dims(spark, lib, Tenant("/unused"))
    lookup = lib.directory(d["sellers"], d["contacts"], d["accounts"])
    _, quarantined, counts = lib.ingest_dataset(lines_df(spark, lines), MESSAGES, lookup, ruleset, False, "t")
    assert counts == {
        "rows_in": 6,
        "lines_in": 6,
        "array_lines": 1,
        "rows_from_arrays": 1,
        "quarantined": 2,
        "quarantine_reasons": {"malformed_json": 1, "missing_sender": 1},
        "copies": 4,
        "distinct": 3,
        "used": 2,
        "excluded": {"internal_only": 1},
        "duplicate_copies": 1,
        "fallbacks": {},
        "with_fallback": 0,
        "fallback_warning_share": 0.2,
        "fallback_warning": False,
    }
    assert sorted(q["reason"] for q in quarantined.collect()) == ["malformed_json", "missing_sender"]


# ---- which files a window reads ------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, months",
    [
        ("2026-12-30", "2027-01-02", ["2026/12", "2027/01"]),
        ("2026-11-01", "2026-12-01", ["2026/11"]),
        ("2026-11-30", "2026-12-01", ["2026/11"]),
        ("2026-11-30", "2026-12-02", ["2026/11", "2026/12"]),
        ("2025-11-15", "2026-02-01", ["2025/11", "2025/12", "2026/01"]),
        ("2026-03-01", "2026-03-01", []),
    ],
)
def test_a_window_lists_only_the_months_it_touches(lib, start, end, months):
    assert lib.window_months(D(start), D(end)) == months


@pytest.mark.parametrize(
    "month, name, day",
    [
        ("2028/02", "29", "2028-02-29"),
        ("2027/02", "29", None),
        ("2026/12", "31", "2026-12-31"),
        ("2026/12", "metadata", None),
        ("2026/12", "1", None),
    ],
)
def test_only_real_dates_are_day_folders(lib, month, name, day):
    assert lib.day_of_folder(month, name) == (D(day) if day else None)


def _write(root, *paths):
    for p in paths:
        (root / p).parent.mkdir(parents=True, exist_ok=True)
        (root / p).write_text("{}\n")


def test_window_files_keep_the_windows_days_across_a_year_boundary_and_skip_metadata(spark, lib, tmp_path):
    _write(
        tmp_path,
        "2026/11/30/before.json",
        "2026/12/30/a.json",
        "2026/12/31/b1.json",
        "2026/12/31/b2.json",
        "2026/12/31/metadata/m.json",
        "2026/12/31/notes.txt",
        "2026/12/31/_hidden.json",
        "2026/12/31/.b1.json.crc",
        "2026/12/xx/stray.json",
        "2027/01/01/c.json",
        "2027/01/02/after.json",
        "metadata/top.json",
    )
    listed = []

    def list_children(folder):
        listed.append(folder)
        return lib.list_folder(spark, folder)

    files = lib.window_files(list_children, str(tmp_path), D("2026-12-30"), D("2027-01-02"))
    assert [f.split(str(tmp_path))[1] for f in files] == [
        "/2026/12/30/a.json",
        "/2026/12/31/b1.json",
        "/2026/12/31/b2.json",
        "/2027/01/01/c.json",
    ]
    # two months, then the three days of the window that have folders: nothing else is listed
    assert sorted(f.split(str(tmp_path))[1] for f in listed) == ["/2026/12", "/2026/12/30", "/2026/12/31", "/2027/01", "/2027/01/01"]
    assert spark.read.text(files).count() == 4


def test_a_window_without_folders_finds_no_files(spark, lib, tmp_path):
    assert lib.list_folder(spark, str(tmp_path / "missing")) == []
    assert lib.window_files(lambda f: lib.list_folder(spark, f), str(tmp_path), D("2026-01-01"), D("2026-03-01")) == []
