/**
 * The notebook converter is the one reader of the percent-format sources; it writes the notebook
 * Synapse stores, and the local runner (notebooks/local/notebook_source.py) executes that same JSON.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toWire } from "../../synapse-artifacts/wire";
import {
  checkNotebookParameters,
  jupyterLines,
  notebookParameters,
  notebookResource,
  readCells,
  runTarget,
} from "../../synapse-artifacts/notebooks";
import { examplePlan } from "../cli/plan-fixture";
import { devConfig, inputsFor, ROOT } from "./helpers";

const config = devConfig();
const sources = inputsFor(config).notebooks;

const EDGE_CASES: Record<string, string> = {
  "text before the first marker": "x = 1\n\n# %%\ny = 2\n",
  "blank header cell is kept": "# %%\n\n# %% [markdown]\n# Title\n#\n## not a heading prefix\n",
  "tags and run": '# %% tags=["parameters", "other"]\na = "s"\n# %%\n  # %run rm_common  \n\n# %%\n# %run a\nx = 1\n',
  "CRLF and form feed": "# %%\r\na = 1\r\n\fb = 2\r\n",
  "trailing blank lines": "# %%\n\n\na = 1\n\n\n",
};

/** What the local runner's reader (notebook_source.py) sees in each notebook's wire JSON: kind, source, tags, run target. */
async function pythonCells(texts: Record<string, string>): Promise<Record<string, unknown>> {
  const wire = await toWire(
    Object.entries(texts).map(([name, text]) => ({ kind: "notebook" as const, name, body: notebookResource(name, text, config) })),
  );
  const dir = mkdtempSync(join(tmpdir(), "relmesh-wire-"));
  for (const w of wire) writeFileSync(join(dir, `${w.artifact.name}.json`), JSON.stringify(w.wire));
  const script = [
    "import json, sys, pathlib",
    `sys.path.insert(0, ${JSON.stringify(join(ROOT, "notebooks", "local"))})`,
    "from notebook_source import read_cells",
    "out = {}",
    "for p in sorted(pathlib.Path(sys.argv[1]).glob('*.json')):",
    "    out[p.stem] = [{'kind': c.kind, 'source': c.source, 'tags': list(c.tags), 'run': c.run_target} for c in read_cells(p)]",
    "print(json.dumps(out))",
  ].join("\n");
  const r = spawnSync("python3", ["-c", script, dir], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

// The converter writes a run cell as the %run magic and markdown without its comment marks; the
// runner must see the same cells, parameters tag and run targets as the one reader of the sources.
const tsCells = (text: string) =>
  readCells(text).map((c) => ({
    kind: c.kind,
    source: runTarget(c) ? `%run ${runTarget(c)}` : c.source,
    tags: c.tags,
    run: runTarget(c) ?? null,
  }));

test("the local runner reads from the wire JSON exactly the cells the TypeScript reader found in every notebook and the edge cases", async () => {
  const texts = { ...sources, ...Object.fromEntries(Object.entries(EDGE_CASES).map(([k, v]) => [k.replace(/\W+/g, "_"), v])) };
  const seen = await pythonCells(texts);
  for (const [name, text] of Object.entries(texts)) expect({ name, cells: seen[name] }).toEqual({ name, cells: tsCells(text) });
});

test("every notebook source becomes a Synapse notebook with the PySpark kernel, the pool and the session sizes of the config", () => {
  const nb = notebookResource("03_score", sources["03_score"], config);
  expect(nb.name).toBe("03_score");
  expect(nb.properties).toMatchObject({
    nbformat: 4,
    nbformatMinor: 2,
    bigDataPool: { type: "BigDataPoolReference", referenceName: config.sparkPool.name },
    sessionProperties: { ...config.sparkSession },
    metadata: { kernelspec: { name: "synapse_pyspark", displayName: "Synapse PySpark" }, languageInfo: { name: "python" } },
  });
});

test("the parameters cell is tagged, a '# %run x' cell becomes the %run magic, markdown stays markdown", () => {
  const cells = notebookResource("02_ingest_m365", sources["02_ingest_m365"], config).properties.cells;
  expect(cells[0].cellType).toBe("markdown");
  expect(cells[0].source[0]).toBe("# 02 · Ingest Microsoft 365 (MGDC) → silver `interactions`, `discovered_contacts`\n");
  const parameters = cells.filter((c) => c.metadata.tags?.includes("parameters"));
  expect(parameters).toHaveLength(1);
  expect(parameters[0].source).toContain('window_start = "2026-07-01"\n');
  expect(cells.filter((c) => c.source[0]?.startsWith("%run")).map((c) => c.source)).toEqual([
    ["%run rm_common"],
    ["%run rm_reconcile"],
    ["%run rm_time_zones"],
    ["%run rm_ingest_m365"],
    ["%run rm_interactions"],
  ]);
});

test("cell text is stored the Jupyter way: every line ends in a newline except the last", () => {
  expect(jupyterLines("a\nb\n\nc")).toEqual(["a\n", "b\n", "\n", "c"]);
  expect(jupyterLines("")).toEqual([]);
  for (const name of Object.keys(sources)) {
    for (const cell of notebookResource(name, sources[name], config).properties.cells) {
      cell.source.forEach((line, i) => expect(line.endsWith("\n")).toBe(i < cell.source.length - 1));
    }
  }
});

test("the parameters of a notebook are the names assigned in its parameters cell", () => {
  expect(notebookParameters(sources["03_score"])).toEqual(["curated_root", "as_of", "ruleset_json", "load_id", "lake_databases_json"]);
  expect(notebookParameters(sources["rm_common"])).toEqual([]);
});

test("a caller that passes other parameters than the notebook's parameters cell declares fails, naming both sides", () => {
  const source = '# %% tags=["parameters"]\na = 1\nb = "x"\n';
  expect(() => checkNotebookParameters("nb", source, ["a", "b"])).not.toThrow();
  expect(() => checkNotebookParameters("nb", source, ["a", "c"])).toThrow(
    "notebook nb: the caller passes c, which its parameters cell does not declare, and not b: change the caller or the notebook's parameters cell so they name the same parameters",
  );
});

test("the local runner passes each notebook exactly the parameters its parameters cell declares, like the pipelines", () => {
  const plan = examplePlan<{ steps: Array<{ notebook: string; parameters: Record<string, unknown> }> }>("/notebooks");
  for (const step of plan.steps) expect(Object.keys(step.parameters).sort()).toEqual(notebookParameters(sources[step.notebook]).sort());
});
