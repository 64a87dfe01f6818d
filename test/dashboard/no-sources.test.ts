/**
 * A stack without an ERP or a service-case source: gold's business columns are null, and the pages say
 * "–" and "(Blank)", never 0 (README, "ERP and service cases"). Fast (no Spark): built from the fixture.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { repoPath } from "../../config/files";
import { loadRuleset } from "../../config/ruleset";
import { writeDashboard } from "../../dashboard/build";
import type { DashboardData } from "../../dashboard/data";
import { CHROMIUM, openPage } from "./browser-setup";
import { sampleData } from "./fixture";
import * as read from "./page-read";

const NO_SOURCES = {
  orders_in_period: null,
  order_value_in_period: null,
  order_value_previous_period: null,
  order_trend: null,
  last_order_at: null,
  open_cases: null,
  open_escalations: null,
  escalations_in_period: null,
} as const;

function withoutSources(): DashboardData {
  const data = sampleData();
  return { ...data, account_scores: data.account_scores.map((a) => ({ ...a, ...NO_SOURCES })) };
}

(existsSync(CHROMIUM) ? describe : describe.skip)(`a stack without ERP or service cases, in Chromium (${CHROMIUM})`, () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM });
    const dashboard = writeDashboard(
      mkdtempSync(join(tmpdir(), "dashboard-nosrc-")),
      withoutSources(),
      loadRuleset(repoPath("config/ruleset.yaml")),
    );
    ({ page } = await openPage(browser, dashboard));
  }, 60_000);
  afterAll(async () => browser?.close());

  test("the account detail's order and case cards are blank (–), not 0", async () => {
    await read.openAccount(page, "a1");
    const cards = await read.cards(page, "detail-cards");
    expect([cards["Orders (period)"], cards["Open escalations"], cards["Open cases"]]).toEqual(["–", "–", "–"]);
  });

  test("the Open escalations slicer offers only (Blank), and the targets table's order trend and escalations are blank", async () => {
    await read.openPortfolio(page);
    expect((await read.options(page, "f-portfolio-open-escalations")).map((o) => o.text)).toEqual(["All", "(Blank)"]);
    const rows = await read.tableRows(page, "targets", "data-account-id");
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.cells.slice(-2)).toEqual(["–", "–"]);
  });
});
