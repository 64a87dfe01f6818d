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
  /** Hours → days; blank stays blank. @param {number | null} hours */
  const days = (hours) => (hours === null ? null : hours / 24);
  /** @param {any[]} rows */
  const highPriority = (rows) => rows.filter((a) => a.is_high_priority);

  /** @type {Record<string, (rows: any[]) => number | null>} */
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
