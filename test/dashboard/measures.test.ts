import { MEASURE_NAMES } from "../../powerbi/measures";
import { SOURCE_STYLES } from "../../powerbi/sources";
import { account } from "./fixture";
import { loadApp } from "./load-app";

const RM = loadApp("format.js", "measures.js", "filters.js");

test("the app has one local function per Power BI measure (powerbi/measures.ts), with the same names", () => {
  expect(Object.keys(RM.MEASURES).sort()).toEqual([...MEASURE_NAMES].sort());
});

test("each interaction source has one readable label and the same colour in both dashboards (ERP orders and service cases included)", () => {
  const upper = (styles: Record<string, { label: string; color: string }>) =>
    Object.fromEntries(Object.entries(styles).map(([k, v]) => [k, { label: v.label, color: v.color.toUpperCase() }]));
  expect(upper(RM.SOURCES)).toEqual(upper({ ...SOURCE_STYLES }));
  expect(["email", "meeting", "erp_order", "service_case"].map((s) => RM.sourceLabel(s))).toEqual([
    "Email",
    "Meeting",
    "ERP order",
    "Service case",
  ]);
  expect(RM.sourceLabel("fax")).toBe("fax");
});

describe("the measures over account_scores", () => {
  const rows = [
    account({ account_id: "a", status: "good_standing", connectivity_score: 80, email_gap_days: 3, meeting_gap_days: null }),
    account({ account_id: "b", status: "needs_attention", connectivity_score: 20, email_gap_days: 40, meeting_gap_days: 9 }),
    account({ account_id: "c", status: "no_coverage", connectivity_score: 0, email_gap_days: null, meeting_gap_days: null }),
    account({ account_id: "d", status: "good_standing", is_high_priority: false, connectivity_score: 50, connected_contacts: 1 }),
  ];

  test("count high-priority accounts, those in good standing, and the rest (needs attention + no coverage)", () => {
    expect(RM.measure("Accounts", rows)).toBe(4);
    expect(RM.measure("High priority accounts", rows)).toBe(3);
    expect(RM.measure("High priority in good standing", rows)).toBe(1);
    expect(RM.measure("High priority needing attention", rows)).toBe(2);
  });

  test("average the connectivity score (blank over no accounts) and take the largest gaps, ignoring blanks", () => {
    expect(RM.measure("Connectivity score", rows)).toBe((80 + 20 + 0 + 50) / 4);
    expect(RM.measure("Connectivity score", [])).toBeNull();
    expect(RM.measure("Email gap (days)", rows)).toBe(40);
    expect(RM.measure("Meeting gap (days)", rows.slice(2, 3))).toBeNull();
  });

  test("show an account's median reply times in days (gold keeps hours), blank when nobody replied", () => {
    // 76.8 h = 3.2 days; over two accounts the slower (as the DAX MAX); none → blank.
    const replied = account({ contact_reply_hours_median: 76.8, seller_reply_hours_median: 12 });
    expect(RM.measure("Median reply (contact)", [replied])).toBeCloseTo(3.2, 10);
    expect(RM.measure("Median reply (seller)", [replied, account({ seller_reply_hours_median: 48 })])).toBe(2);
    expect(RM.measure("Median reply (contact)", [account({ contact_reply_hours_median: null })])).toBeNull();
  });

  test("show orders as count · value · trend, the trend only when the filter leaves one, blank without an ERP source", () => {
    expect(RM.measure("Orders (period)", [account({})])).toBe("12 · 48k · down");
    // Two accounts: counts and values add (12 + 3, 48,200 + 1,000,000 = 1.0482M), the trends differ so none is shown.
    expect(
      RM.measure("Orders (period)", [account({}), account({ orders_in_period: 3, order_value_in_period: 1e6, order_trend: "up" })]),
    ).toBe("15 · 1.0M");
    expect(RM.measure("Orders (period)", [account({ orders_in_period: 0, order_value_in_period: 0, order_trend: "none" })])).toBe(
      "0 · 0 · none",
    );
    expect(RM.measure("Orders (period)", [account({ orders_in_period: 2, order_value_in_period: 950, order_trend: "up" })])).toBe(
      "2 · 950 · up",
    );
    const noErp = {
      orders_in_period: null,
      order_value_in_period: null,
      order_value_previous_period: null,
      order_trend: null,
      last_order_at: null,
    };
    expect(RM.measure("Orders (period)", [account(noErp)])).toBeNull();
  });

  test("sum open escalations and open cases, blank (not 0) when the stack has no service-case source", () => {
    const rows2 = [account({ open_escalations: 1, open_cases: 3 }), account({ open_escalations: 0, open_cases: 2 })];
    expect(RM.measure("Open escalations", rows2)).toBe(1);
    expect(RM.measure("Open cases", rows2)).toBe(5);
    expect(RM.measure("Open escalations", [account({ open_escalations: 0, open_cases: 0 })])).toBe(0);
    expect(RM.measure("Open escalations", [account({ open_escalations: null, open_cases: null })])).toBeNull();
    expect(RM.measure("Open cases", [account({ open_escalations: null, open_cases: null })])).toBeNull();
  });

  test("sum connected contacts and sellers, and the contacts not in the CRM", () => {
    expect(RM.measure("Connected contacts", rows)).toBe(5 + 5 + 5 + 1);
    expect(RM.measure("Connected sellers", rows)).toBe(8);
    expect(RM.measure("Contacts not in CRM", [account({ discovered_contacts: 25 }), account({ discovered_contacts: 0 })])).toBe(25);
  });
});

test("the edge, weekly, touchpoint, contact and checklist measures sum or take the largest of their rows", () => {
  expect(RM.measure("Pair score", [{ score: 3 }, { score: 61.2 }])).toBe(61.2);
  expect(RM.measure("Interactions", [{ interactions: 3 }, { interactions: 4 }])).toBe(7);
  expect(RM.measure("Weekly interactions", [{ interactions: 2 }, { interactions: 5 }])).toBe(7);
  expect(RM.measure("Touchpoint contribution", [{ contribution: 0.25 }, { contribution: 0.5 }])).toBe(0.75);
  expect(RM.measure("Contact score", [{ contact_score: 10 }, { contact_score: 12 }])).toBe(12);
  expect(RM.measure("Checklist items met", [{ satisfied: true }, { satisfied: false }, { satisfied: true }])).toBe(2);
  expect(() => RM.measure("Nope", [])).toThrow("no measure named Nope");
});

describe("the slicers", () => {
  const rows = [
    account({ account_id: "a", name: "B", tier: 2, industry: "Retail", transaction_size: "Small", transaction_size_order: 3 }),
    account({ account_id: "b", name: "A", tier: 10, industry: null, transaction_size: "Large", transaction_size_order: 1 }),
    account({ account_id: "c", name: "C", tier: 1, industry: "Energy", transaction_size: "No open pipeline", transaction_size_order: 4 }),
  ];

  test("list tiers numerically, transaction sizes by band order, text alphabetically, and a blank last as (Blank)", () => {
    expect(RM.filters.options(rows, "Tier")).toEqual(["1", "2", "10"]);
    expect(RM.filters.options(rows, "Transaction size")).toEqual(["Large", "Small", "No open pipeline"]);
    expect(RM.filters.options(rows, "Industry")).toEqual(["Energy", "Retail", "(Blank)"]);
  });

  test("list open escalations numerically with (Blank) last (no service-case source), and filter on them", () => {
    const cases = [
      account({ account_id: "x", open_escalations: 10 }),
      account({ account_id: "y", open_escalations: 2 }),
      account({ account_id: "z", open_escalations: null }),
      account({ account_id: "w", open_escalations: 0 }),
    ];
    expect(RM.filters.options(cases, "Open escalations")).toEqual(["0", "2", "10", "(Blank)"]);
    const ids = (v: string) => RM.filters.filterAccounts(cases, { "Open escalations": v }).map((a: { account_id: string }) => a.account_id);
    expect(ids("2")).toEqual(["y"]);
    expect(ids("(Blank)")).toEqual(["z"]);
  });

  test("keep the accounts every chosen value matches; an empty choice keeps all", () => {
    const ids = (chosen: Record<string, string>) =>
      RM.filters.filterAccounts(rows, chosen).map((a: { account_id: string }) => a.account_id);
    expect(ids({ Industry: "", Tier: "" })).toEqual(["a", "b", "c"]);
    expect(ids({ Industry: "(Blank)" })).toEqual(["b"]);
    expect(ids({ Tier: "1", Industry: "Energy" })).toEqual(["c"]);
    expect(ids({ Tier: "1", Industry: "Retail" })).toEqual([]);
  });

  test("rank accounts for a chart by value, ties by name, leaving out blanks", () => {
    const tied = [
      account({ account_id: "x", name: "Zeta", email_gap_days: 5 }),
      account({ account_id: "y", name: "Alpha", email_gap_days: 5 }),
      account({ account_id: "z", name: "Mid", email_gap_days: 9 }),
      account({ account_id: "w", name: "None", email_gap_days: null }),
    ];
    expect(RM.filters.ranked(tied, "email_gap_days", "desc").map((a: { name: string }) => a.name)).toEqual(["Mid", "Alpha", "Zeta"]);
    expect(RM.filters.ranked(tied, "email_gap_days", "asc", 2).map((a: { name: string }) => a.name)).toEqual(["Alpha", "Zeta"]);
  });
});
