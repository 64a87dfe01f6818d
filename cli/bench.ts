import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { loadRelmesh } from "../config/load";
import { DEFAULT_OPTIONS, SampleOptions } from "../sample/model";
import { addDays } from "../sample/time";
import { helpText, intOption, OptionSpec, parseArgs, ParsedArgs, UsageError } from "./args";
import { eventsFor, parseGrowth, PhaseTrace, tenantFolderName } from "./bench-figures";
import { SPARK_PROFILE } from "./bench-profile";
import { BenchInputs, benchResult, formatReport, Machine } from "./bench-report";
import { runStreaming } from "./proc";
import { ensurePythonEnv, REPO_ROOT } from "./pyenv";
import { notebookPlan, readColumnMapping, RunRequest, writeWireNotebooks } from "./run";
import { WORK_DIR } from "./start";

export const BENCH_SPEC: OptionSpec = {
  values: {
    messages: "message rows of the generated tenant (default 1,000,000)",
    events: "event rows of the generated tenant (default 200,000)",
    days: "days of history of the generated tenant (default 365)",
    seed: "seed of the generated tenant (default 7)",
    data: "reuse this tenant (written by `relmesh sample`; only read) instead of generating one",
    growth: "the other tenant sizes of the growth series, in messages (default 250000,500000; events in the same proportion)",
    "driver-memory": "Spark driver memory (default 6g)",
  },
  flags: { "no-growth": "skip the growth series", help: "show this help" },
};

interface Tenant {
  data: string;
  options: SampleOptions;
  startDate: string;
  asOf: string;
}

const say = (text: string): boolean => process.stderr.write(`relmesh bench: ${text}\n`);

function readTenant(data: string): Tenant | undefined {
  const path = join(data, "tenant.json");
  if (!existsSync(path)) return undefined;
  const manifest = JSON.parse(readFileSync(path, "utf8")) as Omit<Tenant, "data">;
  return { data, ...manifest };
}

const SAMPLE_KEYS = ["users", "accounts", "days", "seed", "endDate", "messages", "events", "dirty"] as const;

/** A tenant of exactly these options in the bench folder: reused when it is there, else (re)written. */
async function ensureTenant(root: string, options: SampleOptions): Promise<Tenant> {
  const data = join(root, tenantFolderName(options));
  const existing = readTenant(data);
  const differs = existing && SAMPLE_KEYS.filter((k) => existing.options[k] !== options[k]);
  if (existing && differs && differs.length === 0) {
    say(`reusing ${data}`);
    return existing;
  }
  if (differs) say(`${data} was written with another ${differs.join(", ")}: writing it again`);
  say(`writing ${options.messages.toLocaleString("en-US")} messages and ${options.events.toLocaleString("en-US")} events into ${data}`);
  const flags = [
    ...SAMPLE_KEYS.filter((k) => k !== "dirty" && k !== "endDate").flatMap((k) => [`--${k}`, String(options[k])]),
    "--end-date",
    options.endDate,
    ...(options.dirty ? [] : ["--clean"]),
  ];
  const code = await runStreaming(process.execPath, [join(REPO_ROOT, "bin", "relmesh.js"), "sample", "--out", data, ...flags]);
  const written = code === 0 ? readTenant(data) : undefined;
  if (!written) throw new Error(`relmesh sample could not write ${data} (exit ${code})`);
  return written;
}

interface BenchOptions {
  /** --data: a tenant to read as it is. */
  data?: string;
  /** Else the options of the tenant to generate. */
  generate: SampleOptions;
  growth: number[];
  driverMemory: string;
}

/** Every option checked before anything is written, so that a typo costs nothing. */
export function benchOptions(args: ParsedArgs): BenchOptions {
  if (args.positionals.length > 0) throw new UsageError(`relmesh bench: unexpected argument '${args.positionals[0]}'`);
  const sized = ["messages", "events", "days", "seed"].filter((k) => args.values[k] !== undefined);
  if (args.values.data !== undefined && sized.length > 0)
    throw new UsageError(`relmesh bench: --data reuses a tenant as written; drop --${sized.join(", --")} (its tenant.json says its size)`);
  if (args.flags.has("no-growth") && args.values.growth !== undefined)
    throw new UsageError("relmesh bench: --growth and --no-growth contradict each other; keep one");
  const driverMemory = args.values["driver-memory"] ?? "6g";
  if (!/^\d+[kmgt]$/i.test(driverMemory))
    throw new UsageError(`relmesh bench: --driver-memory must be a size like 4g or 3072m, got '${driverMemory}'`);
  return {
    data: args.values.data === undefined ? undefined : resolve(args.values.data),
    generate: {
      ...DEFAULT_OPTIONS,
      messages: intOption("bench", args, "messages", 1_000_000, 1000, 20_000_000),
      events: intOption("bench", args, "events", 200_000, 100, 5_000_000),
      days: intOption("bench", args, "days", 365, 2, 3650),
      seed: intOption("bench", args, "seed", 7, 0, 2 ** 31 - 1),
    },
    growth: args.flags.has("no-growth") ? [] : parseGrowth(args.values.growth ?? "250000,500000"),
    driverMemory,
  };
}

/** The main tenant: --data as it is, or one generated from --messages/--events/--days/--seed. */
async function mainTenant(options: BenchOptions, root: string): Promise<Tenant> {
  if (!options.data) return ensureTenant(root, options.generate);
  const tenant = readTenant(options.data);
  if (!tenant)
    throw new UsageError(
      `relmesh bench: --data ${options.data} has no tenant.json: write a tenant there with \`relmesh sample --out DIR\``,
    );
  say(`reading ${options.data} (${tenant.options.messages.toLocaleString("en-US")} messages, ${tenant.options.days} days)`);
  return tenant;
}

const PHASE_LABELS: Record<string, string> = {
  bare_scan: "bare scan of the raw files",
  parse_floor: "parse floor: the ingest's JSON parse of every line, nothing else",
  full: "full pipeline over the whole history",
  history: "history without its last day",
  one_day: "the last day alone on top",
};

const label = (phase: string): string =>
  PHASE_LABELS[phase] ?? phase.replace(/^growth-(\d+)$/, (_, n) => `growth: ${Number(n).toLocaleString("en-US")} messages`);

/** Turns bench.py's JSON lines into progress on stderr; keeps what the result needs. */
function progress(started: number) {
  const seen = {
    scan: undefined as BenchInputs["scan"] | undefined,
    parse: undefined as BenchInputs["parse"],
    phases: [] as PhaseTrace[],
  };
  const env: Record<string, string> = {};
  let failure: string | undefined;
  let phaseStarted = Date.now();
  const elapsed = (since: number): string => `${((Date.now() - since) / 1000).toFixed(0)} s`;
  const onLine = (line: string, stream: "stdout" | "stderr"): void => {
    let event: Record<string, unknown> | undefined;
    try {
      event = stream === "stdout" && line.startsWith("{") ? (JSON.parse(line) as Record<string, unknown>) : undefined;
    } catch {
      event = undefined;
    }
    if (!event) {
      if (process.env.RELMESH_DEBUG || /Exception|Error/.test(line)) process.stderr.write(`  ${line}\n`);
      return;
    }
    const phase = String(event.phase ?? "");
    if (event.event === "bench_env") {
      Object.assign(env, event);
      say(`Spark ${String(event.spark)} ready (${elapsed(started)} since the start)`);
    }
    if (event.event === "bench_start") {
      phaseStarted = Date.now();
      say(`${label(phase)} … (${elapsed(started)} since the start)`);
    }
    if (event.event === "bench_notebook") process.stderr.write(`    ${String(event.notebook)}\n`);
    if (event.event === "step") process.stderr.write(`      ${String(event.step)} (${elapsed(phaseStarted)})\n`);
    if (event.event === "bench_end") say(`${label(phase)}: ${Number(event.seconds).toFixed(1)} s`);
    if (event.event === "bench_scan") seen.scan = event as unknown as typeof seen.scan;
    if (event.event === "bench_parse") seen.parse = event as unknown as typeof seen.parse;
    if (event.event === "bench_phase") seen.phases.push(event as unknown as PhaseTrace);
    if (event.event === "failed") {
      failure = `${label(phase)}: ${String(event.error)}`;
      if (process.env.RELMESH_DEBUG) process.stderr.write(`${String(event.trace)}\n`);
    }
  };
  return { onLine, seen, env, failure: () => failure };
}

function machine(env: Record<string, string>): Machine {
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    total_memory_gib: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${release()}`,
    node: process.version,
    python: env.python ?? "?",
    spark: env.spark ?? "?",
    java: env.java ?? "?",
  };
}

/**
 * `npm run bench`: from one Spark session (JVM start-up not counted), a bare scan of a large tenant's
 * raw files, the full pipeline over it, one new day on top of its history, and the full pipeline over
 * smaller tenants for the growth series; per stage times, peak driver memory, and the issue-10 targets.
 */
export async function benchCommand(argv: string[]): Promise<number> {
  const args = parseArgs("bench", argv, BENCH_SPEC);
  if (args.flags.has("help")) {
    process.stdout.write(`${helpText("bench", "pipeline benchmark", BENCH_SPEC)}\n`);
    return 0;
  }
  const options = benchOptions(args);
  const started = Date.now();
  const root = join(WORK_DIR, "bench");
  mkdirSync(root, { recursive: true });
  const main = await mainTenant(options, root);
  const growth: Tenant[] = [];
  for (const messages of options.growth.filter((m) => m !== main.options.messages)) {
    growth.push(await ensureTenant(root, { ...main.options, messages, events: eventsFor(messages, main.options) }));
  }
  const loaded = loadRelmesh("dev");
  const notebooksDir = await writeWireNotebooks(join(root, "notebooks"), loaded);
  const phase = (name: string, tenant: Tenant, out: string, windowStart: string, windowEnd: string) => {
    const request: RunRequest = {
      data: tenant.data,
      out,
      asOf: tenant.asOf,
      windowStart,
      windowEnd,
      ruleset: loaded.ruleset,
      crmMapping: loaded.crmMapping,
      keepSubjects: false,
    };
    const plan = notebookPlan(request, readColumnMapping(tenant.data, loaded), notebooksDir);
    return { name, out, plan, score_input: join(out, "silver", "interactions") };
  };
  const lastDay = addDays(main.asOf, -1);
  const incremental = join(root, "out-incremental");
  const phases = [
    phase("full", main, join(root, "out-full"), main.startDate, main.asOf),
    phase("history", main, incremental, main.startDate, lastDay),
    // The daily run: CRM refresh, that day's M365 window, and the score as of the next day.
    phase("one_day", main, incremental, lastDay, main.asOf),
    ...growth.map((g) => phase(`growth-${g.options.messages}`, g, join(root, `out-growth-${g.options.messages}`), g.startDate, g.asOf)),
  ];
  for (const out of new Set(phases.map((p) => p.out))) rmSync(out, { recursive: true, force: true });
  const driverMemory = options.driverMemory;
  const planPath = join(root, "bench-plan.json");
  const scanGlobs = Object.fromEntries(
    ["BasicDataSet_v0.Message_v1", "BasicDataSet_v0.CalendarView_v0"].map((d) => [d, join(main.data, "m365", d, "*", "*", "*", "*.json")]),
  );
  writeFileSync(
    planPath,
    JSON.stringify({ spark: { "spark.driver.memory": driverMemory, ...SPARK_PROFILE }, scan_globs: scanGlobs, phases }, null, 2),
  );
  const python = await ensurePythonEnv();
  say(`starting Spark (driver ${driverMemory}) for ${phases.length} phases after the bare scan`);
  const watch = progress(started);
  const code = await runStreaming(python.python, [join(REPO_ROOT, "notebooks", "local", "bench.py"), planPath], {
    env: python.env,
    onLine: watch.onLine,
  });
  if (code !== 0 || !watch.seen.scan) {
    throw new Error(`the benchmark failed in ${watch.failure() ?? `python (exit ${code})`} (RELMESH_DEBUG=1 shows Spark's log)`);
  }
  const result = benchResult({
    date: new Date().toISOString(),
    machine: machine(watch.env),
    driverMemory,
    tenant: {
      data: main.data,
      messages: main.options.messages,
      events: main.options.events,
      days: main.options.days,
      seed: main.options.seed,
    },
    scan: watch.seen.scan,
    parse: watch.seen.parse,
    phases: watch.seen.phases,
    growth: growth.map((g) => ({ phase: `growth-${g.options.messages}`, size: g.options })),
  });
  const resultPath = join(root, "bench-result.json");
  writeFileSync(resultPath, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\n${formatReport(result)}\nThe same figures: ${resultPath}\n`);
  return 0;
}
