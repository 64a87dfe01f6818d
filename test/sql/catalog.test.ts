/** `pulumi refresh` of the SQL layer: which of the scripts' objects the server still has, read with catalog queries. */
import { loadRelmesh } from "../../config/load";
import { sqlScripts } from "../../sql";
import { readSqlObjects } from "../../stacks/publish/sql/catalog";
import { executeSqlScripts } from "../../stacks/publish/sql/execute";
import { objectKey, sqlObjects } from "../../sql/objects";
import { sqlLayerHash, sqlLayerProvider, type SqlLayerState } from "../../stacks/publish/providers";
import { fakeSql } from "./fake-sql";

const scripts = sqlScripts(
  { ...loadRelmesh().config, sqlReadersGroupObjectId: "33333333-3333-4333-8333-333333333333" },
  { readersGroupName: "relmesh-report-readers" },
);
const server = "ws-ondemand.sql.azuresynapse.net";
const quiet = { sleep: async () => undefined };
const expected = sqlObjects(scripts).map(objectKey);
const props = { server, scripts, hash: sqlLayerHash(scripts, server) };

async function deployed() {
  const sql = fakeSql();
  await executeSqlScripts(scripts, { ...quiet, factory: sql.factory });
  const state: SqlLayerState = { ...props, objects: expected };
  return { sql, state };
}

test("no drift: every object is found, read leaves the state unchanged and the next diff reports nothing", async () => {
  const { sql, state } = await deployed();
  expect(await readSqlObjects(scripts, { ...quiet, factory: sql.factory })).toEqual(expected);
  expect(await sqlLayerProvider.diff!("id", state, props)).toEqual({ changes: false, replaces: [] });
});

test("a view dropped by hand is missing from read's outs; the next diff asks for an update that recreates it", async () => {
  const { sql, state } = await deployed();
  sql.catalog.get("relmesh_serving")!.delete("view relmesh.account_scores");
  const objects = await readSqlObjects(scripts, { ...quiet, factory: sql.factory });
  expect(expected.filter((k) => !objects.includes(k))).toEqual(["view:relmesh_serving/relmesh.account_scores"]);
  expect(await sqlLayerProvider.diff!("id", { ...state, objects }, props)).toEqual({ changes: true, replaces: [] });
  await executeSqlScripts(scripts, { ...quiet, factory: sql.factory });
  expect(await readSqlObjects(scripts, { ...quiet, factory: sql.factory })).toEqual(expected);
});

test("a serving database dropped by hand: everything in it is missing, read without connecting to it", async () => {
  const { sql } = await deployed();
  sql.catalog.delete("relmesh_serving");
  sql.catalog.get("master")!.delete("database relmesh_serving");
  sql.queries.length = 0;
  expect(await readSqlObjects(scripts, { ...quiet, factory: sql.factory })).toEqual([]);
  expect(sql.queries.map((q) => q.database)).toEqual(["master"]);
});

test("only read-only catalog queries are sent, one per database", async () => {
  const { sql } = await deployed();
  sql.batches.length = 0;
  await readSqlObjects(scripts, { ...quiet, factory: sql.factory });
  expect(sql.batches).toEqual([]);
  expect(sql.queries.map((q) => q.database)).toEqual(["master", "relmesh_serving"]);
  for (const q of sql.queries) expect(q.sql).toMatch(/^SELECT /);
});

test("a transient error on a catalog query is retried; a persistent one names the error number", async () => {
  const transient = Object.assign(new Error("Client with IP address is not allowed"), { number: 40615 });
  const sql = fakeSql({ failQueries: [transient] });
  await executeSqlScripts(scripts, { ...quiet, factory: sql.factory });
  expect(await readSqlObjects(scripts, { ...quiet, factory: sql.factory })).toEqual(expected);
  const stuck = fakeSql({ failQueries: [1, 2, 3].map(() => transient) });
  await executeSqlScripts(scripts, { ...quiet, factory: stuck.factory });
  await expect(readSqlObjects(scripts, { ...quiet, factory: stuck.factory, attempts: 2 })).rejects.toThrow(
    /failed after 2 attempts on transient errors, last: error 40615/,
  );
});

test("a state from before read existed (no objects recorded) is not treated as drift", async () => {
  expect(await sqlLayerProvider.diff!("id", props, props)).toEqual({ changes: false, replaces: [] });
});
