"""The notebooks end to end on local Spark and Delta: idempotency (REL-07, REL-10), windows, the
serverless-readable table protocol (docs/platform-facts.md §5.2), reproducible as-of, reconciled counts (REL-12, REL-15)."""

import json

import pytest

from conftest import AS_OF, PIPELINE, PIPELINE_GOLD, Tenant, attendee, day_messages, event, read_table, run_pipeline

SILVER = ["interactions", "dim_account", "dim_contact", "dim_opportunity", "dim_seller", "quarantine", "discovered_contacts"]
# Tests that check only silver run only the notebooks that write it.
INGEST, CRM = PIPELINE[:2], PIPELINE[:1]


def test_counts_reconcile_rows_in_equal_used_excluded_and_quarantined(first_window):
    _, results, _ = first_window
    m = results[1]["datasets"]["BasicDataSet_v0.Message_v1"]
    # 2 days × (2 outbound + 2 replies × 2 mailbox copies) = 12 copies + 2 malformed lines = 14 rows in
    assert (m["rows_in"], m["quarantined"], m["copies"], m["distinct"], m["duplicate_copies"]) == (14, 2, 12, 8, 4)
    assert m["rows_in"] == m["copies"] + m["quarantined"]
    assert m["distinct"] == m["used"] + sum(m["excluded"].values())
    e = results[1]["datasets"]["BasicDataSet_v0.CalendarView_v0"]
    assert (e["rows_in"], e["used"], e["quarantined"]) == (1, 1, 0)


def test_each_email_counts_once_whichever_mailbox_it_came_from(spark, first_window):
    out, _, _ = first_window
    inter = read_table(spark, out, "silver", "interactions")
    # 4 outbound (Ann→Carl) + 4 replies, each inbound to Ann and to Bob = 4 + 8 email rows; 2 meeting rows
    # (Ann with Carl and with newperson, a discovered contact; Dora declined)
    assert inter.filter("source = 'email'").count() == 12
    assert inter.filter("source = 'meeting'").count() == 2
    assert inter.select("interaction_id").distinct().count() == inter.count()


def delta_version(out, zone: str, name: str) -> int:
    return max(int(f.stem) for f in (out / zone / name / "_delta_log").glob("*.json"))


def test_rerunning_the_same_window_changes_nothing(spark, pipeline_tenant, ruleset, first_window):
    out, first, snapshot = first_window
    before = read_table(spark, out, "silver", "interactions").drop("load_id").collect()
    snapshots = [("gold", name) for name in PIPELINE_GOLD] + [("silver", name) for name in SILVER if name.startswith("dim_")]
    versions = {table: delta_version(out, *table) for table in snapshots}
    results = run_pipeline(spark, pipeline_tenant, out, ruleset, ("2026-11-01", "2026-11-03"), AS_OF, load_id="second-run")
    assert results[1]["interactions"] == {"rows": 14, "inserted": 0, "updated": 0, "deleted": 0}
    assert results[1]["discovered_contacts"] == {"inserted": 0, "updated": 0, "deleted": 0}
    for table, counts in results[2]["tables"].items():
        assert (counts["inserted"], counts["updated"], counts["deleted"]) == (0, 0, 0), table
    # The scoring state too: its day digests equal silver's, so nothing is rebuilt or written.
    assert results[2]["state"]["refresh"] == "unchanged"
    # Unchanged snapshots are not written at all: no empty commit (REL-07), and the CRM counts the
    # summary prints are those of the export, as the first run saw them.
    assert {table: delta_version(out, *table) for table in snapshots} == versions
    for table, counts in results[0]["tables"].items():
        assert counts == {**first[0]["tables"][table], "inserted": 0, "updated": 0, "deleted": 0, "unchanged": True}, table
    after = {name: sorted(map(tuple, read_table(spark, out, "gold", name).drop("load_id").collect())) for name in PIPELINE_GOLD}
    assert after == snapshot
    assert sorted(map(tuple, read_table(spark, out, "silver", "interactions").drop("load_id").collect())) == sorted(map(tuple, before))
    assert read_table(spark, out, "silver", "quarantine").count() == 2


def test_a_new_window_adds_only_its_own_rows(spark, pipeline_tenant, ruleset, first_window):
    out, _, _ = first_window
    before = read_table(spark, out, "silver", "interactions").count()
    results = run_pipeline(spark, pipeline_tenant, out, ruleset, ("2026-11-03", "2026-11-04"), AS_OF, load_id="day-3", notebooks=INGEST)
    assert results[1]["interactions"]["inserted"] == 6  # 2 outbound + 2 replies × 2 sellers
    assert read_table(spark, out, "silver", "interactions").count() == before + 6
    assert read_table(spark, out, "silver", "interactions").filter("load_id = 'day-3'").count() == 6


def test_every_delta_table_stays_readable_by_the_serverless_sql_pool(spark, first_window):
    # Serverless reads Delta reader version 1 without deletion vectors or column mapping (docs/platform-facts.md §5.2).
    out, _, _ = first_window
    for zone, names in (("silver", SILVER), ("gold", PIPELINE_GOLD)):
        for name in names:
            log = sorted((out / zone / name / "_delta_log").glob("*.json"))
            protocols = [json.loads(line)["protocol"] for f in log for line in f.read_text().splitlines() if '"protocol"' in line]
            assert protocols and all(p["minReaderVersion"] == 1 and p["minWriterVersion"] <= 2 for p in protocols), name
            assert all("readerFeatures" not in p and "writerFeatures" not in p for p in protocols), name
            detail = spark.sql(f"DESCRIBE DETAIL delta.`{out / zone / name}`").collect()[0]
            assert detail["properties"].get("delta.enableDeletionVectors") == "false", name
            assert detail["properties"].get("delta.columnMapping.mode", "none") == "none", name


def test_a_changed_crm_export_rewrites_its_snapshot_with_true_counts(spark, ruleset, tmp_path):
    t = Tenant(tmp_path / "tenant")
    t.contacts = t.contacts + [("c9", "a2", "no-address", "Hal", "Buyer", "false")]
    t.write_crm()
    t.messages("2026-11-01", day_messages("2026-11-01", 1))
    out = tmp_path / "out"
    first = run_pipeline(spark, t, out, ruleset, ("2026-11-01", "2026-11-02"), AS_OF, load_id="load-1", notebooks=CRM)
    # The first write inserts the good rows only: the quarantined one is not in the dimension.
    assert (first[0]["tables"]["contacts"]["rows_in"], first[0]["tables"]["contacts"]["inserted"]) == (4, 3)
    t.contacts = [
        ("c1", "a1", "carl@fabrikam.com", "Carl Chief", "Chief Executive Officer", "false"),  # unchanged
        ("c2", "a1", "dora@fabrikam.com", "Dora Buyer", "Head of Procurement", "false"),  # new title
        ("c4", "a2", "finn@northwind.com", "Finn", "Buyer", "false"),  # new; c3 is gone
        ("c5", "a2", "not-an-address", "Gus", "Buyer", "false"),  # quarantined
    ]
    t.write_crm()
    second = run_pipeline(spark, t, out, ruleset, ("2026-11-01", "2026-11-02"), AS_OF, load_id="load-2", notebooks=CRM)
    contacts = second[0]["tables"]["contacts"]
    assert (contacts["rows_in"], contacts["used"], contacts["quarantined"]) == (4, 3, 1)
    assert (contacts["inserted"], contacts["updated"], contacts["deleted"]) == (1, 1, 1)
    assert second[0]["tables"]["accounts"] == {
        **first[0]["tables"]["accounts"],
        "inserted": 0,
        "updated": 0,
        "deleted": 0,
        "unchanged": True,
    }
    rows = {r["contact_id"]: r for r in read_table(spark, out, "silver", "dim_contact").collect()}
    # load_id says which load first wrote a key; a changed row keeps it, as a MERGE update did.
    assert {k: (r["job_title"], r["load_id"]) for k, r in rows.items()} == {
        "c1": ("Chief Executive Officer", "load-1"),
        "c2": ("Head of Procurement", "load-1"),
        "c4": ("Buyer", "load-2"),
    }
    reasons = {(r["dataset"], r["reason"]) for r in read_table(spark, out, "silver", "quarantine").collect()}
    assert ("crm.contacts", "invalid_email") in reasons


def test_the_as_of_date_makes_results_reproducible(spark, pipeline_tenant, ruleset, first_window, tmp_path):
    _, _, snapshot = first_window
    run_pipeline(spark, pipeline_tenant, tmp_path, ruleset, ("2026-11-01", "2026-11-03"), AS_OF, load_id="elsewhere")
    again = {name: sorted(map(tuple, read_table(spark, tmp_path, "gold", name).drop("load_id").collect())) for name in PIPELINE_GOLD}
    assert again == snapshot
    # A later as-of over the same silver: only the score notebook has anything to do.
    later = run_pipeline(spark, pipeline_tenant, tmp_path, ruleset, ("2026-11-01", "2026-11-03"), "2026-12-04", notebooks=PIPELINE[2:])
    scores = {r["account_id"]: r["connectivity_score"] for r in read_table(spark, tmp_path, "gold", "account_scores").collect()}
    assert (
        later[0]["as_of"] == "2026-12-04"
        and later[0]["state"]["refresh"] == "unchanged"
        and scores["a1"] < dict((r[0], r[3]) for r in snapshot["account_scores"])["a1"]
    )


def test_quarantine_keeps_the_reason_and_the_raw_text(spark, first_window):
    out, _, _ = first_window
    rows = read_table(spark, out, "silver", "quarantine").collect()
    assert {(r["dataset"], r["reason"], r["raw"]) for r in rows} == {("BasicDataSet_v0.Message_v1", "malformed_json", "{not json")}
    # one malformed line per day folder ingested so far (the first window, and day 3 if its test ran)
    assert {"2026-11-01", "2026-11-02"} <= {r["window_date"].isoformat() for r in rows} <= {"2026-11-01", "2026-11-02", "2026-11-03"}


def test_overlapping_calendar_windows_count_a_meeting_once(spark, ruleset, tmp_path):
    """Calendar windows reach relmesh:calendarOverlapHours back (MGDC returns only events that start
    and end inside a window), so a late meeting of day D is extracted by window D and again by window
    D+1, and a meeting crossing midnight only by window D+1. Each counts once, by iCalUId."""
    t = Tenant(tmp_path / "tenant").write_crm()
    late = event(
        "ann@contoso.com",
        [attendee("carl@fabrikam.com")],
        "2026-11-02T20:00:00.0000000",
        "2026-11-02T21:00:00.0000000",
        ical="late",
        location="HQ",
    )
    midnight = event(
        "ann@contoso.com",
        [attendee("carl@fabrikam.com")],
        "2026-11-02T23:30:00.0000000",
        "2026-11-03T00:30:00.0000000",
        ical="midnight",
        location="HQ",
    )
    t.events("2026-11-02", [late])
    t.events("2026-11-03", [{**late, "id": late["id"] + "-again"}, midnight])
    out = tmp_path / "out"
    run_pipeline(spark, t, out, ruleset, ("2026-11-02", "2026-11-03"), "2026-11-03", load_id="day-2", notebooks=INGEST)
    second = run_pipeline(spark, t, out, ruleset, ("2026-11-03", "2026-11-04"), "2026-11-04", load_id="day-3", notebooks=INGEST)
    meetings = read_table(spark, out, "silver", "interactions").filter("source = 'meeting'")
    assert sorted((r["occurred_at"].isoformat(), r["contact_id"] is not None) for r in meetings.collect()) == [
        ("2026-11-02T20:00:00", True),
        ("2026-11-02T23:30:00", True),
    ]
    # The second window met the late meeting again and stored nothing new for it.
    assert second[1]["interactions"]["inserted"] == 1


ONE_ROW_PER_LINE = {"lines_in": 10, "array_lines": 0, "rows_from_arrays": 0}


def test_reconcile_returns_the_counts_when_they_add_up(lib):
    # 10 rows in = 8 parsed + 2 quarantined; 8 copies = 5 distinct + 3 duplicates; 5 distinct = 3 used + 2 excluded.
    assert lib.reconcile(10, {"malformed_json": 2}, 8, 5, {"used": 3, "internal_only": 2}, ONE_ROW_PER_LINE) == {
        "rows_in": 10,
        **ONE_ROW_PER_LINE,
        "quarantined": 2,
        "quarantine_reasons": {"malformed_json": 2},
        "copies": 8,
        "distinct": 5,
        "used": 3,
        "excluded": {"internal_only": 2},
        "duplicate_copies": 3,
    }


def test_reconcile_names_the_count_that_does_not_add_up(lib):
    with pytest.raises(ValueError, match=r"rows in \(10\) != parsed \(7\) \+ quarantined \(2\)"):
        lib.reconcile(10, {"malformed_json": 2}, 7, 5, {"used": 5}, ONE_ROW_PER_LINE)
    with pytest.raises(ValueError, match=r"distinct \(5\) != used \(3\) \+ excluded \(1\): an item has no outcome"):
        lib.reconcile(10, {"malformed_json": 2}, 8, 5, {"used": 3, "internal_only": 1}, ONE_ROW_PER_LINE)
    # 10 rows cannot come from 8 lines of which one array held 2 rows (that is 9).
    with pytest.raises(ValueError, match=r"rows in \(10\) != lines in \(8\) - JSON-array lines \(1\) \+ rows from those arrays \(2\)"):
        lib.reconcile(10, {"malformed_json": 2}, 8, 5, {"used": 5}, {"lines_in": 8, "array_lines": 1, "rows_from_arrays": 2})
