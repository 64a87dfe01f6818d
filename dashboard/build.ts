/**
 * Writes the local two-page dashboard: a self-contained folder that opens from file:// with no
 * network. The browser app (dashboard/app/) and the two libraries (Chart.js, cytoscape) are copied
 * next to a data.js that sets one global; nothing is fetched, so the page works from a mail
 * attachment or a USB stick, and the Content-Security-Policy allows only the folder's own files.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { canonicalJson } from "../config/json";
import { REPO_ROOT } from "../config/files";
import type { Ruleset } from "../config/ruleset";
import { DashboardData, scoreFactors, ScoreFactors } from "./data";

/** The app's scripts in load order: each adds its part to `window.RM`; main.js starts the app. */
export const APP_SCRIPTS = [
  "format.js",
  "measures.js",
  "filters.js",
  "charts.js",
  "portfolio.js",
  "network.js",
  "detail.js",
  "why.js",
  "main.js",
];

/** The bundled libraries: copied from node_modules with their licences, never loaded from a CDN. */
export const VENDOR = [
  { pkg: "chart.js", file: "dist/chart.umd.min.js", as: "chart.umd.min.js", license: "LICENSE.md", licenseAs: "chart.js.LICENSE.md" },
  { pkg: "cytoscape", file: "dist/cytoscape.min.js", as: "cytoscape.min.js", license: "LICENSE", licenseAs: "cytoscape.LICENSE" },
] as const;

/**
 * 'self' matches the folder's own file: URLs in Chromium (the browser test proves it), so the page may
 * load its own scripts and stylesheet and nothing else: no inline script, no network, no frames.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";

/** The global data.js sets; the app reads it once at start. */
export const DATA_GLOBAL = "RELMESH_DASHBOARD";

/** What data.js carries: the gold rows and the ruleset's factors. */
export interface DashboardPayload {
  data: DashboardData;
  factors: ScoreFactors;
}

/**
 * data.js's text. JSON is valid JavaScript, but `<` is escaped so that no CRM name can close a
 * script element if the file is ever inlined, and U+2028/2029 for older parsers.
 */
export function dataScript(payload: DashboardPayload): string {
  const json = canonicalJson(payload)
    .replace(/</g, "\\u003c")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return `// Written by relmesh: the gold tables this dashboard shows (no email addresses).\nwindow.${DATA_GLOBAL} = ${json};\n`;
}

const FILTERS = {
  portfolio: ["Industry", "Sector", "Seller", "Tier", "Transaction size", "Open escalations"],
  detail: ["Account", "Industry", "Sector", "Seller", "Tier", "Transaction size"],
} as const;

function filterBar(page: keyof typeof FILTERS): string {
  const controls = FILTERS[page]
    .map((label) => {
      const id = `f-${page}-${label.toLowerCase().replace(/\s+/g, "-")}`;
      return `<div class="filter"><label for="${id}">${label}</label><select id="${id}" data-filter="${label}"></select></div>`;
    })
    .join("\n      ");
  return `<form class="filters" aria-label="${page === "portfolio" ? "Portfolio" : "Account detail"} filters">
      ${controls}
      <button type="button" class="clear" data-clear="${page}">Clear filters</button>
    </form>`;
}

/**
 * The page skeleton: static text only; every value from the data is put in by the app with textContent.
 * The stylesheet's id is cytoscape's: cytoscape injects an inline <style> (its container rule) unless an
 * element with that id exists, and the policy blocks inline styles, so style.css carries the rule instead.
 */
export function indexHtml(): string {
  const scripts = [...VENDOR.map((v) => `vendor/${v.as}`), "data.js", ...APP_SCRIPTS]
    .map((src) => `<script src="${src}" defer></script>`)
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<title>Relationship Mesh</title>
<link rel="stylesheet" href="style.css" id="__________cytoscape_stylesheet">
${scripts}
</head>
<body>
<header class="top">
  <div class="brand"><h1>Relationship Mesh</h1><p class="asof" id="as-of"></p></div>
  <nav class="tabs" aria-label="Pages">
    <a href="#portfolio" id="tab-portfolio" data-page="portfolio">Portfolio</a>
    <a href="#account" id="tab-detail" data-page="detail">Account detail</a>
  </nav>
</header>
<main>
  <section id="page-portfolio" class="page" aria-labelledby="tab-portfolio">
    ${filterBar("portfolio")}
    <div class="cards" id="portfolio-cards"></div>
    <div class="grid2">
      <figure class="panel chart"><figcaption>Highest connectivity</figcaption><div class="canvas-box"><canvas id="chart-highest" role="img" aria-label="Highest connectivity"></canvas></div></figure>
      <figure class="panel chart"><figcaption>Lowest connectivity</figcaption><div class="canvas-box"><canvas id="chart-lowest" role="img" aria-label="Lowest connectivity"></canvas></div></figure>
      <figure class="panel chart"><figcaption>Days since last email</figcaption><div class="canvas-box"><canvas id="chart-email-gap" role="img" aria-label="Days since last email"></canvas></div></figure>
      <figure class="panel chart"><figcaption>Days since last meeting</figcaption><div class="canvas-box"><canvas id="chart-meeting-gap" role="img" aria-label="Days since last meeting"></canvas></div></figure>
    </div>
    <section class="panel"><h2 id="targets-title">High priority targets</h2><div class="table-box" id="targets"></div></section>
  </section>
  <section id="page-detail" class="page" aria-labelledby="tab-detail" hidden>
    ${filterBar("detail")}
    <div class="account-head"><h2 id="detail-name"></h2><span id="detail-status" class="badge"></span><p id="detail-attrs" class="muted"></p></div>
    <div class="cards" id="detail-cards"></div>
    <div class="grid2">
      <section class="panel"><h3>Network</h3><p class="muted legend"><span class="key seller"></span>Seller <span class="key contact"></span>Contact <span class="key executive"></span>Executive · line width = pair score</p><div id="network" class="network" role="img" aria-label="Network of sellers and contacts"></div></section>
      <section class="panel"><h3>Top contacts</h3><div class="table-box" id="top-contacts"></div></section>
      <figure class="panel chart"><figcaption>Top relationship touchpoints</figcaption><div class="canvas-box"><canvas id="chart-touchpoints" role="img" aria-label="Top relationship touchpoints"></canvas></div></figure>
      <figure class="panel chart"><figcaption>Event tracker</figcaption><div class="canvas-box"><canvas id="chart-events" role="img" aria-label="Event tracker: interactions per week by source"></canvas></div></figure>
      <section class="panel"><h3>Interactions</h3><div class="table-box" id="interactions"></div></section>
      <section class="panel"><h3>Prospecting checklist</h3><div id="checklist"></div></section>
    </div>
    <section class="panel why"><h3>Why this score</h3><div id="why"></div></section>
  </section>
</main>
</body>
</html>
`;
}

/**
 * Writes `<outDir>/dashboard/` (replacing what an earlier run wrote there) and returns the path of
 * its index.html. `rules` is the loaded ruleset the scores were computed with.
 */
export function writeDashboard(outDir: string, data: DashboardData, rules: Ruleset): string {
  const dir = join(outDir, "dashboard");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "vendor"), { recursive: true });
  const app = join(REPO_ROOT, "dashboard", "app");
  for (const file of [...APP_SCRIPTS, "style.css"]) copyFileSync(join(app, file), join(dir, file));
  for (const v of VENDOR) {
    const pkg = join(REPO_ROOT, "node_modules", v.pkg);
    copyFileSync(join(pkg, v.file), join(dir, "vendor", v.as));
    copyFileSync(join(pkg, v.license), join(dir, "vendor", v.licenseAs));
  }
  writeFileSync(join(dir, "data.js"), dataScript({ data, factors: scoreFactors(rules) }));
  const index = join(dir, "index.html");
  writeFileSync(index, indexHtml());
  return index;
}
