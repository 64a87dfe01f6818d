/**
 * The browser test's oracle: what each visual must show, computed here from the gold rows with the
 * design's rules (not with the app's code), and formatted as the page formats numbers.
 */
import type { Gold } from "./browser-setup";

export const BLANK = "(Blank)";
export const ATTRIBUTE: Record<string, string> = {
  Industry: "industry",
  Sector: "sector",
  Seller: "owner_name",
  Tier: "tier",
  "Transaction size": "transaction_size",
  "Open escalations": "open_escalations",
};
/** The readable name of each interaction source, as the event tracker's legend and the touchpoints show it. */
export const SOURCE_LABEL: Record<string, string> = {
  email: "Email",
  meeting: "Meeting",
  erp_order: "ERP order",
  service_case: "Service case",
};
const STATUS: Record<string, string> = { good_standing: "Good standing", needs_attention: "Needs attention", no_coverage: "No coverage" };

export const one = (n: number | null | undefined) => (n === null || n === undefined ? "–" : n.toFixed(1));
/** Gold's median hours as the card shows them: days, one decimal. */
export const days = (hours: number | null | undefined) => (hours === null || hours === undefined ? "–" : `${(hours / 24).toFixed(1)} days`);
export const whole = (n: number | null | undefined) => (n === null || n === undefined ? "–" : String(Math.round(n)));
const signed = (n: number | null | undefined) => (n === null || n === undefined ? "–" : `${n > 0 ? "+" : ""}${n.toFixed(1)}`);
/** The orders card: count · value in thousands (or millions) · trend; "–" without an ERP source. */
export const orders = (a: any): string => {
  if (a.orders_in_period === null || a.orders_in_period === undefined) return "–";
  const v = a.order_value_in_period ?? 0;
  const amount = v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1000 ? `${Math.round(v / 1000)}k` : String(Math.round(v));
  return `${a.orders_in_period} · ${amount} · ${a.order_trend}`;
};
export const slicerText = (v: unknown) => (v === null || v === undefined || v === "" ? BLANK : String(v));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const rows = (gold: Gold, table: keyof Gold): any[] => {
  const r = gold[table];
  if (!r) throw new Error(`gold.${table} was not written by the run: the notebooks must write it (sql/gold-schema.json)`);
  return r;
};

/** A slicer's values: distinct over all accounts. */
export function slicerValues(gold: Gold, label: string): string[] {
  return [...new Set(rows(gold, "account_scores").map((a) => slicerText(a[ATTRIBUTE[label]])))];
}

/** The accounts a set of attribute choices leaves. */
export function chosenAccounts(gold: Gold, chosen: Record<string, string>): any[] {
  return rows(gold, "account_scores").filter((a) =>
    Object.entries(chosen).every(([label, v]) => !v || slicerText(a[ATTRIBUTE[label]]) === v),
  );
}

/** Accounts ranked by a column, ties by name then id, blanks left out. */
function rank(accounts: any[], key: string, desc: boolean, limit?: number): any[] {
  const sorted = accounts
    .filter((a) => a[key] !== null && a[key] !== undefined)
    .sort((a, b) => (desc ? b[key] - a[key] : a[key] - b[key]) || cmp(a.name, b.name) || cmp(a.account_id, b.account_id));
  return sorted.slice(0, limit ?? sorted.length);
}

export interface ChartView {
  labels: string[];
  values: number[];
  keys?: string[];
}

/** The portfolio page under the given slicer choices. */
export function expectedPortfolio(gold: Gold, chosen: Record<string, string>) {
  const hp = chosenAccounts(gold, chosen).filter((a) => a.is_high_priority);
  const good = hp.filter((a) => a.status === "good_standing").length;
  const chart = (list: any[], key: string): ChartView => ({
    labels: list.map((a) => a.name),
    values: list.map((a) => a[key]),
    keys: list.map((a) => a.account_id),
  });
  return {
    cards: {
      "High priority accounts": String(hp.length),
      "High priority in good standing": String(good),
      "High priority needing attention": String(hp.length - good),
    },
    table: rank(hp, "connectivity_score", false).map((a) => ({
      id: a.account_id,
      cells: [
        a.name,
        whole(a.tier),
        one(a.connectivity_score),
        STATUS[a.status],
        whole(a.email_gap_days),
        whole(a.meeting_gap_days),
        a.owner_name ?? "–",
        signed(a.trend),
        a.order_trend ?? "–",
        whole(a.open_escalations),
      ],
    })),
    charts: {
      "chart-highest": chart(rank(hp, "connectivity_score", true, 10), "connectivity_score"),
      "chart-lowest": chart(rank(hp, "connectivity_score", false, 10), "connectivity_score"),
      "chart-email-gap": chart(rank(hp, "email_gap_days", true), "email_gap_days"),
      "chart-meeting-gap": chart(rank(hp, "meeting_gap_days", true), "meeting_gap_days"),
    } as Record<string, ChartView>,
  };
}

function names(gold: Gold) {
  const seller = new Map(rows(gold, "dim_seller").map((s) => [s.seller_id, s.full_name || s.seller_id]));
  const contact = new Map(rows(gold, "dim_contact").map((c) => [c.contact_id, c]));
  return {
    seller: (id: string) => seller.get(id) ?? id,
    contact: (id: string) => contact.get(id)?.full_name || id,
    title: (id: string) => contact.get(id)?.job_title || "",
  };
}

/** The detail page of one account, with the Seller slicer on a seller id or on all (""). */
export function expectedDetail(gold: Gold, accountId: string, sellerId = "") {
  const a = rows(gold, "account_scores").find((x) => x.account_id === accountId);
  const n = names(gold);
  const mine = (table: keyof Gold) => rows(gold, table).filter((r) => r.account_id === accountId);
  const bySeller = (r: any) => !sellerId || r.seller_id === sellerId;
  const pairs = mine("pair_scores").filter(bySeller);
  const sum = (list: any[], f: string) => list.reduce((s, r) => s + (r[f] ?? 0), 0);

  const groups = new Map<string, { label: string; value: number }>();
  for (const t of mine("touchpoints").filter(bySeller)) {
    const key = `${t.source}|${t.contact_id}`;
    const g = groups.get(key) ?? { label: `${SOURCE_LABEL[t.source] ?? t.source} · ${n.contact(t.contact_id)}`, value: 0 };
    g.value += t.contribution ?? 0;
    groups.set(key, g);
  }
  const touch = [...groups.values()].sort((x, y) => y.value - x.value || cmp(x.label, y.label));
  const weekly = mine("interactions_weekly").filter(bySeller);
  const weeks = [...new Set(weekly.map((w) => w.week_start as string))].sort();
  const sources = [...new Set(weekly.map((w) => w.source as string))].sort();
  const perContact = [...new Set(pairs.map((p) => p.contact_id as string))]
    .map((c) => {
      const list = pairs.filter((p) => p.contact_id === c);
      return {
        name: n.contact(c),
        total: sum(list, "interactions"),
        cells: [n.contact(c), ...["emails_outbound", "emails_inbound", "meetings", "interactions"].map((f) => whole(sum(list, f)))],
      };
    })
    .sort((x, y) => y.total - x.total || cmp(x.name, y.name));
  return {
    name: a.name,
    cards: {
      "Connectivity score": one(a.connectivity_score),
      Status: STATUS[a.status],
      "Connected contacts": whole(a.connected_contacts),
      "Contacts not in CRM": whole(a.discovered_contacts),
      "Connected sellers": whole(a.connected_sellers),
      "Email gap (days)": whole(a.email_gap_days),
      "Meeting gap (days)": whole(a.meeting_gap_days),
      "Median reply (contact)": days(a.contact_reply_hours_median),
      "Median reply (seller)": days(a.seller_reply_hours_median),
      "Orders (period)": orders(a),
      "Open escalations": whole(a.open_escalations),
      "Open cases": whole(a.open_cases),
    },
    network: { nodes: new Set(pairs.map((p) => p.seller_id)).size + new Set(pairs.map((p) => p.contact_id)).size, edges: pairs.length },
    topContacts: mine("who_knows_whom")
      .sort((x, y) => y.contact_score - x.contact_score || cmp(n.contact(x.contact_id), n.contact(y.contact_id)))
      .map((w) => [
        n.contact(w.contact_id),
        n.title(w.contact_id),
        one(w.contact_score),
        w.best_seller_name ?? "–",
        w.runner_up_name ?? "–",
      ]),
    touchpoints: { labels: touch.map((g) => g.label), values: touch.map((g) => g.value) },
    events: {
      labels: weeks,
      series: sources.map((s) => ({
        name: SOURCE_LABEL[s] ?? s,
        values: weeks.map((w) =>
          sum(
            weekly.filter((r) => r.week_start === w && r.source === s),
            "interactions",
          ),
        ),
      })),
    },
    interactions: perContact.map((c) => c.cells),
    checklist: mine("checklist")
      .sort((x, y) => cmp(x.item, y.item))
      .map((i) => ({ item: i.item as string, met: Boolean(i.satisfied), description: i.description as string })),
    checklistMet: `${mine("checklist").filter((i) => i.satisfied).length} of ${mine("checklist").length} met`,
    whyRanks: mine("touchpoints")
      .map((t) => String(t.rank))
      .sort((x, y) => Number(x) - Number(y)),
    account: a,
  };
}
