import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadRelmesh } from "../config/load";
import { addDays } from "../sample/time";
import { helpText, intOption, OptionSpec, parseArgs } from "./args";
import { runStreaming } from "./proc";
import { ensurePythonEnv, REPO_ROOT } from "./pyenv";
import { notebookPlan, readColumnMapping, RunRequest, writeWireNotebooks } from "./run";
import { WORK_DIR } from "./start";

const SPEC: OptionSpec = {
  values: {
    messages: "message rows to generate (default 1,000,000)",
    events: "event rows to generate (default 200,000)",
    seed: "seed of the generated tenant (default 7)",
    "driver-memory": "Spark driver memory (default 6g)",
  },
  flags: { help: "show this help" },
};

/**
 * `npm run bench`: generates (or reuses) a large tenant, then reports from one Spark session the full
 * pipeline's time as a ratio to a bare scan of the same raw files, and one extra day on top of the
 * history as a ratio to a full recompute. Ratios, not seconds, are what compare across machines.
 */
export async function benchCommand(argv: string[]): Promise<number> {
  const args = parseArgs("bench", argv, SPEC);
  if (args.flags.has("help")) {
    process.stdout.write(`${helpText("bench", "pipeline benchmark", SPEC)}\n`);
    return 0;
  }
  const messages = intOption("bench", args, "messages", 1_000_000, 1000, 20_000_000);
  const events = intOption("bench", args, "events", 200_000, 100, 5_000_000);
  const seed = intOption("bench", args, "seed", 7, 0, 2 ** 31);
  const root = join(WORK_DIR, "bench");
  const data = join(root, `tenant-${messages}-${events}-${seed}`);
  if (!existsSync(join(data, "tenant.json"))) {
    process.stderr.write(
      `relmesh bench: generating ${messages.toLocaleString("en-US")} messages and ${events.toLocaleString("en-US")} events into ${data}\n`,
    );
    const code = await runStreaming(process.execPath, [
      join(REPO_ROOT, "bin", "relmesh.js"),
      "sample",
      "--out",
      data,
      "--messages",
      String(messages),
      "--events",
      String(events),
      "--seed",
      String(seed),
    ]);
    if (code !== 0) return code;
  } else {
    process.stderr.write(`relmesh bench: reusing ${data}\n`);
  }
  const tenant = JSON.parse(readFileSync(join(data, "tenant.json"), "utf8")) as { startDate: string; asOf: string };
  const loaded = loadRelmesh("dev");
  const mapping = readColumnMapping(data, loaded);
  const ruleset = loaded.ruleset;
  const lastDay = addDays(tenant.asOf, -1);
  const request = (out: string, windowStart: string, windowEnd: string, steps?: RunRequest["steps"]): RunRequest => ({
    data,
    out,
    asOf: tenant.asOf,
    windowStart,
    windowEnd,
    ruleset,
    crmMapping: loaded.crmMapping,
    keepSubjects: false,
    steps,
  });
  const full = join(root, "out-full");
  const incremental = join(root, "out-incremental");
  const notebooksDir = await writeWireNotebooks(join(root, "notebooks"), loaded);
  const plan = {
    clean: [full, incremental],
    spark: { "spark.driver.memory": args.values["driver-memory"] ?? "6g" },
    scan_globs: ["BasicDataSet_v0.Message_v1", "BasicDataSet_v0.CalendarView_v0"].map((d) =>
      join(data, "m365", d, "*", "*", "*", "*.json"),
    ),
    full: notebookPlan(request(full, tenant.startDate, tenant.asOf), mapping, notebooksDir),
    history: notebookPlan(request(incremental, tenant.startDate, lastDay), mapping, notebooksDir),
    // The daily run: CRM refresh, that day's M365 window, and a rescore (scores decay with the as-of date).
    incremental: notebookPlan(request(incremental, lastDay, tenant.asOf), mapping, notebooksDir),
  };
  mkdirSync(root, { recursive: true });
  const planPath = join(root, "bench-plan.json");
  writeFileSync(planPath, JSON.stringify(plan, null, 2));
  const python = await ensurePythonEnv();
  let result: Record<string, number> | undefined;
  const code = await runStreaming(python.python, [join(REPO_ROOT, "notebooks", "local", "bench.py"), planPath], {
    env: python.env,
    onLine: (line, stream) => {
      if (stream !== "stdout" || !line.startsWith("{")) return;
      const event = JSON.parse(line) as Record<string, unknown>;
      if (event.event === "bench_end") process.stdout.write(`  ${String(event.phase).padEnd(26)} ${event.seconds}s\n`);
      if (event.event === "bench_result") result = event as unknown as Record<string, number>;
    },
  });
  if (code !== 0 || !result) throw new Error(`the benchmark failed (exit ${code}); RELMESH_DEBUG=1 relmesh run on the same data shows why`);
  process.stdout.write(
    `\n${result.raw_lines.toLocaleString("en-US")} raw lines\n` +
      `pipeline / bare scan:        ${result.pipeline_vs_scan}×  (${result.full_recompute_s}s vs ${result.bare_scan_s}s)\n` +
      `one extra day / full rerun:  ${result.extra_day_vs_full}  (${result.one_extra_day_s}s vs ${result.full_recompute_s}s)\n`,
  );
  writeFileSync(join(root, "bench-result.json"), `${JSON.stringify({ messages, events, seed, ...result }, null, 2)}\n`);
  return 0;
}
