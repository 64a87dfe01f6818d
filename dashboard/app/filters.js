// @ts-check
// The slicers and the pure selections behind every visual: which rows each filter leaves, the options
// each slicer lists, and how charts rank accounts. No DOM here, so the browser test's expectations and
// these rules can be read side by side.
"use strict";
(function (RM) {
  /** The option value of a blank (null) cell, listed as "(Blank)" like Power BI's slicers. */
  const BLANK = "(Blank)";

  /**
   * The account attribute each slicer filters (account_scores columns). The detail page's Seller is
   * not here: it is dim_seller, which filters the seller-keyed visuals instead of the accounts.
   * @type {Record<string, string>}
   */
  const ACCOUNT_COLUMN = {
    Industry: "industry",
    Sector: "sector",
    Seller: "owner_name",
    Tier: "tier",
    "Transaction size": "transaction_size",
    "Open escalations": "open_escalations",
  };

  /** Slicers whose values sort as numbers (10 after 9). */
  const NUMERIC = new Set(["Tier", "Open escalations"]);

  /** @param {unknown} v */
  const optionValue = (v) => (v === null || v === undefined || v === "" ? BLANK : String(v));

  /** @param {string} a @param {string} b */
  const byText = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

  /**
   * The values a slicer lists: distinct values of its column over all accounts; Tier and Open escalations numerically,
   * Transaction size by transaction_size_order (largest band first), the rest alphabetically; blank last.
   * @param {any[]} accounts @param {string} label @returns {string[]}
   */
  function options(accounts, label) {
    const column = ACCOUNT_COLUMN[label];
    const order = new Map();
    for (const a of accounts) {
      const v = optionValue(a[column]);
      const rank = label === "Transaction size" ? a.transaction_size_order : NUMERIC.has(label) ? Number(a[column]) : 0;
      order.set(v, rank);
    }
    return [...order.keys()].sort((a, b) => {
      if ((a === BLANK) !== (b === BLANK)) return a === BLANK ? 1 : -1;
      return order.get(a) - order.get(b) || byText(a, b);
    });
  }

  /**
   * The accounts every chosen account slicer keeps ("" = all). Labels not in ACCOUNT_COLUMN are ignored.
   * @param {any[]} accounts @param {Record<string, string>} chosen
   */
  function filterAccounts(accounts, chosen) {
    const active = Object.entries(chosen).filter(([label, v]) => v && ACCOUNT_COLUMN[label]);
    return accounts.filter((a) => active.every(([label, v]) => optionValue(a[ACCOUNT_COLUMN[label]]) === v));
  }

  /**
   * Accounts ranked for a bar chart: by `key` (desc or asc), ties by name then id so the order is
   * stable; accounts whose value is blank are left out (Power BI draws no bar for a blank).
   * @param {any[]} accounts @param {string} key @param {"desc" | "asc"} dir @param {number} [limit]
   */
  function ranked(accounts, key, dir, limit) {
    const sign = dir === "desc" ? -1 : 1;
    const rows = accounts
      .filter((a) => a[key] !== null && a[key] !== undefined)
      .sort((a, b) => sign * (a[key] - b[key]) || byText(a.name, b.name) || byText(a.account_id, b.account_id));
    return limit === undefined ? rows : rows.slice(0, limit);
  }

  /** The high priority targets table's order: weakest score first, then by name. @param {any[]} accounts */
  function targets(accounts) {
    return ranked(
      accounts.filter((a) => a.is_high_priority),
      "connectivity_score",
      "asc",
    );
  }

  /**
   * Groups rows by a key and sums numeric fields. @param {any[]} rows @param {(r: any) => string} key @param {string[]} fields
   * @returns {Map<string, Record<string, number>>}
   */
  function sumBy(rows, key, fields) {
    const out = new Map();
    for (const r of rows) {
      const k = key(r);
      const acc = out.get(k) || Object.fromEntries(fields.map((f) => [f, 0]));
      for (const f of fields) acc[f] += r[f] || 0;
      out.set(k, acc);
    }
    return out;
  }

  /**
   * Rows grouped by a key, in first-seen order: a visual's categories, each then measured.
   * @param {any[]} rows @param {(r: any) => string} key @returns {Map<string, any[]>}
   */
  function groupBy(rows, key) {
    const out = new Map();
    for (const r of rows) {
      const k = key(r);
      const list = out.get(k);
      if (list) list.push(r);
      else out.set(k, [r]);
    }
    return out;
  }

  RM.filters = { BLANK, ACCOUNT_COLUMN, optionValue, options, filterAccounts, ranked, targets, sumBy, groupBy, byText };
})(/** @type {any} */ (window.RM = window.RM || {}));
