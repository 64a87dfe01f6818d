/**
 * The incremental copies' watermarks, run for real: the generated pipeline (its activities, its
 * expressions, its query text) runs in the local pipeline runner against the ERP's T-SQL transpiled to
 * DuckDB and against an in-process Cosmos-compatible server, over several windows. A wrong predicate
 * (≥ for >, < for ≤), a high taken after the window's end, or a rerun that moves the watermark fails here.
 */
import { spawnSync } from "node:child_process";
import https from "node:https";
import type { AddressInfo } from "node:net";
import type { PipelineResource } from "@azure/synapse-artifacts";
import { CosmosClient, type Container } from "@azure/cosmos";
import { createHttpsServer } from "@vercel/cosmosdb-server";
import { ERP_ORDERS, SERVICE_CASES, type SourceTable } from "../../config/source-tables";
import { ensurePythonEnv, REPO_ROOT } from "../../cli/pyenv";
import { SOURCE_DATASETS, SOURCE_PIPELINES } from "../../synapse-artifacts/sources";
import { runPipeline, type Row, type RunEnvironment, type SourceEngine } from "./engines/pipeline-runner";
import { artifactsFor, sourcesConfig } from "./helpers";
import { join } from "node:path";

// The pipelines `relmesh synth` publishes for the sources fixture: the ERP's own column names mapped
// (relmesh:erp.columns), the ruleset's history_days (365) as the first window's reach.
const config = sourcesConfig();
const published = artifactsFor(config);
const LAKE = { dataset: SOURCE_DATASETS.lakeRawJson };
const day = (d: string) => ({ windowStart: `${d}T00:00:00Z`, windowEnd: `${nextDay(d)}T00:00:00Z` });
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86400000).toISOString().slice(0, 10);

function pipelineNamed(name: string): PipelineResource {
  return published.find((a) => a.kind === "pipeline" && a.name === name)!.body as PipelineResource;
}

/** The ids a window's copy wrote, and the bounds it stored. */
function windowResult(env: RunEnvironment, table: SourceTable, d: string, idColumn: string) {
  const rows = env.lake.get(`${table.rawFolder}/${d.replaceAll("-", "/")}/${table.id}.json`) ?? [];
  return { ids: rows.map((r) => String(r[idColumn])).sort(), bounds: env.lake.get(`${table.watermarkFolder}/${d}.json`)?.[0] };
}

describe("ERP orders: the Azure SQL copy's T-SQL on DuckDB", () => {
  let python: string;
  const table: Row[] = [];
  const columns = config.erp!.columns;
  const engine: SourceEngine = {
    async query(text) {
      const request = {
        query: text,
        table: "sales.SalesOrder",
        columns: Object.fromEntries(
          Object.values(columns).map((c) => [c, c === "ModifiedAt" || c === "OrderDate" ? "TIMESTAMP" : "VARCHAR"]),
        ),
        rows: table,
      };
      const run = spawnSync(python, [join(REPO_ROOT, "test/synapse-artifacts/engines/tsql_on_duckdb.py")], {
        input: JSON.stringify(request),
        encoding: "utf8",
      });
      if (run.status !== 0) throw new Error(`T-SQL on DuckDB failed for:\n${text}\n${run.stderr}`);
      return JSON.parse(run.stdout).rows as Row[];
    },
  };
  const order = (id: string, modified: string): Row => ({
    SalesOrderId: id,
    CustomerAccountId: "acc-1",
    ContactId: null,
    SalesRepEmail: null,
    OrderDate: modified,
    TotalAmount: "100",
    CurrencyCode: "EUR",
    Status: "open",
    ModifiedAt: modified,
  });
  const env: RunEnvironment = { lake: new Map(), lakeDataset: LAKE.dataset, sources: { [SOURCE_DATASETS.erp]: engine } };

  beforeAll(async () => {
    python = (await ensurePythonEnv()).python;
  }, 600_000);

  test("each change is copied by exactly one window; a rerun copies the same rows and moves nothing", async () => {
    const pipeline = pipelineNamed(SOURCE_PIPELINES.erp);
    table.push(order("o-old", "2025-11-01T00:00:00"), order("o1", "2026-11-01T01:00:00"), order("o2", "2026-11-01T23:00:00"));
    // Already in the table when the first window runs, but changed after its end: the next window's.
    table.push(order("o3", "2026-11-02T00:00:00"));
    await runPipeline(pipeline, day("2026-11-01"), env);
    const first = windowResult(env, ERP_ORDERS, "2026-11-01", "order_id");
    // The first window reaches back history_days (365): o-old (2025-11-01) is before that.
    expect(first.ids).toEqual(["o1", "o2"]);
    expect(first.bounds).toMatchObject({ window: "2026-11-01" });
    expect(String(first.bounds!.low)).toMatch(/^2025-11-01T00:00:00/);
    expect(String(first.bounds!.high)).toMatch(/^2026-11-01T23:00:00/);

    // Committed late, stamped inside the first window but after its high: the next window reads it.
    table.push(order("o-late", "2026-11-01T23:30:00"));
    await runPipeline(pipeline, day("2026-11-02"), env);
    expect(windowResult(env, ERP_ORDERS, "2026-11-02", "order_id").ids).toEqual(["o-late", "o3"]);

    // A rerun of the first window: the stored bounds, the same rows, the high-water mark untouched.
    const latest = env.lake.get(`${ERP_ORDERS.watermarkFolder}/latest.json`);
    const rerun = await runPipeline(pipeline, day("2026-11-01"), env);
    expect(rerun.ran).not.toContain("Record window bounds");
    expect(rerun.ran).not.toContain("Advance high-water mark");
    expect(windowResult(env, ERP_ORDERS, "2026-11-01", "order_id").ids).toEqual(["o1", "o2"]);
    expect(env.lake.get(`${ERP_ORDERS.watermarkFolder}/latest.json`)).toEqual(latest);

    // A changed order is read again by the window its change falls in; a quiet window copies nothing and keeps the high.
    table.find((r) => r.SalesOrderId === "o1")!.ModifiedAt = "2026-11-03T08:00:00";
    await runPipeline(pipeline, day("2026-11-03"), env);
    expect(windowResult(env, ERP_ORDERS, "2026-11-03", "order_id").ids).toEqual(["o1"]);
    await runPipeline(pipeline, day("2026-11-04"), env);
    const quiet = windowResult(env, ERP_ORDERS, "2026-11-04", "order_id");
    expect(quiet.ids).toEqual([]);
    expect(String(quiet.bounds!.high)).toMatch(/^2026-11-03T08:00:00/);
  });

  test("the copy selects the mapped columns under their canonical names, nothing else", async () => {
    const rows = env.lake.get(`${ERP_ORDERS.rawFolder}/2026/11/03/${ERP_ORDERS.id}.json`)!;
    expect(Object.keys(rows[0]).sort()).toEqual([...ERP_ORDERS.columns.map((c) => c.name), "modified_at"].sort());
  });
});

describe("Service cases: the Cosmos DB copy's queries on an in-process Cosmos-compatible server", () => {
  let server: ReturnType<typeof createHttpsServer>;
  let container: Container;
  const env: RunEnvironment = { lake: new Map(), lakeDataset: LAKE.dataset, sources: {} };

  /** Cosmos DB stamps `_ts` itself (epoch seconds, server time): the server's clock is set per write. */
  async function upsertAt(iso: string, doc: Row) {
    const spy = jest.spyOn(Date, "now").mockReturnValue(Date.parse(iso));
    try {
      await container.items.upsert(doc);
    } finally {
      spy.mockRestore();
    }
  }
  const caseDoc = (id: string, extra: Row = {}): Row => ({
    id,
    accountId: "acc-1",
    status: "open",
    priority: "high",
    isEscalated: false,
    ...extra,
  });

  beforeAll(async () => {
    server = createHttpsServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const { port } = server.address() as AddressInfo;
    const client = new CosmosClient({
      endpoint: `https://127.0.0.1:${port}`,
      key: "local-test-key",
      // The stand-in's certificate is self-signed; it listens on loopback only.
      agent: new https.Agent({ rejectUnauthorized: false }),
      connectionPolicy: { enableEndpointDiscovery: false },
    });
    const { database } = await client.databases.createIfNotExists({ id: "service" });
    ({ container } = await database.containers.createIfNotExists({ id: "cases", partitionKey: { paths: ["/accountId"] } }));
    env.sources[SOURCE_DATASETS.serviceCases] = {
      query: async (text) => (await container.items.query(text).fetchAll()).resources as Row[],
    };
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
  });

  test("each change is copied by exactly one window; a rerun copies the same rows and moves nothing", async () => {
    const pipeline = pipelineNamed(SOURCE_PIPELINES.serviceCases);
    await upsertAt("2025-10-01T00:00:00Z", caseDoc("c-old"));
    await upsertAt("2026-11-01T01:00:00Z", caseDoc("c1", { contactId: "con-1" }));
    await upsertAt("2026-11-01T23:59:59Z", caseDoc("c2"));
    await upsertAt("2026-11-02T00:00:00Z", caseDoc("c3"));
    await runPipeline(pipeline, day("2026-11-01"), env);
    const first = windowResult(env, SERVICE_CASES, "2026-11-01", "case_id");
    expect(first.ids).toEqual(["c1", "c2"]);
    expect(first.bounds).toMatchObject({ high: Date.parse("2026-11-01T23:59:59Z") / 1000, window: "2026-11-01" });
    expect(Number(first.bounds!.low)).toBe(Date.parse("2025-11-01T00:00:00Z") / 1000);

    await upsertAt("2026-11-02T10:00:00Z", caseDoc("c1", { status: "resolved" }));
    await runPipeline(pipeline, day("2026-11-02"), env);
    expect(windowResult(env, SERVICE_CASES, "2026-11-02", "case_id").ids).toEqual(["c1", "c3"]);

    const rerun = await runPipeline(pipeline, day("2026-11-01"), env);
    expect(rerun.ran).not.toContain("Record window bounds");
    // c1 changed since, so the rerun no longer sees it in the first window's bounds: its newer copy is the second window's.
    expect(windowResult(env, SERVICE_CASES, "2026-11-01", "case_id").ids).toEqual(["c2"]);

    // Nothing changed on the third day: the aggregate finds no row, the high stays where it was.
    await runPipeline(pipeline, day("2026-11-03"), env);
    const quiet = windowResult(env, SERVICE_CASES, "2026-11-03", "case_id");
    expect(quiet.ids).toEqual([]);
    await upsertAt("2026-11-04T05:00:00Z", caseDoc("c4"));
    await runPipeline(pipeline, day("2026-11-04"), env);
    expect(windowResult(env, SERVICE_CASES, "2026-11-04", "case_id").ids).toEqual(["c4"]);
  });

  test("the copy selects the mapped properties under their canonical names, nothing else", () => {
    const rows = env.lake.get(`${SERVICE_CASES.rawFolder}/2026/11/04/${SERVICE_CASES.id}.json`)!;
    const allowed = new Set([...SERVICE_CASES.columns.map((c) => c.name), "_ts"]);
    expect(Object.keys(rows[0]).filter((k) => !allowed.has(k))).toEqual([]);
    expect(rows[0]).toMatchObject({ case_id: "c4", account_crm_id: "acc-1", escalated: false });
  });
});
