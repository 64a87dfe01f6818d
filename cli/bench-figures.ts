/**
 * The benchmark's figures, from what notebooks/local/bench.py reports per phase: the stages of a
 * run, the ratios, the growth series and the target checks. Pure, so that the arithmetic is tested
 * (test/cli/bench-figures.test.ts) without running Spark.
 */
import { UsageError } from "./args";

/** One `log_step` line of a notebook, with `t`: seconds since its phase started, stamped by bench.py. */
export interface StepEvent {
  t: number;
  step: string;
  [count: string]: unknown;
}

export interface NotebookTrace {
  notebook: string;
  /** Seconds since the phase started. */
  started: number;
  ended: number;
  steps: StepEvent[];
  /** What the notebook passed to notebook_exit. */
  result: Record<string, unknown>;
}

/** Peak driver memory over one phase, in MiB (null where /proc could not be read). */
export interface MemoryPeaks {
  jvm_heap_peak_mib: number;
  jvm_heap_live_peak_mib: number;
  jvm_heap_max_mib: number;
  jvm_rss_peak_mib: number | null;
  python_rss_peak_mib: number | null;
}

export interface PhaseTrace {
  name: string;
  seconds: number;
  notebooks: NotebookTrace[];
  memory: MemoryPeaks;
  /** Silver interactions the score read, counted after the phase. */
  score_rows_in: number | null;
  /** The Spark jobs the phase ran (absent from results written before the benchmark recorded them). */
  spark?: SparkTrace;
}

/** One Spark job, in seconds since its phase started; `task_s` sums its tasks' run time over all cores. */
export interface SparkJob {
  job: number;
  start: number;
  end: number;
  task_s: number;
}

/** One Spark stage, named by the call site that started its job (`count at …/02_ingest_m365.json:12`). */
export interface SparkStage {
  stage: number;
  name: string;
  start: number;
  end: number;
  tasks: number;
  task_s: number;
  input_mib: number;
  shuffle_mib: number;
}

/** What Spark's status store says a phase ran: its jobs and the stages with the most task time. */
export interface SparkTrace {
  /** Task slots (N of local[N]). */
  cores: number;
  jobs: SparkJob[];
  top_stages: SparkStage[];
}

export const STAGES = ["CRM", "ingest", "interactions", "score"] as const;
export type StageName = (typeof STAGES)[number];

export interface Stage {
  stage: StageName;
  rowsIn: number | null;
  seconds: number;
  /** Of the phase's total seconds. */
  share: number;
}

export const TARGETS = {
  pipelineVsScan: 5,
  oneDayVsFull: 0.05,
  /** Each size's seconds per raw line, from the series' mean. */
  growthDeviation: 0.25,
  /** Peak driver memory at the largest size ÷ at the smallest: "flat". */
  memoryGrowth: 1.25,
};

const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0);

function countsOf(value: unknown): Array<Record<string, unknown>> {
  return value && typeof value === "object" ? (Object.values(value) as Array<Record<string, unknown>>) : [];
}

function rowsIn(value: unknown): number {
  return sum(countsOf(value).map((c) => Number(c.rows_in ?? 0)));
}

/** Where a stage starts and ends, in seconds since its phase started, with the rows it read. */
export interface StageSpan {
  stage: StageName;
  start: number;
  end: number;
  rowsIn: number | null;
}

/**
 * A phase as the four stages of the issue: CRM (01_ingest_crm); ingest (02_ingest_m365 up to its last
 * per-dataset count); interactions (the rest of 02: the MERGE of silver interactions and quarantine);
 * score (03_score). Stage seconds are wall-clock between those boundaries: Spark is lazy, so a stage
 * also pays for recomputing whatever earlier work it reads and was not cached.
 */
export function spansOf(phase: PhaseTrace): StageSpan[] {
  const byName = new Map(phase.notebooks.map((n) => [n.notebook, n]));
  const spans: StageSpan[] = [];
  const crm = byName.get("01_ingest_crm");
  if (crm) spans.push({ stage: "CRM", start: crm.started, end: crm.ended, rowsIn: rowsIn(crm.result.tables) });
  const m365 = byName.get("02_ingest_m365");
  if (m365) {
    const datasets = new Set(Object.keys((m365.result.datasets as object) ?? {}));
    const counted = m365.steps.filter((s) => datasets.has(s.step)).map((s) => s.t);
    const boundary = counted.length > 0 ? Math.max(...counted) : m365.ended;
    const merged = (m365.result.interactions as { rows?: number } | undefined)?.rows ?? 0;
    spans.push({ stage: "ingest", start: m365.started, end: boundary, rowsIn: rowsIn(m365.result.datasets) });
    spans.push({ stage: "interactions", start: boundary, end: m365.ended, rowsIn: merged });
  }
  const score = byName.get("03_score");
  if (score) spans.push({ stage: "score", start: score.started, end: score.ended, rowsIn: phase.score_rows_in });
  return spans;
}

export function stagesOf(phase: PhaseTrace): Stage[] {
  return spansOf(phase).map((span) => {
    const seconds = span.end - span.start;
    return { stage: span.stage, rowsIn: span.rowsIn, seconds: round(seconds, 3), share: phase.seconds > 0 ? seconds / phase.seconds : 0 };
  });
}

/** Raw M365 lines a phase read: the per-dataset rows in of 02_ingest_m365. */
export function rawLinesOf(phase: PhaseTrace): number {
  return stagesOf(phase).find((s) => s.stage === "ingest")?.rowsIn ?? 0;
}

export interface GrowthPoint {
  messages: number;
  events: number;
  rawLines: number;
  seconds: number;
  memory: MemoryPeaks;
}

export interface GrowthRow extends GrowthPoint {
  microsPerLine: number;
  /** From the series' mean seconds per line: +0.1 is 10% slower per line than the mean. */
  deviation: number;
}

export function growthSeries(points: GrowthPoint[]): GrowthRow[] {
  const sorted = [...points].sort((a, b) => a.messages - b.messages);
  const perLine = sorted.map((p) => (p.rawLines > 0 ? p.seconds / p.rawLines : NaN));
  const mean = sum(perLine) / perLine.length;
  return sorted.map((p, i) => ({ ...p, microsPerLine: round(perLine[i] * 1e6, 2), deviation: round(perLine[i] / mean - 1, 4) }));
}

/** Largest size's figure ÷ smallest size's, or null when either is unknown. */
export function memoryGrowth(series: GrowthRow[], key: keyof MemoryPeaks): number | null {
  if (series.length < 2) return null;
  const first = series[0].memory[key];
  const last = series[series.length - 1].memory[key];
  return first && last ? round(last / first, 2) : null;
}

export interface Check {
  figure: string;
  value: string;
  target: string;
  /** null: not measured in this run. */
  met: boolean | null;
}

export interface Ratios {
  pipelineVsScan: number;
  oneDayVsFull: number;
}

export function ratios(bareScanSeconds: number, fullSeconds: number, oneDaySeconds: number): Ratios {
  return { pipelineVsScan: round(fullSeconds / bareScanSeconds, 2), oneDayVsFull: round(oneDaySeconds / fullSeconds, 3) };
}

export function checks(r: Ratios, series: GrowthRow[]): Check[] {
  const measured = series.length >= 2;
  const worst = measured ? Math.max(...series.map((g) => Math.abs(g.deviation))) : NaN;
  const heap = memoryGrowth(series, "jvm_heap_peak_mib");
  const rss = memoryGrowth(series, "python_rss_peak_mib");
  const memoryMet = heap === null ? null : heap <= TARGETS.memoryGrowth && (rss === null || rss <= TARGETS.memoryGrowth);
  return [
    {
      figure: "full pipeline ÷ bare scan",
      value: `${r.pipelineVsScan}×`,
      target: `≤ ${TARGETS.pipelineVsScan}×`,
      met: r.pipelineVsScan <= TARGETS.pipelineVsScan,
    },
    {
      figure: "one new day ÷ full pipeline",
      value: `${r.oneDayVsFull}`,
      target: `≤ ${TARGETS.oneDayVsFull}`,
      met: r.oneDayVsFull <= TARGETS.oneDayVsFull,
    },
    {
      figure: "seconds per raw line, worst size vs the mean",
      value: measured ? `±${percent(worst)}` : "not measured",
      target: `within ±${percent(TARGETS.growthDeviation)}`,
      met: measured ? worst <= TARGETS.growthDeviation : null,
    },
    {
      figure: "driver peak memory, largest size ÷ smallest",
      value: heap === null ? "not measured" : `heap ${heap}×, Python RSS ${rss ?? "?"}×`,
      target: `≤ ${TARGETS.memoryGrowth}× (flat)`,
      met: memoryMet,
    },
  ];
}

/** `--growth 250000,500000`: the other tenant sizes, in messages, ascending and without repeats. */
export function parseGrowth(raw: string): number[] {
  const sizes = raw.split(",").map((part) => part.trim());
  const bad = sizes.find((s) => !/^\d+$/.test(s) || Number(s) < 1000 || Number(s) > 20_000_000);
  if (bad !== undefined) {
    throw new UsageError(
      `relmesh bench: --growth must be message counts from 1000 to 20000000 separated by commas, like 250000,500000; got '${bad}' in '${raw}'`,
    );
  }
  return [...new Set(sizes.map(Number))].sort((a, b) => a - b);
}

/** Events scale with messages in the main tenant's proportion (1:5 by default). */
export function eventsFor(messages: number, main: { messages: number; events: number }): number {
  return Math.max(1, Math.round((messages * main.events) / main.messages));
}

export function tenantFolderName(t: { messages: number; events: number; days: number; seed: number }): string {
  return `tenant-${t.messages}-${t.events}-${t.days}-${t.seed}`;
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function percent(fraction: number, signed = false): string {
  const text = `${(Math.abs(fraction) * 100).toFixed(1)}%`;
  if (!signed) return text;
  return `${fraction < 0 ? "−" : "+"}${text}`;
}
