/**
 * Golden files of `relmesh synth` for the dev stack, under test/golden/synth/. Reviewers read them
 * to see what a change does to the deployed artifacts. After a deliberate change, regenerate with
 * `UPDATE_GOLDEN=1 npx jest test/synapse-artifacts/golden` and review the diff.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { synapseArtifacts } from "../../synapse-artifacts";
import { synthFiles, type SynthResult } from "../../synapse-artifacts/synth";
import { splitBatches } from "../../sql/batches";
import { erpSqlScripts } from "../../sql/erp-grants";
import { devConfig, inputsFor, ROOT, sourcesConfig } from "./helpers";

const GOLDEN = join(ROOT, "test", "golden", "synth");
/** With both optional sources on: only the files that are new or differ from the dev stack's. */
const SOURCES_GOLDEN = join(ROOT, "test", "golden", "synth-sources");
/** With relmesh:erp in mode existing: only its SQL (the grant and the revoke), the rest is as with mode create. */
const ERP_EXISTING_GOLDEN = join(ROOT, "test", "golden", "synth-erp-existing");
const erpExisting = () =>
  devConfig({ "relmesh:erp": { mode: "existing", server: "contoso-erp.database.windows.net", database: "ERP", table: "sales.orders" } });

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? listFiles(join(dir, f)) : [join(dir, f)]));
}

async function synthOnce(config = devConfig()): Promise<SynthResult> {
  const inputs = inputsFor(config);
  // Without the SQL: sql/ keeps its own golden files, and a SQL change should not fail this one.
  return synthFiles(inputs, synapseArtifacts(inputs), []);
}

function writeGolden(dir: string, files: Record<string, string>) {
  rmSync(dir, { recursive: true, force: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

let first: SynthResult;
let withSources: Record<string, string>;
let erpSql: Record<string, string>;
beforeAll(async () => {
  first = await synthOnce();
  const sources = await synthOnce(sourcesConfig());
  withSources = Object.fromEntries(Object.entries(sources.files).filter(([path, content]) => first.files[path] !== content));
  erpSql = Object.fromEntries(Object.entries((await synthOnce(erpExisting())).files).filter(([path]) => path.startsWith("sql/erp/")));
  if (process.env.UPDATE_GOLDEN === "1") {
    writeGolden(GOLDEN, first.files);
    writeGolden(SOURCES_GOLDEN, withSources);
    writeGolden(ERP_EXISTING_GOLDEN, erpSql);
  }
});

test("with relmesh:erp in mode existing, synth writes the grant and the revoke that undoes it under sql/erp/, equal to their golden (SEC-31)", () => {
  expect(Object.keys(erpSql).sort()).toEqual(["sql/erp/erp-grants.sql", "sql/erp/erp-revoke.sql"]);
  for (const [path, content] of Object.entries(erpSql))
    expect([path, readFileSync(join(ERP_EXISTING_GOLDEN, path), "utf8")]).toEqual([path, content]);
  // What a reviewer (or the customer's admin, by hand) runs is what the executor sends, batch for batch.
  const config = erpExisting();
  for (const script of erpSqlScripts(config)) expect(splitBatches(erpSql[`sql/erp/${script.name}`])).toEqual(script.batches);
});

test("with relmesh:erp in mode create, synth writes only the grant: the stack never runs a revoke there", () => {
  expect(Object.keys(withSources).filter((p) => p.startsWith("sql/"))).toEqual(["sql/erp/erp-grants.sql"]);
});

test("with ERP and service cases on, the files that change or are added equal their golden (test/golden/synth-sources)", () => {
  const golden = listFiles(SOURCES_GOLDEN).map((f) => relative(SOURCES_GOLDEN, f).split("\\").join("/"));
  expect(Object.keys(withSources).sort()).toEqual(golden.sort());
  for (const [path, content] of Object.entries(withSources))
    expect([path, readFileSync(join(SOURCES_GOLDEN, path), "utf8")]).toEqual([path, content]);
  // The new pipelines, their linked services and datasets, and the process and window pipelines that run them.
  expect(Object.keys(withSources)).toEqual(
    expect.arrayContaining([
      "pipeline/pl_rm_extract_erp.json",
      "pipeline/pl_rm_extract_service_cases.json",
      "pipeline/pl_rm_process.json",
      "pipeline/pl_rm_run_window.json",
      "linkedService/ls_rm_erp_sql.json",
      "linkedService/ls_rm_service_cosmos.json",
      "dataset/ds_rm_lake_raw_json.json",
    ]),
  );
});

test("synth writes exactly the golden set of files for the dev stack", () => {
  const golden = listFiles(GOLDEN)
    .map((f) => relative(GOLDEN, f).split("\\").join("/"))
    .sort();
  expect(Object.keys(first.files).sort()).toEqual(golden);
});

test("every synth file equals its golden file byte for byte", () => {
  const differing = Object.entries(first.files)
    .filter(([path, content]) => !existsSync(join(GOLDEN, path)) || readFileSync(join(GOLDEN, path), "utf8") !== content)
    .map(([path]) => path);
  // Regenerate deliberately with UPDATE_GOLDEN=1 and review the diff.
  expect(differing).toEqual([]);
});

test("synth is byte-identical across two runs (sorted keys, no timestamps)", async () => {
  const second = await synthOnce();
  expect(second.files).toEqual(first.files);
});

test("the manifest lists every other file with its sha256 and counts per kind", () => {
  const manifest = JSON.parse(first.files["manifest.json"]);
  const listed = manifest.files.map((f: { path: string }) => f.path);
  expect(listed).toEqual(
    Object.keys(first.files)
      .filter((p) => p !== "manifest.json")
      .sort(),
  );
  expect(manifest.counts).toEqual({ linkedService: 5, dataset: 7, notebook: 16, pipeline: 5, trigger: 2, sql: 0 });
  expect(manifest.configFingerprint).toMatch(/^[0-9a-f]{64}$/);
});
