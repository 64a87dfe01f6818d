"""CRM exports mapped as they come, without editing them (issue 11, item 3): row filters, stated
defaults for columns an export lacks, an optional opportunities export, tier labels, websites as
domains, and the shipped Salesforce mapping end to end."""

import csv
import datetime as dt
from pathlib import Path

import pytest

from conftest import AS_OF, Tenant, day_messages, read_table, run_pipeline, score_accounts, shipped_mapping
from summary import crm_facts

SALESFORCE = shipped_mapping("salesforce")


def write_csv(path: Path, header: list, rows: list) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def mapped(spark, lib, path: Path, table: str, mapping: dict):
    typed = lib.apply_mapping(lib.read_export(spark, str(path)), table, mapping).cache()
    by_reason = typed.groupBy("reason", "skipped").agg(lib.F.count(lib.F.lit(1)).alias("_n")).collect()
    return typed, lib.crm_counts(by_reason)


def with_tables(mapping: dict, **tables) -> dict:
    return {**mapping, "tables": {**mapping["tables"], **tables}}


# ---- row filters ----------------------------------------------------------------------------------

COMBINED = ["Id", "AccountId", "Email", "Name", "Title", "Contact_Type__c"]


def test_two_tables_read_one_combined_export_through_filters_and_every_row_is_accounted_for(spark, lib, tmp_path):
    """Employees and customers' people in one Contact export, told apart by a type column: contacts
    skip the employees, sellers keep only them. Skipped rows are counted, never quarantined, and
    rows in = used + quarantined + skipped in both tables (REL-15)."""
    path = write_csv(
        tmp_path / "crm" / "Contact.csv",
        COMBINED,
        [
            ("003A", "001F", "carl@fabrikam.com", "Carl Chief", "CEO", "Customer"),
            ("003B", "001F", "dora@fabrikam.com", "Dora Buyer", "Buyer", ""),
            ("003C", "", "ann@contoso.com", "Ann Seller", "Account Executive", " Employee "),
            ("003D", "", "not-an-email", "Bad Employee", "Account Executive", "Employee"),
        ],
    )
    mapping = with_tables(
        SALESFORCE,
        contacts={**SALESFORCE["tables"]["contacts"], "filter": {"skip": {"Contact_Type__c": ["Employee"]}}},
        sellers={
            "file": "Contact.csv",
            "filter": {"keep": {"Contact_Type__c": ["Employee"]}},
            "columns": {"seller_id": "Id", "email": "Email", "full_name": "Name", "title": "Title"},
        },
    )
    contacts, contact_counts = mapped(spark, lib, path, "contacts", mapping)
    sellers, seller_counts = mapped(spark, lib, path, "sellers", mapping)
    # The bad employee row is the sellers' problem only: the contacts' filter skips it before any check.
    assert contact_counts == {"rows_in": 4, "used": 2, "quarantined": 0, "skipped": 2, "quarantine_reasons": {}}
    assert seller_counts == {"rows_in": 4, "used": 1, "quarantined": 1, "skipped": 2, "quarantine_reasons": {"invalid_email": 1}}
    assert {r["contact_id"] for r in lib.dimension_rows(contacts, "contacts", "t").collect()} == {"003A", "003B"}
    assert {r["seller_id"] for r in lib.dimension_rows(sellers, "sellers", "t").collect()} == {"003C"}
    assert lib.crm_quarantine(contacts, "contacts", "Contact.csv", "t").count() == 0
    assert [q["reason"] for q in lib.crm_quarantine(sellers, "sellers", "Contact.csv", "t").collect()] == ["invalid_email"]


def test_keep_matches_every_column_and_an_empty_cell_as_the_empty_string(spark, lib, tmp_path):
    path = write_csv(
        tmp_path / "User.csv",
        ["Id", "Email", "UserType", "IsActive"],
        [("5A", "a@contoso.com", "Standard", "true"), ("5B", "b@contoso.com", "Standard", ""), ("5C", "c@contoso.com", "Guest", "true")],
    )
    mapping = with_tables(
        SALESFORCE, sellers={**SALESFORCE["tables"]["sellers"], "filter": {"keep": {"UserType": ["Standard"], "IsActive": ["true", ""]}}}
    )
    sellers, counts = mapped(spark, lib, path, "sellers", mapping)
    assert (counts["used"], counts["skipped"]) == (2, 1)
    assert sorted(r["seller_id"] for r in lib.dimension_rows(sellers, "sellers", "t").collect()) == ["5A", "5B"]


def test_a_filter_on_a_column_the_export_lacks_fails_naming_it_and_the_fix(spark, lib, tmp_path):
    path = write_csv(tmp_path / "User.csv", ["Id", "Email", "Name", "Title"], [("5A", "a@contoso.com", "A", "AE")])
    with pytest.raises(lib.MappingError, match=r"tables.sellers.filter names columns not in User.csv \(UserType\).*fix the filter"):
        lib.apply_mapping(lib.read_export(spark, str(path)), "sellers", SALESFORCE)


# ---- defaults for columns an export lacks ------------------------------------------------------------


def test_a_column_the_export_lacks_takes_the_mappings_stated_default(spark, lib, tmp_path):
    path = write_csv(tmp_path / "Contact.csv", ["Id", "AccountId", "Email", "Title"], [("003A", "001F", "carl@fabrikam.com", "CEO")])
    assert lib.defaulted_columns("contacts", SALESFORCE, ["Id", "AccountId", "Email", "Title"]) == {
        "full_name": {"column": "Name", "value": None},
        "opted_out": {"column": "HasOptedOutOfEmail", "value": False},
    }
    contacts, counts = mapped(spark, lib, path, "contacts", SALESFORCE)
    (row,) = lib.dimension_rows(contacts, "contacts", "t").collect()
    assert (row["opted_out"], row["full_name"], counts["used"]) == (False, None, 1)


def test_a_present_column_wins_over_the_default_so_opt_outs_are_honoured_when_exported(spark, lib, tmp_path):
    path = write_csv(
        tmp_path / "Contact.csv",
        ["Id", "AccountId", "Email", "Name", "Title", "HasOptedOutOfEmail"],
        [("003A", "001F", "carl@fabrikam.com", "Carl", "CEO", "true"), ("003B", "001F", "dora@fabrikam.com", "Dora", "Buyer", "false")],
    )
    contacts, _ = mapped(spark, lib, path, "contacts", SALESFORCE)
    assert {r["contact_id"]: r["opted_out"] for r in lib.dimension_rows(contacts, "contacts", "t").collect()} == {
        "003A": True,
        "003B": False,
    }


def test_without_a_stated_default_a_missing_column_fails_naming_it_and_both_fixes(spark, lib, tmp_path):
    """Defaulting opt-outs is never implied: the mapping has to say it (config/crm-mapping.schema.json)."""
    path = write_csv(
        tmp_path / "Contact.csv", ["Id", "AccountId", "Email", "Name", "Title"], [("003A", "001F", "c@fabrikam.com", "C", "CEO")]
    )
    contacts = {k: v for k, v in SALESFORCE["tables"]["contacts"].items() if k != "defaults"}
    with pytest.raises(
        lib.MappingError,
        match=r"tables.contacts.columns names columns not in Contact.csv \(opted_out: HasOptedOutOfEmail\).*"
        r"fix config/crm-mappings/salesforce.yaml, or state tables.contacts.defaults for a column the export may lack",
    ):
        lib.apply_mapping(lib.read_export(spark, str(path)), "contacts", with_tables(SALESFORCE, contacts=contacts))


# ---- tiers, websites, statuses ---------------------------------------------------------------------


def test_tier_labels_map_through_values_and_websites_become_mail_domains(spark, lib, tmp_path):
    path = write_csv(
        tmp_path / "Account.csv",
        ["Id", "Name", "Website", "Industry", "OwnerId", "Tier__c"],
        [
            ("001F", "Fabrikam", "https://www.fabrikam.com/about?x=1", "Retail", "5A", "Tier 1"),
            ("001N", "Northwind", "northwind.com; mail.northwind.org", "Energy", "5A", " Tier 2 "),
            ("001T", "Tailspin", "HTTP://WWW.Tailspin.COM:8080/", "Retail", "5A", ""),
            ("001X", "Typo", "x.com", "Retail", "5A", "tier 1"),
        ],
    )
    accounts, counts = mapped(spark, lib, path, "accounts", SALESFORCE)
    good = {r["account_id"]: (r["tier"], r["domains"]) for r in lib.dimension_rows(accounts, "accounts", "t").collect()}
    assert good == {"001F": (1, ["fabrikam.com"]), "001N": (2, ["northwind.com", "mail.northwind.org"]), "001T": (None, ["tailspin.com"])}
    # A label the value map does not know is quarantined, not guessed.
    assert counts["quarantine_reasons"] == {"invalid_tier": 1}


def test_an_opportunity_status_outside_open_won_lost_is_quarantined_not_dropped_from_the_pipeline(spark, lib, tmp_path):
    path = write_csv(
        tmp_path / "Opportunity.csv",
        ["Id", "AccountId", "Amount", "StageName", "CloseDate"],
        [
            ("006A", "001F", "50000", "Prospecting", "2026-12-01"),
            ("006B", "001F", "10000", "Closed Won", "2026-10-01"),
            ("006C", "001F", "20000", "Closed Lost", "2026-10-02"),
            ("006D", "001F", "90000", "Stalled (our own stage)", "2026-12-20"),
        ],
    )
    opportunities, counts = mapped(spark, lib, path, "opportunities", SALESFORCE)
    statuses = {r["opportunity_id"]: r["status"] for r in lib.dimension_rows(opportunities, "opportunities", "t").collect()}
    assert statuses == {"006A": "open", "006B": "won", "006C": "lost"}
    assert counts["quarantine_reasons"] == {"invalid_status": 1}


# ---- no opportunities export -----------------------------------------------------------------------


def test_without_an_opportunities_export_pipeline_features_take_stated_neutral_values(spark, lib, ruleset):
    """Not an error, and not a zero that reads as "no open deals": open_pipeline is null, the
    transaction size says why, and high priority comes from the tier alone (a2's open 300,000
    opportunity made it high priority; without the export nothing is known about it)."""
    as_of = dt.date.fromisoformat(AS_OF)
    with_export, *_ = score_accounts(spark, lib, ruleset, [], as_of)
    without, *_ = score_accounts(spark, lib, ruleset, [], as_of, opportunities_export=False)
    assert [with_export[a]["is_high_priority"] for a in ("a1", "a2", "a3")] == [True, True, False]
    assert [without[a]["is_high_priority"] for a in ("a1", "a2", "a3")] == [True, False, False]
    bands = len(ruleset["transaction_size"]["bands"])
    assert {(r["open_pipeline"], r["transaction_size"], r["transaction_size_order"]) for r in without.values()} == {
        (None, lib.NO_OPPORTUNITIES_EXPORT, bands + 2)
    }


# ---- the shipped Salesforce mapping, end to end ------------------------------------------------------


class SalesforceExport(Tenant):
    """The test tenant's people as a Salesforce org exports them: standard objects' API field names,
    Tier__c labels, a website instead of domains, no HasOptedOutOfEmail column, a customer's portal
    user among the Users, and no Opportunity.csv unless asked for."""

    def write_crm(self, opportunities: list = None):
        crm = self.root / "crm"
        write_csv(
            crm / "Account.csv",
            ["Id", "Name", "Website", "Industry", "OwnerId", "Tier__c"],
            [
                ("001F", "Fabrikam", "https://www.fabrikam.com", "Retail", "005A", "Tier 1"),
                ("001N", "Northwind", "northwind.com", "Energy", "005B", "Tier 2"),
            ],
        )
        write_csv(
            crm / "Contact.csv",
            ["Id", "AccountId", "FirstName", "LastName", "Name", "Email", "Title"],
            [
                ("003C", "001F", "Carl", "Chief", "Carl Chief", "carl@fabrikam.com", "Chief Executive Officer"),
                ("003D", "001F", "Dora", "Buyer", "Dora Buyer", "dora@fabrikam.com", "Procurement Manager"),
                ("003E", "001N", "Erin", "", "Erin", "erin@northwind.com", "Engineer"),
            ],
        )
        write_csv(
            crm / "User.csv",
            ["Id", "Email", "Name", "Title", "UserType", "IsActive"],
            [
                ("005A", "ann@contoso.com", "Ann Seller", "Account Executive", "Standard", "true"),
                ("005B", "bob@contoso.com", "Bob Seller", "Account Executive", "Standard", "true"),
                # Read as a seller, this customer's portal user would make fabrikam.com an internal domain.
                ("005P", "pat@fabrikam.com", "Pat Portal", "", "PowerCustomerSuccess", "true"),
            ],
        )
        if opportunities is not None:
            write_csv(crm / "Opportunity.csv", ["Id", "AccountId", "Amount", "StageName", "CloseDate"], opportunities)
        return self


def test_a_salesforce_export_maps_with_the_shipped_mapping_and_no_file_edits(spark, ruleset, tmp_path):
    tenant = SalesforceExport(tmp_path / "tenant").write_crm()
    for day in ("2026-11-01", "2026-11-02"):
        tenant.messages(day, day_messages(day, 2))
    out = tmp_path / "out"
    crm, _, score = run_pipeline(spark, tenant, out, ruleset, ("2026-11-01", "2026-11-03"), AS_OF, mapping=SALESFORCE)

    tables = crm["tables"]
    assert {t: (c["rows_in"], c["used"], c["quarantined"], c["skipped"]) for t, c in tables.items()} == {
        "accounts": (2, 2, 0, 0),
        "contacts": (3, 3, 0, 0),
        "opportunities": (0, 0, 0, 0),
        "sellers": (3, 2, 0, 1),
    }
    assert tables["opportunities"]["absent"] is True
    assert tables["contacts"]["defaulted"] == {"opted_out": {"column": "HasOptedOutOfEmail", "value": False}}
    assert tables["sellers"]["filter"] == {"keep": {"UserType": ["Standard"]}}

    accounts = {r["account_id"]: (r["tier"], r["domains"]) for r in read_table(spark, out, "silver", "dim_account").collect()}
    assert accounts == {"001F": (1, ["fabrikam.com"]), "001N": (2, ["northwind.com"])}
    assert {r["seller_id"] for r in read_table(spark, out, "silver", "dim_seller").collect()} == {"005A", "005B"}
    assert {r["opted_out"] for r in read_table(spark, out, "silver", "dim_contact").collect()} == {False}
    assert read_table(spark, out, "silver", "dim_opportunity").count() == 0

    assert score["pipeline_features"] == "off"
    scores = {r["account_id"]: r for r in read_table(spark, out, "gold", "account_scores").collect()}
    fabrikam = scores["001F"]
    assert (fabrikam["connected_contacts"], fabrikam["owner_name"], fabrikam["is_high_priority"]) == (1, "Ann Seller", True)
    assert (fabrikam["open_pipeline"], fabrikam["transaction_size"]) == (None, "No opportunities export")
    assert scores["001N"]["is_high_priority"] is False

    # The run's summary repeats what the mapping did (cli/render.ts crmSummaryLines reads these).
    facts = crm_facts(spark, str(out))
    assert (facts["opportunities"]["absent"], facts["sellers"]["skipped"]) == (True, 1)
    assert facts["contacts"]["defaulted"]["opted_out"]["value"] is False

    # The export gains an Opportunity.csv: the next run turns the pipeline features on again.
    tenant.write_crm(opportunities=[("006A", "001F", "50000", "Prospecting", "2026-12-01")])
    crm, score = run_pipeline(
        spark, tenant, out, ruleset, ("2026-11-01", "2026-11-03"), AS_OF, mapping=SALESFORCE, notebooks=("01_ingest_crm", "03_score")
    )
    assert (crm["tables"]["opportunities"]["used"], score["pipeline_features"]) == (1, "on")
    fabrikam = next(r for r in read_table(spark, out, "gold", "account_scores").collect() if r["account_id"] == "001F")
    assert (fabrikam["open_pipeline"], fabrikam["transaction_size"]) == (50000.0, "Medium (50k–250k)")
