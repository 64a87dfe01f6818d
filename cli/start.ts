import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadRelmesh } from "../config/load";
import { helpText, OptionSpec, parseArgs } from "./args";
import { REPO_ROOT } from "./pyenv";
import { executeRun } from "./run";
import { runStreaming } from "./proc";

const SPEC: OptionSpec = {
  values: { seed: "seed of the synthetic tenant (default 42)" },
  flags: { fresh: "regenerate the sample tenant and recompute from scratch", help: "show this help" },
};

export const WORK_DIR = join(REPO_ROOT, ".relmesh");

/**
 * `npm start`: the whole analytics on a laptop. Generates the synthetic tenant once (reused while its
 * seed matches), runs the notebooks on local Spark, and prints the summary and where the tables are.
 */
export async function start(argv: string[]): Promise<number> {
  const args = parseArgs("start", argv, SPEC);
  if (args.flags.has("help")) {
    process.stdout.write(`${helpText("start", "sample tenant + local run", SPEC)}\n`);
    return 0;
  }
  const seed = args.values.seed ?? "42";
  const data = join(WORK_DIR, "sample");
  const out = join(WORK_DIR, "out");
  const manifest = join(data, "tenant.json");
  const reusable =
    existsSync(manifest) &&
    !args.flags.has("fresh") &&
    String((JSON.parse(readFileSync(manifest, "utf8")) as { seed?: number }).seed) === seed;
  if (reusable) {
    process.stdout.write(`• reusing the sample tenant in ${data} (npm start -- --fresh regenerates it)\n`);
  } else {
    process.stdout.write(`• writing a synthetic tenant (seed ${seed}) to ${data}\n`);
    const code = await runStreaming(process.execPath, [join(REPO_ROOT, "bin", "relmesh.js"), "sample", "--out", data, "--seed", seed]);
    if (code !== 0) return code;
  }
  if (args.flags.has("fresh") || !reusable) {
    rmSync(out, { recursive: true, force: true });
  }
  const tenant = JSON.parse(readFileSync(manifest, "utf8")) as { startDate: string; asOf: string };
  // The same validated config object Pulumi deploys from: its ruleset and privacy settings apply here too.
  const { config, ruleset, crmMapping } = loadRelmesh("dev");
  const { dashboard } = await executeRun({
    data,
    out,
    asOf: tenant.asOf,
    windowStart: tenant.startDate,
    windowEnd: tenant.asOf,
    ruleset,
    crmMapping,
    keepSubjects: config.keepSubjects,
  });
  process.stdout.write(
    `\nNext: \`npx relmesh run --data ${data} --out ${out} --as-of <date>\` to rescore, \`npx relmesh plan\` to audit the Azure deployment.\n`,
  );
  // Last, so it is what a person sees when the run ends: the two pages to open in a browser.
  if (dashboard) process.stdout.write(`\nDashboard (Portfolio and Account detail): file://${dashboard}\n`);
  return 0;
}
