/** Turns the runner's JSON-lines events into the progress and summary a person reads. */

/**
 * The account columns the summary shows, in order: the one list the Python summary selects (it
 * receives it in the run plan) and AccountRow's keys (a test holds them equal and to the gold contract).
 */
export const ACCOUNT_ROW_COLUMNS = [
  "account_id",
  "name",
  "tier",
  "connectivity_score",
  "status",
  "days_since_last_interaction",
  "connected_contacts",
  "connected_sellers",
  "exec_coverage",
  "is_high_priority",
  "trend",
] as const;

export interface AccountRow {
  account_id: string;
  name: string;
  tier: number;
  connectivity_score: number;
  status: string;
  days_since_last_interaction: number | null;
  connected_contacts: number;
  connected_sellers: number;
  exec_coverage: boolean;
  is_high_priority: boolean;
  trend: number;
}

import type { DashboardData } from "../dashboard/data";

export interface RunSummary {
  accounts: number;
  by_status: Record<string, number>;
  high_priority_needing_attention: number;
  top: AccountRow[];
  bottom: AccountRow[];
  attention: AccountRow[];
  pairs: number;
  interactions: number;
  quarantine: Record<string, number>;
  /** The datasets whose fallback share warned (notebooks/local/summary.py, from 02_ingest_m365's counts). */
  data_quality?: DataQualityWarning[];
  outputs: Record<string, string>;
  dashboard: DashboardData;
  /** What 01_ingest_crm recorded about each CRM export (notebooks/local/summary.py crm_facts). */
  crm?: Record<string, CrmCounts>;
}

interface DatasetCounts {
  rows_in: number;
  /** Raw lines read; a line holding a JSON array is read as its elements (notebooks/rm_ingest_m365.py split_records). */
  lines_in?: number;
  array_lines?: number;
  rows_from_arrays?: number;
  quarantined: number;
  copies: number;
  distinct: number;
  duplicate_copies: number;
  used: number;
  excluded: Record<string, number>;
  quarantine_reasons?: Record<string, number>;
  /** Used rows by the fallback they relied on, those relying on any, and whether that share warns (notebooks/rm_reconcile.py data_quality). */
  fallbacks?: Record<string, number>;
  with_fallback?: number;
  fallback_warning?: boolean;
  fallback_warning_share?: number;
}

/** A dataset whose used rows relied on fallbacks at or above data_quality.fallback_warning_share, as the run summary receives it. */
export type DataQualityWarning = { dataset: string } & Pick<
  DatasetCounts,
  "used" | "with_fallback" | "fallback_warning_share" | "fallbacks"
>;

/** Each fallback the notebooks count (notebooks/rm_reconcile.py FALLBACKS, held equal by a contract test): what it is, and what was assumed. */
export const FALLBACKS: Record<string, [string, string]> = {
  meeting_length_defaulted: [
    "meeting length defaulted",
    "start or end without a time of day, or end not after start: duration.default_minutes used",
  ],
  time_zone_missing: ["no time zone", "UTC assumed"],
  sent_time_missing: ["no sent time", "received or created time used"],
  date_only_time: ["date without a time of day", "midnight UTC assumed"],
};

const n = (value: number | undefined) => (value ?? 0).toLocaleString("en-US");
const out = (line: string) => process.stdout.write(`${line}\n`);

function reasons(map: Record<string, number> | undefined): string {
  const entries = Object.entries(map ?? {}).sort((a, b) => b[1] - a[1]);
  return entries.length ? ` (${entries.map(([k, v]) => `${k} ${n(v)}`).join(", ")})` : "";
}

/** "1,000 rows in", or where JSON-array lines were read as their rows, "1,002 rows from 1,000 lines (…)". */
function rowsIn(c: DatasetCounts): string {
  if (!c.array_lines && (c.lines_in === undefined || c.lines_in === c.rows_in)) return `${n(c.rows_in)} rows in`;
  const arrays = `${n(c.array_lines)} JSON-array line${c.array_lines === 1 ? "" : "s"} held ${n(c.rows_from_arrays)} rows`;
  return `${n(c.rows_in)} rows from ${n(c.lines_in)} lines (${arrays})`;
}

const percent = (part: number, whole: number) => `${Math.round((100 * part) / Math.max(whole, 1))}%`;

/** "3 of 5 used relied on a fallback: meeting length defaulted 3 (…)"; nothing when none did. */
function fallbackLine(c: DatasetCounts): string[] {
  if (!c.with_fallback) return [];
  const each = Object.entries(c.fallbacks ?? {})
    .sort((a, b) => b[1] - a[1])
    .map(([key, count]) => (FALLBACKS[key] ? `${FALLBACKS[key][0]} ${n(count)} (${FALLBACKS[key][1]})` : `${key} ${n(count)}`));
  return [`    ${n(c.with_fallback)} of ${n(c.used)} used relied on a fallback: ${each.join(", ")}`];
}

/** The data-quality warning for a dataset where a large share of the used rows relied on a fallback. */
export function fallbackWarning(w: DataQualityWarning): string {
  const share = percent(w.with_fallback ?? 0, w.used);
  const from = percent(w.fallback_warning_share ?? 0, 1);
  return `⚠ data quality: ${share} of the used ${w.dataset} rows relied on a fallback (warned from ${from}, data_quality.fallback_warning_share): their scores rest on assumed values; check the export`;
}

/** The reconciliation a reviewer checks: every row in is either used, excluded with a reason, or quarantined. */
export function reconcile(name: string, c: DatasetCounts): { ok: boolean; lines: string[] } {
  const excluded = Object.values(c.excluded ?? {}).reduce((a, b) => a + b, 0);
  const linesOk = c.lines_in === undefined || c.rows_in === c.lines_in - (c.array_lines ?? 0) + (c.rows_from_arrays ?? 0);
  const parsedOk = linesOk && c.rows_in === c.copies + c.quarantined;
  const copiesOk = c.copies === c.distinct + c.duplicate_copies;
  const outcomesOk = c.distinct === c.used + excluded;
  const mark = (ok: boolean) => (ok ? "✓" : "✗ MISMATCH");
  return {
    ok: parsedOk && copiesOk && outcomesOk,
    lines: [
      `${name}: ${rowsIn(c)} = ${n(c.copies)} parsed + ${n(c.quarantined)} quarantined${reasons(c.quarantine_reasons)} ${mark(parsedOk)}`,
      `    ${n(c.copies)} mailbox copies = ${n(c.distinct)} distinct + ${n(c.duplicate_copies)} duplicate copies ${mark(copiesOk)}`,
      `    ${n(c.distinct)} distinct = ${n(c.used)} used + ${n(excluded)} excluded${reasons(c.excluded)} ${mark(outcomesOk)}`,
      ...fallbackLine(c),
      ...(c.fallback_warning ? [fallbackWarning({ dataset: name, ...c })] : []),
    ],
  };
}

export function renderEvent(event: Record<string, unknown>): void {
  switch (event.event) {
    case "spark_starting":
      out("• starting local Spark");
      break;
    case "spark_ready":
      out(`  Spark ${event.version} ready in ${event.seconds}s`);
      break;
    case "notebook_start":
      out(`• ${event.notebook}`);
      break;
    case "notebook_end":
      out(`  ${event.notebook} done in ${event.seconds}s`);
      break;
    case "step":
      renderStep(event);
      break;
    case "summary":
      renderSummary(event as unknown as RunSummary);
      break;
    case "failed":
      out(`✗ ${event.error}`);
      if (process.env.RELMESH_DEBUG) out(String(event.trace));
      break;
    case "done":
      out(`done in ${event.seconds}s`);
      break;
  }
}

/** One CRM export's counts as 01_ingest_crm logs them (notebooks/rm_ingest_crm.py crm_counts). */
export interface CrmCounts {
  rows_in: number;
  used: number;
  quarantined: number;
  skipped?: number;
  quarantine_reasons?: Record<string, number>;
  file?: string;
  absent?: boolean;
  defaulted?: Record<string, { column: string; value: unknown }>;
  filter?: { keep?: Record<string, string[]>; skip?: Record<string, string[]> };
  inserted?: number;
  updated?: number;
  deleted?: number;
}

const PIPELINE_OFF =
  "no opportunities export: pipeline-based features off (open pipeline empty, transaction size 'No opportunities export', high priority by tier alone)";

function filterText(f: NonNullable<CrmCounts["filter"]>): string {
  const part = (verb: string, m: Record<string, string[]> | undefined) =>
    Object.entries(m ?? {}).map(([column, values]) => `${verb} ${column} ${values.map((v) => (v === "" ? "(empty)" : v)).join("/")}`);
  return [...part("keep", f.keep), ...part("skip", f.skip)].join(", ");
}

/** What a mapping's default means for one column the export lacks, in a seller's platform team's words. */
function defaultLines(c: CrmCounts): string[] {
  return Object.entries(c.defaulted ?? {}).map(([canonical, d]) => {
    const value = d.value === null || d.value === undefined ? "empty" : String(d.value);
    // Defaulting opt-outs decides whose mail is scored: say what it means, not only what was done.
    const privacy = canonical === "opted_out" && d.value === false ? "; opt-outs are not honoured until the export carries it" : "";
    return `no ${d.column} column in ${c.file ?? "the export"}: ${canonical} is ${value} for every row (the mapping's default)${privacy}`;
  });
}

function absentLine(table: string, c: CrmCounts): string {
  return `${table === "opportunities" ? PIPELINE_OFF : `no ${table} export`}; ${c.file ?? "its file"} is not in the export`;
}

/**
 * The lines of one CRM export: rows in = used + quarantined (+ skipped by the mapping's filter),
 * then each default the mapping applied for a column the export lacks; or that an optional export
 * is absent. Pure.
 */
export function crmStepLines(step: string, c: CrmCounts): string[] {
  if (c.absent) return [`${step}: ${absentLine(step.slice("crm.".length), c)}`];
  const skipped = c.skipped ? ` + ${n(c.skipped)} skipped by the mapping's filter${c.filter ? ` (${filterText(c.filter)})` : ""}` : "";
  const ok = c.rows_in === c.used + c.quarantined + (c.skipped ?? 0);
  return [
    `${step}: ${n(c.rows_in)} rows in = ${n(c.used)} used + ${n(c.quarantined)} quarantined${reasons(c.quarantine_reasons)}${skipped} ${ok ? "✓" : "✗ MISMATCH"}; merged +${n(c.inserted)} ~${n(c.updated)} -${n(c.deleted)}`,
    ...defaultLines(c).map((line) => `    ${line}`),
  ];
}

/** The CRM facts the summary repeats at the end: absent exports, rows the filter skipped, defaults applied. Pure. */
export function crmSummaryLines(crm: Record<string, CrmCounts> | undefined): string[] {
  return Object.entries(crm ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([table, c]) => {
      if (c.absent) return [`${table}: ${absentLine(table, c)}`];
      const skipped = c.skipped
        ? [
            `${table}: ${n(c.skipped)} row${c.skipped === 1 ? "" : "s"} skipped by the mapping's filter${c.filter ? ` (${filterText(c.filter)})` : ""}`,
          ]
        : [];
      return [...skipped, ...defaultLines(c).map((line) => `${table}: ${line}`)];
    });
}

/** One source table's counts as 02_ingest_sources logs them (notebooks/rm_ingest_sources.py source_counts). */
export interface SourceCounts {
  rows_in: number;
  used: number;
  quarantined: number;
  quarantine_reasons?: Record<string, number>;
  distinct: number;
  superseded_versions: number;
  contact_not_in_crm: number;
  merged: { inserted: number; updated: number; deleted: number };
}

const SOURCE_ITEMS: Record<string, string> = { erp_orders: "orders", service_cases: "cases" };

/** rows in = used + quarantined; used = one version per order or case + the versions a newer one replaced. */
export function sourceStepLines(step: string, c: SourceCounts): string[] {
  const mark = (ok: boolean) => (ok ? "✓" : "✗ MISMATCH");
  const m = c.merged;
  return [
    `${step}: ${n(c.rows_in)} rows in = ${n(c.used)} used + ${n(c.quarantined)} quarantined${reasons(c.quarantine_reasons)} ${mark(c.rows_in === c.used + c.quarantined)}`,
    `    ${n(c.used)} used = ${n(c.distinct)} ${SOURCE_ITEMS[step] ?? "items"} + ${n(c.superseded_versions)} earlier versions ${mark(c.used === c.distinct + c.superseded_versions)}; merged +${n(m.inserted)} ~${n(m.updated)} -${n(m.deleted)}`,
    ...(c.contact_not_in_crm
      ? [`    ${n(c.contact_not_in_crm)} named a contact the CRM does not know: counted for the account, not for a contact`]
      : []),
  ];
}

function renderStep(e: Record<string, unknown>): void {
  const step = String(e.step);
  if ("superseded_versions" in e) {
    for (const line of sourceStepLines(step, e as unknown as SourceCounts)) out(`  ${line}`);
  } else if ("copies" in e) {
    for (const line of reconcile(step, e as unknown as DatasetCounts).lines) out(`  ${line}`);
  } else if (step.startsWith("crm.")) {
    for (const line of crmStepLines(step, e as unknown as CrmCounts)) out(`  ${line}`);
  } else if (step === "pipeline_features") {
    out(`  scoring: pipeline-based features off (${String(e.off)})`);
  } else if ("refresh" in e) {
    // The scoring state (notebooks/rm_score_state.py): rebuilt whole (and why), updated by day, or unchanged.
    const why = e.reason ? ` (${String(e.reason)})` : "";
    out(`  ${step}: ${String(e.refresh)}${why}; ${n(e.days_rebuilt as number)} of ${n(e.days as number)} days rebuilt`);
  } else if ("database" in e) {
    const tables = e.tables as string[];
    out(`  ${step}: ${tables.length} tables registered in lake database ${String(e.database)} (${tables.join(", ")})`);
  } else if (step === "schema" && Array.isArray(e.added)) {
    // Additive schema evolution (rm_common.add_missing_columns): a new release's columns on an existing table.
    out(
      `  ${String(e.table)}: column${e.added.length === 1 ? "" : "s"} ${(e.added as string[]).join(", ")} added to the table an earlier release wrote`,
    );
  } else if ("rows" in e) {
    out(`  ${step}: ${n(e.rows as number)} rows; merged +${n(e.inserted as number)} ~${n(e.updated as number)} -${n(e.deleted as number)}`);
  } else {
    out(`  ${step}: ${JSON.stringify(e)}`);
  }
}

function table(rows: AccountRow[]): string[] {
  const header = ["account", "tier", "score", "status", "days", "contacts", "sellers", "exec", "trend"];
  const body = rows.map((r) => [
    r.name.length > 28 ? `${r.name.slice(0, 27)}…` : r.name,
    String(r.tier ?? "-"),
    r.connectivity_score.toFixed(1),
    r.status + (r.is_high_priority ? " ★" : ""),
    r.days_since_last_interaction === null ? "-" : String(r.days_since_last_interaction),
    String(r.connected_contacts),
    String(r.connected_sellers),
    r.exec_coverage ? "yes" : "no",
    `${r.trend >= 0 ? "+" : ""}${r.trend.toFixed(1)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const fmt = (row: string[]) =>
    `    ${row.map((cell, i) => (i === 0 || i === 3 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ")}`;
  return [fmt(header), ...body.map(fmt)];
}

export function renderSummary(s: RunSummary): void {
  out("");
  out("Summary");
  const status = ["good_standing", "needs_attention", "no_coverage"].map((k) => `${k} ${n(s.by_status[k])}`).join(", ");
  const urgent = s.high_priority_needing_attention;
  out(`  ${n(s.accounts)} accounts: ${status}; ${n(urgent)} high-priority (★) account${urgent === 1 ? " needs" : "s need"} attention`);
  out(
    `  ${n(s.interactions)} interactions, ${n(s.pairs)} seller↔contact pairs; quarantined rows: ${
      Object.entries(s.quarantine)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(", ") || "none"
    }`,
  );
  crmSummaryLines(s.crm).forEach((line) => out(`  CRM ${line}`));
  for (const warning of s.data_quality ?? []) out(`  ${fallbackWarning(warning)}`);
  out("  Best covered:");
  table(s.top).forEach((l) => out(l));
  out("  Needs attention first (high priority, lowest score):");
  table(s.attention.length ? s.attention : s.bottom).forEach((l) => out(l));
  out(`  Gold tables: ${s.outputs.gold}  (silver: ${s.outputs.silver})`);
}
