import { dirname, join } from "node:path";
import { runStreaming } from "./proc";
import { ensurePythonEnv, REPO_ROOT } from "./pyenv";

const bin = (name: string) => join(REPO_ROOT, "node_modules", ".bin", name);

async function stage(title: string, command: string, args: string[], env?: NodeJS.ProcessEnv, fix?: string): Promise<boolean> {
  process.stdout.write(`\n=== ${title} ===\n`);
  const started = Date.now();
  const code = await runStreaming(command, args, { cwd: REPO_ROOT, env: env ?? process.env });
  return reportStage(title, code, started, fix);
}

/** The stage's end: its time (to see where the suite's time goes), or how it failed and how to fix it. */
function reportStage(title: string, code: number, started: number, fix?: string): boolean {
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (code !== 0) process.stdout.write(`=== ${title}: FAILED (exit ${code}) after ${seconds} s${fix ? `; to fix: ${fix}` : ""} ===\n`);
  else process.stdout.write(`=== ${title}: passed in ${seconds} s ===\n`);
  return code === 0;
}

/**
 * A stage that runs beside the others: its output is held back until `show()`, then printed whole and
 * followed live, so two stages never interleave their lines.
 */
function backgroundStage(title: string, command: string, args: string[], env: NodeJS.ProcessEnv) {
  const held: string[] = [];
  let live = false;
  const started = Date.now();
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const onLine = (line: string) => (live ? print(line) : held.push(line));
  const done = runStreaming(command, args, { cwd: REPO_ROOT, env, onLine }).catch((error: Error) => {
    held.push(`could not start ${command}: ${error.message}`);
    return 1;
  });
  return {
    async show(): Promise<boolean> {
      process.stdout.write(`\n=== ${title} (started beside the stages above) ===\n`);
      held.splice(0).forEach(print);
      live = true;
      return reportStage(title, await done, started);
    },
  };
}

/** ruff, from the pinned Python environment (config/runtime.ts pins its version). */
async function ruff(): Promise<{ command: string; env: NodeJS.ProcessEnv }> {
  const python = await ensurePythonEnv();
  return { command: join(dirname(python.python), "ruff"), env: python.env };
}

// The caches live under node_modules/.cache, out of the repository and rebuilt by `npm ci`.
const ESLINT_CACHE = ["--cache", "--cache-location", join("node_modules", ".cache", "eslint", ".eslintcache")];
const PRETTIER_CACHE = ["--cache", "--cache-location", join("node_modules", ".cache", "prettier", ".prettier-cache")];

/**
 * `npm run lint`: ESLint and Prettier on the TypeScript, ruff (lint and format) on the Python. Every
 * check runs, so one failure does not hide another; each failure says how to fix it.
 */
export async function lintOnly(): Promise<number> {
  const started = Date.now();
  const py = await ruff();
  const results = [
    await stage(
      "lint: eslint",
      bin("eslint"),
      [".", ...ESLINT_CACHE],
      undefined,
      "fix the findings above by hand (`npx eslint --fix .` fixes some)",
    ),
    await stage("lint: prettier --check", bin("prettier"), ["--check", ".", ...PRETTIER_CACHE], undefined, "`npm run format`"),
    await stage(
      "lint: ruff check",
      py.command,
      ["check", "."],
      py.env,
      "`npm run format` (import order, long lines of code), then fix what remains above by hand",
    ),
    await stage("lint: ruff format --check", py.command, ["format", "--check", "."], py.env, "`npm run format`"),
  ];
  const failed = results.filter((ok) => !ok).length;
  process.stdout.write(
    `=== lint: ${failed ? `${failed} of ${results.length} checks failed` : "clean"} in ${((Date.now() - started) / 1000).toFixed(1)} s ===\n`,
  );
  return failed ? 1 : 0;
}

/** `npm run format`: Prettier, ruff's safe fixes (import order) and ruff format, written in place. */
export async function formatAll(): Promise<number> {
  const py = await ruff();
  const results = [
    await stage("format: prettier --write", bin("prettier"), ["--write", ".", ...PRETTIER_CACHE]),
    await stage("format: ruff check --fix-only", py.command, ["check", "--fix-only", "."], py.env),
    await stage("format: ruff format", py.command, ["format", "."], py.env),
  ];
  return results.every((ok) => ok) ? 0 : 1;
}

const PYTEST_TITLE = "pytest (notebooks on local Spark)";
// The ten slowest tests are listed, so where the suite's time goes is seen on every run.
const pytestArgs = (argv: string[]) => ["-m", "pytest", "test/notebooks", "-q", "-rs", "--durations=10", "-p", "no:cacheprovider", ...argv];

/** The notebook tests: pytest on local Spark, in the project's pinned Python environment. */
export async function pytestOnly(argv: string[]): Promise<number> {
  const python = await ensurePythonEnv();
  return (await stage(PYTEST_TITLE, python.python, pytestArgs(argv), python.env)) ? 0 : 1;
}

/**
 * `npm test`: lint, type-check, jest, pytest. Every stage runs, so one failure does not hide another.
 * pytest, the longest stage, runs beside the others rather than after them: its one Spark driver keeps
 * about one of two cores busy, and the TypeScript stages use the other.
 */
export async function selftest(argv: string[]): Promise<number> {
  const started = Date.now();
  // Before anything runs side by side: on a fresh clone this installs the Python environment, once.
  const python = await ensurePythonEnv();
  const pytest = backgroundStage(PYTEST_TITLE, python.python, pytestArgs([]), python.env);
  const results = [
    (await lintOnly()) === 0,
    await stage("type-check (tsc --noEmit)", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]),
    // The dashboard's browser app is plain JavaScript (no bundler): its JSDoc types are checked against the DOM.
    await stage("type-check the dashboard app (tsc -p dashboard/app)", bin("tsc"), ["-p", "dashboard/app"]),
    await stage("jest", bin("jest"), ["--ci", ...argv]),
    await pytest.show(),
  ];
  const failed = results.filter((ok) => !ok).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(
    failed ? `\n${failed} of ${results.length} test stages failed (${seconds} s)\n` : `\nall test stages passed in ${seconds} s\n`,
  );
  return failed ? 1 : 0;
}
