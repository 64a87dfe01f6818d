import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DashboardData, renderDashboard, writeDashboard } from "../../cli/dashboard";

const account = (over: Partial<DashboardData["accounts"][number]>): DashboardData["accounts"][number] => ({
  account_id: "a1",
  name: "Fabrikam",
  tier: 1,
  connectivity_score: 72.5,
  status: "good_standing",
  days_since_last_interaction: 3,
  connected_contacts: 5,
  connected_sellers: 2,
  exec_coverage: true,
  single_threaded: false,
  is_high_priority: false,
  open_pipeline: 0,
  trend: 1.5,
  ...over,
});

const DATA: DashboardData = {
  as_of: "2026-11-16",
  accounts: [
    account({
      account_id: "a2",
      name: "Woodgrove <script>alert(1)</script>",
      status: "needs_attention",
      is_high_priority: true,
      connectivity_score: 5.3,
      trend: -1.3,
      single_threaded: true,
    }),
    account({}),
    account({
      account_id: "a3",
      name: "Tailspin",
      status: "no_coverage",
      connectivity_score: 0,
      days_since_last_interaction: null,
      connected_contacts: 0,
      connected_sellers: 0,
    }),
  ],
  checklist: {
    a1: [{ item: "exec_meeting_180d", description: "Met a CEO within 180 days", satisfied: true, evidence_at: "2026-10-01T10:00:00" }],
    a2: [{ item: "exec_meeting_180d", description: "Met a CEO within 180 days", satisfied: false, evidence_at: null }],
  },
  touchpoints: { a1: [{ rank: 1, source: "meeting", direction: "mutual", occurred_at: "2026-11-13T09:00:00", share: 0.42 }] },
};

/** Debian's Chromium, installed by .ci/run; the browser test runs wherever it is present. */
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));

describe("the local dashboard", () => {
  const html = renderDashboard(DATA);

  test("escapes names that come from the CRM", () => {
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("Woodgrove &lt;script&gt;alert(1)&lt;/script&gt;");
  });

  test("allows no script at all (Content-Security-Policy)", () => {
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/<script/i);
  });

  test("counts accounts by status and flags high priority needing attention", () => {
    expect(html).toMatch(/<b>3<\/b>accounts/);
    expect(html).toMatch(/<b>1<\/b>need attention/);
    expect(html).toMatch(/<b>1<\/b>no coverage/);
    expect(html).toMatch(/<b>1<\/b>high priority needing attention/);
  });

  test("shows the checklist with its evidence date and the top touchpoints", () => {
    expect(html).toContain('title="Met a CEO within 180 days (2026-10-01)">✓');
    expect(html).toContain("meeting mutual 2026-11-13 (42%)");
    expect(html).toContain("single-threaded");
  });

  (CHROMIUM ? test : test.skip)(
    "a real headless Chromium renders the accounts a person would read",
    () => {
      const dir = mkdtempSync(join(tmpdir(), "dashboard-"));
      const page = writeDashboard(dir, DATA);
      const common = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", `--user-data-dir=${join(dir, "profile")}`];
      const dom = spawnSync(CHROMIUM!, [...common, "--dump-dom", `file://${page}`], { encoding: "utf8", timeout: 60_000 });
      expect(dom.status).toBe(0);
      const text = dom.stdout.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
      expect(text).toContain("Relationship Mesh");
      // The CRM name is a text node in the parsed page (serialised back with entities), never an element.
      expect(text).toContain("Woodgrove &lt;script&gt;alert(1)&lt;/script&gt;");
      expect(dom.stdout).not.toMatch(/<script/i);
      expect(text).toMatch(/Needs attention .*Good standing .*No coverage/);
      const shot = join(dir, "shot.png");
      const png = spawnSync(CHROMIUM!, [...common, "--window-size=1400,500", `--screenshot=${shot}`, `file://${page}`], {
        timeout: 60_000,
      });
      expect(png.status).toBe(0);
      expect(readFileSync(shot).subarray(1, 4).toString()).toBe("PNG");
      expect(statSync(shot).size).toBeGreaterThan(10_000);
    },
    120_000,
  );
});
