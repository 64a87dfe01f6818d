"""notebooks/local/summary.py dashboard_data: what the local dashboard receives from the gold tables."""

import datetime as dt

from pyspark.sql.utils import AnalysisException

from summary import dashboard_data

PLAN = [
    {"name": "account_scores", "zone": "gold", "columns": ["account_id", "name", "sector", "as_of"], "key": ["account_id"]},
    {"name": "who_knows_whom", "zone": "gold", "columns": ["contact_id", "contact_score"], "key": ["contact_id"]},
]


def test_sends_the_plans_columns_sorted_by_key_a_missing_column_as_null_and_a_missing_table_as_empty(spark):
    accounts = spark.createDataFrame(
        [("b", "Beta", "x@beta.com", dt.date(2026, 11, 16), "load-1"), ("a", "Alpha <x>", "y@alpha.com", dt.date(2026, 11, 16), "load-1")],
        "account_id string, name string, email string, as_of date, load_id string",
    )

    def read(zone, name):
        if (zone, name) == ("gold", "account_scores"):
            return accounts
        raise AnalysisException(f"[PATH_NOT_FOUND] {zone}/{name}")

    out = dashboard_data(read, PLAN)
    # `sector` is in the plan but not yet in this table: it comes as null; email and load_id are never sent.
    assert out == {
        "as_of": "2026-11-16",
        "account_scores": [
            {"account_id": "a", "name": "Alpha <x>", "sector": None, "as_of": "2026-11-16"},
            {"account_id": "b", "name": "Beta", "sector": None, "as_of": "2026-11-16"},
        ],
        "who_knows_whom": [],
    }
