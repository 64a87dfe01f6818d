import { join } from "node:path";
import { runStreaming } from "./proc";
import { ensurePythonEnv, REPO_ROOT } from "./pyenv";

const bin = (name: string) => join(REPO_ROOT, "node_modules", ".bin", name);

async function stage(title: string, command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<boolean> {
  process.stdout.write(`\n=== ${title} ===\n`);
  const code = await runStreaming(command, args, { cwd: REPO_ROOT, env: env ?? process.env });
  if (code !== 0) process.stdout.write(`=== ${title}: FAILED (exit ${code}) ===\n`);
  return code === 0;
}

/** The notebook tests: pytest on local Spark, in the project's pinned Python environment. */
export async function pytestOnly(argv: string[]): Promise<number> {
  const python = await ensurePythonEnv();
  return (await stage("pytest (notebooks on local Spark)", python.python, ["-m", "pytest", "test/notebooks", "-q", "-rs", "-p", "no:cacheprovider", ...argv], python.env)) ? 0 : 1;
}

/** `npm test`: type-check, jest, pytest. Every stage runs, so one failure does not hide another. */
export async function selftest(argv: string[]): Promise<number> {
  const results = [
    await stage("type-check (tsc --noEmit)", bin("tsc"), ["--noEmit", "-p", "tsconfig.json"]),
    await stage("jest", bin("jest"), ["--ci", ...argv]),
    (await pytestOnly([])) === 0,
  ];
  const failed = results.filter((ok) => !ok).length;
  process.stdout.write(failed ? `\n${failed} of ${results.length} test stages failed\n` : "\nall test stages passed\n");
  return failed ? 1 : 0;
}
