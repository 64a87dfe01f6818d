/**
 * sql/erp-grants.ts erpRevokeScript: what undoes the workspace identity's read grant on a customer's
 * ERP database (least privilege, SEC-31: access the stack no longer needs goes with it). The grant
 * and the revoke run on a model of the database's security catalog (security-model.ts), whose guards
 * are evaluated against catalog rows: each test states the catalog before and after.
 */
import type { ErpSource } from "../../config/sources";
import { erpGrantScript, erpRevokeScript, ERP_REVOKE_SCRIPT } from "../../sql/erp-grants";
import { sqlObjects } from "../../sql/objects";
import { addPrincipal, DB_DATAREADER, DBO, principalId, runBatch, schemaId, securityDb, type SecurityDb } from "./security-model";
import { batchProblems, dynamicBatches } from "./tsql-check";
import { existingErp } from "./erp-fixture";

const erp: ErpSource = existingErp();
const WS = "relmesh-syn-abc123";
const run = (db: SecurityDb, batches: string[]) => batches.forEach((b) => runBatch(db, b));
const grant = (db: SecurityDb, e: ErpSource = erp, ws = WS) => run(db, erpGrantScript(e, ws).batches);
const revoke = (db: SecurityDb, e: ErpSource = erp, ws = WS) => run(db, erpRevokeScript(e, ws).batches);
/** The catalog as comparable text: principals, then permissions by grantee name. */
const snapshot = (db: SecurityDb) => ({
  principals: db.principals.map((p) => `${p.name}:${p.type}`).sort(),
  permissions: db.permissions
    .map((p) => {
      const on = p.class === 0 ? "DATABASE" : `SCHEMA ${db.schemas.find((s) => s.schema_id === p.major_id)?.name}`;
      return `${db.principals.find((x) => x.principal_id === p.grantee_principal_id)?.name} ${p.state} ${p.permission_name} ON ${on}`;
    })
    .sort(),
  roleMembers: db.roleMembers.length,
});
/** A customer database with the ERP schema and a reporting user who already reads it. */
function customerDb(): SecurityDb {
  const db = securityDb(["sales", "finance"]);
  const reporting = addPrincipal(db, "reporting", "E");
  db.permissions.push({
    class: 3,
    major_id: schemaId(db, "sales")!,
    grantee_principal_id: reporting,
    grantor_principal_id: DBO,
    permission_name: "SELECT",
    state: "G",
  });
  return db;
}

describe("the ERP revoke script (SEC-31: access the stack no longer needs goes with it)", () => {
  test("runs in the ERP database as two batches: REVOKE SELECT on the ERP schema, then DROP USER when nothing else holds it", () => {
    const script = erpRevokeScript(erp, WS);
    expect(script).toMatchObject({ name: ERP_REVOKE_SCRIPT, database: "ERP" });
    expect(script.batches).toHaveLength(2);
    expect(dynamicBatches(script.batches[0])).toEqual([`REVOKE SELECT ON SCHEMA::[sales] FROM [${WS}]`]);
    expect(dynamicBatches(script.batches[1])).toEqual([`DROP USER [${WS}]`]);
    // Nothing but the one permission and the one user: no role, no other schema, no CASCADE.
    expect(script.batches.join("\n")).not.toMatch(/\b(ALTER|CASCADE|DENY|db_owner|db_datareader|finance)\b/i);
  });

  test("after the grant, the revoke puts the database back as it was: the user and its SELECT are gone, the customer's own user untouched", () => {
    const db = customerDb();
    const before = snapshot(db);
    grant(db);
    expect(snapshot(db).permissions).toContain(`${WS} G SELECT ON SCHEMA sales`);
    revoke(db);
    expect(snapshot(db)).toEqual(before);
    expect(db.changes.slice(-2)).toEqual([`REVOKE SELECT ON SCHEMA :: sales FROM ${WS}`, `DROP USER ${WS}`]);
    expect(db.prints).toEqual([]);
  });

  test("running it twice, or where the user never was, changes nothing and fails nowhere", () => {
    const db = customerDb();
    grant(db);
    revoke(db);
    const after = snapshot(db);
    const changes = db.changes.length;
    revoke(db);
    expect(snapshot(db)).toEqual(after);
    expect(db.changes).toHaveLength(changes);
    const never = customerDb();
    revoke(never);
    expect(never.changes).toEqual([]);
    expect(snapshot(never)).toEqual(snapshot(customerDb()));
  });

  test("a user the customer granted more by hand is kept: SELECT on the ERP schema goes, their grant stays, and the script says so", () => {
    const db = customerDb();
    grant(db);
    const ws = principalId(db, WS)!;
    db.permissions.push({
      class: 3,
      major_id: schemaId(db, "finance")!,
      grantee_principal_id: ws,
      grantor_principal_id: DBO,
      permission_name: "SELECT",
      state: "G",
    });
    revoke(db);
    expect(snapshot(db).permissions.filter((p) => p.startsWith(WS))).toEqual([
      `${WS} G CONNECT ON DATABASE`,
      `${WS} G SELECT ON SCHEMA finance`,
    ]);
    expect(db.prints).toEqual([
      `Kept user [${WS}]: it holds permissions, roles or objects the stack did not grant; drop it by hand if they are no longer wanted.`,
    ]);
  });

  test("a user the customer put in a role, or who owns a schema or an object, is kept (and DROP USER is never attempted)", () => {
    const inRole = customerDb();
    grant(inRole);
    inRole.roleMembers.push({ role_principal_id: DB_DATAREADER, member_principal_id: principalId(inRole, WS)! });
    revoke(inRole);
    expect(principalId(inRole, WS)).toBeDefined();
    expect(snapshot(inRole).permissions.filter((p) => p.startsWith(WS))).toEqual([`${WS} G CONNECT ON DATABASE`]);

    const owner = customerDb();
    grant(owner);
    owner.schemas.push({ schema_id: 40, name: "scratch", principal_id: principalId(owner, WS)! });
    expect(() => revoke(owner)).not.toThrow();
    expect(principalId(owner, WS)).toBeDefined();

    const objects = customerDb();
    grant(objects);
    objects.objects.push({ name: "t", schema_id: schemaId(objects, "finance")!, principal_id: principalId(objects, WS)! });
    expect(() => revoke(objects)).not.toThrow();
    expect(principalId(objects, WS)).toBeDefined();
  });

  test("a user that granted a permission to someone else is kept (DROP USER would fail on it)", () => {
    const db = customerDb();
    grant(db);
    db.permissions.push({
      class: 3,
      major_id: schemaId(db, "finance")!,
      grantee_principal_id: principalId(db, "reporting")!,
      grantor_principal_id: principalId(db, WS)!,
      permission_name: "SELECT",
      state: "G",
    });
    expect(() => revoke(db)).not.toThrow();
    expect(principalId(db, WS)).toBeDefined();
  });

  test("what the stack did not make stays: a DENY on the ERP schema, and a grant WITH GRANT OPTION (no REVOKE without CASCADE)", () => {
    for (const state of ["D", "W"] as const) {
      const db = customerDb();
      grant(db);
      const ws = principalId(db, WS)!;
      const sales = schemaId(db, "sales")!;
      db.permissions = db.permissions.filter((p) => !(p.grantee_principal_id === ws && p.class === 3));
      db.permissions.push({
        class: 3,
        major_id: sales,
        grantee_principal_id: ws,
        grantor_principal_id: DBO,
        permission_name: "SELECT",
        state,
      });
      expect(() => revoke(db)).not.toThrow();
      expect(snapshot(db).permissions).toContain(`${WS} ${state} SELECT ON SCHEMA sales`);
      expect(principalId(db, WS)).toBeDefined();
    }
  });

  test("a same-named user that is not an Entra user loses the SELECT the grant gave it, but is never dropped", () => {
    const db = customerDb();
    addPrincipal(db, WS, "S");
    grant(db);
    revoke(db);
    expect(db.principals.find((p) => p.name === WS)?.type).toBe("S");
    expect(snapshot(db).permissions.filter((p) => p.startsWith(WS))).toEqual([`${WS} G CONNECT ON DATABASE`]);
    expect(db.changes.filter((c) => c.startsWith("DROP"))).toEqual([]);
  });

  test("a schema that is gone (or renamed by the customer) is not an error: there is nothing to revoke on it", () => {
    const db = customerDb();
    grant(db);
    db.schemas = db.schemas.filter((s) => s.name !== "sales");
    db.permissions = db.permissions.filter((p) => p.class !== 3 || p.major_id !== 5);
    expect(() => revoke(db)).not.toThrow();
    expect(principalId(db, WS)).toBeUndefined();
  });

  test("names are bracket-quoted and literals escaped: an odd workspace or schema name drops exactly that user", () => {
    const odd = { ...erp, schema: "sa]les" };
    const ws = "ws'] ; DROP USER [x";
    const script = erpRevokeScript(odd, ws);
    const text = script.batches.join("\n");
    expect(text).toContain("REVOKE SELECT ON SCHEMA::[sa]]les] FROM [ws'']] ; DROP USER [x]");
    expect(text).toContain("name = N'ws''] ; DROP USER [x'");
    expect(text).toContain("SCHEMA_ID(N'sa]les')");
    const db = securityDb(["sa]les"]);
    addPrincipal(db, "x", "E");
    grant(db, odd, ws);
    revoke(db, odd, ws);
    expect(db.principals.map((p) => p.name)).toEqual(["public", "dbo", "db_datareader", "x"]);
  });

  test("every batch is well-formed T-SQL (balanced, BEGIN/END paired, EXEC payloads too)", () => {
    expect(erpRevokeScript(erp, WS).batches.flatMap((b, i) => batchProblems(b, `batch ${i}`))).toEqual([]);
  });

  test("it creates nothing, so `pulumi refresh` looks for nothing of it", () => {
    expect(sqlObjects([erpRevokeScript(erp, WS)])).toEqual([]);
  });
});

describe("the catalog model is strict (so the tests above can fail)", () => {
  test("CREATE USER gives CONNECT: a drop guard that counted every permission would never drop", () => {
    const db = securityDb(["sales"]);
    grant(db);
    expect(snapshot(db).permissions).toEqual([`${WS} G CONNECT ON DATABASE`, `${WS} G SELECT ON SCHEMA sales`]);
  });

  test("an unguarded DROP USER fails on a user who owns a schema, and on a user who is not there", () => {
    const db = securityDb(["sales"]);
    grant(db);
    db.schemas.push({ schema_id: 40, name: "scratch", principal_id: principalId(db, WS)! });
    expect(() => runBatch(db, `DROP USER [${WS}]`)).toThrow("owns a schema");
    expect(() => runBatch(securityDb(), `DROP USER [${WS}]`)).toThrow("does not exist");
  });

  test("an unguarded REVOKE fails on a grant WITH GRANT OPTION, and lifts a DENY", () => {
    const db = securityDb(["sales"]);
    grant(db);
    const p = db.permissions.find((x) => x.permission_name === "SELECT")!;
    p.state = "W";
    expect(() => runBatch(db, `REVOKE SELECT ON SCHEMA::[sales] FROM [${WS}]`)).toThrow("CASCADE");
    p.state = "D";
    runBatch(db, `REVOKE SELECT ON SCHEMA::[sales] FROM [${WS}]`);
    expect(db.permissions.filter((x) => x.permission_name === "SELECT")).toEqual([]);
  });
});
