// The functions passed to page.evaluate run in the browser: they are typed against the DOM.
/// <reference lib="dom" />
/**
 * The local dashboard in a real browser (Debian's Chromium through playwright-core), on the sample
 * tenant scored by `relmesh run`: every number on both pages equals the gold tables (read separately
 * with Spark), every filter changes what is shown as the gold rows say, an account opens from the
 * portfolio, no console errors, no request outside the folder, basic accessibility, screenshots.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { CHROMIUM, Gold, openPage, PageLog, readGold, ROOT, sampleRun, SHOTS } from "./browser-setup";
import { ATTRIBUTE, chosenAccounts, ChartView, expectedDetail, expectedPortfolio, one, slicerText, slicerValues } from "./gold-expect";
import * as read from "./page-read";

const PORTFOLIO_SLICERS = ["Industry", "Sector", "Seller", "Tier", "Transaction size", "Open escalations"];
/** The detail page's attribute slicers: the portfolio's but its account owner (Seller) and open escalations. */
const DETAIL_ATTRIBUTE_SLICERS = ["Industry", "Sector", "Tier", "Transaction size"];
const sliceId = (page: string, label: string) => `f-${page}-${label.toLowerCase().replace(/\s+/g, "-")}`;

/** Chart values are sums of doubles: equal to the gold sums up to the order of addition. Keys are compared when expected. */
function expectChart(actual: ChartView, expected: ChartView): void {
  const { keys, ...rest } = actual;
  expect({ ...rest, values: [], ...(expected.keys ? { keys } : {}) }).toEqual({ ...expected, values: [] });
  expect(actual.values).toHaveLength(expected.values.length);
  actual.values.forEach((v, i) => expect(v).toBeCloseTo(expected.values[i], 9));
}

const present = existsSync(CHROMIUM);
if (!present) {
  test.skip(`the dashboard in a real browser (skipped: no Chromium at ${CHROMIUM}; apt-get install chromium)`, () => undefined);
}

(present ? describe : describe.skip)("the dashboard in Chromium, on the sample tenant", () => {
  let browser: Browser;
  let page: Page;
  let log: PageLog;
  let gold: Gold;
  let dashboard: string;
  let stdout: string;

  beforeAll(async () => {
    const started = Date.now();
    const run = await sampleRun();
    ({ dashboard, stdout } = run);
    gold = await readGold(run.out);
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM });
    ({ page, log } = await openPage(browser, dashboard));
    process.stderr.write(`dashboard browser test: run + gold + browser ready in ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
  }, 15 * 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  test("relmesh run prints where the dashboard is", () => {
    if (stdout) expect(stdout).toContain(`Dashboard:   ${dashboard}`);
    expect(existsSync(dashboard)).toBe(true);
  });

  describe("Portfolio", () => {
    test("the cards, the high priority targets table and the four bar charts equal the gold accounts", async () => {
      await read.openPortfolio(page);
      const want = expectedPortfolio(gold, {});
      expect(await read.cards(page, "portfolio-cards")).toEqual(want.cards);
      expect(await read.tableRows(page, "targets", "data-account-id")).toEqual(want.table);
      for (const [id, chart] of Object.entries(want.charts)) expectChart(await read.barChart(page, id), chart);
      expect(want.table.length).toBeGreaterThan(0);
      await page.screenshot({ path: join(SHOTS, "portfolio.png"), fullPage: true });
    });

    test("each slicer lists the gold values, and each value leaves exactly the gold accounts it matches", async () => {
      await read.openPortfolio(page);
      for (const label of PORTFOLIO_SLICERS) {
        const id = sliceId("portfolio", label);
        const values = (await read.options(page, id)).map((o) => o.value).filter(Boolean);
        expect(new Set(values)).toEqual(new Set(slicerValues(gold, label)));
        for (const value of values) {
          await page.selectOption(`#${id}`, value);
          const want = expectedPortfolio(gold, { [label]: value });
          expect(await read.cards(page, "portfolio-cards")).toEqual(want.cards);
          expect((await read.tableRows(page, "targets", "data-account-id")).map((r) => r.id)).toEqual(want.table.map((r) => r.id));
          for (const [chartId, chart] of Object.entries(want.charts)) expectChart(await read.barChart(page, chartId), chart);
        }
        await page.selectOption(`#${id}`, "");
      }
    });

    test("the Open escalations slicer lists counts numerically, blank last, and its non-zero values leave only accounts with open escalations", async () => {
      await read.openPortfolio(page);
      const id = sliceId("portfolio", "Open escalations");
      const values = (await read.options(page, id)).map((o) => o.value).filter(Boolean);
      const counts = values.filter((v) => v !== "(Blank)").map(Number);
      expect(counts).toEqual([...counts].sort((x, y) => x - y));
      // The sample has service cases: some account has an open escalation, so the slicer has a non-zero value.
      const escalated = gold.account_scores!.filter((a) => (a.open_escalations ?? 0) > 0);
      expect(escalated.length).toBeGreaterThan(0);
      for (const value of values.filter((v) => v !== "0" && v !== "(Blank)")) {
        await page.selectOption(`#${id}`, value);
        const shown = (await read.tableRows(page, "targets", "data-account-id")).map((r) => r.id);
        const want = expectedPortfolio(gold, { "Open escalations": value }).table.map((r) => r.id);
        expect(shown).toEqual(want);
        for (const accountId of shown) expect(escalated.map((a) => a.account_id)).toContain(accountId);
      }
      await page.selectOption(`#${id}`, "");
    });

    test("slicers combine: an industry and a tier together leave the accounts matching both", async () => {
      const a = gold.account_scores!.find((x) => x.is_high_priority && x.industry)!;
      const chosen = { Industry: String(a.industry), Tier: String(a.tier) };
      for (const [label, value] of Object.entries(chosen)) await page.selectOption(`#${sliceId("portfolio", label)}`, value);
      const want = expectedPortfolio(gold, chosen);
      expect(await read.cards(page, "portfolio-cards")).toEqual(want.cards);
      expect(await read.tableRows(page, "targets", "data-account-id")).toEqual(want.table);
      await page.click("button[data-clear='portfolio']");
      expect(await read.cards(page, "portfolio-cards")).toEqual(expectedPortfolio(gold, {}).cards);
    });

    test("clicking an account in the table opens its detail with its network, checklist and touchpoints", async () => {
      await read.openPortfolio(page);
      const first = expectedPortfolio(gold, {}).table[0];
      await page.click(`#targets tr[data-account-id="${first.id}"] a`);
      await page.waitForFunction((id) => document.getElementById("page-detail")!.getAttribute("data-account-id") === id, first.id);
      await page.screenshot({ path: join(SHOTS, "detail.png"), fullPage: true });
      const want = expectedDetail(gold, first.id);
      expect(await page.evaluate(() => location.hash)).toBe(`#account=${first.id}`);
      expect(await page.textContent("#detail-name")).toBe(want.name);
      expect(await read.network(page)).toMatchObject(want.network);
      expect(await read.checklist(page)).toEqual(want.checklist);
      expectChart(await read.barChart(page, "chart-touchpoints"), want.touchpoints);
    });

    test("clicking a bar of Highest connectivity opens that account", async () => {
      await read.openPortfolio(page);
      const target = expectedPortfolio(gold, {}).charts["chart-highest"].keys![0];
      const point = await page.evaluate(() => {
        document.getElementById("chart-highest")!.scrollIntoView({ block: "center" });
        const chart = (window as any).Chart.getChart(document.getElementById("chart-highest"));
        const bar = chart.getDatasetMeta(0).data[0];
        const box = chart.canvas.getBoundingClientRect();
        return { x: box.left + (bar.x + bar.base) / 2, y: box.top + bar.y };
      });
      await page.mouse.click(point.x, point.y);
      await page.waitForFunction((id) => document.getElementById("page-detail")!.getAttribute("data-account-id") === id, target);
    });
  });

  describe("Account detail", () => {
    test("every account's cards, network, top contacts, touchpoints, event tracker, interactions, checklist and score equal gold", async () => {
      let uncovered = 0;
      const replied: string[] = [];
      const business: Array<{ orders: string; escalations: string; cases: string }> = [];
      const sourceSeries = new Set<string>();
      for (const a of gold.account_scores!) {
        await read.openAccount(page, a.account_id);
        const want = expectedDetail(gold, a.account_id);
        expect(await page.textContent("#detail-name")).toBe(want.name);
        expect(await read.cards(page, "detail-cards")).toEqual(want.cards);
        if (a.contact_replies > 0) replied.push(want.cards["Median reply (contact)"]);
        if (a.seller_replies > 0) replied.push(want.cards["Median reply (seller)"]);
        if ((a.orders_in_period ?? 0) > 0 && (a.open_escalations ?? 0) > 0) {
          const shown = await read.cards(page, "detail-cards");
          business.push({ orders: shown["Orders (period)"], escalations: shown["Open escalations"], cases: shown["Open cases"] });
        }
        expect(await read.network(page)).toMatchObject(want.network);
        expect((await read.tableRows(page, "top-contacts", "data-contact-id")).map((r) => r.cells)).toEqual(want.topContacts);
        expectChart(await read.barChart(page, "chart-touchpoints"), want.touchpoints);
        const events = await read.stackedChart(page, "chart-events");
        expect(events).toEqual(want.events);
        for (const s of events.series) sourceSeries.add(s.name);
        expect((await read.tableRows(page, "interactions", "data-contact-id")).map((r) => r.cells)).toEqual(want.interactions);
        expect(await read.checklist(page)).toEqual(want.checklist);
        if (want.checklist.length) expect((await page.textContent("#checklist .met"))?.trim()).toBe(want.checklistMet);
        // Why this score: the touchpoints by rank, and the rule rebuilt from gold columns lands on the gold score.
        expect(await page.$$eval("#why tr[data-rank]", (trs) => trs.map((t) => t.getAttribute("data-rank")))).toEqual(want.whyRanks);
        expect((await page.textContent("#why tr[data-term='score'] td[data-col='points']"))?.trim()).toBe(one(a.connectivity_score));
        if (a.connectivity_score < 100) {
          expect((await page.textContent("#why tr[data-term='single_threaded'] td[data-col='points']"))?.trim()).toBe(
            one(a.connectivity_score),
          );
        }
        if (a.status === "no_coverage") uncovered += 1;
      }
      expect(uncovered).toBeGreaterThan(0); // the sample has an account nobody touches, and it renders
      // The reply-time cards show a value (days) wherever the account's contacts replied, and the sample has such accounts.
      expect(replied.length).toBeGreaterThan(0);
      for (const value of replied) expect(value).toMatch(/^\d+\.\d days$/);
      // The sample has accounts with orders and open escalations: their cards show numbers, not blanks.
      expect(business.length).toBeGreaterThan(0);
      for (const b of business) {
        expect(b.orders).toMatch(/^[1-9]\d* · \d+(\.\d)?[kM]? · (down|up|steady|none)$/);
        expect(b.escalations).toMatch(/^[1-9]\d*$/);
        expect(b.cases).toMatch(/^[1-9]\d*$/);
      }
      // The event tracker has the ERP orders and service cases as their own series, by their readable names.
      expect(sourceSeries).toEqual(new Set(["Email", "Meeting", "ERP order", "Service case"]));
    }, 300_000);

    test("the Seller slicer narrows the network, touchpoints, event tracker and interactions to that colleague", async () => {
      const pair = [...gold.pair_scores!].sort((x, y) => y.score - x.score)[0];
      await read.openAccount(page, pair.account_id);
      const sellerOptions = await read.options(page, "f-detail-seller");
      expect(
        sellerOptions
          .filter((o) => o.value)
          .map((o) => o.value)
          .sort(),
      ).toEqual(gold.dim_seller!.map((s) => s.seller_id).sort());
      await page.selectOption("#f-detail-seller", pair.seller_id);
      const want = expectedDetail(gold, pair.account_id, pair.seller_id);
      expect(await read.network(page)).toMatchObject({ ...want.network, sellers: 1 });
      expectChart(await read.barChart(page, "chart-touchpoints"), want.touchpoints);
      expect(await read.stackedChart(page, "chart-events")).toEqual(want.events);
      expect((await read.tableRows(page, "interactions", "data-contact-id")).map((r) => r.cells)).toEqual(want.interactions);
      // The account's own numbers are not seller-keyed: they stay the account's.
      expect(await read.cards(page, "detail-cards")).toEqual(want.cards);
      await page.selectOption("#f-detail-seller", "");
    });

    test("the attribute slicers narrow the Account slicer to the gold accounts that match, by name", async () => {
      await read.openAccount(page, gold.account_scores![0].account_id);
      for (const label of DETAIL_ATTRIBUTE_SLICERS) {
        const id = sliceId("detail", label);
        for (const value of (await read.options(page, id)).map((o) => o.value).filter(Boolean)) {
          await page.selectOption(`#${id}`, value);
          const want = chosenAccounts(gold, { [label]: value }).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
          expect((await read.options(page, "f-detail-account")).map((o) => o.text)).toEqual(want.map((a) => a.name));
          const shown = await page.getAttribute("#page-detail", "data-account-id");
          expect(want.map((a) => a.account_id)).toContain(shown);
          expect(slicerText(gold.account_scores!.find((a) => a.account_id === shown)![ATTRIBUTE[label]])).toBe(value);
        }
        await page.selectOption(`#${id}`, "");
      }
    });
  });

  describe("safety and accessibility", () => {
    test("axe finds no serious or critical violation on either page (labels, contrast, names)", async () => {
      const axe = readFileSync(join(dirname(require.resolve("axe-core")), "axe.min.js"), "utf8");
      // Through the DevTools protocol: the page's policy would block an injected <script>. preload off:
      // axe would otherwise re-read the stylesheet with a request, which the policy (rightly) refuses.
      await page.evaluate(axe);
      for (const open of [() => read.openPortfolio(page), () => read.openAccount(page, gold.account_scores![0].account_id)]) {
        await open();
        const result = await page.evaluate(() =>
          (window as any).axe.run(document, {
            preload: false,
            runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"] },
          }),
        );
        const serious = result.violations
          .filter((v: any) => v.impact === "serious" || v.impact === "critical")
          .map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(" ")).join(", ")}`);
        expect(serious).toEqual([]);
        const ran = [...result.passes, ...result.violations, ...result.incomplete, ...result.inapplicable].map((r: any) => r.id);
        for (const rule of ["label", "color-contrast", "button-name", "link-name", "select-name"]) expect(ran).toContain(rule);
      }
    });

    test("Tab reaches the filters, and the focused control shows a visible outline", async () => {
      // A fresh load, so Tab starts from the top of the page as it does for a person opening it.
      await page.evaluate(() => (location.hash = "portfolio"));
      await page.reload();
      await page.waitForSelector("body[data-ready]");
      const reached: string[] = [];
      for (let i = 0; i < 12 && !reached.includes(sliceId("portfolio", "Industry")); i++) {
        await page.keyboard.press("Tab");
        reached.push(await page.evaluate(() => document.activeElement?.id ?? ""));
      }
      expect(reached).toContain(sliceId("portfolio", "Industry"));
      const outline = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement!);
        return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
      });
      expect(outline.style).not.toBe("none");
      expect(outline.width).toBeGreaterThanOrEqual(2);
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(sliceId("portfolio", "Sector"));
    });

    test("no console error or warning, and no request outside the dashboard folder", () => {
      expect(log.problems).toEqual([]);
      const folder = `file://${dirname(dashboard)}/`;
      expect(log.requests.filter((u) => !u.startsWith(folder))).toEqual([]);
      expect(log.requests.length).toBeGreaterThan(10);
    });

    test("the screenshots of both pages are written", () => {
      for (const shot of ["portfolio.png", "detail.png"]) expect(readFileSync(join(SHOTS, shot)).subarray(1, 4).toString()).toBe("PNG");
      expect(SHOTS.startsWith(join(ROOT, ".relmesh"))).toBe(true);
    });
  });
});
