/**
 * `relmesh evaluate [--out DIR] [--lead-days N] [--no-grid] [--seed N]`: do the connectivity scores
 * separate won from lost deals? notebooks/local/evaluate.py scores each won or lost opportunity's account
 * as of a lead time before its close date from the last run's silver tables, and computes the figures;
 * this module picks the run's ruleset, words the report and writes it to DIR/_relmesh/evaluate.json.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { canonicalJson } from "../config/json";
import { loadRelmesh } from "../config/load";
import { helpText, intOption, OptionSpec, parseArgs, UsageError } from "./args";
import { runStreaming } from "./proc";
import { ensurePythonEnv, REPO_ROOT } from "./pyenv";
import { WORK_DIR } from "./start";

const SPEC: OptionSpec = {
  values: {
    out: "the run's output folder (default: .relmesh/out, where `npm start` writes)",
    "lead-days": "score each deal's account this many days before its close date, 0..365 (default 30)",
    "min-history-days": "leave out deals whose as-of date has fewer days of data before it, 0..3650 (default 30)",
    folds: "cross-validation folds, 2..10 (default 3)",
    seed: "seed of the bootstrap resamples, 0..2147483647 (default 1)",
  },
  flags: { "no-grid": "score the run's ruleset only, not the 27 alternatives", help: "show this help" },
};

export interface Separation {
  won: number;
  lost: number;
  too_few: boolean;
  auc?: number;
  low?: number;
  high?: number;
}

/** The ruleset values the grid varies. */
export interface RulesetValues {
  "recency.half_life_days": number;
  "sources.meeting": number;
  "reciprocity.one_way_factor": number;
}

export interface GridRow extends Separation, RulesetValues {
  name: string;
}

interface Span {
  from: string | null;
  to: string | null;
  won: number;
  lost: number;
}

export interface Fold {
  train: Span;
  test: Span;
  chosen: string;
  chosen_train_auc: number | null;
  chosen_test_auc: number | null;
  default_test_auc: number | null;
}

export interface EvaluateReport {
  out: string;
  lead_days: number;
  min_history_days: number;
  data: { first_day: string; last_day: string };
  opportunities: {
    total: number;
    open: number;
    other_status: number;
    closed: number;
    scored: number;
    left_out: Record<string, number>;
  };
  min_per_class: number;
  seed: number;
  resamples: number;
  targets: number;
  as_of_dates: number;
  ruleset: RulesetValues;
  overall: Separation;
  tiers: Array<Separation & { tier: number | null }>;
  grid?: GridRow[];
  cross_validation?: {
    k: number;
    folds: Fold[];
    chosen_test_auc_mean: number | null;
    default_test_auc_mean: number | null;
    folds_judged: number;
  };
  seconds: { total: number; scoring: number; rulesets: number; spark_jobs: number };
}

const RUN_RULESET = "run's ruleset";
const n = (x: number): string => x.toLocaleString("en-US");
const auc = (x: number | null | undefined): string => (x == null ? "–" : x.toFixed(2));
const words = (key: string): string => key.replace(/_/g, " ");

/** What the interval says, in one sentence. */
export function verdict(s: Separation): string {
  if (s.too_few || s.low === undefined || s.high === undefined) return "Too few won or lost deals to say.";
  if (s.low > 0.5) return "The score separates won from lost deals better than chance: the whole interval is above 0.5.";
  if (s.high < 0.5) return "Won deals' accounts scored lower than lost ones': the whole interval is below 0.5.";
  return "No evidence that the score separates won from lost deals: the interval includes 0.5 (a coin toss).";
}

function table(rows: string[][], align: Array<"l" | "r">): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `  ${r.map((c, i) => (align[i] === "l" ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")}`.trimEnd());
}

const groupRows = (r: EvaluateReport): string[][] => [
  ["group", "won", "lost", "AUC", "95% interval"],
  ...[{ label: "all", s: r.overall }, ...r.tiers.map((t) => ({ label: t.tier == null ? "no tier" : `tier ${t.tier}`, s: t }))].map(
    ({ label, s }) => [label, n(s.won), n(s.lost), s.too_few ? "too few" : auc(s.auc), s.too_few ? "" : `${auc(s.low)}–${auc(s.high)}`],
  ),
];

function rulesetName(r: RulesetValues): string {
  return `half-life ${r["recency.half_life_days"]} d, meeting ${r["sources.meeting"]}, one-way ${r["reciprocity.one_way_factor"]}`;
}

/** The grid, best first: the `top` best and the run's own ruleset wherever it ranks. */
function gridLines(r: EvaluateReport, top: number): string[] {
  const grid = r.grid ?? [];
  const ranked = [...grid].sort((a, b) => (b.auc ?? -1) - (a.auc ?? -1) || a.name.localeCompare(b.name));
  const shown = ranked.map((g, i) => ({ g, rank: i + 1 })).filter(({ g, rank }) => rank <= top || g.name === RUN_RULESET);
  const rows = [
    ["rank", "ruleset", "AUC", "95% interval"],
    ...shown.map(({ g, rank }) => [
      String(rank),
      g.name === RUN_RULESET ? `${rulesetName(g)} (the run's)` : g.name,
      g.too_few ? "too few" : auc(g.auc),
      g.too_few ? "" : `${auc(g.low)}–${auc(g.high)}`,
    ]),
  ];
  return [
    `Alternative rulesets: ${grid.length}, every combination of half-life 30/90/180 days, meeting weight 1.5/3/5 and one-way factor 0.25/0.5/1 (best ${top} and the run's; all in evaluate.json)`,
    ...table(rows, ["r", "l", "r", "l"]),
  ];
}

function crossValidationLines(r: EvaluateReport): string[] {
  const cv = r.cross_validation;
  if (!cv) return [];
  const span = (s: Span) => `${s.from ?? "–"}..${s.to ?? "–"} (${n(s.won)} won, ${n(s.lost)} lost)`;
  const rows = [
    ["fold", "chosen on deals closed", "tested on deals closed", "chosen ruleset", "train AUC", "test AUC", "run's test AUC"],
    ...cv.folds.map((f, i) => [
      String(i + 1),
      span(f.train),
      span(f.test),
      f.chosen === RUN_RULESET ? "the run's" : f.chosen,
      auc(f.chosen_train_auc),
      auc(f.chosen_test_auc),
      auc(f.default_test_auc),
    ]),
  ];
  const lines = [
    `Time-based cross-validation (${cv.k} folds): the best ruleset on earlier deals, judged on the next deals`,
    ...table(rows, ["r", "l", "l", "l", "r", "r", "r"]),
  ];
  if (cv.chosen_test_auc_mean == null || cv.default_test_auc_mean == null) {
    lines.push("  Too few deals in the folds to compare the choice with the run's ruleset.");
  } else {
    const gain = Math.round((cv.chosen_test_auc_mean - cv.default_test_auc_mean) * 100) / 100;
    lines.push(
      `  Mean test AUC over ${cv.folds_judged} folds: chosen ${auc(cv.chosen_test_auc_mean)}, the run's ruleset ${auc(cv.default_test_auc_mean)} (${gain > 0 ? "+" : gain < 0 ? "−" : "±"}${Math.abs(gain).toFixed(2)}).`,
      "  A choice that wins on its training deals but not on the next ones is fitted to noise; a gain smaller than the intervals above is no reason to change the ruleset.",
    );
  }
  return lines;
}

/** The readable report `relmesh evaluate` prints. Pure. */
export function formatEvaluation(r: EvaluateReport, top = 5): string {
  const o = r.opportunities;
  const leftOut = Object.entries(o.left_out).filter(([, v]) => v > 0);
  const lines = [
    `Do the scores predict outcomes? Won and lost deals in ${r.out}`,
    `  Each deal's account is scored as of ${r.lead_days} days before its close date, from interactions before that day only`,
    `  (data ${r.data.first_day}..${r.data.last_day}; an as-of date needs ${r.min_history_days} days of data before it).`,
    `  Opportunities: ${n(o.total)} = ${n(o.open)} open + ${n(o.closed)} won or lost + ${n(o.other_status)} with another status;` +
      ` of the ${n(o.closed)}, ${n(o.scored)} scored${leftOut.length ? `, left out: ${leftOut.map(([k, v]) => `${n(v)} ${words(k)}`).join(", ")}` : ""}.`,
    `  Scored: ${n(r.overall.won)} won, ${n(r.overall.lost)} lost, on ${n(r.as_of_dates)} as-of dates.`,
    "",
    `The run's ruleset (${rulesetName(r.ruleset)})`,
    ...table(groupRows(r), ["l", "r", "r", "r", "l"]),
    `  ${verdict(r.overall)}`,
    `  AUC: the chance that a won deal's account scored higher than a lost deal's (ties count half); 0.5 is a coin toss,`,
    `  1 separates them perfectly. Intervals: ${n(r.resamples)} bootstrap resamples (seed ${r.seed}); "too few" under ${r.min_per_class} won or lost.`,
  ];
  if (r.grid) lines.push("", ...gridLines(r, top));
  const cv = crossValidationLines(r);
  if (cv.length) lines.push("", ...cv);
  lines.push(
    "",
    `${r.seconds.rulesets} ruleset(s) scored in ${r.seconds.scoring} s (${r.seconds.spark_jobs} Spark job(s)); ${r.seconds.total} s in all. Figures: ${join(r.out, "_relmesh", "evaluate.json")}`,
  );
  return `${lines.join("\n")}\n`;
}

interface PlanStep {
  notebook: string;
  parameters: Record<string, unknown>;
}

/**
 * The ruleset the run scored with, and the meeting weight its silver weights were computed with: from
 * the run's own plan (DIR/_relmesh/plan.json), else the stack config's ruleset for both.
 */
export function runRulesets(
  out: string,
  fallback: () => Record<string, unknown>,
): { ruleset: Record<string, unknown>; silverMeetingWeight: number } {
  const planPath = join(out, "_relmesh", "plan.json");
  const steps: PlanStep[] = existsSync(planPath)
    ? ((JSON.parse(readFileSync(planPath, "utf8")) as { steps?: PlanStep[] }).steps ?? [])
    : [];
  const rulesetOf = (notebook: string) => {
    const json = steps.find((s) => s.notebook === notebook)?.parameters.ruleset_json;
    return typeof json === "string" ? (JSON.parse(json) as Record<string, unknown>) : undefined;
  };
  const ruleset = rulesetOf("03_score") ?? fallback();
  const ingest = rulesetOf("02_ingest_m365") ?? ruleset;
  return { ruleset, silverMeetingWeight: Number((ingest.sources as Record<string, number>).meeting) };
}

export async function evaluateCommand(argv: string[]): Promise<number> {
  const args = parseArgs("evaluate", argv, SPEC);
  if (args.flags.has("help")) {
    process.stdout.write(
      `${helpText("evaluate", "do the connectivity scores separate won from lost deals? (from the last local run)", SPEC)}\n`,
    );
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`relmesh evaluate: unexpected argument '${args.positionals[0]}'`);
  const out = resolve(args.values.out ?? join(WORK_DIR, "out"));
  const options = {
    lead_days: intOption("evaluate", args, "lead-days", 30, 0, 365),
    min_history_days: intOption("evaluate", args, "min-history-days", 30, 0, 3650),
    folds: intOption("evaluate", args, "folds", 3, 2, 10),
    seed: intOption("evaluate", args, "seed", 1, 0, 2147483647),
    grid: !args.flags.has("no-grid"),
  };
  if (!existsSync(join(out, "silver", "interactions", "_delta_log"))) {
    throw new UsageError(
      `relmesh evaluate: no run in ${out} (no silver/interactions table): run \`npm start\` or \`relmesh run --data DIR --out ${out}\` first`,
    );
  }
  const { ruleset, silverMeetingWeight } = runRulesets(out, () => loadRelmesh("dev").ruleset as unknown as Record<string, unknown>);
  const request = { out, ...options, ruleset, silver_meeting_weight: silverMeetingWeight };
  const dir = mkdtempSync(join(tmpdir(), "relmesh-evaluate-"));
  try {
    const requestPath = join(dir, "request.json");
    writeFileSync(requestPath, JSON.stringify(request));
    const python = await ensurePythonEnv();
    let report: EvaluateReport | undefined;
    let failure: string | undefined;
    const code = await runStreaming(python.python, [join(REPO_ROOT, "notebooks", "local", "evaluate.py"), requestPath], {
      env: python.env,
      onLine: (line, stream) => {
        if (stream !== "stdout" || !line.startsWith("{")) {
          if (process.env.RELMESH_DEBUG) process.stderr.write(`  ${line}\n`);
          return;
        }
        const event = JSON.parse(line) as { event: string; error?: string } & Progress;
        if (event.event === "evaluate") report = event as unknown as EvaluateReport;
        if (event.event === "failed") failure = event.error;
        if (event.event === "progress") process.stderr.write(`relmesh evaluate: ${progressLine(event)}\n`);
      },
    });
    if (failure) throw new UsageError(`relmesh evaluate: ${failure}`);
    if (code !== 0 || !report) throw new Error(`relmesh evaluate: python exited with ${code} (RELMESH_DEBUG=1 shows Spark's log)`);
    const { event: _event, ...figures } = report as EvaluateReport & { event?: string };
    mkdirSync(join(out, "_relmesh"), { recursive: true });
    writeFileSync(join(out, "_relmesh", "evaluate.json"), `${canonicalJson(figures, 2)}\n`);
    process.stdout.write(formatEvaluation({ ...report, out: shownPath(out) }));
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A folder under the working directory as a relative path (as the user typed it, usually), others whole. */
export function shownPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path);
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

interface Progress {
  step?: string;
  done?: number;
  of?: number;
  targets?: number;
  as_of_dates?: number;
}

function progressLine(e: Progress): string {
  if (e.step === "copies") return `scoring ${e.targets} account × as-of date pairs (${e.as_of_dates} dates)`;
  return `${e.done} of ${e.of} rulesets scored`;
}
