"""Bad input either parses correctly or lands in quarantine with a reason (REL-11, REL-12), never dropped.
Includes our fixture rows in the shape of Microsoft's published MGDC samples, in camelCase and in the
PascalCase of older exports (test_conformance_mgdc_samples.py runs the same on Microsoft's own rows)."""

import json

import pytest

from conftest import FIXTURES, PIPELINE, Tenant, attendee, event, lines_df, message, read_table, run_pipeline

MESSAGES = "BasicDataSet_v0.Message_v1"
EVENTS = "BasicDataSet_v0.CalendarView_v0"


def parse_messages(spark, lib, lines):
    return lib.parse_messages(lib.split_records(lines_df(spark, lines), MESSAGES)).drop("rec").collect()


def parse_events(spark, lib, lines):
    return lib.parse_events(lib.split_records(lines_df(spark, lines), EVENTS)).drop("rec").collect()


def pascal(value):
    """Older MGDC exports: PascalCase keys at every level (system columns keep their names)."""
    if isinstance(value, dict):
        return {
            (k if k.startswith("p") and k in ("puser", "ptenant", "pAdditionalInfo") else k[:1].upper() + k[1:]): pascal(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [pascal(v) for v in value]
    return value


def fixture_lines(dataset):
    return (FIXTURES / f"{dataset}.jsonl").read_text().splitlines()


def test_fixture_messages_in_microsofts_shape_all_parse(spark, lib):
    lines = fixture_lines(MESSAGES)
    rows = parse_messages(spark, lib, lines)
    assert len(rows) == len(lines) == 6
    assert [r["reason"] for r in rows] == [None] * 6
    first, third = rows[0], rows[2]
    assert first["sender"] == "ann.avery@contoso.com"
    assert first["recipients"] == ["carl.diaz@fabrikam.com"]
    assert first["occurred_at"].isoformat() == "2026-10-05T09:15:00"
    # To, Cc and Bcc all count as recipients (Bcc is only in the sender's copy).
    assert sorted(third["recipients"]) == [
        "bo.chen@contoso.com",
        "carl.diaz@fabrikam.com",
        "dana.ek@fabrikam.com",
        "eve.fox@northwind.example",
    ]


def test_fixture_events_in_microsofts_shape_all_parse_with_responses_and_seven_digit_times(spark, lib):
    lines = fixture_lines(EVENTS)
    rows = parse_events(spark, lib, lines)
    assert [r["reason"] for r in rows] == [None] * 6
    first = rows[0]
    assert first["start_at"].isoformat() == "2026-10-12T15:00:00"
    assert first["organizer"] == "ann.avery@contoso.com"
    assert [(a["email"], a["response"]) for a in first["attendees"]][1:] == [
        ("carl.diaz@fabrikam.com", "accepted"),
        ("dana.ek@fabrikam.com", "tentative"),
    ]
    assert first["location"] == "Conference Room - Harbor"


def _without_raw(rows):
    return [{k: v for k, v in r.asDict().items() if k not in ("raw",)} for r in rows]


def assert_pascal_parses_like_camel(spark, lib, lines_of):
    """Each dataset's rows, rewritten in the PascalCase of older exports, parse to the same values."""
    for dataset, parse in ((MESSAGES, parse_messages), (EVENTS, parse_events)):
        lines = lines_of(dataset)
        camel = parse(spark, lib, lines)
        pascal_rows = parse(spark, lib, [json.dumps(pascal(json.loads(line))) for line in lines])
        assert _without_raw(pascal_rows) == _without_raw(camel)


def test_pascal_case_exports_parse_the_same_as_camel_case(spark, lib):
    assert_pascal_parses_like_camel(spark, lib, fixture_lines)


def test_mixed_key_casing_in_one_file_parses(spark, lib):
    camel = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<a@x>")
    mixed = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<b@x>")
    mixed["sender"] = {"EmailAddress": {"Name": "Ann", "Address": "Ann@Contoso.com"}}
    mixed["ToRecipients"] = mixed.pop("toRecipients")
    mixed["ToRecipients"][0] = {"EmailAddress": {"Address": "CARL@fabrikam.com"}}
    rows = parse_messages(spark, lib, [camel, mixed])
    assert [(r["reason"], r["sender"], r["recipients"]) for r in rows] == [
        (None, "ann@contoso.com", ["carl@fabrikam.com"]),
        (None, "ann@contoso.com", ["carl@fabrikam.com"]),
    ]


def test_malformed_json_is_quarantined_with_its_text(spark, lib):
    rows = parse_messages(spark, lib, ['{"id": "truncated", "sender": {"emailAdd'])
    assert [(r["reason"], r["raw"]) for r in rows] == [("malformed_json", '{"id": "truncated", "sender": {"emailAdd')]


def test_a_json_array_file_yields_one_row_per_element(spark, lib):
    a = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<1@x>")
    b = message("carl@fabrikam.com", ["ann@contoso.com"], "2026-11-10T11:00:00Z", imid="<2@x>")
    rows = parse_messages(spark, lib, [json.dumps([a, b])])
    assert sorted((r["internet_message_id"], r["reason"]) for r in rows) == [("<1@x>", None), ("<2@x>", None)]


def a_page_on_one_line(n: int) -> str:
    """n messages as one JSON array on one line, as older exports and API dumps write a page; every
    other one has no sender (quarantined), so half the rows keep their text."""
    rows = []
    for i in range(n):
        m = message("ann@contoso.com", ["carl@fabrikam.com"], f"2026-11-01T{i // 60 % 24:02d}:{i % 60:02d}:00Z", imid=f"<page-{i}@x>")
        if i % 2:
            m.update(sender=None, **{"from": None})
        rows.append(m)
    return json.dumps(rows)


def test_a_multi_megabyte_array_line_is_read_as_its_rows_in_memory_bounded_by_the_line(spark, ruleset, tmp_path):
    """A 3.5 MB page on one line made 02_ingest_m365 die with OutOfMemoryError, each of its rows
    carrying the whole line. Through the real notebook, in the tests' 2 GB driver: every row of the
    page is read, each quarantined one keeps only its own text, and the counts say N rows from M lines."""
    page = a_page_on_one_line(5000)
    assert len(page) > 4_000_000  # generated here, never committed
    short = json.dumps([message("ann@contoso.com", ["dora@fabrikam.com"], "2026-11-01T09:00:00Z", imid="<short@x>"), 7, "x"])
    single = message("carl@fabrikam.com", ["ann@contoso.com"], "2026-11-01T10:00:00Z", imid="<single@x>")
    tenant = Tenant(tmp_path / "tenant").write_crm()
    tenant.messages("2026-11-01", [page, short, single, "{broken"])
    out = tmp_path / "out"
    _, ingest = run_pipeline(spark, tenant, out, ruleset, ("2026-11-01", "2026-11-02"), "2026-11-02", notebooks=PIPELINE[:2])
    counts = ingest["datasets"][MESSAGES]
    # 4 lines: the page's 5,000 rows and the short line's 3 values are rows of their own.
    assert {k: counts[k] for k in ("rows_in", "lines_in", "array_lines", "rows_from_arrays", "copies", "quarantined")} == {
        "rows_in": 5005,
        "lines_in": 4,
        "array_lines": 2,
        "rows_from_arrays": 5003,
        "copies": 2502,
        "quarantined": 2503,
    }
    assert counts["quarantine_reasons"] == {"missing_sender": 2500, "malformed_json": 3}
    assert (counts["distinct"], counts["used"]) == (2502, 2502)
    quarantine = [r.asDict() for r in read_table(spark, out, "silver", "quarantine").collect()]
    assert len(quarantine) == 2503
    assert max(len(q["raw"]) for q in quarantine) < 2000  # a row's own text, not the page's
    assert all(q["raw"].startswith("{") and '"[redacted]"' in q["raw"] for q in quarantine if q["reason"] == "missing_sender")
    assert sorted(q["raw"] for q in quarantine if q["reason"] == "malformed_json") == ["7", "x", "{broken"]


def test_date_only_timestamps_parse_as_midnight_utc(spark, lib):
    m = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-09-01", imid="<d@x>")
    (row,) = parse_messages(spark, lib, [m])
    assert (row["reason"], row["occurred_at"].isoformat()) == (None, "2026-09-01T00:00:00")


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda m: m.update(sender=None, **{"from": None}), "missing_sender"),
        (lambda m: m.update(toRecipients=[], ccRecipients=[], bccRecipients=[]), "missing_recipients"),
        (lambda m: m.pop("internetMessageId"), "missing_internet_message_id"),
        (lambda m: m.update(sentDateTime="yesterday", receivedDateTime=None, createdDateTime=None), "unparseable_timestamp"),
    ],
)
def test_unusable_messages_are_quarantined_with_a_reason(spark, lib, change, reason):
    m = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z")
    change(m)
    assert [r["reason"] for r in parse_messages(spark, lib, [m])] == [reason]


@pytest.mark.parametrize(
    "spelling, expected",
    [
        ("microsoft.graph.responseType'accepted'", "accepted"),
        ("Accepted", "accepted"),
        ("microsoft.graph.responseType'tentativelyaccepted'", "tentative"),
        ("microsoft.graph.responseType'notResponded'", "none"),
        ("DECLINED", "declined"),
    ],
)
def test_response_enum_spellings_are_normalised(spark, lib, spelling, expected):
    e = event("ann@contoso.com", [attendee("carl@fabrikam.com", spelling)], "2026-11-10T09:00:00.0000000", "2026-11-10T10:00:00.0000000")
    (row,) = parse_events(spark, lib, [e])
    assert row["reason"] is None
    assert row["attendees"][0]["response"] == expected


def test_an_unknown_response_value_quarantines_the_event_rather_than_guessing(spark, lib):
    e = event(
        "ann@contoso.com",
        [attendee("carl@fabrikam.com", "microsoft.graph.responseType'maybe'")],
        "2026-11-10T09:00:00.0000000",
        "2026-11-10T10:00:00.0000000",
    )
    assert [r["reason"] for r in parse_events(spark, lib, [e])] == ["unknown_response_value"]


def test_an_unknown_time_zone_is_quarantined(spark, lib):
    e = event(
        "ann@contoso.com",
        [attendee("carl@fabrikam.com")],
        "2026-11-10T09:00:00.0000000",
        "2026-11-10T10:00:00.0000000",
        tz="Mars Standard Time",
    )
    assert [r["reason"] for r in parse_events(spark, lib, [e])] == ["unknown_time_zone"]


def test_iana_time_zones_are_accepted_too(spark, lib):
    e = event(
        "ann@contoso.com", [attendee("carl@fabrikam.com")], "2026-07-10T09:00:00.0000000", "2026-07-10T10:00:00.0000000", tz="Europe/Paris"
    )
    (row,) = parse_events(spark, lib, [e])
    assert row["start_at"].isoformat() == "2026-07-10T07:00:00"


def test_duplicate_copies_across_files_collapse_to_one(spark, lib):
    m = message("carl@fabrikam.com", ["ann@contoso.com"], "2026-11-10T10:00:00Z", imid="<dup@x>")
    df = lines_df(spark, [m], "/d/m365/x/2026/11/10/a.json").unionByName(lines_df(spark, [m], "/d/m365/x/2026/11/10/b.json"))
    parsed = lib.parse_messages(lib.split_records(df, MESSAGES))
    kept = lib.dedupe_copies(parsed.filter("reason IS NULL"), "internet_message_id", ["copy_id", "source_file"]).collect()
    assert [(r["internet_message_id"], r["copies"]) for r in kept] == [("<dup@x>", 2)]


def test_message_bodies_are_never_kept_even_in_quarantine(spark, lib):
    good = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z")
    records = lib.split_records(lines_df(spark, [good]), MESSAGES).collect()
    # `rec` is a struct of the fields record_schema reads: no body key among them, no body text in it.
    assert not {"body", "bodypreview", "uniquebody"} & {f.name.lower() for f in lib.record_schema(MESSAGES).fields}
    assert "secret" not in json.dumps(records[0]["rec"].asDict(recursive=True))
    broken = json.dumps(good)[:-40]  # truncated: quarantined as text
    bad = lib.quarantine_rows(lib.split_records(lines_df(spark, [broken]), MESSAGES), "t").collect()
    assert "secret body text" not in bad[0]["raw"] and '"bodyPreview": "[redacted]"' in bad[0]["raw"]


def test_window_date_comes_from_the_extraction_folder(spark, lib):
    (row,) = lib.split_records(
        lines_df(spark, ["{}"], "abfss://raw@lake.dfs.core.windows.net/m365/X/2026/03/09/f.json"), MESSAGES
    ).collect()
    assert row["window_date"].isoformat() == "2026-03-09"


# ---- CRM ------------------------------------------------------------------------------------------


def test_crm_rows_with_missing_ids_bad_emails_or_duplicate_ids_are_quarantined(spark, lib, tmp_path):
    tenant = Tenant(tmp_path)
    tenant.contacts = [
        ("c1", "a1", "carl@fabrikam.com", "Carl", "CEO", "false"),
        ("", "a1", "nobody@fabrikam.com", "No Id", "", "false"),
        ("c2", "a1", "not-an-email", "Bad", "", "false"),
        ("c1", "a1", "carl.again@fabrikam.com", "Carl 2", "", "false"),
        ("c3", "a1", "Dora@Fabrikam.COM", "Dora", "", "yes"),
    ]
    tenant.write_crm()
    raw = lib.read_export(spark, str(tmp_path / "crm" / "contacts.csv"))
    # The reader's corrupt-record column is no column of the export: the run's "defaulted" line reads this header.
    assert lib.csv_header(raw) == [c for c in raw.columns if c != "_corrupt_record"] and "_corrupt_record" in raw.columns
    typed = lib.apply_mapping(raw, "contacts", Tenant.MAPPING)
    reasons = sorted(r["reason"] or "ok" for r in typed.collect())
    assert reasons == ["duplicate_id", "invalid_email", "missing_contact_id", "ok", "ok"]
    good = {r["contact_id"]: r for r in lib.dimension_rows(typed, "contacts", "t").collect()}
    assert good["c3"]["email"] == "dora@fabrikam.com" and good["c3"]["opted_out"] is True
    assert good["c1"]["email"] in ("carl@fabrikam.com", "carl.again@fabrikam.com")
    quarantined = lib.crm_quarantine(typed, "contacts", "contacts.csv", "t").collect()
    assert len(quarantined) == 3 and all(q["raw"] for q in quarantined)


def test_a_mapping_that_names_a_missing_column_fails_naming_the_key_and_the_fix(spark, lib, tmp_path):
    Tenant(tmp_path).write_crm()
    mapping = json.loads(json.dumps(Tenant.MAPPING))
    mapping["tables"]["contacts"]["columns"]["email"] = "email_address"
    with pytest.raises(
        lib.MappingError,
        match=r"tables.contacts.columns names columns not in contacts.csv \(email: email_address\).*"
        r"fix the CRM column mapping relmesh:crmMapping names",
    ):
        lib.apply_mapping(lib.read_export(spark, str(tmp_path / "crm" / "contacts.csv")), "contacts", mapping)


def test_a_mapping_without_a_column_the_schema_requires_fails_naming_it(spark, lib, tmp_path):
    """The columns a mapping must name are config/crm-mapping.schema.json's, passed with the mapping:
    the notebook keeps no list of its own that could disagree."""
    mapping = json.loads(json.dumps(Tenant.MAPPING))
    del mapping["tables"]["contacts"]["columns"]["job_title"]
    with pytest.raises(lib.MappingError, match=r"tables.contacts.columns lacks job_title"):
        lib.mapped_columns("contacts", mapping, ["contactid", "parentcustomerid", "emailaddress1", "fullname", "donotemail"])
    del mapping["required_columns"]
    with pytest.raises(
        lib.MappingError, match=r"no required_columns.contacts: the caller passes config/crm-mapping.ts crmMappingForNotebook"
    ):
        lib.mapped_columns("contacts", mapping, [])
