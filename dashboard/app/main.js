// @ts-check
// Starts the app: indexes the gold rows by account, fills the slicers, and routes between the two
// pages with the URL hash (#portfolio, #account=<id>) so a page and an account can be linked to.
"use strict";
(function (RM) {
  const F = RM.filters;
  const payload = /** @type {any} */ (window).RELMESH_DASHBOARD;
  const data = payload.data;
  const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

  /** Rows of each account-keyed table, grouped once. @type {Record<string, Map<string, any[]>>} */
  const byAccount = {};
  for (const table of ["pair_scores", "who_knows_whom", "interactions_weekly", "checklist", "touchpoints"]) {
    byAccount[table] = F.groupBy(data[table], (/** @type {any} */ r) => r.account_id);
  }
  const sellers = new Map(data.dim_seller.map((/** @type {any} */ s) => [s.seller_id, s]));
  const contacts = new Map(data.dim_contact.map((/** @type {any} */ c) => [c.contact_id, c]));

  const blankState = (/** @type {string[]} */ labels) => Object.fromEntries(labels.map((l) => [l, ""]));
  const ctx = {
    data,
    factors: payload.factors,
    state: {
      page: "portfolio",
      account: "",
      portfolio: blankState(["Industry", "Sector", "Seller", "Tier", "Transaction size", "Open escalations"]),
      detail: blankState(["Industry", "Sector", "Seller", "Tier", "Transaction size"]),
    },
    rows: (/** @type {string} */ table, /** @type {string} */ id) => byAccount[table].get(id) || [],
    // A name missing from the dimension shows its CRM id rather than nothing.
    sellerName: (/** @type {string} */ id) => (sellers.get(id) || {}).full_name || id,
    contactName: (/** @type {string} */ id) => (contacts.get(id) || {}).full_name || id,
    contactTitle: (/** @type {string} */ id) => (contacts.get(id) || {}).job_title || "",
    go: (/** @type {string} */ id) => {
      location.hash = `account=${encodeURIComponent(id)}`;
    },
  };

  /** @param {HTMLSelectElement} select @param {Array<[string, string]>} choices value, text @param {string} value @param {string | null} allText */
  function setOptions(select, choices, value, allText) {
    const all = allText === null ? [] : [RM.el("option", { value: "" }, allText)];
    RM.fill(select, [...all, ...choices.map(([v, text]) => RM.el("option", { value: v }, text))]);
    select.value = value;
  }

  /** The attribute slicers' options never change: fill them once. */
  function fillSlicers() {
    for (const page of ["portfolio", "detail"]) {
      for (const label of [
        "Industry",
        "Sector",
        "Tier",
        "Transaction size",
        ...(page === "portfolio" ? ["Seller", "Open escalations"] : []),
      ]) {
        const select = /** @type {HTMLSelectElement} */ (document.querySelector(`#page-${page} select[data-filter="${label}"]`));
        setOptions(
          select,
          F.options(data.account_scores, label).map((/** @type {string} */ v) => [v, v]),
          "",
          "All",
        );
      }
    }
    // Detail's Seller is dim_seller (every colleague), by name.
    const names = data.dim_seller
      .map((/** @type {any} */ s) => [s.seller_id, s.full_name || s.seller_id])
      .sort((/** @type {any} */ a, /** @type {any} */ b) => F.byText(a[1], b[1]) || F.byText(a[0], b[0]));
    setOptions(/** @type {HTMLSelectElement} */ ($("f-detail-seller")), names, "", "All");
  }

  function render() {
    const detail = ctx.state.page === "detail";
    $("page-portfolio").hidden = detail;
    $("page-detail").hidden = !detail;
    for (const tab of document.querySelectorAll(".tabs a")) {
      if (tab.getAttribute("data-page") === ctx.state.page) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    }
    if (!detail) {
      RM.renderPortfolio(ctx);
      return;
    }
    const accounts = RM.detailAccounts(ctx);
    const shown = RM.renderDetail(ctx);
    setOptions(
      /** @type {HTMLSelectElement} */ ($("f-detail-account")),
      accounts.map((/** @type {any} */ a) => [a.account_id, a.name]),
      shown ? shown.account_id : "",
      null,
    );
    if (shown && shown.account_id !== ctx.state.account) {
      // The filters moved the page to another account: keep the link in step without a new history entry.
      ctx.state.account = shown.account_id;
      history.replaceState(null, "", `#account=${encodeURIComponent(shown.account_id)}`);
    }
  }

  function route() {
    const hash = decodeURIComponent(location.hash.replace(/^#/, ""));
    if (hash.startsWith("account")) {
      ctx.state.page = "detail";
      const id = hash.startsWith("account=") ? hash.slice("account=".length) : "";
      if (id) ctx.state.account = id;
    } else ctx.state.page = "portfolio";
    render();
  }

  function wire() {
    for (const page of ["portfolio", "detail"]) {
      for (const select of document.querySelectorAll(`#page-${page} select[data-filter]`)) {
        select.addEventListener("change", () => {
          const s = /** @type {HTMLSelectElement} */ (select);
          const label = /** @type {string} */ (s.getAttribute("data-filter"));
          if (label === "Account") return ctx.go(s.value);
          ctx.state[/** @type {"portfolio" | "detail"} */ (page)][label] = s.value;
          render();
        });
      }
    }
    for (const button of document.querySelectorAll("button[data-clear]")) {
      button.addEventListener("click", () => {
        const page = /** @type {"portfolio" | "detail"} */ (button.getAttribute("data-clear"));
        for (const label of Object.keys(ctx.state[page])) ctx.state[page][label] = "";
        for (const s of document.querySelectorAll(`#page-${page} select[data-filter]`)) {
          if (s.getAttribute("data-filter") !== "Account") /** @type {HTMLSelectElement} */ (s).value = "";
        }
        render();
      });
    }
    window.addEventListener("hashchange", route);
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("as-of").textContent = `Connectivity as of ${data.as_of} · ${data.account_scores.length} accounts`;
    fillSlicers();
    wire();
    route();
    document.body.setAttribute("data-ready", "true");
  });
  RM.ctx = ctx;
})(/** @type {any} */ (window.RM = window.RM || {}));
