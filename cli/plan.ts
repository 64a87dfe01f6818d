import { helpText, parseArgs, type OptionSpec } from "./args";

const SPEC: OptionSpec = {
  values: { stack: "stack whose Pulumi.<stack>.yaml is planned (default: dev)" },
  flags: {
    json: 'print only one JSON document { "resources": [...] } on stdout (keys sorted)',
    help: "show this help",
  },
};

/**
 * `relmesh plan [--json] [--stack NAME]`: validates the stack config, runs the Pulumi program
 * offline under mocks and prints every resource with its inputs (secrets masked), parent and
 * dependencies. No Azure credentials are used. **Contract**: the command name and the JSON shape.
 */
export async function planCommand(argv: string[]): Promise<number> {
  const args = parseArgs("plan", argv, SPEC);
  if (args.flags.has("help")) {
    process.stdout.write(`${helpText("plan", "run the Pulumi program offline under mocks and list every resource", SPEC)}\n`);
    return 0;
  }
  const stack = args.values.stack ?? "dev";
  // Loaded lazily (`require`, as in cli/main.ts: tsx compiles to CommonJS and import() would bypass
  // it): the Pulumi SDK is heavy and a config error should come first.
  const { loadRelmesh } = require("../config/load") as typeof import("../config/load");
  const { ConfigError } = require("../config/errors") as typeof import("../config/errors");
  let config;
  try {
    config = loadRelmesh(stack).config;
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`relmesh plan: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  process.stderr.write(`relmesh plan: running the program for stack '${stack}' under Pulumi mocks (offline)...\n`);
  // Pulumi's runtime logs to stdout in places; keep stdout for the document alone.
  const write = process.stdout.write.bind(process.stdout);
  const toStderr = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    (process.stderr.write as (...a: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
  const log = console.log;
  process.stdout.write = toStderr;
  console.log = (...a: unknown[]) => console.error(...a);
  let output: string;
  let paths: string;
  let ok: boolean;
  try {
    const { runPlan, planJson, planTable } = require("../stacks/plan") as typeof import("../stacks/plan");
    const { checkDataPaths, formatDataPaths } = require("../stacks/datapath/check") as typeof import("../stacks/datapath/check");
    const { readArtifactInputs, synapseArtifacts } = require("../synapse-artifacts") as typeof import("../synapse-artifacts");
    const plan = await runPlan(config);
    const report = checkDataPaths(plan.resources, synapseArtifacts(readArtifactInputs(config)), config);
    ok = report.ok;
    const firstRun = plan.outputs.firstRun as { message?: string } | undefined;
    paths = `\n== run-time paths (data-path model, docs/network-design.md) ==\n${formatDataPaths(report)}${firstRun?.message ? `\n== first run ==\n  ${firstRun.message}\n` : ""}`;
    output = args.flags.has("json") ? planJson(plan) : planTable(plan) + paths;
    process.stderr.write(`relmesh plan: ${plan.resources.filter((r) => r.custom).length} resources\n`);
  } finally {
    process.stdout.write = write;
    console.log = log;
  }
  process.stdout.write(output);
  // --json keeps stdout for the one document; the paths still reach the reader.
  if (args.flags.has("json")) process.stderr.write(paths);
  if (!ok) process.stderr.write("relmesh plan: a run-time path is blocked or something no path needs is open (see above)\n");
  return ok ? 0 : 1;
}
