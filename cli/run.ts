import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { crmMappingForNotebook, loadCrmMapping, type CrmMapping } from "../config/crm-mapping";
import { repoPath } from "../config/files";
import { LAKE_DATABASES } from "../config/runtime";
import { sourcesForNotebook } from "../config/source-tables";
import { loadRelmesh, type Relmesh } from "../config/load";
import { loadRuleset, Ruleset } from "../config/ruleset";
import { addDays } from "../sample/time";
import { notebooks as notebookArtifacts, readArtifactInputs, readNotebookSources } from "../synapse-artifacts";
import { toWire } from "../synapse-artifacts/wire";
import { checkNotebookParameters } from "../synapse-artifacts/notebooks";
import { helpText, OptionSpec, parseArgs, UsageError } from "./args";
import { runStreaming } from "./proc";
import { ensurePythonEnv, REPO_ROOT } from "./pyenv";
import { writeDashboard } from "../dashboard/build";
import { dashboardTables } from "../dashboard/data";
import { ACCOUNT_ROW_COLUMNS, renderEvent, RunSummary } from "./render";

const SPEC: OptionSpec = {
  values: {
    data: "folder in the MGDC + CRM layout (as written by `relmesh sample`)",
    out: "folder for the silver and gold Delta tables",
    "as-of": "score as of this date, YYYY-MM-DD (default: the tenant's asOf, else the day after its last data day)",
    "window-start": "first day of M365 data to ingest (default: the first day present)",
    "window-end": "day after the last day to ingest (default: the as-of date)",
    ruleset: "the ruleset YAML (default: relmesh:rulesetPath of the stack config)",
    stack: "the Pulumi stack whose config to use (default: dev, i.e. Pulumi.dev.yaml)",
  },
  flags: { "keep-subjects": "store email and meeting subjects in silver (default: relmesh:keepSubjects, false)", help: "show this help" },
};

/** What one local run needs; `relmesh start` and the benchmark build it too. */
export interface RunRequest {
  data: string;
  out: string;
  asOf: string;
  windowStart: string;
  windowEnd: string;
  ruleset: Ruleset;
  /** The stack config's CRM column mapping, used when the data folder has none of its own. */
  crmMapping: CrmMapping;
  keepSubjects: boolean;
  steps?: Array<"01_ingest_crm" | "02_ingest_m365" | "02_ingest_sources" | "03_score">;
  loadId?: string;
  quiet?: boolean;
  /** The stack whose config converts the notebooks (pool and session settings). @default - `dev` */
  stack?: string;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function isoDate(name: string, value: string): string {
  if (!ISO_DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
    throw new UsageError(`relmesh run: --${name} must be a date like 2026-11-16, got '${value}'`);
  }
  return value;
}

/** The M365 day folders present under DATA, as ISO dates, sorted. */
export function dataDays(data: string): string[] {
  const days = new Set<string>();
  const m365 = join(data, "m365");
  if (!existsSync(m365)) return [];
  for (const dataset of readdirSync(m365)) {
    for (const y of safeList(join(m365, dataset)))
      for (const m of safeList(join(m365, dataset, y)))
        for (const d of safeList(join(m365, dataset, y, m)))
          if (/^\d{4}$/.test(y) && /^\d{2}$/.test(m) && /^\d{2}$/.test(d)) days.add(`${y}-${m}-${d}`);
  }
  return [...days].sort();
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The CRM column mapping for a data folder: its own crm/column-mapping.yaml when it has one (a CRM
 * export carries the mapping of its columns), else the stack config's. The notebook then checks it
 * against each CSV header.
 */
export function readColumnMapping(data: string, loaded: Pick<Relmesh, "crmMapping">): CrmMapping {
  const own = join(data, "crm", "column-mapping.yaml");
  if (existsSync(own)) return loadCrmMapping(own);
  return loaded.crmMapping;
}

export function resolveRequest(argv: string[]): RunRequest | undefined {
  const args = parseArgs("run", argv, SPEC);
  if (args.flags.has("help")) {
    process.stdout.write(`${helpText("run", "run the notebooks on local Spark", SPEC)}\n`);
    return undefined;
  }
  for (const required of ["data", "out"]) {
    if (!args.values[required]) throw new UsageError(`relmesh run: --${required} is required (relmesh run --data DIR --out DIR)`);
  }
  const data = resolve(args.values.data);
  if (!existsSync(data))
    throw new UsageError(`relmesh run: --data ${data} does not exist: write a tenant with \`relmesh sample --out ${args.values.data}\``);
  const days = dataDays(data);
  if (days.length === 0)
    throw new UsageError(`relmesh run: ${data} has no m365/<dataset>/YYYY/MM/DD folders: is it a data folder in MGDC's layout?`);
  const manifestPath = join(data, "tenant.json");
  const manifestAsOf = existsSync(manifestPath) ? (JSON.parse(readFileSync(manifestPath, "utf8")) as { asOf?: string }).asOf : undefined;
  const asOf = isoDate("as-of", args.values["as-of"] ?? manifestAsOf ?? addDays(days[days.length - 1], 1));
  const stack = args.values.stack ?? "dev";
  const { config, ruleset, crmMapping } = loadRelmesh(stack);
  return {
    stack,
    data,
    out: resolve(args.values.out),
    asOf,
    windowStart: isoDate("window-start", args.values["window-start"] ?? days[0]),
    windowEnd: isoDate("window-end", args.values["window-end"] ?? asOf),
    ruleset: args.values.ruleset ? loadRuleset(repoPath(args.values.ruleset, process.cwd())) : ruleset,
    crmMapping,
    keepSubjects: args.flags.has("keep-subjects") || config.keepSubjects,
  };
}

/**
 * Writes every notebook as the publisher sends it to Synapse (the SDK's wire JSON), for the Python
 * runner to execute: one reader of the percent-format sources, so local and cloud run the same cells.
 */
export async function writeWireNotebooks(dir: string, loaded: Pick<Relmesh, "config">): Promise<string> {
  const inputs = readArtifactInputs(loaded.config);
  mkdirSync(dir, { recursive: true });
  for (const w of await toWire(notebookArtifacts(inputs))) writeFileSync(join(dir, `${w.artifact.name}.json`), JSON.stringify(w.wire));
  return dir;
}

/** The plan the Python runner executes: the same notebooks and parameters a Synapse pipeline passes. */
export function notebookPlan(
  request: Pick<RunRequest, "data" | "out" | "asOf" | "windowStart" | "windowEnd" | "ruleset" | "keepSubjects" | "steps" | "loadId">,
  mapping: CrmMapping,
  notebooksDir: string,
): Record<string, unknown> {
  const loadId = request.loadId ?? `local-${request.windowStart}-${request.windowEnd}`;
  const ruleset = JSON.stringify(request.ruleset);
  const all = {
    "01_ingest_crm": {
      raw_root: request.data,
      curated_root: request.out,
      crm_mapping_json: JSON.stringify(crmMappingForNotebook(mapping)),
      load_id: loadId,
    },
    "02_ingest_m365": {
      raw_root: request.data,
      curated_root: request.out,
      window_start: request.windowStart,
      window_end: request.windowEnd,
      ruleset_json: ruleset,
      keep_subjects: request.keepSubjects,
      load_id: loadId,
    },
    // ERP orders and service cases where the copies land them; a data folder without them reads nothing.
    "02_ingest_sources": {
      raw_root: request.data,
      curated_root: request.out,
      window_start: request.windowStart,
      window_end: request.windowEnd,
      sources_json: JSON.stringify(sourcesForNotebook()),
      ruleset_json: ruleset,
      load_id: loadId,
    },
    "03_score": {
      curated_root: request.out,
      as_of: request.asOf,
      ruleset_json: ruleset,
      load_id: loadId,
      lake_databases_json: JSON.stringify(LAKE_DATABASES),
    },
  };
  const steps = request.steps ?? (Object.keys(all) as Array<keyof typeof all>);
  const sources = readNotebookSources(join(REPO_ROOT, "notebooks"));
  for (const notebook of steps) checkNotebookParameters(notebook, sources[notebook], Object.keys(all[notebook]));
  return {
    notebooks_dir: notebooksDir,
    steps: steps.map((notebook) => ({ notebook, parameters: all[notebook] })),
    summary: steps.includes("03_score")
      ? { curated_root: request.out, top: 5, columns: ACCOUNT_ROW_COLUMNS, dashboard_tables: dashboardTables() }
      : undefined,
  };
}

/** Runs the notebooks; resolves with the summary, or rejects with the notebook's error. */
export async function executeRun(
  request: RunRequest,
): Promise<{ summary?: RunSummary; results: unknown[]; seconds: number; dashboard?: string }> {
  if (request.windowStart >= request.windowEnd) {
    throw new UsageError(
      `relmesh run: the window ${request.windowStart}..${request.windowEnd} is empty: --window-end must be after --window-start`,
    );
  }
  const mapping = readColumnMapping(request.data, request);
  const python = await ensurePythonEnv();
  mkdirSync(join(request.out, "_relmesh"), { recursive: true });
  const planPath = join(request.out, "_relmesh", "plan.json");
  const notebooksDir = await writeWireNotebooks(join(request.out, "_relmesh", "notebooks"), loadRelmesh(request.stack ?? "dev"));
  writeFileSync(planPath, JSON.stringify(notebookPlan(request, mapping, notebooksDir), null, 2));
  const results: unknown[] = [];
  let summary: RunSummary | undefined;
  let failure: string | undefined;
  let seconds = 0;
  const started = Date.now();
  const code = await runStreaming(python.python, [join(REPO_ROOT, "notebooks", "local", "run_notebooks.py"), planPath], {
    env: python.env,
    onLine: (line, stream) => {
      if (stream === "stdout" && line.startsWith("{")) {
        try {
          const event = JSON.parse(line) as Record<string, unknown>;
          if (event.event === "notebook_end") results.push(event.result);
          if (event.event === "summary") summary = event as unknown as RunSummary;
          if (event.event === "failed") failure = String(event.error);
          if (event.event === "done") seconds = Number(event.seconds);
          if (!request.quiet) renderEvent(event);
          return;
        } catch {
          /* not one of ours: fall through */
        }
      }
      if (process.env.RELMESH_DEBUG || /Exception|Error/.test(line)) process.stderr.write(`  ${line}\n`);
    },
  });
  if (code !== 0 || failure)
    throw new Error(`the notebooks failed: ${failure ?? `python exited with ${code}`} (RELMESH_DEBUG=1 shows Spark's log)`);
  // The two-page dashboard over the gold rows, with the ruleset this run scored with ("why this score").
  const dashboard = summary?.dashboard && !request.quiet ? writeDashboard(request.out, summary.dashboard, request.ruleset) : undefined;
  if (dashboard) process.stdout.write(`  Dashboard:   ${dashboard}\n`);
  return { summary, results, seconds: seconds || (Date.now() - started) / 1000, dashboard };
}

export async function runCommand(argv: string[]): Promise<number> {
  const request = resolveRequest(argv);
  if (!request) return 0;
  process.stderr.write(
    `relmesh run: ${request.data} → ${request.out}, window ${request.windowStart}..${request.windowEnd}, as of ${request.asOf}\n`,
  );
  await executeRun(request);
  return 0;
}
