/**
 * What the real-browser test stands on: the sample tenant run through the command line (as a person
 * runs it), the gold tables read back independently with local Spark (test/dashboard/read_gold.py),
 * and a Chromium page that records every console problem and every request.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runInNewContext } from "node:vm";
import type { Browser, Page } from "playwright-core";
import { repoPath } from "../../config/files";
import { loadRuleset } from "../../config/ruleset";
import { DATA_GLOBAL, type DashboardPayload, writeDashboard } from "../../dashboard/build";
import { ensurePythonEnv } from "../../cli/pyenv";

export const ROOT = resolve(__dirname, "..", "..");
/** Debian's Chromium; no browser is downloaded. */
export const CHROMIUM = "/usr/bin/chromium";
/** Where the screenshots go: under .relmesh/, which git ignores. */
export const SHOTS = join(ROOT, ".relmesh", "test-output", "dashboard");

/** The gold rows as Spark reads them: one array per table, or null for a table the run did not write. */
export type Gold = Record<
  "account_scores" | "pair_scores" | "who_knows_whom" | "interactions_weekly" | "checklist" | "touchpoints" | "dim_seller" | "dim_contact",
  any[] | null
>;

/** Runs a command, resolving with its stdout; rejects with its output when it fails. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (err += c.toString()));
    child.on("error", fail);
    child.on("close", (code) =>
      code === 0
        ? done(out)
        : fail(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${out.slice(-3000)}\n${err.slice(-3000)}`)),
    );
  });
}

/**
 * The sample tenant, scored by `relmesh run`, with its dashboard. RELMESH_TEST_DASHBOARD_RUN=DIR
 * reuses the output folder of an earlier run (DIR/out, written by this setup) while iterating locally:
 * its dashboard is rebuilt from its data.js with the current app.
 */
export async function sampleRun(): Promise<{ out: string; dashboard: string; stdout: string }> {
  const reuse = process.env.RELMESH_TEST_DASHBOARD_RUN;
  const dir = reuse ?? mkdtempSync(join(tmpdir(), "relmesh-dashboard-"));
  const out = join(dir, "out");
  const cli = join(ROOT, "bin", "relmesh.js");
  let stdout = "";
  const dataJs = join(out, "dashboard", "data.js");
  if (!reuse || !existsSync(dataJs)) {
    await run(process.execPath, [cli, "sample", "--out", join(dir, "sample")]);
    stdout = await run(process.execPath, [cli, "run", "--data", join(dir, "sample"), "--out", out]);
  } else {
    const window: Record<string, DashboardPayload> = {};
    runInNewContext(readFileSync(dataJs, "utf8"), { window });
    writeDashboard(out, window[DATA_GLOBAL].data, loadRuleset(repoPath("config/ruleset.yaml")));
  }
  return { out, dashboard: join(out, "dashboard", "index.html"), stdout };
}

/** The gold tables of a run, read by read_gold.py in the project's Spark environment. */
export async function readGold(out: string): Promise<Gold> {
  const python = await ensurePythonEnv();
  const text = await run(python.python, [join(__dirname, "read_gold.py"), out], python.env);
  return JSON.parse(text) as Gold;
}

/** Problems the page reports: console errors and warnings, uncaught errors, requests outside the folder. */
export interface PageLog {
  problems: string[];
  requests: string[];
}

/** A 1366×768 page that logs its problems and every request it makes. */
export async function openPage(browser: Browser, dashboard: string): Promise<{ page: Page; log: PageLog }> {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const log: PageLog = { problems: [], requests: [] };
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") log.problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => log.problems.push(`page error: ${e.message}`));
  page.on("request", (r) => log.requests.push(r.url()));
  await page.goto(`file://${dashboard}`);
  await page.waitForSelector("body[data-ready]");
  mkdirSync(SHOTS, { recursive: true });
  return { page, log };
}
