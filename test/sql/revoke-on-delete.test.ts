/**
 * The SQL executor's delete (stacks/publish/providers.ts sqlLayerProvider, stacks/publish/sql/revoke.ts):
 * with ERP mode existing, removing relmesh:erp or moving it to another server or database revokes the
 * workspace identity's grant where it was (least privilege, SEC-31); mode create and the serving layer
 * send nothing on delete. The provider's tedious factory is replaced by fake servers (fake-sql.ts), one
 * per host name, so the batches each server receives are what is asserted.
 */
import type { ErpSource } from "../../config/sources";
import { loadRelmesh } from "../../config/load";
import { sqlScripts } from "../../sql";
import { erpGrantScript, erpGrantTarget, erpRevokeScript } from "../../sql/erp-grants";
import { sqlLayerHash, sqlLayerProvider, type SqlLayerProps, type SqlLayerState } from "../../stacks/publish/providers";
import type { SqlConnectionFactory } from "../../stacks/publish/sql/execute";
import { revokeOnDelete, type RevokeOptions } from "../../stacks/publish/sql/revoke";
import { fakeSql } from "./fake-sql";
import { runBatch, schemaId, securityDb } from "./security-model";
import { existingErp } from "./erp-fixture";

const servers = new Map<string, ReturnType<typeof fakeSql>>();
const opened: string[] = [];
jest.mock("../../stacks/publish/sql/tedious", () => ({
  tediousConnectionFactory: (server: string) => async (database: string) => {
    opened.push(`${server}/${database}`);
    const fake = servers.get(server);
    if (!fake) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${server}`), { code: "ESOCKET" });
    return fake.factory(database);
  },
}));

const WS = "relmesh-syn-abc123";
const erp: ErpSource = existingErp("contoso-erp");

/** A customer's server with the ERP database(s) on it. */
function customerServer(fqdn: string, databases: string[]) {
  const sql = fakeSql();
  for (const d of databases) {
    sql.catalog.set(d, new Set([`schema ${erp.schema}`]));
    sql.catalog.get("master")!.add(`database ${d}`);
  }
  servers.set(fqdn, sql);
  return sql;
}

/** The grant resource's inputs as stacks/erp-sql.ts builds them. */
function grantProps(e: ErpSource, ws = WS): SqlLayerProps {
  const scripts = [erpGrantScript(e, ws)];
  return {
    server: e.server.fqdn,
    scripts,
    hash: sqlLayerHash(scripts, e.server.fqdn),
    ...(e.mode === "existing" ? { onDelete: { scripts: [erpRevokeScript(e, ws)], target: erpGrantTarget(e, ws) } } : {}),
  };
}

const revokeOf = (e: ErpSource) => erpRevokeScript(e, WS);
const sent = (sql: ReturnType<typeof fakeSql>) => sql.batches.map((b) => [b.database, b.sql]);
const revokeBatches = (e: ErpSource) => erpRevokeScript(e, WS).batches.map((b) => [e.database, b]);

beforeEach(() => {
  servers.clear();
  opened.length = 0;
  jest.spyOn(console, "log").mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

async function deployed(e: ErpSource): Promise<SqlLayerState> {
  return (await sqlLayerProvider.create!(grantProps(e))).outs as SqlLayerState;
}

describe("delete (SEC-31)", () => {
  test("mode existing: deleting the grant resource sends exactly the revoke's two batches to the ERP database", async () => {
    const sql = customerServer(erp.server.fqdn, ["ERP"]);
    const state = await deployed(erp);
    expect(sql.catalog.get("ERP")!.has(`user ${WS}`)).toBe(true);
    sql.batches.length = 0;
    await sqlLayerProvider.delete!("sql@contoso-erp.database.windows.net", state);
    expect(sent(sql)).toEqual(revokeBatches(erp));
    expect(sql.catalog.get("ERP")!.has(`user ${WS}`)).toBe(false);
  });

  test("mode create: delete opens no connection (the server goes with the stack; a revoke must not hold up destroy)", async () => {
    const created: ErpSource = { ...erp, mode: "create" };
    customerServer(erp.server.fqdn, ["ERP"]);
    const state = await deployed(created);
    expect(state.onDelete).toBeUndefined();
    opened.length = 0;
    await sqlLayerProvider.delete!("sql@x", state);
    expect(opened).toEqual([]);
  });

  test("the serving layer: delete opens no connection and sends nothing (Power BI keeps its database)", async () => {
    const scripts = sqlScripts(loadRelmesh().config);
    const state: SqlLayerState = { server: "ws-ondemand.sql.azuresynapse.net", scripts, hash: "h" };
    await sqlLayerProvider.delete!("sql@ws", state);
    expect(opened).toEqual([]);
  });
});

describe("a grant that moves is a replacement: the new target is granted, the old one revoked (SEC-31)", () => {
  /** What Pulumi does on a replacement: diff, create the new resource, then delete the old one with its state. */
  async function replace(olds: SqlLayerState, news: SqlLayerProps) {
    const diff = await sqlLayerProvider.diff!("id", olds, news);
    await sqlLayerProvider.create!(news);
    await sqlLayerProvider.delete!("id", olds);
    return diff;
  }

  test("another server: the new one receives the grant only, the old one the revoke only", async () => {
    const old = customerServer(erp.server.fqdn, ["ERP"]);
    const state = await deployed(erp);
    old.batches.length = 0;
    const moved: ErpSource = { ...erp, server: { name: "fabrikam-erp", fqdn: "fabrikam-erp.database.windows.net" } };
    const fresh = customerServer(moved.server.fqdn, ["ERP"]);
    const diff = await replace(state, grantProps(moved));
    expect(diff.replaces).toEqual(["server"]);
    expect(sent(old)).toEqual(revokeBatches(erp));
    expect(sent(fresh)).toEqual(erpGrantScript(moved, WS).batches.map((b) => ["ERP", b]));
  });

  test("another database on the same server: the new database receives the grant, the old one the revoke", async () => {
    const sql = customerServer(erp.server.fqdn, ["ERP", "ERP2"]);
    const state = await deployed(erp);
    sql.batches.length = 0;
    const moved: ErpSource = { ...erp, database: "ERP2" };
    const diff = await replace(state, grantProps(moved));
    expect(diff).toEqual({ changes: true, replaces: ["onDelete"] });
    expect(sent(sql)).toEqual([...erpGrantScript(moved, WS).batches.map((b) => ["ERP2", b]), ...revokeBatches(erp)]);
    expect(sql.catalog.get("ERP2")!.has(`user ${WS}`)).toBe(true);
    expect(sql.catalog.get("ERP")!.has(`user ${WS}`)).toBe(false);
  });

  test("another schema, or another workspace name, on the same database: granted anew, then the old grant revoked; the catalog ends with only the new grant", async () => {
    for (const [moved, ws] of [
      [{ ...erp, schema: "sales2" }, WS],
      [erp, "relmesh-syn-def456"],
    ] as const) {
      const sql = customerServer(erp.server.fqdn, ["ERP"]);
      const state = await deployed(erp);
      const diff = await replace(state, grantProps(moved, ws));
      expect(diff).toEqual({ changes: true, replaces: ["onDelete"] });
      // Every batch the server received, in order, on a model of its security catalog.
      const db = securityDb(["sales", "sales2"]);
      for (const [, batch] of sent(sql)) runBatch(db, batch);
      const grants = db.permissions.filter((p) => p.permission_name === "SELECT");
      expect(grants.map((p) => [db.principals.find((x) => x.principal_id === p.grantee_principal_id)?.name, p.major_id])).toEqual([
        [ws, schemaId(db, moved.schema)],
      ]);
      expect(db.principals.filter((p) => p.type === "E").map((p) => p.name)).toEqual([ws]);
    }
  });

  test("a reworded revoke for the same target is an update, never a replacement (which would revoke the grant just made)", async () => {
    customerServer(erp.server.fqdn, ["ERP"]);
    const state = await deployed(erp);
    const reworded: SqlLayerProps = {
      ...grantProps(erp),
      onDelete: { ...state.onDelete!, scripts: [{ ...revokeOf(erp), batches: ["PRINT N'v2';"] }] },
    };
    expect(await sqlLayerProvider.diff!("id", state, reworded)).toEqual({ changes: true, replaces: [] });
  });

  test("a state from before the revoke existed is updated (not replaced), so delete knows the revoke from then on", async () => {
    customerServer(erp.server.fqdn, ["ERP"]);
    const { onDelete, ...withoutRevoke } = await deployed(erp);
    expect(await sqlLayerProvider.diff!("id", withoutRevoke, grantProps(erp))).toEqual({ changes: true, replaces: [] });
    const outs = (await sqlLayerProvider.update!("id", withoutRevoke, grantProps(erp))).outs as SqlLayerState;
    expect(outs.onDelete).toEqual(onDelete);
    expect(await sqlLayerProvider.diff!("id", outs, grantProps(erp))).toEqual({ changes: false, replaces: [] });
  });
});

describe("revokeOnDelete: a failure is loud unless the target is provably gone", () => {
  const revoke = erpRevokeScript(erp, WS);
  const server = erp.server.fqdn;
  const options = (factory: SqlConnectionFactory, resolveHost: RevokeOptions["resolveHost"], log: string[] = []): RevokeOptions => ({
    factory,
    resolveHost,
    attempts: 2,
    sleep: async () => undefined,
    log: (line) => log.push(line),
  });
  const unreachable: SqlConnectionFactory = async () => {
    throw Object.assign(new Error(`Failed to connect to ${server}:1433 - getaddrinfo ENOTFOUND ${server}`), { code: "ESOCKET" });
  };
  const dnsError = (code: string) => async () => {
    throw Object.assign(new Error(`queryA ${code} ${server}`), { code });
  };
  const resolves = async () => ["20.0.0.1"];
  /** A public resolver: the server's name is gone, Azure Resource Manager's still resolves. */
  const serverNxdomain = async (host: string) => {
    if (host === "management.azure.com") return ["4.150.240.10"];
    throw Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: "ENOTFOUND" });
  };

  test("a server whose name no longer exists in DNS (NXDOMAIN) is gone with its grant: nothing to revoke, said in the log", async () => {
    const log: string[] = [];
    expect(await revokeOnDelete(server, [revoke], options(unreachable, serverNxdomain, log))).toEqual(["server gone"]);
    expect(log.at(-1)).toBe(
      `erp-revoke.sql: ${server} no longer exists in DNS (NXDOMAIN): the server and the grant on it are gone, nothing to revoke`,
    );
  });

  test("a resolver that answers NXDOMAIN for every name (a sandbox, a split-horizon DNS) proves nothing: the delete fails", async () => {
    await expect(revokeOnDelete(server, [revoke], options(unreachable, dnsError("ENOTFOUND")))).rejects.toThrow(
      /^Revoking on delete failed/,
    );
  });

  test("a resolver that cannot answer (ETIMEOUT, ECONNREFUSED) proves nothing: the delete fails", async () => {
    for (const code of ["ETIMEOUT", "ECONNREFUSED", "ESERVFAIL"])
      await expect(revokeOnDelete(server, [revoke], options(unreachable, dnsError(code)))).rejects.toThrow(/^Revoking on delete failed/);
  });

  test("a login the server refuses (the deployer is no longer its Entra admin) fails with the reason and the manual fix", async () => {
    const refused: SqlConnectionFactory = async () => {
      throw Object.assign(new Error("Login failed for user '<token-identified principal>'."), { number: 18456 });
    };
    const error = await revokeOnDelete(server, [revoke], options(refused, resolves)).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      `Revoking on delete failed: erp-revoke.sql on ${server}, database ERP: SQL script erp-revoke.sql batch 1/2 on database ERP failed: ` +
        "error 18456: Login failed for user '<token-identified principal>'.. Batch starts: IF EXISTS (SELECT 1 FROM sys.database_permissions. " +
        "The stack no longer reads this database, so the access it granted there must go (least privilege, SEC-31). " +
        "Fix what stopped the deployer (a firewall rule admitting this machine, membership of the server's Entra admin group) and run pulumi again; " +
        "or run erp-revoke.sql (relmesh synth writes it under sql/erp/) in database [ERP] as a member of that group, " +
        "then remove this resource from the state with `pulumi state delete <urn>` (`pulumi stack --show-urns` lists it).",
    );
  });

  test("a firewall that no longer admits the deployer (40615, retried) fails: the server still resolves", async () => {
    const blocked: SqlConnectionFactory = async () => {
      throw Object.assign(new Error("Client with IP address '203.0.113.9' is not allowed to access the server."), { number: 40615 });
    };
    await expect(revokeOnDelete(server, [revoke], options(blocked, resolves))).rejects.toThrow(
      /failed after 2 attempts on transient errors, last: error 40615/,
    );
  });

  test("a database that is gone (4060, and master does not list it) took the grant with it: nothing to revoke", async () => {
    const sql = customerServer(server, []);
    const log: string[] = [];
    expect(await revokeOnDelete(server, [revoke], options(sql.factory, resolves, log))).toEqual(["database gone"]);
    expect(sql.queries.map((q) => q.database)).toEqual(["master"]);
    expect(log.at(-1)).toBe(`erp-revoke.sql: database ERP is no longer on ${server}: the grant in it went with it, nothing to revoke`);
  });

  test("4060 on a database master still lists (the deployer cannot open it), or master cannot be asked: the delete fails", async () => {
    const listed = customerServer(server, ["ERP"]);
    const cannotOpen: SqlConnectionFactory = async (database) => {
      if (database === "ERP") throw Object.assign(new Error('Cannot open database "ERP" requested by the login.'), { number: 4060 });
      return listed.factory(database);
    };
    await expect(revokeOnDelete(server, [revoke], options(cannotOpen, resolves))).rejects.toThrow(/error 4060/);
    const noMaster: SqlConnectionFactory = async (database) => {
      throw Object.assign(new Error(`Cannot open database "${database}" requested by the login.`), { number: 4060 });
    };
    await expect(revokeOnDelete(server, [revoke], options(noMaster, resolves))).rejects.toThrow(/error 4060/);
  });
});
