import { loadRelmesh } from "../../config/load";
import type { RelmeshConfig } from "../../config/stack";
import { sqlScripts } from "../../sql";
import { executeSqlScripts } from "../../stacks/publish/sql/execute";
import { dropScripts, dropStatement, objectKey, planDrops, sqlObjects, updateScripts } from "../../sql/objects";
import type { SqlScript } from "../../sql/script";
import { fakeSql } from "./fake-sql";
import { batchProblems } from "./tsql-check";

const base = loadRelmesh().config;
const READERS = "33333333-3333-4333-8333-333333333333";
const withReaders: RelmeshConfig = { ...base, sqlReadersGroupObjectId: READERS };
const full = sqlScripts(withReaders, { readersGroupName: "relmesh-report-readers" });
/** The generated scripts with one view's batch left out, as if the table were removed from gold-schema.json. */
const withoutView = (scripts: SqlScript[], view: string) =>
  scripts.map((s) => (s.name === "03-views.sql" ? { ...s, batches: s.batches.filter((b) => !b.includes(`VIEW [relmesh].[${view}]`)) } : s));

describe("sqlObjects", () => {
  test("names every object the generated scripts create, with its database, in creation order", () => {
    const keys = sqlObjects(full).map(objectKey);
    expect(keys.slice(0, 5)).toEqual([
      "database:master/relmesh_serving",
      "credential:relmesh_serving/WorkspaceIdentity",
      "dataSource:relmesh_serving/relmesh_curated",
      "schema:relmesh_serving/relmesh",
      "view:relmesh_serving/relmesh.pair_scores",
    ]);
    expect(keys).toContain("view:relmesh_serving/relmesh.account_scores");
    expect(keys[keys.length - 1]).toBe("user:relmesh_serving/relmesh-report-readers");
    expect(new Set(keys).size).toBe(keys.length);
  });

  test("ignores CREATE in comments and the DROP that replaces a moved data source", () => {
    const scripts: SqlScript[] = [
      { name: "x.sql", database: "db", batches: ["-- CREATE VIEW must come first\nIF 1 = 1 EXEC (N'DROP EXTERNAL DATA SOURCE [old]');"] },
    ];
    expect(sqlObjects(scripts)).toEqual([]);
  });
});

describe("planDrops", () => {
  test("nothing is dropped when nothing was removed, or on a first deploy", () => {
    expect(planDrops(full, full)).toEqual([]);
    expect(planDrops(undefined, full)).toEqual([]);
  });

  test("a view removed from the gold schema is dropped, and nothing else", () => {
    expect(planDrops(full, withoutView(full, "pair_scores")).map(objectKey)).toEqual(["view:relmesh_serving/relmesh.pair_scores"]);
  });

  test("a removed grants script drops the readers user it created", () => {
    expect(planDrops(full, sqlScripts(base)).map(objectKey)).toEqual(["user:relmesh_serving/relmesh-report-readers"]);
  });

  test("drops go in reverse dependency order: views and users, data source, credential, schema", () => {
    const previous: SqlScript[] = [
      {
        name: "02.sql",
        database: "db",
        batches: [
          "EXEC (N'CREATE DATABASE SCOPED CREDENTIAL [c]');",
          "EXEC (N'CREATE EXTERNAL DATA SOURCE [d] WITH (CREDENTIAL = [c])');",
          "EXEC (N'CREATE SCHEMA [s]');",
        ],
      },
      {
        name: "03.sql",
        database: "db",
        batches: ["CREATE OR ALTER VIEW [s].[a] AS SELECT 1 AS x;", "CREATE OR ALTER VIEW [s].[b] AS SELECT 1 AS x;"],
      },
      { name: "04.sql", database: "db", batches: ["EXEC (N'CREATE USER [u] FROM EXTERNAL PROVIDER');"] },
    ];
    expect(planDrops(previous, []).map(objectKey)).toEqual([
      "user:db/u",
      "view:db/s.b",
      "view:db/s.a",
      "dataSource:db/d",
      "credential:db/c",
      "schema:db/s",
    ]);
  });

  test("objects inside a database that is itself dropped are not dropped one by one; the database goes last", () => {
    const renamed = sqlScripts({ ...base, namePrefix: "other" });
    const drops = planDrops(full, renamed).map(objectKey);
    expect(drops).toEqual(["database:master/relmesh_serving"]);
  });
});

describe("drop statements", () => {
  test("each kind has an idempotent drop that is structurally valid T-SQL", () => {
    const previous = sqlObjects(full);
    for (const o of previous) {
      const sql = dropStatement(o);
      expect(batchProblems(sql)).toEqual([]);
      expect(sql).toMatch(/IF EXISTS|IF [A-Z_]+\(|IS NOT NULL/);
    }
    expect(dropStatement(previous.find((o) => o.kind === "view")!)).toBe("DROP VIEW IF EXISTS [relmesh].[pair_scores];");
  });

  test("drop scripts run in the database that holds the objects, master last", () => {
    const renamedWithoutReaders = sqlScripts({ ...base, namePrefix: "other" });
    const previous: SqlScript[] = [...full.slice(0, 3), { name: "05-extra.sql", database: "relmesh_serving", batches: [] }];
    expect(dropScripts(previous, renamedWithoutReaders).map((s) => [s.name, s.database])).toEqual([["00-drop-removed.sql", "master"]]);
    const scripts = dropScripts(full, withoutView(sqlScripts(base), "account_scores"));
    expect(scripts.map((s) => [s.name, s.database, s.batches])).toEqual([
      [
        "00-drop-removed.sql",
        "relmesh_serving",
        ["DROP USER IF EXISTS [relmesh-report-readers];", "DROP VIEW IF EXISTS [relmesh].[account_scores];"],
      ],
    ]);
  });
});

describe("an update through the executor, against the fake SQL endpoint", () => {
  const quiet = { sleep: async () => undefined };

  test("a view removed from the gold schema is dropped before the scripts run, and a rerun changes nothing", async () => {
    const server = fakeSql();
    await executeSqlScripts(updateScripts(undefined, full), { ...quiet, factory: server.factory });
    expect(server.views("relmesh_serving")).toContain("view relmesh.pair_scores");
    const desired = withoutView(full, "pair_scores");
    server.batches.length = 0;
    await executeSqlScripts(updateScripts(full, desired), { ...quiet, factory: server.factory });
    expect(server.batches[0]).toEqual({ database: "relmesh_serving", sql: "DROP VIEW IF EXISTS [relmesh].[pair_scores];" });
    expect(server.views("relmesh_serving")).not.toContain("view relmesh.pair_scores");
    expect(server.views("relmesh_serving")).toContain("view relmesh.account_scores");
    // The state now holds `desired`: nothing left to drop, and a drop that already happened is harmless.
    expect(dropScripts(desired, desired)).toEqual([]);
    await executeSqlScripts(updateScripts(full, desired), { ...quiet, factory: server.factory });
    expect(server.views("relmesh_serving")).not.toContain("view relmesh.pair_scores");
  });

  test("removing the grants script drops the readers user and keeps the rest", async () => {
    const server = fakeSql();
    await executeSqlScripts(full, { ...quiet, factory: server.factory });
    expect(server.catalog.get("relmesh_serving")).toContain("user relmesh-report-readers");
    await executeSqlScripts(updateScripts(full, sqlScripts(base)), { ...quiet, factory: server.factory });
    expect(server.catalog.get("relmesh_serving")).not.toContain("user relmesh-report-readers");
    expect(server.catalog.get("relmesh_serving")).toContain("schema relmesh");
  });
});
