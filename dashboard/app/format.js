// @ts-check
// Formatting and DOM helpers. Every value from the data reaches the page through textContent or
// setAttribute here, never parsed as markup, because account and contact names come from the CRM.
"use strict";
(function (RM) {
  /** @param {number | null | undefined} n @param {number} digits */
  const fixed = (n, digits) => (n === null || n === undefined || Number.isNaN(n) ? "–" : n.toFixed(digits));

  RM.fmt = {
    /** Scores 0–100 with one decimal, as the Power BI model's format string shows them. */
    score: (/** @type {number | null | undefined} */ n) => fixed(n, 1),
    /** Whole numbers (counts, days); "–" for none. */
    int: (/** @type {number | null | undefined} */ n) => (n === null || n === undefined ? "–" : String(Math.round(n))),
    /** Days with one decimal and the unit ("3.2 days"); "–" for none. */
    days: (/** @type {number | null | undefined} */ n) => (n === null || n === undefined ? "–" : `${n.toFixed(1)} days`),
    /** A text measure as it is; "–" for none. */
    text: (/** @type {string | null | undefined} */ s) => (s === null || s === undefined || s === "" ? "–" : s),
    /** A signed change with one decimal. */
    signed: (/** @type {number | null | undefined} */ n) => (n === null || n === undefined ? "–" : `${n > 0 ? "+" : ""}${n.toFixed(1)}`),
    num: fixed,
    /** A share 0–1 as a percentage with one decimal. */
    pct: (/** @type {number | null | undefined} */ n) => (n === null || n === undefined ? "–" : `${(n * 100).toFixed(1)}%`),
    /** The date part of an ISO timestamp. */
    date: (/** @type {string | null | undefined} */ s) => (s ? String(s).slice(0, 10) : "–"),
  };

  /**
   * Per interaction source, its label and colour: the one place the event tracker, the touchpoints and
   * "Why this score" take them from (powerbi/sources.ts SOURCE_STYLES is the Power BI twin; a test holds
   * labels and colours equal). Colours keep at least 3:1 contrast to white.
   * @type {Record<string, { label: string, color: string }>}
   */
  RM.SOURCES = {
    email: { label: "Email", color: "#1f5fa8" },
    meeting: { label: "Meeting", color: "#b45309" },
    erp_order: { label: "ERP order", color: "#18794e" },
    service_case: { label: "Service case", color: "#8e2d8e" },
  };
  /** A source's readable label; an unknown one shows as stored. @param {string} source */
  RM.sourceLabel = (source) => (RM.SOURCES[source] ? RM.SOURCES[source].label : source);

  RM.STATUS_LABEL = { good_standing: "Good standing", needs_attention: "Needs attention", no_coverage: "No coverage" };

  /**
   * Creates an element with attributes and children (text or nodes).
   * @param {string} tag
   * @param {Record<string, string | number | boolean | null | undefined>} [attrs]
   * @param {Array<Node | string | number | null | undefined> | string | number} [children]
   * @returns {HTMLElement}
   */
  RM.el = function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      node.setAttribute(k, v === true ? "" : String(v));
    }
    const list = Array.isArray(children) ? children : children === undefined ? [] : [children];
    for (const c of list) {
      if (c === null || c === undefined) continue;
      node.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    }
    return node;
  };

  /** Replaces an element's children. @param {Element} node @param {Array<Node>} children */
  RM.fill = function fill(node, children) {
    node.replaceChildren(...children);
  };

  /**
   * A table: columns name a header, how a row shows in the cell, and whether the cell is numeric.
   * @template T
   * @param {Array<{ key: string, label: string, cell: (row: T) => Node | string | number | null, num?: boolean }>} columns
   * @param {T[]} rows
   * @param {(row: T) => Record<string, string>} [rowAttrs]
   */
  RM.table = function table(columns, rows, rowAttrs) {
    const head = RM.el("thead", {}, [
      RM.el(
        "tr",
        {},
        columns.map((c) => RM.el("th", { scope: "col", class: c.num ? "num" : null }, c.label)),
      ),
    ]);
    const body = RM.el(
      "tbody",
      {},
      rows.map((r) =>
        RM.el(
          "tr",
          rowAttrs ? rowAttrs(r) : {},
          columns.map((c) => {
            const v = c.cell(r);
            return RM.el("td", { "data-col": c.key, class: c.num ? "num" : null }, [v === null ? "–" : v]);
          }),
        ),
      ),
    );
    return RM.el("table", {}, [head, body]);
  };

  /** A short note where a visual has nothing to show. @param {string} text */
  RM.empty = (text) => RM.el("p", { class: "empty" }, text);

  /** A status badge: colour and text, never colour alone. @param {string} status */
  RM.badge = (status) => RM.el("span", { class: `badge ${status}` }, RM.STATUS_LABEL[status] || status);
})(/** @type {any} */ (window.RM = window.RM || {}));
