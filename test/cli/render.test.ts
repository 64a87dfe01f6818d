/** cli/render.ts: what a run prints: the per-dataset reconciliation, fallbacks and data-quality warnings, each CRM export's lines, and step lines as sentences, not raw step JSON. */
import {
  crmStepLines,
  crmSummaryLines,
  fallbackWarning,
  reconcile,
  renderEvent,
  renderSummary,
  sourceStepLines,
  type CrmCounts,
  type RunSummary,
} from "../../cli/render";

/** One dataset's counts as 02_ingest_m365 reports them (notebooks/rm_interactions.py reconcile). */
const counts = {
  rows_in: 14,
  lines_in: 14,
  array_lines: 0,
  rows_from_arrays: 0,
  quarantined: 2,
  quarantine_reasons: { malformed_json: 2 },
  copies: 12,
  distinct: 8,
  duplicate_copies: 4,
  used: 6,
  excluded: { internal_only: 2 },
};

describe("the per-dataset reconciliation the run prints", () => {
  test("one row per line reads as rows in", () => {
    expect(reconcile("BasicDataSet_v0.Message_v1", counts)).toEqual({
      ok: true,
      lines: [
        "BasicDataSet_v0.Message_v1: 14 rows in = 12 parsed + 2 quarantined (malformed_json 2) ✓",
        "    12 mailbox copies = 8 distinct + 4 duplicate copies ✓",
        "    8 distinct = 6 used + 2 excluded (internal_only 2) ✓",
      ],
    });
  });

  test("rows read from JSON-array lines say how many rows came from how many lines", () => {
    const arrays = {
      ...counts,
      rows_in: 5005,
      lines_in: 4,
      array_lines: 2,
      rows_from_arrays: 5003,
      copies: 2502,
      quarantined: 2503,
      quarantine_reasons: { missing_sender: 2500, malformed_json: 3 },
      distinct: 2502,
      duplicate_copies: 0,
      used: 2502,
      excluded: {},
    };
    expect(reconcile("BasicDataSet_v0.Message_v1", arrays).lines[0]).toBe(
      "BasicDataSet_v0.Message_v1: 5,005 rows from 4 lines (2 JSON-array lines held 5,003 rows) = 2,502 parsed + 2,503 quarantined (missing_sender 2,500, malformed_json 3) ✓",
    );
  });

  test("rows that do not add up to the lines read are a mismatch, not a ✓", () => {
    const { ok, lines } = reconcile("BasicDataSet_v0.Message_v1", { ...counts, lines_in: 13 });
    expect(ok).toBe(false);
    expect(lines[0]).toBe(
      "BasicDataSet_v0.Message_v1: 14 rows from 13 lines (0 JSON-array lines held 0 rows) = 12 parsed + 2 quarantined (malformed_json 2) ✗ MISMATCH",
    );
  });
});

function printed(event: Record<string, unknown>): string {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    renderEvent(event);
  } finally {
    spy.mockRestore();
  }
  return lines.join("");
}

test("a column a new release added to an existing table is named, with the table", () => {
  expect(printed({ event: "step", step: "schema", table: "account_scores", added: ["discovered_contacts"] })).toBe(
    "  account_scores: column discovered_contacts added to the table an earlier release wrote\n",
  );
  expect(printed({ event: "step", step: "schema", table: "pair_scores", added: ["a", "b"] })).toBe(
    "  pair_scores: columns a, b added to the table an earlier release wrote\n",
  );
});

test("the scoring state, the lake databases and a gold table each read as a sentence", () => {
  expect(printed({ event: "step", step: "state", refresh: "rebuilt", reason: "no state yet", days_rebuilt: 120, days: 120 })).toBe(
    "  state: rebuilt (no state yet); 120 of 120 days rebuilt\n",
  );
  expect(printed({ event: "step", step: "lake.gold", database: "relmesh_gold", tables: ["a", "b"] })).toBe(
    "  lake.gold: 2 tables registered in lake database relmesh_gold (a, b)\n",
  );
  expect(printed({ event: "step", step: "gold.contact_colleagues", rows: 528, inserted: 528, updated: 0, deleted: 0 })).toBe(
    "  gold.contact_colleagues: 528 rows; merged +528 ~0 -0\n",
  );
});

const merged = { inserted: 2, updated: 0, deleted: 0 };

describe("a CRM export's lines", () => {
  test("rows the mapping's filter skipped are counted beside used and quarantined, and reconcile (REL-15)", () => {
    const sellers: CrmCounts = {
      rows_in: 4,
      used: 2,
      quarantined: 1,
      skipped: 1,
      quarantine_reasons: { invalid_email: 1 },
      file: "User.csv",
      filter: { keep: { UserType: ["Standard"] } },
      ...merged,
    };
    expect(crmStepLines("crm.sellers", sellers)).toEqual([
      "crm.sellers: 4 rows in = 2 used + 1 quarantined (invalid_email 1) + 1 skipped by the mapping's filter (keep UserType Standard) ✓; merged +2 ~0 -0",
    ]);
    expect(crmStepLines("crm.sellers", { ...sellers, used: 3 })[0]).toContain("✗ MISMATCH");
  });

  test("a default the mapping applied is said, and what an opt-out default means for privacy", () => {
    const contacts: CrmCounts = {
      rows_in: 3,
      used: 3,
      quarantined: 0,
      file: "Contact.csv",
      defaulted: { full_name: { column: "Name", value: null }, opted_out: { column: "HasOptedOutOfEmail", value: false } },
      ...merged,
    };
    expect(crmStepLines("crm.contacts", contacts)).toEqual([
      "crm.contacts: 3 rows in = 3 used + 0 quarantined ✓; merged +2 ~0 -0",
      "    no Name column in Contact.csv: full_name is empty for every row (the mapping's default)",
      "    no HasOptedOutOfEmail column in Contact.csv: opted_out is false for every row (the mapping's default); opt-outs are not honoured until the export carries it",
    ]);
  });

  test("an absent optional export turns the pipeline-based features off, said once per run and in the summary", () => {
    const opportunities: CrmCounts = { rows_in: 0, used: 0, quarantined: 0, absent: true, file: "Opportunity.csv" };
    const line =
      "no opportunities export: pipeline-based features off (open pipeline empty, transaction size 'No opportunities export', high priority by tier alone); Opportunity.csv is not in the export";
    expect(crmStepLines("crm.opportunities", opportunities)).toEqual([`crm.opportunities: ${line}`]);
    expect(
      crmSummaryLines({
        opportunities,
        sellers: { rows_in: 5, used: 4, quarantined: 0, skipped: 1, filter: { skip: { Type: ["", "Employee"] } } },
      }),
    ).toEqual([`opportunities: ${line}`, "sellers: 1 row skipped by the mapping's filter (skip Type (empty)/Employee)"]);
  });

  test("an export with nothing to say adds nothing to the summary", () => {
    expect(crmSummaryLines({ accounts: { rows_in: 3, used: 3, quarantined: 0, defaulted: {} } })).toEqual([]);
    expect(crmSummaryLines(undefined)).toEqual([]);
  });
});

describe("fallbacks and the data-quality warning", () => {
  const events = {
    ...counts,
    rows_in: 7,
    lines_in: 7,
    quarantined: 0,
    quarantine_reasons: {},
    copies: 7,
    distinct: 6,
    duplicate_copies: 1,
    used: 5,
    excluded: { cancelled: 1 },
    fallbacks: { meeting_length_defaulted: 1, time_zone_missing: 1 },
    with_fallback: 2,
    fallback_warning_share: 0.2,
  };

  test("the used rows that relied on a fallback are counted under the dataset, and a large share warns", () => {
    expect(reconcile("BasicDataSet_v0.CalendarView_v0", { ...events, fallback_warning: true }).lines.slice(3)).toEqual([
      "    2 of 5 used relied on a fallback: meeting length defaulted 1 (start or end without a time of day, or end not after start: duration.default_minutes used), no time zone 1 (UTC assumed)",
      "⚠ data quality: 40% of the used BasicDataSet_v0.CalendarView_v0 rows relied on a fallback (warned from 20%, data_quality.fallback_warning_share): their scores rest on assumed values; check the export",
    ]);
  });

  test("below the share the count stays and nothing warns; without fallbacks nothing is added", () => {
    expect(reconcile("BasicDataSet_v0.CalendarView_v0", { ...events, fallback_warning: false }).lines).toHaveLength(4);
    expect(reconcile("BasicDataSet_v0.CalendarView_v0", { ...events, fallbacks: {}, with_fallback: 0 }).lines).toHaveLength(3);
  });

  test("the summary repeats each warning", () => {
    const warning = { dataset: "BasicDataSet_v0.CalendarView_v0", used: 5, with_fallback: 2, fallback_warning_share: 0.2, fallbacks: {} };
    const summary = {
      accounts: 0,
      by_status: {},
      high_priority_needing_attention: 0,
      top: [],
      bottom: [],
      attention: [],
      pairs: 0,
      interactions: 0,
      quarantine: {},
      data_quality: [warning],
      outputs: { gold: "out/gold", silver: "out/silver" },
    } as unknown as RunSummary;
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, "write").mockImplementation((text) => printed.push(String(text)) > 0);
    try {
      renderSummary(summary);
    } finally {
      write.mockRestore();
    }
    expect(printed).toContain(`  ${fallbackWarning(warning)}\n`);
    expect(fallbackWarning(warning)).toBe(
      "⚠ data quality: 40% of the used BasicDataSet_v0.CalendarView_v0 rows relied on a fallback (warned from 20%, data_quality.fallback_warning_share): their scores rest on assumed values; check the export",
    );
  });
});

describe("an ERP or service-case table's lines (02_ingest_sources)", () => {
  const orders = {
    rows_in: 9,
    used: 7,
    quarantined: 2,
    quarantine_reasons: { malformed_json: 1, unknown_account: 1 },
    distinct: 5,
    superseded_versions: 2,
    contact_not_in_crm: 1,
    merged: { inserted: 5, updated: 0, deleted: 0 },
  };
  test("rows in = used + quarantined, used = orders + earlier versions, and unknown contacts are said (REL-12)", () => {
    expect(sourceStepLines("erp_orders", orders)).toEqual([
      "erp_orders: 9 rows in = 7 used + 2 quarantined (malformed_json 1, unknown_account 1) ✓",
      "    7 used = 5 orders + 2 earlier versions ✓; merged +5 ~0 -0",
      "    1 named a contact the CRM does not know: counted for the account, not for a contact",
    ]);
  });
  test("counts that do not add up are flagged, not printed with a tick", () => {
    const [first, second] = sourceStepLines("service_cases", { ...orders, used: 6, contact_not_in_crm: 0 });
    expect(first).toContain("✗ MISMATCH");
    expect(second).toContain("6 used = 5 cases + 2 earlier versions ✗ MISMATCH");
  });
});
