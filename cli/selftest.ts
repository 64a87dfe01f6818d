import { dirname, join } from "node:path";
import { runStreaming } from "./proc";
import { ensurePythonEnv, REPO_ROOT } from "./pyenv";

const bin = (name: string) => join(REPO_ROOT, "node_modules", ".bin", name);

async function stage(title: string, command: string, args: string[], env?: NodeJS.ProcessEnv, fix?: string): Promise<boolean> {
  process.stdout.write(`\n=== ${title} ===\n`);
  const code = await runStreaming(command, args, { cwd: REPO_ROOT, env: env ?? process.env });
  if (code !== 0) process.stdout.write(`=== ${title}: FAILED (exit ${code})${fix ? `; to fix: ${fix}` : ""} ===\n`);
  return code === 0;
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

/** The notebook tests: pytest on local Spark, in the project's pinned Python environment. */
export async function pytestOnly(argv: string[]): Promise<number> {
  const python = await ensurePythonEnv();
  return (await stage(
    "pytest (notebooks on local Spark)",
    python.python,
    ["-m", "pytest", "test/notebooks", "-q", "-rs", "-p", "no:cacheprovider", ...argv],
    python.env,
  ))
    ? 0
    : 1;
}

/** `npm test`: lint, type-check, jest, pytest. Every stage runs, so one failure does not hide another. */
export async function selftest(argv: string[]): Promise<number> {
  const results = [
    (await lintOnly()) === 0,
    await stage("type-check (tsc --noEmit)", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]),
    // The dashboard's browser app is plain JavaScript (no bundler): its JSDoc types are checked against the DOM.
    await stage("type-check the dashboard app (tsc -p dashboard/app)", bin("tsc"), ["-p", "dashboard/app"]),
    await stage("jest", bin("jest"), ["--ci", ...argv]),
    (await pytestOnly([])) === 0,
  ];
  const failed = results.filter((ok) => !ok).length;
  process.stdout.write(failed ? `\n${failed} of ${results.length} test stages failed\n` : "\nall test stages passed\n");
  return failed ? 1 : 0;
}
