// @ts-check
// Page 1, "Portfolio": the slicers filter account_scores; the cards, the targets table and the four
// bar charts show the high-priority accounts the filters leave (the design's "HPA Dashboard" page).
"use strict";
(function (RM) {
  const F = RM.filters;
  const CARDS = ["High priority accounts", "High priority in good standing", "High priority needing attention"];

  /** @param {string} name @param {number | null} value @param {string} [tone] */
  function card(name, value, tone) {
    return RM.el("div", { class: `card ${tone || ""}`, "data-measure": name }, [
      RM.el("span", { class: "value" }, RM.fmt.int(value)),
      RM.el("span", { class: "label" }, name),
    ]);
  }

  /** A link to the account's detail: a real link, so it is focusable and opens in a new tab too. @param {any} a */
  function accountLink(a) {
    return RM.el("a", { href: `#account=${encodeURIComponent(a.account_id)}`, class: "account-link" }, a.name);
  }

  /** @param {any[]} rows */
  function targetsTable(rows) {
    if (!rows.length) return RM.empty("No high priority account matches the filters.");
    return RM.table(
      [
        { key: "name", label: "Account", cell: accountLink },
        { key: "tier", label: "Tier", cell: (a) => RM.fmt.int(a.tier), num: true },
        { key: "connectivity_score", label: "Connectivity score", cell: (a) => scoreCell(a.connectivity_score), num: true },
        { key: "status", label: "Status", cell: (a) => RM.badge(a.status) },
        { key: "email_gap_days", label: "Email gap (days)", cell: (a) => RM.fmt.int(a.email_gap_days), num: true },
        { key: "meeting_gap_days", label: "Meeting gap (days)", cell: (a) => RM.fmt.int(a.meeting_gap_days), num: true },
        { key: "owner_name", label: "Seller", cell: (a) => a.owner_name },
        {
          key: "trend",
          label: "Trend",
          cell: (a) => RM.el("span", { class: a.trend < 0 ? "down" : "up" }, RM.fmt.signed(a.trend)),
          num: true,
        },
        // Beside the score, never in it: "–" when the stack has no ERP or service-case source.
        { key: "order_trend", label: "Order trend", cell: (a) => RM.fmt.text(a.order_trend) },
        { key: "open_escalations", label: "Open escalations", cell: (a) => RM.fmt.int(a.open_escalations), num: true },
      ],
      rows,
      (a) => ({ "data-account-id": a.account_id }),
    );
  }

  /** A score with a small bar behind the number, so the column reads at a glance. @param {number} score */
  function scoreCell(score) {
    const bar = RM.el("span", { class: "meter", "aria-hidden": "true" }, [RM.el("span", { class: "meter-fill" })]);
    /** @type {HTMLElement} */ (bar.firstChild).style.width = `${Math.max(0, Math.min(100, score))}%`;
    return RM.el("span", { class: "score" }, [bar, RM.el("span", { class: "score-value" }, RM.fmt.score(score))]);
  }

  /** @param {any[]} rows @param {string} key */
  const spec = (rows, key) => ({ labels: rows.map((a) => a.name), values: rows.map((a) => a[key]), keys: rows.map((a) => a.account_id) });

  /** @param {{ data: any, state: any, go: (id: string) => void }} ctx */
  RM.renderPortfolio = function renderPortfolio(ctx) {
    const accounts = F.filterAccounts(ctx.data.account_scores, ctx.state.portfolio);
    const hp = accounts.filter((/** @type {any} */ a) => a.is_high_priority);
    RM.fill(/** @type {HTMLElement} */ (document.getElementById("portfolio-cards")), [
      card(CARDS[0], RM.measure(CARDS[0], accounts)),
      card(CARDS[1], RM.measure(CARDS[1], accounts), "good"),
      card(CARDS[2], RM.measure(CARDS[2], accounts), "warn"),
    ]);
    const rows = F.targets(accounts);
    RM.fill(/** @type {HTMLElement} */ (document.getElementById("targets")), [targetsTable(rows)]);
    const go = ctx.go;
    RM.barChart("chart-highest", {
      ...spec(F.ranked(hp, "connectivity_score", "desc", 10), "connectivity_score"),
      color: RM.COLORS.green,
      max: 100,
      onPick: go,
      title: "Highest connectivity",
    });
    RM.barChart("chart-lowest", {
      ...spec(F.ranked(hp, "connectivity_score", "asc", 10), "connectivity_score"),
      color: RM.COLORS.red,
      max: 100,
      onPick: go,
      title: "Lowest connectivity",
    });
    RM.barChart("chart-email-gap", {
      ...spec(F.ranked(hp, "email_gap_days", "desc"), "email_gap_days"),
      color: RM.COLORS.blue,
      onPick: go,
      title: "Days since last email",
    });
    RM.barChart("chart-meeting-gap", {
      ...spec(F.ranked(hp, "meeting_gap_days", "desc"), "meeting_gap_days"),
      color: RM.COLORS.orange,
      onPick: go,
      title: "Days since last meeting",
    });
  };
})(/** @type {any} */ (window.RM = window.RM || {}));
