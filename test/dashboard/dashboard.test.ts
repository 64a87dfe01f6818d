import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runInNewContext } from "node:vm";
import { loadRuleset } from "../../config/ruleset";
import { repoPath } from "../../config/files";
import { APP_SCRIPTS, CONTENT_SECURITY_POLICY, DATA_GLOBAL, dataScript, indexHtml, VENDOR, writeDashboard } from "../../dashboard/build";
import { scoreFactors } from "../../dashboard/data";
import { sampleData } from "./fixture";

const RULESET = loadRuleset(repoPath("config/ruleset.yaml"));
const HOSTILE = 'Woodgrove </script><img src=x onerror=alert(1)> "&" Co';

/** The folder a dashboard build writes, once for the tests below. */
function build(): string {
  const out = mkdtempSync(join(tmpdir(), "dashboard-"));
  writeDashboard(out, sampleData({ name: HOSTILE }), RULESET);
  return join(out, "dashboard");
}

const walk = (dir: string, prefix = ""): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`],
  );

describe("the dashboard folder", () => {
  const dir = build();

  test("holds the page, its scripts, its stylesheet, the data and the two libraries with their licences", () => {
    expect(walk(dir).sort()).toEqual(
      ["index.html", "style.css", "data.js", ...APP_SCRIPTS, ...VENDOR.flatMap((v) => [`vendor/${v.as}`, `vendor/${v.licenseAs}`])].sort(),
    );
    expect(readFileSync(join(dir, "vendor", "chart.js.LICENSE.md"), "utf8")).toMatch(/MIT License/);
    expect(readFileSync(join(dir, "vendor", "cytoscape.LICENSE"), "utf8")).toMatch(/Permission is hereby granted/);
  });

  test("names no http(s) address in its own files, and the libraries only in their attribution comments", () => {
    const own = walk(dir).filter((f) => !f.startsWith("vendor/"));
    expect(own.filter((f) => /https?:\/\//.test(readFileSync(join(dir, f), "utf8")))).toEqual([]);
    // The minified libraries name their home pages and licences in comments; none is a resource they load.
    const urls = VENDOR.flatMap((v) => readFileSync(join(dir, "vendor", v.as), "utf8").match(/https?:\/\/[^"'\s)]+/g) ?? []);
    expect([...new Set(urls)].sort()).toEqual([
      "http://en.wikipedia.org/wiki/MIT_License",
      "http://engelschall.com",
      "http://opensource.org/licenses/MIT",
      "https://github.com/gre/bezier-easing",
      "https://github.com/kurkle/color#readme",
      "https://www.chartjs.org",
    ]);
  });

  test("loads every script and the stylesheet from the folder, under a policy that allows nothing else", () => {
    const html = readFileSync(join(dir, "index.html"), "utf8");
    const sources = [...html.matchAll(/<(?:script|link)[^>]+(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(["style.css", ...VENDOR.map((v) => `vendor/${v.as}`), "data.js", ...APP_SCRIPTS]);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">`);
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self';/);
    expect(html).not.toMatch(/<script>|<style>|\sstyle=|\son[a-z]+=/i);
  });

  test("puts no data in the page itself: index.html is the same for any data", () => {
    expect(readFileSync(join(dir, "index.html"), "utf8")).toBe(indexHtml());
  });
});

describe("the data file", () => {
  const data = sampleData({ name: HOSTILE });
  const script = dataScript({ data, factors: scoreFactors(RULESET) });

  test("escapes < so no CRM name can end a script element", () => {
    expect(script).not.toContain("</script>");
    expect(script).not.toContain("<img");
    expect(script).toContain('Woodgrove \\u003c/script>\\u003cimg src=x onerror=alert(1)> \\"&\\" Co');
  });

  test("sets one global holding exactly the rows and the ruleset's factors", () => {
    const window: Record<string, any> = {};
    runInNewContext(script, { window });
    expect(window[DATA_GLOBAL].data.account_scores[0].name).toBe(HOSTILE);
    expect(window[DATA_GLOBAL]).toEqual({ data, factors: scoreFactors(RULESET) });
  });

  test("carries the ruleset's weights, single-threaded factor, half-life, source weights and transaction bands", () => {
    expect(scoreFactors(RULESET)).toEqual({
      weights: { depth: 0.5, breadth: 0.3, executive: 0.2 },
      single_threaded_factor: 0.8,
      depth_top_n: 3,
      breadth_target: 5,
      engaged_min_score: 20,
      half_life_days: 90,
      sources: { email: 1.0, meeting: 3.0, erp_order: 1.0, service_case: 0.5 },
      transaction_size: RULESET.transaction_size,
    });
  });

  test("holds no email address", () => {
    expect(script).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
  });
});

describe("the browser app", () => {
  const app = join(__dirname, "..", "..", "dashboard", "app");

  test("never writes HTML from strings: every value goes in with textContent or setAttribute", () => {
    const offenders = readdirSync(app)
      .filter((f) => f.endsWith(".js"))
      .filter((f) =>
        /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/.test(readFileSync(join(app, f), "utf8")),
      );
    expect(offenders).toEqual([]);
  });

  test("lists every script it has in the load order the builder writes", () => {
    expect(
      readdirSync(app)
        .filter((f) => f.endsWith(".js"))
        .sort(),
    ).toEqual([...APP_SCRIPTS].sort());
    expect(existsSync(join(app, "style.css"))).toBe(true);
  });
});
