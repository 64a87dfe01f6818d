"""Issue 11, input defect 4: addresses on a customer's domain that the CRM does not know. One mail to
25 of them raised an account's connected_contacts from 1 to 26 and took every touchpoint slot from the
CRM contact. Now they are *discovered contacts*: listed for CRM hygiene (silver and gold
`discovered_contacts`), kept out of every score unless the ruleset counts them, and touchpoint ties
have a stated order."""

import datetime as dt

from pyspark.sql import types as T

from conftest import Tenant, dims, ingest_in_memory, message, rules

AS_OF = dt.date(2026, 11, 16)
UNKNOWN = [f"person{i:02d}@fabrikam.com" for i in range(25)]


def _gold(spark, lib, ruleset, **overrides):
    """One mail from Ann to Carl (CRM contact c1 of a1) and 25 addresses on a1's domain the CRM lacks,
    through ingestion and the gold tables (the reference path)."""
    r = rules(ruleset, **overrides)
    tenant = Tenant("/unused")
    mail = message("ann@contoso.com", ["carl@fabrikam.com", *UNKNOWN], "2026-11-10T10:00:00Z", imid="<mass@x>")
    rows = ingest_in_memory(spark, lib, r, tenant, messages=[mail])["interactions"]
    with_address = T.StructType([*lib.INTERACTION_SCHEMA.fields, T.StructField("contact_address", T.StringType())])
    interactions = spark.createDataFrame(rows, with_address)
    d = dims(spark, lib, tenant)
    silver_found = lib.discovered_contacts(interactions, "t")
    tables = lib.gold_tables(
        lib.gold_inputs_from_silver(interactions.drop("contact_address"), d["contacts"], AS_OF, r),
        {
            "dim_contact": d["contacts"],
            "dim_account": d["accounts"],
            "dim_opportunity": d["opportunities"],
            "dim_seller": d["sellers"],
            "discovered_contacts": silver_found,
        },
        AS_OF,
        r,
    )
    return {name: df.collect() for name, df in tables.items()}, silver_found.collect()


def test_discovered_contacts_are_listed_but_do_not_count_towards_coverage(spark, lib, ruleset):
    gold, silver_found = _gold(spark, lib, ruleset)
    (a1,) = [a for a in gold["account_scores"] if a["account_id"] == "a1"]
    assert a1["connected_contacts"] == 1  # Carl only, not 26
    assert a1["discovered_contacts"] == 25  # what the dashboards show: a count, never the addresses
    assert {p["contact_id"] for p in gold["pair_scores"]} == {"c1"}  # every gold contact_id is a CRM id
    assert {w["contact_id"] for w in gold["who_knows_whom"]} == {"c1"}
    assert [t["contact_id"] for t in gold["touchpoints"] if t["account_id"] == "a1"] == ["c1"]
    # The hygiene list: every address, once, with its account and the colleague who mailed it.
    found = gold["discovered_contacts"]
    assert sorted(f["email"] for f in found) == UNKNOWN
    assert {(f["account_id"], f["best_seller_id"], f["interactions"], f["sellers_connected"]) for f in found} == {("a1", "s1", 1, 1)}
    assert all(f["contact_id"].startswith(lib.DISCOVERED_PREFIX) for f in found)
    # Silver keeps the address per window it was seen in; the interactions table never holds one.
    assert sorted(s["email"] for s in silver_found) == UNKNOWN
    assert "contact_address" not in lib.INTERACTION_SCHEMA.fieldNames()


def test_counting_discovered_contacts_is_the_rulesets_choice_and_ties_prefer_crm_contacts(spark, lib, ruleset):
    gold, _ = _gold(spark, lib, ruleset, **{"discovered_contacts.count_in_scores": True, "touchpoints_per_account": 10})
    (a1,) = [a for a in gold["account_scores"] if a["account_id"] == "a1"]
    assert a1["connected_contacts"] == 26
    # 26 pairs tie on contribution (one mail, same time): the CRM contact ranks first, then by id.
    ranked = sorted((t for t in gold["touchpoints"] if t["account_id"] == "a1"), key=lambda t: t["rank"])
    assert len(ranked) == 10
    assert ranked[0]["contact_id"] == "c1"
    assert [t["interaction_id"] for t in ranked[1:]] == sorted(t["interaction_id"] for t in ranked[1:])
    assert len(gold["discovered_contacts"]) == 25  # listed either way
