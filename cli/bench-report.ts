/**
 * The benchmark's result: assembled from bench.py's phases into the JSON written to
 * `.relmesh/bench/bench-result.json`, and rendered as the tables `relmesh bench` prints. Pure.
 */
import {
  checks,
  Check,
  growthSeries,
  GrowthPoint,
  GrowthRow,
  MemoryPeaks,
  percent,
  PhaseTrace,
  ratios,
  Ratios,
  SparkStage,
  SparkTrace,
  rawLinesOf,
  Stage,
  stagesOf,
} from "./bench-figures";
import { scanProfile, StageProfile, stageProfiles } from "./bench-profile";

export interface Machine {
  cores: number;
  cpu: string;
  total_memory_gib: number;
  platform: string;
  node: string;
  python: string;
  spark: string;
  java: string;
}

export interface TenantSize {
  messages: number;
  events: number;
  days: number;
  seed: number;
}

export interface RunFigures {
  seconds: number;
  stages: Stage[];
  memory: MemoryPeaks;
  /** Per stage: Spark job time, task time, cores busy, time outside jobs (null without a Spark trace). */
  profile: StageProfile[] | null;
  /** The Spark stages with the most task time. */
  top_stages: SparkStage[];
}

export interface BenchResult {
  date: string;
  machine: Machine;
  driver_memory: string;
  tenant: TenantSize & { data: string; raw_lines: number };
  bare_scan_s: number;
  bare_scan_profile: StageProfile | null;
  parse_floor: { seconds: number; records: number; vs_scan: number; profile: StageProfile | null } | null;
  full: RunFigures;
  history: RunFigures;
  one_day: RunFigures;
  ratios: Ratios;
  growth: GrowthRow[];
  checks: Check[];
  /** What bench.py reported, for a closer look (step times and each notebook's counts). */
  phases: PhaseTrace[];
}

export interface BenchInputs {
  date: string;
  machine: Machine;
  driverMemory: string;
  tenant: TenantSize & { data: string };
  scan: { seconds: number; raw_lines: number; spark?: SparkTrace };
  /** The ingest's parse of every raw line and nothing else (absent from older runs). */
  parse?: { seconds: number; records: number; spark?: SparkTrace };
  phases: PhaseTrace[];
  /** The growth tenants' sizes by phase name; the main tenant's full run is the series' largest point. */
  growth: Array<{ phase: string; size: TenantSize }>;
}

function figures(phase: PhaseTrace): RunFigures {
  return {
    seconds: phase.seconds,
    stages: stagesOf(phase),
    memory: phase.memory,
    profile: stageProfiles(phase),
    top_stages: phase.spark?.top_stages ?? [],
  };
}

function phaseNamed(phases: PhaseTrace[], name: string): PhaseTrace {
  const phase = phases.find((p) => p.name === name);
  if (!phase) throw new Error(`the benchmark reported no '${name}' phase (it reported ${phases.map((p) => p.name).join(", ") || "none"})`);
  return phase;
}

function point(phase: PhaseTrace, size: TenantSize): GrowthPoint {
  return { messages: size.messages, events: size.events, rawLines: rawLinesOf(phase), seconds: phase.seconds, memory: phase.memory };
}

export function benchResult(input: BenchInputs): BenchResult {
  const full = phaseNamed(input.phases, "full");
  const oneDay = phaseNamed(input.phases, "one_day");
  const r = ratios(input.scan.seconds, full.seconds, oneDay.seconds);
  const series =
    input.growth.length === 0
      ? []
      : growthSeries([point(full, input.tenant), ...input.growth.map((g) => point(phaseNamed(input.phases, g.phase), g.size))]);
  return {
    date: input.date,
    machine: input.machine,
    driver_memory: input.driverMemory,
    tenant: { ...input.tenant, raw_lines: input.scan.raw_lines },
    bare_scan_s: input.scan.seconds,
    bare_scan_profile: scanProfile(input.scan.seconds, input.scan.spark),
    parse_floor: input.parse
      ? {
          seconds: input.parse.seconds,
          records: input.parse.records,
          vs_scan: input.scan.seconds > 0 ? Math.round((input.parse.seconds / input.scan.seconds) * 100) / 100 : 0,
          profile: scanProfile(input.parse.seconds, input.parse.spark),
        }
      : null,
    full: figures(full),
    history: figures(phaseNamed(input.phases, "history")),
    one_day: figures(oneDay),
    ratios: r,
    growth: series,
    checks: checks(r, series),
    phases: input.phases,
  };
}

const count = (n: number | null): string => (n === null ? "?" : n.toLocaleString("en-US"));
const secs = (s: number): string => s.toFixed(1);
const mib = (m: number | null): string => (m === null ? "?" : Math.round(m).toLocaleString("en-US"));

/** Columns two spaces apart; numbers (every column after the first, unless `numeric` says otherwise) right-aligned. */
export function renderTable(header: string[], rows: string[][], numeric = (column: number) => column > 0): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

export function stageTable(run: RunFigures): string[] {
  const rows = run.stages.map((s) => [s.stage, count(s.rowsIn), secs(s.seconds), percent(s.share)]);
  rows.push(["total", "", secs(run.seconds), percent(1)]);
  return renderTable(["stage", "rows in", "seconds", "share"], rows);
}

/** The heap figure sums each pool's own peak (they peak at different moments), so it may pass the max heap. */
export function memoryLine(m: MemoryPeaks): string {
  return (
    `driver peak: JVM heap ${mib(m.jvm_heap_peak_mib)} MiB (max ${mib(m.jvm_heap_max_mib)}; live after GC ${mib(m.jvm_heap_live_peak_mib)}), ` +
    `JVM RSS ${mib(m.jvm_rss_peak_mib)} MiB, Python RSS ${mib(m.python_rss_peak_mib)} MiB`
  );
}

export function growthTable(series: GrowthRow[]): string[] {
  return renderTable(
    ["messages", "events", "raw lines", "seconds", "µs/line", "vs mean", "heap MiB", "live MiB", "JVM RSS", "Python RSS"],
    series.map((g) => [
      count(g.messages),
      count(g.events),
      count(g.rawLines),
      secs(g.seconds),
      g.microsPerLine.toFixed(1),
      percent(g.deviation, true),
      mib(g.memory.jvm_heap_peak_mib),
      mib(g.memory.jvm_heap_live_peak_mib),
      mib(g.memory.jvm_rss_peak_mib),
      mib(g.memory.python_rss_peak_mib),
    ]),
    () => true,
  );
}

export function checkTable(list: Check[]): string[] {
  const mark = (met: boolean | null): string => (met === null ? "–" : met ? "✓" : "✗");
  return renderTable(
    ["figure", "value", "target", ""],
    list.map((c) => [c.figure, c.value, c.target, mark(c.met)]),
    () => false,
  );
}

function scanNote(p: StageProfile | null, cores: number): string {
  return p ? ` (${p.jobs} Spark jobs; task time ${secs(p.taskSeconds)} s, ${Math.round(p.coresBusy * 100)}% of ${cores} cores)` : "";
}

export function profileTable(rows: StageProfile[]): string[] {
  return renderTable(
    ["stage", "seconds", "Spark jobs", "in jobs", "task time", "cores busy", "outside jobs"],
    rows.map((p) => [
      p.stage,
      secs(p.seconds),
      p.jobs.toLocaleString("en-US"),
      secs(p.jobSeconds),
      secs(p.taskSeconds),
      `${Math.round(p.coresBusy * 100)}%`,
      secs(p.outsideJobs),
    ]),
  );
}

/** The call site without the local folder it ran from (the notebooks' paths differ per machine). */
export function callSite(name: string): string {
  return name.replace(/ at \S*\/([^/\s]+)$/, " at $1");
}

export function topStagesTable(stages: SparkStage[], limit = 5): string[] {
  return renderTable(
    ["Spark stage (call site)", "tasks", "task time", "wall", "input MiB", "shuffle MiB"],
    stages
      .slice(0, limit)
      .map((s) => [callSite(s.name), String(s.tasks), secs(s.task_s), secs(s.end - s.start), secs(s.input_mib), secs(s.shuffle_mib)]),
  );
}

/** Where a run's seconds went, if the benchmark recorded its Spark jobs. */
function profileLines(run: RunFigures, cores: number): string[] {
  if (!run.profile) return [];
  const lines = [
    `  where the time goes (Spark's status store; cores busy = task time ÷ (seconds × ${cores} cores); outside jobs = the driver alone):`,
    ...profileTable(run.profile).map((l) => `    ${l}`),
  ];
  if (run.top_stages.length > 0) lines.push(...topStagesTable(run.top_stages).map((l) => `    ${l}`));
  return lines;
}

/** What `relmesh bench` prints at the end: the same figures as bench-result.json. */
export function formatReport(r: BenchResult): string {
  const t = r.tenant;
  const m = r.machine;
  const indent = (lines: string[]): string[] => lines.map((l) => `  ${l}`);
  const lines = [
    `Benchmark ${r.date.slice(0, 10)}: ${m.cores} cores, ${m.total_memory_gib} GiB, ${m.cpu}; node ${m.node}, Python ${m.python}, Spark ${m.spark}, Java ${m.java}; driver ${r.driver_memory}`,
    `Tenant: ${count(t.messages)} messages + ${count(t.events)} events over ${t.days} days, seed ${t.seed} (${count(t.raw_lines)} raw lines) in ${t.data}`,
    "",
    `Bare scan of the raw files: ${secs(r.bare_scan_s)} s${scanNote(r.bare_scan_profile, m.cores)}`,
    ...(r.parse_floor
      ? [
          `Parse floor, the ingest's JSON parse of every line and nothing else: ${secs(r.parse_floor.seconds)} s, ${r.parse_floor.vs_scan}× the bare scan${scanNote(r.parse_floor.profile, m.cores)}`,
        ]
      : []),
    "",
    `Full pipeline over the whole history into an empty output: ${secs(r.full.seconds)} s`,
    ...indent(stageTable(r.full)),
    `  ${memoryLine(r.full.memory)}`,
    ...profileLines(r.full, m.cores),
    "",
    `One new day on top of the history (${secs(r.history.seconds)} s to write ${t.days - 1} days first): ${secs(r.one_day.seconds)} s`,
    ...indent(stageTable(r.one_day)),
    `  ${memoryLine(r.one_day.memory)}`,
    ...profileLines(r.one_day, m.cores),
    "",
  ];
  if (r.growth.length > 0) {
    lines.push(`Growth: the full pipeline per tenant size (same seed and days; the largest is the full run above)`);
    lines.push(...indent(growthTable(r.growth)), "");
  }
  lines.push("Targets", ...indent(checkTable(r.checks)));
  return `${lines.join("\n")}\n`;
}
