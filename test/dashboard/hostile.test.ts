// The functions passed to page.evaluate run in the browser: they are typed against the DOM.
/// <reference lib="dom" />
/**
 * A CRM name written to attack the page stays text in a real browser: no element, no script, no
 * dialog, on both pages. Fast (no Spark): the dashboard is built from a small fixture.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { loadRuleset } from "../../config/ruleset";
import { repoPath } from "../../config/files";
import { CONTENT_SECURITY_POLICY, writeDashboard } from "../../dashboard/build";
import { CHROMIUM, openPage } from "./browser-setup";
import { sampleData } from "./fixture";

const HOSTILE = `Woodgrove </script><img src=x onerror="document.title='pwned'"><b id=injected>"&"</b>`;

(existsSync(CHROMIUM) ? describe : describe.skip)(`a hostile account name in Chromium (${CHROMIUM})`, () => {
  let browser: Browser;
  beforeAll(async () => {
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM });
  }, 60_000);
  afterAll(async () => browser?.close());

  test("the policy holds from file://: the folder's own scripts run, an inline script and an outside image do not", async () => {
    const dashboard = writeDashboard(
      mkdtempSync(join(tmpdir(), "dashboard-csp-")),
      sampleData(),
      loadRuleset(repoPath("config/ruleset.yaml")),
    );
    const { page, log } = await openPage(browser, dashboard); // resolves once main.js has run: 'self' matched the file: scripts
    expect(await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', "content")).toBe(CONTENT_SECURITY_POLICY);
    expect(log.problems).toEqual([]);
    const failed: string[] = [];
    page.on("requestfailed", (r) => failed.push(`${r.url()} ${r.failure()?.errorText}`));
    const ran = await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.body.appendChild(script);
      const img = document.createElement("img");
      img.src = "https://example.invalid/pixel.png";
      document.body.appendChild(img);
      return (window as any).inlineRan === true;
    });
    expect(ran).toBe(false);
    await page.waitForTimeout(200);
    expect(log.problems.filter((p) => /Content Security Policy/.test(p))).toHaveLength(2);
    // Chromium reports the image request, then refuses it for the policy ("csp") before it reaches the network.
    expect(failed).toEqual(["https://example.invalid/pixel.png csp"]);
  }, 60_000);

  test("shows as the same text on both pages, and adds no element, script or dialog", async () => {
    const data = sampleData({ name: HOSTILE, account_id: "a1" });
    data.account_scores.splice(1, 1); // one account a1: the hostile one owns the fixture's pairs
    const dashboard = writeDashboard(mkdtempSync(join(tmpdir(), "dashboard-hostile-")), data, loadRuleset(repoPath("config/ruleset.yaml")));
    const { page, log } = await openPage(browser, dashboard);
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    expect(await page.textContent("#targets tr[data-account-id='a1'] a")).toBe(HOSTILE);
    await page.click("#targets tr[data-account-id='a1'] a");
    await page.waitForFunction(() => document.getElementById("page-detail")!.getAttribute("data-account-id") === "a1");
    expect(await page.textContent("#detail-name")).toBe(HOSTILE);
    expect(await page.$$eval("#f-detail-account option", (os) => os.map((o) => o.textContent))).toContain(HOSTILE);
    expect(await page.$("#injected")).toBeNull();
    expect(await page.$("img")).toBeNull();
    expect(await page.title()).toBe("Relationship Mesh");
    expect(dialogs).toEqual([]);
    expect(log.problems).toEqual([]);
  }, 60_000);
});
