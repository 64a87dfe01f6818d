/**
 * sql/erp-grants.ts: the workspace identity's read grant on the ERP schema (SEC-30), run by the
 * SQL executor on every deploy. A small model of SQL Server's semantics (CREATE of an object that
 * exists fails; a guard is evaluated against the database's state; GRANT adds a permission once)
 * runs the script twice: the second run must change nothing and fail nowhere.
 */
import type { ErpSource } from "../../config/sources";
import { erpGrantScript, ERP_GRANT_SCRIPT } from "../../sql/erp-grants";
import { sqlObjects } from "../../sql/objects";
import { batchProblems, code, dynamicBatches } from "./tsql-check";
import { existingErp } from "./erp-fixture";

const existing: ErpSource = existingErp();
const created: ErpSource = {
  ...existing,
  mode: "create",
  database: "erp",
  schema: "erp",
  create: { vCores: 2, entraAdmin: { login: "relmesh-admins", objectId: "22222222-2222-4222-8222-222222222222" } },
};

interface Db {
  schemas: Set<string>;
  users: Set<string>;
  grants: Set<string>;
  creates: number;
}

/** Runs one batch the way SQL Server would, for the statement shapes this script may use. */
function run(db: Db, batch: string): void {
  const text = code(batch)
    .map((t) => t.text)
    .join(" ");
  const guardUser = /^IF NOT EXISTS \( SELECT 1 FROM sys \. database_principals WHERE name = N'((?:[^']|'')*)' \) EXEC/.exec(text);
  const guardSchema = /^IF SCHEMA_ID \( N'((?:[^']|'')*)' \) IS NULL EXEC/.exec(text);
  const payloads = dynamicBatches(batch);
  if (guardUser || guardSchema) {
    const unquote = (s: string) => s.replace(/''/g, "'");
    const skip = guardUser ? db.users.has(unquote(guardUser[1])) : db.schemas.has(unquote(guardSchema![1]));
    if (!skip) for (const p of payloads) run(db, p);
    return;
  }
  const tokens = code(batch);
  const head = tokens
    .slice(0, 2)
    .map((t) => t.text.toUpperCase())
    .join(" ");
  if (head === "CREATE USER" || head === "CREATE SCHEMA") {
    const name = tokens[2].value;
    const set = head === "CREATE USER" ? db.users : db.schemas;
    if (set.has(name)) throw new Error(`There is already an object named '${name}' in the database.`);
    set.add(name);
    db.creates += 1;
    return;
  }
  if (head === "GRANT SELECT") {
    // GRANT SELECT ON SCHEMA :: [s] TO [u] ;
    const schema = tokens[5].value;
    const user = tokens[7].value;
    if (!db.schemas.has(schema))
      throw new Error(`Cannot find the schema '${schema}', because it does not exist or you do not have permission.`);
    if (!db.users.has(user)) throw new Error(`Cannot find the user '${user}', because it does not exist or you do not have permission.`);
    db.grants.add(`SELECT ${schema} ${user}`);
    return;
  }
  throw new Error(`the model does not know: ${text}`);
}

const runScript = (db: Db, batches: string[]) => batches.forEach((b) => run(db, b));
const fresh = (schemas: string[] = []): Db => ({ schemas: new Set(schemas), users: new Set(), grants: new Set(), creates: 0 });

describe("the ERP grant script (SEC-30)", () => {
  test("runs in the ERP database, grants only SELECT on the ERP schema to the workspace identity", () => {
    const script = erpGrantScript(existing, "relmesh-syn-abc123");
    expect(script.name).toBe(ERP_GRANT_SCRIPT);
    expect(script.database).toBe("ERP");
    const db = fresh(["sales"]);
    runScript(db, script.batches);
    expect([...db.users]).toEqual(["relmesh-syn-abc123"]);
    expect([...db.grants]).toEqual(["SELECT sales relmesh-syn-abc123"]);
    expect(script.batches.join("\n")).not.toMatch(/\b(INSERT|UPDATE|DELETE|ALTER|CONTROL|db_owner|db_datareader)\b/i);
  });

  test("running it twice is a no-op: the second run creates nothing, fails nowhere, and leaves the same state", () => {
    for (const [erp, schemas] of [
      [existing, ["sales"]],
      [created, []],
    ] as const) {
      const script = erpGrantScript(erp, "relmesh-syn-abc123");
      const db = fresh([...schemas]);
      runScript(db, script.batches);
      const after = JSON.stringify({ s: [...db.schemas], u: [...db.users], g: [...db.grants] });
      const createsFirst = db.creates;
      runScript(db, script.batches);
      expect(db.creates).toBe(createsFirst);
      expect(JSON.stringify({ s: [...db.schemas], u: [...db.users], g: [...db.grants] })).toBe(after);
    }
  });

  test("the model is strict: the same CREATE USER without its guard fails on the second run", () => {
    const db = fresh(["sales"]);
    const unguarded = dynamicBatches(erpGrantScript(existing, "ws").batches[0]);
    runScript(db, unguarded);
    expect(() => runScript(db, unguarded)).toThrow("There is already an object named 'ws' in the database.");
  });

  test("mode create also creates the schema (the stack owns the empty database); mode existing never creates one and fails on a missing schema", () => {
    const db = fresh();
    runScript(db, erpGrantScript(created, "ws").batches);
    expect([...db.schemas]).toEqual(["erp"]);
    expect(erpGrantScript(existing, "ws").batches.join("\n")).not.toContain("CREATE SCHEMA");
    expect(() => runScript(fresh(), erpGrantScript(existing, "ws").batches)).toThrow("Cannot find the schema 'sales'");
  });

  test("names are bracket-quoted and literals escaped, so an odd workspace or schema name cannot break out", () => {
    const script = erpGrantScript({ ...existing, schema: "sa]les" }, "ws'] ; DROP USER [x");
    const text = script.batches.join("\n");
    expect(text).toContain("GRANT SELECT ON SCHEMA::[sa]]les] TO [ws']] ; DROP USER [x];");
    expect(text).toContain("name = N'ws''] ; DROP USER [x'");
    const db = fresh(["sa]les"]);
    runScript(db, script.batches);
    expect([...db.users]).toEqual(["ws'] ; DROP USER [x"]);
  });

  test("every batch is well-formed T-SQL (balanced, one batch-opening CREATE per batch, EXEC payloads too)", () => {
    for (const erp of [existing, created])
      expect(erpGrantScript(erp, "relmesh-syn-abc123").batches.flatMap((b, i) => batchProblems(b, `batch ${i}`))).toEqual([]);
  });

  test("the executor's catalog reader sees the user it creates (so a removed source can drop it)", () => {
    expect(sqlObjects([erpGrantScript(existing, "ws")])).toEqual([{ kind: "user", database: "ERP", name: "ws" }]);
  });
});
