// @ts-check
// Page 2, "Account detail": one account (the Account slicer, narrowed by the attribute slicers), its
// multi-row card, network, top contacts, touchpoints, event tracker, interactions and checklist. The
// Seller slicer is dim_seller: it filters the seller-keyed visuals (network, interactions, touchpoints,
// event tracker) and, as in the Power BI model, not the account's own numbers.
"use strict";
(function (RM) {
  const F = RM.filters;
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

  /** The accounts the detail page's attribute slicers leave, by name: the Account slicer's options. @param {any} ctx */
  RM.detailAccounts = function detailAccounts(ctx) {
    const { Account: _account, Seller: _seller, ...attrs } = ctx.state.detail;
    return F.filterAccounts(ctx.data.account_scores, attrs).sort(
      (/** @type {any} */ a, /** @type {any} */ b) => F.byText(a.name, b.name) || F.byText(a.account_id, b.account_id),
    );
  };

  /** @param {string} name @param {Node | string} value */
  const stat = (name, value) =>
    RM.el("div", { class: "card", "data-measure": name }, [
      RM.el("span", { class: "value" }, [value]),
      RM.el("span", { class: "label" }, name),
    ]);

  /** @param {any} ctx @param {any} a */
  function head(ctx, a) {
    $("detail-name").textContent = a.name;
    RM.fill($("detail-status"), [RM.badge(a.status)]);
    const bits = [`Tier ${RM.fmt.int(a.tier)}`, a.industry, a.sector, a.owner_name && `Owner ${a.owner_name}`, a.transaction_size];
    $("detail-attrs").textContent = bits.filter(Boolean).join(" · ");
    const one = [a];
    RM.fill($("detail-cards"), [
      stat("Connectivity score", RM.fmt.score(RM.measure("Connectivity score", one))),
      stat("Status", RM.badge(a.status)),
      stat("Connected contacts", RM.fmt.int(RM.measure("Connected contacts", one))),
      stat("Contacts not in CRM", RM.fmt.int(RM.measure("Contacts not in CRM", one))),
      stat("Connected sellers", RM.fmt.int(RM.measure("Connected sellers", one))),
      stat("Email gap (days)", RM.fmt.int(RM.measure("Email gap (days)", one))),
      stat("Meeting gap (days)", RM.fmt.int(RM.measure("Meeting gap (days)", one))),
      stat("Median reply (contact)", RM.fmt.days(RM.measure("Median reply (contact)", one))),
      stat("Median reply (seller)", RM.fmt.days(RM.measure("Median reply (seller)", one))),
      stat("Orders (period)", RM.fmt.text(RM.measure("Orders (period)", one))),
      stat("Open escalations", RM.fmt.int(RM.measure("Open escalations", one))),
      stat("Open cases", RM.fmt.int(RM.measure("Open cases", one))),
    ]);
  }

  /** @param {any} ctx @param {any[]} who */
  function topContacts(ctx, who) {
    if (!who.length) return RM.empty("No contact at this account has a scored interaction.");
    const rows = [...who].sort(
      (a, b) => b.contact_score - a.contact_score || F.byText(ctx.contactName(a.contact_id), ctx.contactName(b.contact_id)),
    );
    return RM.table(
      [
        { key: "contact", label: "Contact", cell: (r) => ctx.contactName(r.contact_id) },
        { key: "job_title", label: "Job title", cell: (r) => ctx.contactTitle(r.contact_id) },
        { key: "contact_score", label: "Contact score", cell: (r) => RM.fmt.score(RM.measure("Contact score", [r])), num: true },
        { key: "best_seller_name", label: "Knows them best", cell: (r) => r.best_seller_name },
        { key: "runner_up_name", label: "Runner-up", cell: (r) => r.runner_up_name },
      ],
      rows,
      (r) => ({ "data-contact-id": r.contact_id }),
    );
  }

  /**
   * The treemap's categories (source, contact), each valued by the [Touchpoint contribution] measure.
   * @param {any} ctx @param {any[]} points
   */
  RM.touchpointGroups = function touchpointGroups(ctx, points) {
    return [...F.groupBy(points, (t) => `${t.source}\u0000${t.contact_id}`).entries()]
      .map(([k, rows]) => ({
        label: `${RM.sourceLabel(rows[0].source)} · ${ctx.contactName(rows[0].contact_id)}`,
        value: /** @type {number} */ (RM.measure("Touchpoint contribution", rows)),
        key: k,
      }))
      .sort((a, b) => b.value - a.value || F.byText(a.label, b.label));
  };

  /** Weeks × source for the event tracker, each cell the [Weekly interactions] measure. @param {any[]} weekly */
  RM.eventSeries = function eventSeries(weekly) {
    const weeks = [...new Set(weekly.map((w) => w.week_start))].sort();
    const sources = [...new Set(weekly.map((w) => w.source))].sort();
    const cells = F.groupBy(weekly, (w) => `${w.week_start}|${w.source}`);
    return {
      labels: weeks,
      series: sources.map((s) => ({ name: s, values: weeks.map((w) => RM.measure("Weekly interactions", cells.get(`${w}|${s}`) || [])) })),
    };
  };

  /** The Interactions matrix: per contact, sums from pair_scores, and the [Interactions] measure as the total. @param {any} ctx @param {any[]} pairs */
  function interactions(ctx, pairs) {
    if (!pairs.length) return RM.empty("No interactions.");
    const rows = [...F.groupBy(pairs, (p) => p.contact_id).entries()]
      .map(([id, list]) => ({
        contact_id: id,
        name: ctx.contactName(id),
        ...F.sumBy(list, () => id, ["emails_outbound", "emails_inbound", "meetings"]).get(id),
        interactions: /** @type {number} */ (RM.measure("Interactions", list)),
      }))
      .sort((a, b) => b.interactions - a.interactions || F.byText(a.name, b.name));
    return RM.table(
      [
        { key: "contact", label: "Contact", cell: (r) => r.name },
        { key: "emails_outbound", label: "Emails out", cell: (r) => RM.fmt.int(r.emails_outbound), num: true },
        { key: "emails_inbound", label: "Emails in", cell: (r) => RM.fmt.int(r.emails_inbound), num: true },
        { key: "meetings", label: "Meetings", cell: (r) => RM.fmt.int(r.meetings), num: true },
        { key: "interactions", label: "Interactions", cell: (r) => RM.fmt.int(r.interactions), num: true },
      ],
      rows,
      (r) => ({ "data-contact-id": r.contact_id }),
    );
  }

  /** @param {any[]} items */
  function checklist(items) {
    if (!items.length) return [RM.empty("No checklist for this account.")];
    const sorted = [...items].sort((a, b) => F.byText(a.item, b.item));
    return [
      RM.el(
        "p",
        { class: "met", "data-measure": "Checklist items met" },
        `${RM.measure("Checklist items met", items)} of ${items.length} met`,
      ),
      RM.el(
        "ul",
        { class: "checklist" },
        sorted.map((i) =>
          RM.el("li", { class: i.satisfied ? "yes" : "no", "data-item": i.item }, [
            RM.el("span", { class: "mark", "aria-hidden": "true" }, i.satisfied ? "✓" : "✗"),
            RM.el("span", { class: "sr-only" }, i.satisfied ? "Met: " : "Not met: "),
            RM.el("span", {}, i.description),
            i.evidence_at ? RM.el("span", { class: "muted" }, ` (${RM.fmt.date(i.evidence_at)})`) : null,
          ]),
        ),
      ),
    ];
  }

  /** @param {any} ctx */
  RM.renderDetail = function renderDetail(ctx) {
    const accounts = RM.detailAccounts(ctx);
    const a = accounts.find((x) => x.account_id === ctx.state.account) || accounts[0];
    $("page-detail").setAttribute("data-account-id", a ? a.account_id : "");
    if (!a) {
      $("detail-name").textContent = "No account matches the filters";
      return null;
    }
    const seller = ctx.state.detail.Seller;
    const bySeller = (/** @type {any} */ r) => !seller || r.seller_id === seller;
    const pairs = ctx.rows("pair_scores", a.account_id).filter(bySeller);
    head(ctx, a);
    RM.drawNetwork($("network"), {
      pairs,
      sellerName: ctx.sellerName,
      contactName: ctx.contactName,
      executives: new Set(
        ctx
          .rows("who_knows_whom", a.account_id)
          .filter((/** @type {any} */ w) => w.is_executive)
          .map((/** @type {any} */ w) => w.contact_id),
      ),
    });
    RM.fill($("top-contacts"), [topContacts(ctx, ctx.rows("who_knows_whom", a.account_id))]);
    const groups = RM.touchpointGroups(ctx, ctx.rows("touchpoints", a.account_id).filter(bySeller));
    RM.barChart("chart-touchpoints", {
      labels: groups.map((g) => g.label),
      values: groups.map((g) => g.value),
      keys: groups.map((g) => g.key),
      color: RM.COLORS.teal,
      title: "Top relationship touchpoints",
    });
    RM.stackedColumns("chart-events", {
      ...RM.eventSeries(ctx.rows("interactions_weekly", a.account_id).filter(bySeller)),
      title: "Event tracker",
    });
    RM.fill($("interactions"), [interactions(ctx, pairs)]);
    RM.fill($("checklist"), checklist(ctx.rows("checklist", a.account_id)));
    RM.renderWhy(ctx, a);
    return a;
  };
})(/** @type {any} */ (window.RM = window.RM || {}));
