"""Runs T-SQL the ERP copy sends, on DuckDB, for the watermark tests (test/synapse-artifacts/source-queries.test.ts).

Azure SQL has no local engine here, so the query is transpiled with sqlglot (T-SQL → DuckDB) and run
on an in-memory DuckDB table holding the test's rows. Reads one JSON request on stdin:
{"query": str, "table": "schema.name", "columns": {name: duckdb type}, "rows": [{...}]};
writes {"sql": the transpiled text, "rows": [...]} with timestamps as ISO strings.
"""

import json
import sys

import duckdb
import sqlglot


def run(request: dict) -> dict:
    (sql,) = sqlglot.transpile(request["query"], read="tsql", write="duckdb")
    con = duckdb.connect()
    schema, name = request["table"].split(".")
    con.execute(f'CREATE SCHEMA "{schema}"')
    columns = request["columns"]
    definitions = ", ".join(f'"{c}" {t}' for c, t in columns.items())
    con.execute(f'CREATE TABLE "{schema}"."{name}" ({definitions})')
    for row in request["rows"]:
        con.execute(
            f'INSERT INTO "{schema}"."{name}" VALUES ({", ".join("?" for _ in columns)})',
            [row.get(c) for c in columns],
        )
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, values)) for values in cursor.fetchall()]
    return {"sql": sql, "rows": json.loads(json.dumps(rows, default=lambda v: v.isoformat()))}


if __name__ == "__main__":
    json.dump(run(json.load(sys.stdin)), sys.stdout)
