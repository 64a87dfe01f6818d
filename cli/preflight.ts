import type { TokenCredential } from "@azure/identity";
import { parseArgs, UsageError, type OptionSpec } from "./args";
import type { AzureOptions } from "../stacks/preflight/azure";
import type { CheckResult } from "../stacks/preflight/checks";
import type { PreflightFacts } from "../stacks/preflight/facts";

const HELP = `usage: relmesh preflight [--stack NAME] [--subscription ID] [--json]

Before \`pulumi up\`: with Azure credentials (environment, az login or managed identity), checks the
target subscription (resource providers, the deployer's roles, its Microsoft Graph permissions when
MGDC is on, the region, whether the global names are free); without them, runs the offline checks
and says which were skipped. Exit 0 when nothing fails, 1 otherwise.

  --stack NAME         stack whose Pulumi.<stack>.yaml is checked (default: dev)
  --subscription ID    subscription pulumi up deploys to (default: azure-native:subscriptionId in the
                       stack config, ARM_SUBSCRIPTION_ID, AZURE_SUBSCRIPTION_ID, else the only one the
                       deployer sees)
  --json               print only one JSON document { stack, subscriptionId, ok, results } on stdout
  --help               show this help`;

const SPEC: OptionSpec = {
  values: { stack: "stack whose Pulumi.<stack>.yaml is checked", subscription: "subscription pulumi up deploys to" },
  flags: { json: "print only one JSON document", help: "show this help" },
};

export interface PreflightDeps {
  /** @default - DefaultAzureCredential */
  credential?: TokenCredential;
  /** Endpoints, TLS and retry settings of the adapter (tests point it at a fake). */
  azure?: Omit<AzureOptions, "credential">;
  /** @default - process.env */
  env?: Record<string, string | undefined>;
  /** @default - the repository root */
  rootDir?: string;
  /** Results computed elsewhere (the data-path model), shown after the Azure checks. */
  extraResults?: (config: import("../config/stack").RelmeshConfig) => CheckResult[] | Promise<CheckResult[]>;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

export interface PreflightReport {
  stack: string;
  subscriptionId: string | null;
  ok: boolean;
  results: CheckResult[];
}

/** The data-path model over the offline plan: it needs no credentials, so it always runs. */
async function dataPathChecks(config: import("../config/stack").RelmeshConfig): Promise<CheckResult[]> {
  const { dataPathReportFor } = require("../stacks/datapath/check") as typeof import("../stacks/datapath/check");
  const { dataPathResults } = require("../stacks/preflight/datapath") as typeof import("../stacks/preflight/datapath");
  return dataPathResults(await dataPathReportFor(config));
}

const SYMBOL = { pass: "✓", fail: "✗", skipped: "–" } as const;

/** The human table: one row per check, the fix under each failure, and a summary line. Pure. */
export function preflightTable(report: PreflightReport): string {
  const width = Math.max(...report.results.map((r) => r.title.length));
  const lines = report.results.flatMap((r) => [
    `${SYMBOL[r.status]} ${r.title.padEnd(width)}  ${r.detail}`,
    ...(r.fix ? [`  fix: ${r.fix}`] : []),
  ]);
  const count = (s: CheckResult["status"]) => report.results.filter((r) => r.status === s).length;
  const summary = `${count("pass")} passed, ${count("fail")} failed, ${count("skipped")} skipped: ${report.ok ? "nothing blocks pulumi up" : `${count("fail") === 1 ? "this blocks" : "these block"} pulumi up`}`;
  return `${lines.join("\n")}\n\n${summary}\n`;
}

const NO_CREDENTIALS_HELP = "sign in with az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, then rerun";

/**
 * `relmesh preflight [--stack NAME] [--subscription ID] [--json]`. **Contract**: the command name,
 * the exit code (0 when no check fails) and the JSON shape {@link PreflightReport}.
 */
export async function preflightCommand(argv: string[], deps: PreflightDeps = {}): Promise<number> {
  const parsed = parseArgs("preflight", argv, SPEC);
  if (parsed.positionals.length > 0)
    throw new UsageError(`relmesh preflight: unexpected argument '${parsed.positionals[0]}'; options take the form --name value`);
  const args = {
    stack: parsed.values.stack,
    subscription: parsed.values.subscription,
    json: parsed.flags.has("json"),
    help: parsed.flags.has("help"),
  };
  const out = deps.stdout ?? ((t: string) => void process.stdout.write(t));
  const err = deps.stderr ?? ((t: string) => void process.stderr.write(t));
  if (args.help) {
    out(`${HELP}\n`);
    return 0;
  }
  const stack = args.stack ?? "dev";
  const env = deps.env ?? process.env;
  const { loadRelmesh, readStackConfigFile } = require("../config/load") as typeof import("../config/load");
  const { ConfigError } = require("../config/errors") as typeof import("../config/errors");
  const { connect, readAzureFacts, resolveSubscription } =
    require("../stacks/preflight/azure") as typeof import("../stacks/preflight/azure");
  const { runChecks, blocks } = require("../stacks/preflight/checks") as typeof import("../stacks/preflight/checks");

  let config;
  let raw: Record<string, unknown>;
  try {
    raw = readStackConfigFile(stack, deps.rootDir);
    config = loadRelmesh(stack, { raw, rootDir: deps.rootDir }).config;
  } catch (error) {
    if (error instanceof ConfigError) {
      err(`relmesh preflight: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  let credential = deps.credential;
  if (!credential) {
    const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
    credential = new DefaultAzureCredential();
  }
  err(`relmesh preflight: stack '${stack}': looking for Azure credentials...\n`);
  const connection = await connect({ ...deps.azure, credential });
  let facts: PreflightFacts;
  let subscriptionId: string | null = null;
  if ("unavailable" in connection) {
    facts = {
      available: false,
      reason: "no Azure credentials",
      detail: `no Azure credentials (${connection.unavailable}): ${NO_CREDENTIALS_HELP}`,
    };
  } else {
    const configured = typeof raw["azure-native:subscriptionId"] === "string" ? (raw["azure-native:subscriptionId"] as string) : undefined;
    const explicit = args.subscription ?? configured ?? env.ARM_SUBSCRIPTION_ID ?? env.AZURE_SUBSCRIPTION_ID;
    const resolved = await resolveSubscription(connection.session, explicit || undefined);
    if ("error" in resolved) {
      facts = {
        available: false,
        reason: "no subscription to check",
        detail: `signed in, but ${resolved.error}`,
        fix: "pass --subscription <id> (the subscription pulumi up deploys to), or set ARM_SUBSCRIPTION_ID",
      };
    } else {
      subscriptionId = resolved.subscriptionId;
      // The global-name suffix depends on the subscription, as at `pulumi up`.
      config = loadRelmesh(stack, { raw, rootDir: deps.rootDir, subscriptionId }).config;
      err(
        `relmesh preflight: reading subscription ${subscriptionId} as ${connection.session.deployer.name ?? connection.session.deployer.objectId}...\n`,
      );
      facts = await readAzureFacts(connection.session, config, subscriptionId);
    }
  }
  const extra = await (deps.extraResults ?? dataPathChecks)(config);
  const results = runChecks(config, facts, extra);
  const report: PreflightReport = { stack, subscriptionId, ok: !blocks(results), results };
  out(args.json ? `${JSON.stringify(report, null, 2)}\n` : preflightTable(report));
  return report.ok ? 0 : 1;
}
