/**
 * What the local dashboard shows: the gold tables as notebooks/local/summary.py `dashboard_data` sends
 * them (one array per table, rows as Spark wrote them; timestamps and dates as ISO text), plus the
 * ruleset's factors, which come from the loaded config on the TypeScript side so Python never re-reads it.
 * Email addresses are never sent: the dimensions carry names and titles only.
 */
import type { Ruleset } from "../config/ruleset";
import { goldContract, type GoldContract } from "../sql/contract";

export type AccountStatus = "good_standing" | "needs_attention" | "no_coverage";

/** gold.account_scores, every column but load_id and row_hash. */
export interface AccountScoreRow {
  account_id: string;
  name: string;
  tier: number | null;
  connectivity_score: number;
  status: AccountStatus;
  days_since_last_interaction: number | null;
  last_interaction_at: string | null;
  last_email_at: string | null;
  last_meeting_at: string | null;
  cadence_days: number | null;
  connected_contacts: number;
  /** People on the account's domain whom sellers mailed or met, not in the CRM (a count: never their addresses). */
  discovered_contacts: number;
  engaged_contacts: number;
  connected_sellers: number;
  exec_coverage: boolean;
  single_threaded: boolean;
  depth: number;
  breadth: number;
  open_pipeline: number | null;
  is_high_priority: boolean;
  trend: number | null;
  industry: string | null;
  sector: string | null;
  owner_seller_id: string | null;
  owner_name: string | null;
  transaction_size: string;
  transaction_size_order: number;
  email_gap_days: number | null;
  meeting_gap_days: number | null;
  /** Median hours the account's contacts took to answer a seller, over all their replies (null when none). */
  contact_reply_hours_median: number | null;
  /** Median hours the sellers took to answer the account's contacts (null when none). */
  seller_reply_hours_median: number | null;
  contact_replies: number;
  seller_replies: number;
  /** ERP orders in the ruleset's business_signals.period_days before as_of; this and the order columns are null without an ERP source. */
  orders_in_period: number | null;
  order_value_in_period: number | null;
  order_value_previous_period: number | null;
  order_trend: "down" | "up" | "steady" | "none" | null;
  last_order_at: string | null;
  /** Service cases open at as_of; this and the case columns are null without a service-case source (never 0). */
  open_cases: number | null;
  open_escalations: number | null;
  escalations_in_period: number | null;
  as_of: string;
}

/** gold.pair_scores: the network's edges (seller → contact, weight = score). */
export interface PairScoreRow {
  seller_id: string;
  contact_id: string;
  account_id: string | null;
  score: number;
  interactions: number;
  emails_outbound: number;
  emails_inbound: number;
  meetings: number;
  last_interaction_at: string | null;
}

/** gold.who_knows_whom, every column but load_id and row_hash. */
export interface WhoKnowsWhomRow {
  contact_id: string;
  account_id: string | null;
  contact_score: number | null;
  is_executive: boolean;
  sellers_connected: number;
  best_seller_id: string | null;
  best_score: number | null;
  runner_up_seller_id: string | null;
  runner_up_score: number | null;
  best_seller_name: string | null;
  runner_up_name: string | null;
  as_of: string;
}

/** gold.interactions_weekly, every column but load_id and row_hash: the event tracker. */
export interface InteractionsWeeklyRow {
  account_id: string | null;
  seller_id: string;
  week_start: string | null;
  source: string;
  interactions: number;
  contribution: number | null;
  as_of: string;
}

/** gold.checklist, every column but load_id and row_hash. */
export interface ChecklistRow {
  account_id: string;
  item: string;
  description: string;
  satisfied: boolean;
  evidence_at: string | null;
  as_of: string;
}

/** gold.touchpoints, every column but load_id and row_hash. */
export interface TouchpointRow {
  account_id: string;
  rank: number;
  interaction_id: string;
  seller_id: string;
  contact_id: string;
  source: string;
  direction: string;
  occurred_at: string;
  modality: string | null;
  response: string | null;
  weight: number | null;
  contribution: number | null;
  share: number | null;
  participants: number;
  duration_min: number | null;
  decay_factor: number | null;
  as_of: string;
}

/** silver.dim_seller without the email address. */
export interface SellerRow {
  seller_id: string;
  full_name: string | null;
  title: string | null;
}

/** silver.dim_contact without the email address. */
export interface ContactRow {
  contact_id: string;
  account_id: string | null;
  full_name: string | null;
  job_title: string | null;
}

/** What summary.py sends (the `dashboard` field of the run summary). */
export interface DashboardData {
  as_of: string;
  account_scores: AccountScoreRow[];
  pair_scores: PairScoreRow[];
  who_knows_whom: WhoKnowsWhomRow[];
  interactions_weekly: InteractionsWeeklyRow[];
  checklist: ChecklistRow[];
  touchpoints: TouchpointRow[];
  dim_seller: SellerRow[];
  dim_contact: ContactRow[];
}

/** The ruleset's numbers "Why this score" explains a score with. */
export type ScoreFactors = Pick<
  Ruleset["account"],
  "weights" | "single_threaded_factor" | "depth_top_n" | "breadth_target" | "engaged_min_score"
> & {
  half_life_days: number;
  sources: Ruleset["sources"];
  transaction_size: Ruleset["transaction_size"];
};

/** The factors of a loaded ruleset: the one place the dashboard reads the config. */
export function scoreFactors(ruleset: Ruleset): ScoreFactors {
  const { weights, single_threaded_factor, depth_top_n, breadth_target, engaged_min_score } = ruleset.account;
  return {
    weights,
    single_threaded_factor,
    depth_top_n,
    breadth_target,
    engaged_min_score,
    half_life_days: ruleset.recency.half_life_days,
    sources: ruleset.sources,
    transaction_size: ruleset.transaction_size,
  };
}

/** Columns the dashboard never receives: lineage, and every email address (a page is never a mailing list). */
const NEVER_SENT = new Set(["load_id", "row_hash", "email"]);

/** pair_scores carries more than the network needs: the edge, its counts and when it was last touched. */
const PAIR_COLUMNS = [
  "seller_id",
  "contact_id",
  "account_id",
  "score",
  "interactions",
  "emails_outbound",
  "emails_inbound",
  "meetings",
  "last_interaction_at",
];

/** What summary.py reads for the dashboard: one entry per table, in DashboardData's order. */
export interface DashboardTablePlan {
  name: Exclude<keyof DashboardData, "as_of">;
  zone: "gold" | "silver";
  columns: string[];
  /** Rows are sorted by these, so data.js is the same text run after run. */
  key: string[];
}

/**
 * The tables and columns the dashboard receives, from the serving contract: the one list the Python
 * summary selects (it arrives in the run plan), so neither side names a column the other does not.
 */
export function dashboardTables(contract: GoldContract = goldContract()): DashboardTablePlan[] {
  const only: Partial<Record<DashboardTablePlan["name"], string[]>> = {
    pair_scores: PAIR_COLUMNS,
    dim_seller: ["seller_id", "full_name", "title"],
    dim_contact: ["contact_id", "account_id", "full_name", "job_title"],
  };
  return DASHBOARD_TABLES.map((name) => {
    const table = contract.tables.find((t) => t.name === name);
    if (!table) throw new Error(`dashboard: the serving contract has no table ${name} (sql/gold-schema.json)`);
    const all = table.columns.map((c) => c.name).filter((c) => !NEVER_SENT.has(c));
    const columns = only[name] ?? all;
    const unknown = columns.filter((c) => !all.includes(c));
    if (unknown.length) throw new Error(`dashboard: ${name} has no column(s) ${unknown.join(", ")} in sql/gold-schema.json`);
    return { name, zone: table.zone, columns, key: table.key };
  });
}

/** The tables summary.py sends, in the order it sends them. */
export const DASHBOARD_TABLES = [
  "account_scores",
  "pair_scores",
  "who_knows_whom",
  "interactions_weekly",
  "checklist",
  "touchpoints",
  "dim_seller",
  "dim_contact",
] as const satisfies ReadonlyArray<Exclude<keyof DashboardData, "as_of">>;
