"""The serving contract (sql/gold-schema.json) against the Delta tables a real pipeline run writes.

The relmesh.* views in the serverless SQL pool read these tables with an explicit WITH clause built
from sql/gold-schema.json. Serverless does not check that clause against the Delta log when a view is
created, only when it is queried, so a renamed or retyped column would break Power BI in production
and nowhere else. These tests take one run of the three notebooks on local Spark over a tiny tenant
(shared with test_pipeline.py) and compare every served table's actual schema (names, order, Spark
types, nullability) with the file.
"""

import json

import pytest
from delta.tables import DeltaTable

from conftest import ROOT, read_table

CONTRACT = json.loads((ROOT / "sql" / "gold-schema.json").read_text(encoding="utf-8"))
TABLES = [(t["zone"], t["name"]) for t in CONTRACT["tables"]]


@pytest.fixture(scope="module")
def lake(first_window):
    """The pipeline run test_pipeline.py checks too (conftest.first_window): mail both ways, a meeting,
    an untouched account, so every gold table has rows."""
    return first_window[0]


def contract_of(zone: str, name: str) -> dict:
    return next(t for t in CONTRACT["tables"] if t["zone"] == zone and t["name"] == name)


def test_the_contract_lists_every_gold_table():
    gold = sorted(name for zone, name in TABLES if zone == "gold")
    assert gold == [
        "account_scores",
        "checklist",
        "contact_colleagues",
        "discovered_contacts",
        "interactions_weekly",
        "pair_scores",
        "touchpoints",
        "who_knows_whom",
    ]


@pytest.mark.parametrize("zone,name", TABLES, ids=[f"{z}.{n}" for z, n in TABLES])
def test_delta_schema_equals_the_contract(spark, lake, zone, name):
    df = read_table(spark, lake, zone, name)
    actual = [(f.name, f.dataType.simpleString(), f.nullable) for f in df.schema.fields]
    expected = [(c["name"], c["sparkType"], c["nullable"]) for c in contract_of(zone, name)["columns"]]
    assert actual == expected, (
        f"{zone}/{name} no longer matches sql/gold-schema.json: update the file (and docs/gold-schema.md, "
        f"and tell the Power BI model) or fix the notebook"
    )
    assert df.count() > 0, f"{zone}/{name} is empty: the fixture tenant no longer exercises it"


@pytest.mark.parametrize("zone,name", TABLES, ids=[f"{z}.{n}" for z, n in TABLES])
def test_delta_protocol_is_readable_by_serverless(spark, lake, zone, name):
    # Serverless SQL reads Delta reader version 1 only: no deletion vectors, no column mapping (docs/platform-facts.md §5.2).
    detail = DeltaTable.forPath(spark, str(lake / zone / name)).detail().collect()[0]
    assert detail["minReaderVersion"] == 1
    properties = detail["properties"] or {}
    assert properties.get("delta.enableDeletionVectors", "false") == "false"
    assert properties.get("delta.columnMapping.mode", "none") == "none"


def test_keys_are_unique_in_the_run(spark, lake):
    for zone, name in TABLES:
        key = contract_of(zone, name)["key"]
        df = read_table(spark, lake, zone, name)
        assert df.count() == df.select(*key).distinct().count(), f"{zone}/{name} key {key} is not unique"
