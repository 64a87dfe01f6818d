/**
 * Facts both TypeScript and the Python notebooks name: each is defined once on the TypeScript side
 * (or in a JSON contract) and the Python side must name it the same way, so a change on one side
 * cannot silently miss the other. (Notebook parameters: checkNotebookParameters; CRM required
 * columns: passed with the mapping; gold columns: test/notebooks/test_gold_contract.py.)
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CALENDAR_DATASET, MESSAGE_DATASET } from "../../config/mgdc-datasets";
import goldSchema from "../../sql/gold-schema.json";
import { ACCOUNT_ROW_COLUMNS, FALLBACKS, type AccountRow } from "../../cli/render";
import rulesetSchema from "../../config/ruleset.schema.json";
import { examplePlan } from "../cli/plan-fixture";
import { dashboardTables, DASHBOARD_TABLES } from "../../dashboard/data";

const ROOT = join(__dirname, "..", "..");
const python = (file: string) => readFileSync(join(ROOT, "notebooks", file), "utf8");
const constant = (source: string, name: string) => new RegExp(`^${name} = "([^"]+)"$`, "m").exec(source)?.[1];

test("the notebooks name the MGDC datasets exactly as config/mgdc-datasets.ts does", () => {
  const ingest = python("rm_ingest_m365.py");
  expect([constant(ingest, "MESSAGE_DATASET"), constant(ingest, "EVENT_DATASET")]).toEqual([MESSAGE_DATASET, CALENDAR_DATASET]);
});

test("the gold tables 03_score writes (rm_serving's GOLD_KEYS) are the gold tables of the serving contract, and the dimensions 01_ingest_crm writes include the contract's", () => {
  expect(python("03_score.py")).toMatch(/for name, df in tables\.items\(\):\n\s+keys = GOLD_KEYS\[name\]/);
  const goldKeys = /^GOLD_KEYS = \{\n([\s\S]*?)\n\}/m.exec(python("rm_serving.py"))?.[1] ?? "";
  // Each table with the key its snapshot is written by: the contract's key.
  const written = [...goldKeys.matchAll(/^\s+"(\w+)": (\[[^\]]*\])/gm)].map((m) => ({ name: m[1], key: JSON.parse(m[2]) as string[] }));
  const tables = goldSchema.tables as Array<{ name: string; key: string[] }>;
  const contract = tables.map((t) => t.name);
  expect(tables.filter((t) => !t.name.startsWith("dim_")).map(({ name, key }) => ({ name, key }))).toEqual(written);
  const dims = [...python("rm_ingest_crm.py").matchAll(/"(dim_\w+)"/g)].map((m) => m[1]);
  expect(contract.filter((t) => t.startsWith("dim_")).filter((t) => !dims.includes(t))).toEqual([]);
});

test("the account row the summary shows is one list: AccountRow's keys, what the Python summary selects, all gold account_scores columns", () => {
  // A complete AccountRow literal: tsc rejects it when the interface gains or loses a key.
  const example: AccountRow = {
    account_id: "a",
    name: "n",
    tier: 1,
    connectivity_score: 1,
    status: "s",
    days_since_last_interaction: null,
    connected_contacts: 0,
    connected_sellers: 0,
    exec_coverage: false,
    is_high_priority: false,
    trend: 0,
  };
  expect(Object.keys(example)).toEqual([...ACCOUNT_ROW_COLUMNS]);
  const gold = (goldSchema.tables as Array<{ name: string; columns: Array<{ name: string }> }>).find((t) => t.name === "account_scores")!;
  expect(ACCOUNT_ROW_COLUMNS.filter((c) => !gold.columns.some((g) => g.name === c))).toEqual([]);
  const plan = examplePlan<{ summary: { columns: string[] } }>();
  expect(plan.summary.columns).toEqual([...ACCOUNT_ROW_COLUMNS]);
  expect(python("local/summary.py")).toContain('columns = plan["columns"]');
});

test("the notebooks write each contract table in the zone the serving contract reads it from", () => {
  const zones = new Set((goldSchema.tables as Array<{ zone: string }>).map((t) => t.zone));
  const written = new Set(
    ["01_ingest_crm.py", "02_ingest_m365.py", "03_score.py"].flatMap((f) =>
      [...python(f).matchAll(/table_path\(curated_root, "(\w+)"\)/g)].map((m) => m[1]),
    ),
  );
  expect([...zones].filter((z) => !written.has(z))).toEqual([]);
  // 03_score writes the gold tables into the gold zone, the dimensions come from silver.
  expect(python("03_score.py")).toMatch(/write_snapshot\(spark, table_path\(gold, name\)/);
  for (const t of goldSchema.tables as Array<{ name: string; zone: string }>)
    expect(t.zone).toBe(t.name.startsWith("dim_") || t.name === "interactions" ? "silver" : "gold");
});

test("the dashboard's tables and columns are one list: what the run plan passes, what summary.py selects, all in the serving contract, no email", () => {
  const tables = dashboardTables();
  expect(tables.map((t) => t.name)).toEqual([...DASHBOARD_TABLES]);
  for (const t of tables) {
    const contract = (goldSchema.tables as Array<{ name: string; columns: Array<{ name: string }> }>).find((g) => g.name === t.name)!;
    expect(t.columns.filter((c) => !contract.columns.some((g) => g.name === c))).toEqual([]);
    expect(t.columns.filter((c) => /email$|^load_id$|^row_hash$/.test(c))).toEqual([]);
  }
  const plan = examplePlan<{ summary: { dashboard_tables: unknown } }>();
  expect(plan.summary.dashboard_tables).toEqual(tables);
  const summary = python("local/summary.py");
  expect(summary).toContain('dashboard_data(read, plan.get("dashboard_tables", []))');
  expect(summary).toContain('_select(df, table["columns"]).orderBy(*table["key"])');
});

test("every ruleset key the notebooks read by name is a key of config/ruleset.schema.json", () => {
  const notebooks = readdirSync(join(ROOT, "notebooks")).filter((f) => f.endsWith(".py"));
  const read = notebooks.flatMap((f) =>
    [...python(f).matchAll(/ruleset((?:\["\w+"\])+)/g)].map((m) => [...m[1].matchAll(/"(\w+)"/g)].map((k) => k[1])),
  );
  expect(read.map((path) => path.join("."))).toEqual(
    expect.arrayContaining(["duration.default_minutes", "data_quality.fallback_warning_share"]),
  );
  // A key is a schema property, or a required key of an object whose values share one schema (sources).
  type Node = { properties?: Record<string, Node>; required?: string[]; additionalProperties?: Node | boolean };
  const child = (node: Node | undefined, key: string): Node | undefined =>
    node?.properties?.[key] ??
    (node?.required?.includes(key) && typeof node.additionalProperties === "object" ? node.additionalProperties : undefined);
  const missing = read.filter((path) => path.reduce<Node | undefined>(child, rulesetSchema as Node) === undefined);
  expect(missing.map((path) => path.join("."))).toEqual([]);
});

test("the fallbacks the notebooks count are the ones the run output words (cli/render.ts FALLBACKS)", () => {
  const named = /^FALLBACKS = \(([^)]*)\)$/m.exec(python("rm_reconcile.py"))?.[1] ?? "";
  expect([...named.matchAll(/"(\w+)"/g)].map((m) => m[1])).toEqual(Object.keys(FALLBACKS));
});
