"""Prints the gold tables of a run as JSON, read straight from Delta with local Spark: the browser
test's expected values, independent of the dashboard's own data file and of notebooks/local/summary.py.

Usage: python read_gold.py CURATED_ROOT > gold.json
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "notebooks" / "local"))
from spark_session import local_spark  # noqa: E402

TABLES = {
    "gold": ["account_scores", "pair_scores", "who_knows_whom", "interactions_weekly", "checklist", "touchpoints"],
    "silver": ["dim_seller", "dim_contact"],
}


def main(root: str) -> None:
    spark = local_spark()
    out = {}
    try:
        for zone, names in TABLES.items():
            for name in names:
                path = f"{root.rstrip('/')}/{zone}/{name}"
                try:
                    rows = spark.read.format("delta").load(path).collect()
                except Exception:  # a table the notebooks do not write (yet): the test says which
                    out[name] = None
                    continue
                out[name] = [r.asDict() for r in rows]
    finally:
        spark.stop()
    json.dump(out, sys.stdout, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v))


if __name__ == "__main__":
    main(sys.argv[1])
