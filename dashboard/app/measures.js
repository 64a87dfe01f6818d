// @ts-check
// The measures of the design, one local function per Power BI measure, with the same name
// (powerbi/measures.ts MEASURE_NAMES lists the names with their DAX; a unit test holds this table to it). Each takes the
// rows of its home table that the page's filters leave, exactly as the DAX measure sees its filter
// context, so the two dashboards show the same number.
"use strict";
(function (RM) {
  /** @param {number[]} xs */
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  /** MAX ignores blanks and is blank over no rows, as DAX's MAX. @param {Array<number | null>} xs */
  const max = (xs) => {
    const present = /** @type {number[]} */ (xs.filter((x) => x !== null && x !== undefined));
    return present.length ? Math.max(...present) : null;
  };
  /** SUM ignores blanks and is blank when every value is (no such source), as DAX's SUM. @param {Array<number | null>} xs */
  const sumOrBlank = (xs) => {
    const present = /** @type {number[]} */ (xs.filter((x) => x !== null && x !== undefined));
    return present.length ? sum(present) : null;
  };
  /** SELECTEDVALUE: the one distinct value, else blank. @param {Array<string | null>} xs */
  const selected = (xs) => {
    const distinct = [...new Set(xs.filter((x) => x !== null && x !== undefined))];
    return distinct.length === 1 ? distinct[0] : null;
  };
  /** An amount in thousands or millions, as the DAX's FORMAT branches ("48k", "1.2M", "900"). @param {number} v */
  const compact = (v) => (v >= 1e6 ? `${(v / 1e6).toFixed(1)}M` : v >= 1000 ? `${Math.round(v / 1000)}k` : String(Math.round(v)));
  /** Hours → days; blank stays blank. @param {number | null} hours */
  const days = (hours) => (hours === null ? null : hours / 24);
  /** @param {any[]} rows */
  const highPriority = (rows) => rows.filter((a) => a.is_high_priority);

  /** @type {Record<string, (rows: any[]) => number | string | null>} */
  const MEASURES = {
    Accounts: (accounts) => accounts.length,
    "High priority accounts": (accounts) => highPriority(accounts).length,
    "High priority in good standing": (accounts) => highPriority(accounts).filter((a) => a.status === "good_standing").length,
    "High priority needing attention": (accounts) =>
      /** @type {number} */ (MEASURES["High priority accounts"](accounts)) -
      /** @type {number} */ (MEASURES["High priority in good standing"](accounts)),
    // AVERAGE is blank over no rows; over one account it is that account's score.
    "Connectivity score": (accounts) => (accounts.length ? sum(accounts.map((a) => a.connectivity_score)) / accounts.length : null),
    "Email gap (days)": (accounts) => max(accounts.map((a) => a.email_gap_days)),
    "Meeting gap (days)": (accounts) => max(accounts.map((a) => a.meeting_gap_days)),
    // Hours in gold, days on the cards; MAX over accounts, as the DAX (one account: its own median).
    "Median reply (contact)": (accounts) => days(max(accounts.map((a) => a.contact_reply_hours_median))),
    "Median reply (seller)": (accounts) => days(max(accounts.map((a) => a.seller_reply_hours_median))),
    // Count · value · trend over business_signals.period_days; blank (not "0") when the stack has no ERP
    // source. The trend word only when the filter leaves one (SELECTEDVALUE), e.g. one account.
    "Orders (period)": (accounts) => {
      const n = sumOrBlank(accounts.map((a) => a.orders_in_period));
      if (n === null) return null;
      const trend = selected(accounts.map((a) => a.order_trend));
      const value = sumOrBlank(accounts.map((a) => a.order_value_in_period)) || 0;
      return [String(n), compact(value), trend].filter((x) => x !== null).join(" · ");
    },
    // Blank without a service-case source, never 0.
    "Open escalations": (accounts) => sumOrBlank(accounts.map((a) => a.open_escalations)),
    "Open cases": (accounts) => sumOrBlank(accounts.map((a) => a.open_cases)),
    "Connected contacts": (accounts) => sum(accounts.map((a) => a.connected_contacts)),
    "Contacts not in CRM": (accounts) => sum(accounts.map((a) => a.discovered_contacts)),
    "Connected sellers": (accounts) => sum(accounts.map((a) => a.connected_sellers)),
    "Pair score": (pairs) => max(pairs.map((p) => p.score)),
    Interactions: (pairs) => sum(pairs.map((p) => p.interactions)),
    "Weekly interactions": (weeks) => sum(weeks.map((w) => w.interactions)),
    "Touchpoint contribution": (touchpoints) => sum(touchpoints.map((t) => t.contribution || 0)),
    "Contact score": (contacts) => max(contacts.map((c) => c.contact_score)),
    "Checklist items met": (items) => items.filter((i) => i.satisfied).length,
  };

  RM.MEASURES = Object.freeze(MEASURES);
  /** @param {string} name @param {any[]} rows */
  RM.measure = (name, rows) => {
    const fn = MEASURES[name];
    if (!fn) throw new Error(`no measure named ${name}`);
    return fn(rows);
  };
})(/** @type {any} */ (window.RM = window.RM || {}));
