/**
 * The sample tenant's ERP sales orders and customer-service cases, written day by day exactly where and
 * how the incremental copies land them (synapse-artifacts/incremental.ts): JSON lines of the canonical
 * columns (config/source-tables.ts) in `<rawFolder>/yyyy/MM/dd/<table id>.json`, each row a version of
 * an order or case as changed on that day, with the copy's watermark column. A case opened one day and
 * resolved a week later appears twice, as the copies would see it.
 *
 * Drawn from random streams of their own ("sources:…"), so every mail, meeting and CRM row of the
 * tenant is byte-identical with and without them. Cold accounts order less after their last active
 * day, which is the "orders dropped" signal the dashboards show; escalations cluster on high-priority
 * cases.
 */
import { ERP_ORDERS, SERVICE_CASES, type SourceTable } from "../config/source-tables";
import type { Account, DirtyEntry, SampleOptions, World } from "./model";
import { Rng } from "./rng";
import { DAY_MS, isoDate, isWeekend, utcStamp } from "./time";

type Row = Record<string, unknown>;

const compare = (x: unknown, y: unknown) => ((x as number) < (y as number) ? -1 : (x as number) > (y as number) ? 1 : 0);

/** Orders per working day by tier, and cases per day: small, so a 40-account tenant has a few hundred of each. */
const ORDER_RATE: Record<1 | 2 | 3, number> = { 1: 0.35, 2: 0.2, 3: 0.1 };
const CASE_RATE = 0.05;
/** A cold account orders this much less once nobody works it any more. */
const COLD_ORDER_FACTOR = 0.2;

/** `2026-11-01T10:23:45.0000000`: datetime2 as the SQL copy writes it (no zone; UTC by convention). */
const datetime2 = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}.0000000`;

export function dayFile(table: SourceTable, dayStart: number): string {
  const d = isoDate(dayStart);
  return `${table.rawFolder}/${d.slice(0, 4)}/${d.slice(5, 7)}/${d.slice(8, 10)}/${table.id}.json`;
}

interface PendingChange {
  day: number;
  row: Row;
}

/** Bad rows injected once each, on a fixed share of the date range, with what the notebooks must do. */
const DIRTY: Array<{ table: SourceTable; kind: string; at: number; description: string; spoil: (row: Row) => Row | string }> = [
  {
    table: ERP_ORDERS,
    kind: "malformed_json",
    at: 0.2,
    description: "an order line cut off mid-object: quarantined as malformed_json",
    spoil: (r) => JSON.stringify(r).slice(0, 40),
  },
  {
    table: ERP_ORDERS,
    kind: "missing_account",
    at: 0.3,
    description: "an order without a customer account id: quarantined",
    spoil: (r) => ({ ...r, account_crm_id: null }),
  },
  {
    table: ERP_ORDERS,
    kind: "unknown_account",
    at: 0.4,
    description: "an order of an ERP customer the CRM does not know: quarantined as unknown_account",
    spoil: (r) => ({ ...r, account_crm_id: "ERP-CUST-90417" }),
  },
  {
    table: ERP_ORDERS,
    kind: "bad_timestamp",
    at: 0.5,
    description: "an order date in a local format (31/10/2026): quarantined as bad_timestamp",
    spoil: (r) => ({ ...r, ordered_at: "31/10/2026" }),
  },
  {
    table: ERP_ORDERS,
    kind: "unknown_contact",
    at: 0.6,
    description: "an order naming a contact id the CRM does not know: kept for the account, its contact not used",
    spoil: (r) => ({ ...r, contact_crm_id: "CON-NOT-IN-CRM" }),
  },
  {
    table: SERVICE_CASES,
    kind: "malformed_json",
    at: 0.25,
    description: "a case line cut off mid-object: quarantined as malformed_json",
    spoil: (r) => JSON.stringify(r).slice(0, 30),
  },
  {
    table: SERVICE_CASES,
    kind: "unknown_account",
    at: 0.45,
    description: "a case of an account the CRM does not know: quarantined as unknown_account",
    spoil: (r) => ({ ...r, account_crm_id: "SVC-ACC-555" }),
  },
  {
    table: SERVICE_CASES,
    kind: "missing_account",
    at: 0.65,
    description: "a case without an account id: quarantined",
    spoil: (r) => ({ ...r, account_crm_id: "" }),
  },
];

export interface SourceTotals {
  counts: Record<string, number>;
  files: number;
  dirty: Record<string, DirtyEntry>;
  /** Accounts whose orders fell after nobody worked them any more (cold, with orders before). */
  orderDropAccounts: string[];
  /** Accounts with an escalated case still open at the end. */
  openEscalationAccounts: string[];
}

/** Plans and writes the orders and cases of each day; keeps only the changes still to come. */
export class SourcePlanner {
  private readonly pending: PendingChange[] = [];
  private readonly totals: SourceTotals = { counts: {}, files: 0, dirty: {}, orderDropAccounts: [], openEscalationAccounts: [] };
  private readonly ordersBefore = new Map<string, number>();
  private readonly openEscalations = new Map<string, Set<string>>();
  private serial = 0;

  constructor(
    private readonly world: World,
    private readonly options: SampleOptions,
  ) {}

  /** The rows each table lands for this day, as JSON lines (dirty rows applied). */
  day(day: number, dayStart: number): Array<{ path: string; lines: string[] }> {
    const rng = new Rng(this.options.seed, `sources:${day}`);
    const rows: Record<string, Row[]> = { [ERP_ORDERS.id]: [], [SERVICE_CASES.id]: [] };
    const weekend = isWeekend(dayStart) ? 0.1 : 1;
    for (const account of this.world.accounts) {
      const cold = account.state === "cold" && day > account.lastActiveDay;
      if (rng.chance(ORDER_RATE[account.tier] * weekend * (cold ? COLD_ORDER_FACTOR : 1))) {
        rows[ERP_ORDERS.id].push(this.order(rng, account, day, dayStart));
        if (account.state === "cold" && !cold)
          this.ordersBefore.set(account.accountId, (this.ordersBefore.get(account.accountId) ?? 0) + 1);
      }
      if (account.state !== "untouched" && rng.chance(CASE_RATE * weekend))
        rows[SERVICE_CASES.id].push(this.openCase(rng, account, day, dayStart));
    }
    for (const change of this.pending.filter((c) => c.day === day)) rows[String(change.row._table)].push(change.row);
    this.pending.splice(0, this.pending.length, ...this.pending.filter((c) => c.day !== day));
    const out: Array<{ path: string; lines: string[] }> = [];
    for (const table of [ERP_ORDERS, SERVICE_CASES]) {
      const dayRows = rows[table.id]
        .map(({ _table, ...r }) => r)
        .sort((a, b) => compare(a[table.watermark.column], b[table.watermark.column]));
      if (!dayRows.length) continue;
      this.tally(`${table.id}.versions`, dayRows.length);
      const lines: string[] = dayRows.map((r) => JSON.stringify(r));
      this.spoil(table, day, dayStart, dayRows, lines);
      out.push({ path: dayFile(table, dayStart), lines });
      this.totals.files++;
    }
    return out;
  }

  finish(): SourceTotals {
    this.totals.orderDropAccounts = this.world.accounts
      .filter((a) => a.state === "cold" && (this.ordersBefore.get(a.accountId) ?? 0) > 0)
      .map((a) => a.accountId);
    this.totals.openEscalationAccounts = [...this.openEscalations].filter(([, cases]) => cases.size > 0).map(([account]) => account);
    return this.totals;
  }

  private tally(key: string, n = 1) {
    this.totals.counts[key] = (this.totals.counts[key] ?? 0) + n;
  }

  private at(rng: Rng, dayStart: number): number {
    return dayStart + rng.int(7 * 3600, 19 * 3600) * 1000;
  }

  private order(rng: Rng, account: Account, day: number, dayStart: number): Row {
    const when = this.at(rng, dayStart);
    // Nobody works an untouched account, nor a cold one any more: its orders come in without a sales rep.
    const worked = account.state === "active" || (account.state === "cold" && day <= account.lastActiveDay);
    const seller = rng.chance(0.6) && worked ? this.world.users[account.team[0]] : null;
    const contact = account.contacts.length && rng.chance(0.5) ? rng.pick(account.contacts) : null;
    const row: Row = {
      _table: ERP_ORDERS.id,
      order_id: `SO-${String(++this.serial).padStart(6, "0")}`,
      account_crm_id: account.accountId,
      contact_crm_id: contact?.contactId ?? null,
      seller_email: seller?.address ?? null,
      ordered_at: datetime2(when),
      amount: Math.round(1000 * (4 - account.tier) * rng.pareto(2.5)),
      currency: "EUR",
      status: "open",
      modified_at: datetime2(when),
    };
    this.tally("erp_orders.orders");
    // One order in ten is cancelled a few days later: a second version of the same order.
    if (rng.chance(0.1)) {
      const later = day + rng.int(1, 5);
      this.pending.push({ day: later, row: { ...row, status: "cancelled", modified_at: datetime2(when + (later - day) * DAY_MS) } });
    }
    return row;
  }

  private openCase(rng: Rng, account: Account, day: number, dayStart: number): Row {
    const when = this.at(rng, dayStart);
    const high = rng.chance(0.25);
    const escalated = rng.chance(high ? 0.5 : 0.05);
    const owner = rng.chance(0.15) ? this.world.users[rng.pick(account.team)].address : `support@${this.world.domain}`;
    const row: Row = {
      _table: SERVICE_CASES.id,
      case_id: `CAS-${String(++this.serial).padStart(6, "0")}`,
      account_crm_id: account.accountId,
      contact_crm_id: account.contacts.length && rng.chance(0.7) ? rng.pick(account.contacts).contactId : null,
      owner_email: owner,
      opened_at: utcStamp(when),
      closed_at: null,
      status: "open",
      priority: high ? "high" : "normal",
      escalated,
      _ts: Math.floor(when / 1000),
    };
    this.tally("service_cases.cases");
    if (escalated) this.tally("service_cases.escalated");
    const resolvedDay = day + (escalated ? rng.int(10, 40) : rng.int(1, 14));
    if (resolvedDay < this.options.days) {
      const closed = when + (resolvedDay - day) * DAY_MS;
      this.pending.push({
        day: resolvedDay,
        row: { ...row, status: "resolved", closed_at: utcStamp(closed), _ts: Math.floor(closed / 1000) },
      });
    } else if (escalated) {
      const open = this.openEscalations.get(account.accountId) ?? new Set<string>();
      this.openEscalations.set(account.accountId, open.add(String(row.case_id)));
    }
    return row;
  }

  /** Each kind spoils the last row of the first day at or after its share of the range that has one. */
  private spoil(table: SourceTable, day: number, dayStart: number, rows: Row[], lines: string[]) {
    if (!this.options.dirty) return;
    const due = DIRTY.filter(
      (x) => x.table === table && day >= Math.floor(x.at * this.options.days) && !this.totals.dirty[`${table.id}.${x.kind}`],
    );
    for (const [n, d] of due.entries()) {
      const i = rows.length - 1 - n;
      if (i < 0) return;
      const spoiled = d.spoil(rows[i]);
      lines[i] = typeof spoiled === "string" ? spoiled : JSON.stringify(spoiled);
      const key = `${table.id}.${d.kind}`;
      const id = String(rows[i][table.id === ERP_ORDERS.id ? "order_id" : "case_id"]);
      this.totals.dirty[key] = { count: 1, files: [dayFile(table, dayStart)], ids: [id], description: d.description };
    }
  }
}
