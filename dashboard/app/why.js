// @ts-check
// "Why this score" (local only): the rule that turns the account's gold columns into its score, with
// the ruleset's weights, and the touchpoints that contributed most with every factor of their weight.
"use strict";
(function (RM) {
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

  /**
   * The connectivity score rebuilt from the account's gold columns and the ruleset (rm_scoring.py):
   * min(100, (depth·w.depth + breadth·w.breadth + exec·w.executive) × single_threaded_factor if single-threaded).
   * @param {any} a @param {any} factors
   */
  RM.scoreTerms = function scoreTerms(a, factors) {
    const w = factors.weights;
    const exec = a.exec_coverage ? 100 : 0;
    const terms = [
      { key: "depth", label: `Depth: mean of the top ${factors.depth_top_n} contact scores`, value: a.depth, weight: w.depth },
      {
        key: "breadth",
        label: `Breadth: ${a.engaged_contacts} engaged contacts (pair score ${factors.engaged_min_score}+) of a target of ${factors.breadth_target}`,
        value: a.breadth,
        weight: w.breadth,
      },
      {
        key: "executive",
        label: a.exec_coverage ? "Executive coverage: an engaged executive" : "Executive coverage: no engaged executive",
        value: exec,
        weight: w.executive,
      },
    ].map((t) => ({ ...t, points: t.value * t.weight }));
    const base = terms.reduce((s, t) => s + t.points, 0);
    const factor = a.single_threaded ? factors.single_threaded_factor : 1;
    return { terms, base, factor, score: Math.min(100, base * factor) };
  };

  /** @param {any} a @param {any} factors */
  function formula(a, factors) {
    const r = RM.scoreTerms(a, factors);
    const rows = [
      ...r.terms.map((t) => ({
        key: t.key,
        label: t.label,
        value: RM.fmt.num(t.value, 1),
        weight: `× ${t.weight}`,
        points: RM.fmt.num(t.points, 1),
      })),
      { key: "sum", label: "Sum", value: "", weight: "", points: RM.fmt.num(r.base, 1) },
      {
        key: "single_threaded",
        label: a.single_threaded ? "Single-threaded: one seller holds the account" : "Not single-threaded",
        value: "",
        weight: `× ${r.factor}`,
        points: RM.fmt.num(r.base * r.factor, 1),
      },
      { key: "score", label: "Connectivity score (at most 100)", value: "", weight: "", points: RM.fmt.score(a.connectivity_score) },
    ];
    return RM.table(
      [
        { key: "factor", label: "Factor", cell: (x) => x.label },
        { key: "value", label: "Value", cell: (x) => x.value, num: true },
        { key: "weight", label: "Weight", cell: (x) => x.weight, num: true },
        { key: "points", label: "Points", cell: (x) => x.points, num: true },
      ],
      rows,
      (x) => ({ "data-term": x.key }),
    );
  }

  /** @param {any} ctx @param {any[]} points */
  function touchpoints(ctx, points) {
    if (!points.length) return RM.empty("No scored interaction contributes to this account's score.");
    const f = ctx.factors;
    return RM.table(
      [
        { key: "rank", label: "#", cell: (t) => t.rank, num: true },
        { key: "occurred_at", label: "When", cell: (t) => RM.fmt.date(t.occurred_at) },
        { key: "source", label: "Source", cell: (t) => `${RM.sourceLabel(t.source)} (${t.direction})` },
        { key: "seller", label: "Seller", cell: (t) => ctx.sellerName(t.seller_id) },
        { key: "contact", label: "Contact", cell: (t) => ctx.contactName(t.contact_id) },
        { key: "participants", label: "People", cell: (t) => t.participants, num: true },
        { key: "duration_min", label: "Minutes", cell: (t) => RM.fmt.int(t.duration_min), num: true },
        { key: "modality", label: "Modality", cell: (t) => t.modality || "–" },
        { key: "response", label: "Response", cell: (t) => t.response || "–" },
        { key: "base", label: "Base weight", cell: (t) => RM.fmt.num(f.sources[t.source], 1), num: true },
        { key: "weight", label: "Weight", cell: (t) => RM.fmt.num(t.weight, 2), num: true },
        { key: "decay_factor", label: "Decay", cell: (t) => RM.fmt.num(t.decay_factor, 3), num: true },
        { key: "contribution", label: "Contribution", cell: (t) => RM.fmt.num(t.contribution, 2), num: true },
        { key: "share", label: "Share", cell: (t) => RM.fmt.pct(t.share), num: true },
      ],
      [...points].sort((a, b) => a.rank - b.rank),
      (t) => ({ "data-rank": String(t.rank) }),
    );
  }

  /** @param {any} ctx @param {any} a */
  RM.renderWhy = function renderWhy(ctx, a) {
    const f = ctx.factors;
    RM.fill($("why"), [
      RM.el("div", { class: "why-grid" }, [
        RM.el("div", {}, [RM.el("h4", {}, "The rule, with this account's numbers"), formula(a, f)]),
        RM.el("div", {}, [
          RM.el("h4", {}, "The interactions that counted most"),
          RM.el(
            "p",
            { class: "muted" },
            `Weight = base weight of the source × audience × modality × response × meeting length; contribution = weight × decay, ` +
              `where decay halves every ${f.half_life_days} days. Share = contribution / the account's total.`,
          ),
          touchpoints(ctx, ctx.rows("touchpoints", a.account_id)),
        ]),
      ]),
    ]);
  };
})(/** @type {any} */ (window.RM = window.RM || {}));
