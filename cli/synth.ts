import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadRelmesh } from "../config/load";
import type { RelmeshConfig } from "../config/stack";
import { PROJECT_NAME, powerbiProject } from "../powerbi";
import { sqlScripts } from "../sql";
import { readArtifactInputs, synapseArtifacts } from "../synapse-artifacts";
import { PUBLISH_ORDER } from "../synapse-artifacts/model";
import { synthFiles, type SynthResult } from "../synapse-artifacts/synth";
import { helpText, OptionSpec, parseArgs, UsageError } from "./args";

const SPEC: OptionSpec = {
  values: {
    out: "folder to write the artifacts into (its generated sub-folders are replaced)",
    stack: "stack whose Pulumi.<stack>.yaml to read (default: dev)",
    subscription:
      "subscription id the stack deploys to: part of the global names' suffix, so the Power BI SqlEndpoint names the deployed workspace (default: azure-native:subscriptionId from the stack config)",
  },
  flags: { help: "show this help" },
};

/** Folder of `relmesh synth`'s output that holds the Power BI project. */
export const POWERBI_DIR = "powerbi";

/** The Power BI project's files as synth writes them: under `powerbi/`. */
export function powerbiSynthFiles(config: RelmeshConfig): Record<string, string> {
  return Object.fromEntries(Object.entries(powerbiProject(config)).map(([path, content]) => [`${POWERBI_DIR}/${path}`, content]));
}

/** Writes the synth result under `out`, replacing only what synth generates. Returns the paths written. */
export function writeSynth(out: string, result: SynthResult): string[] {
  for (const dir of [...PUBLISH_ORDER, "sql", POWERBI_DIR]) rmSync(join(out, dir), { recursive: true, force: true });
  const paths = Object.keys(result.files).sort();
  for (const path of paths) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), result.files[path]);
  }
  return paths;
}

/** `relmesh synth --out DIR [--stack dev]`: every generated artifact as the Synapse API receives it, for review. */
export async function synthCommand(argv: string[]): Promise<number> {
  const args = parseArgs("synth", argv, SPEC);
  if (args.flags.has("help")) {
    process.stdout.write(
      `${helpText("synth", "write every generated Synapse artifact, the SQL, the data-access report and the Power BI project for review", SPEC)}\n`,
    );
    return 0;
  }
  if (!args.values.out) throw new UsageError("relmesh synth: --out is required (relmesh synth --out DIR [--stack dev])");
  const out = resolve(args.values.out);
  const subscription = args.values.subscription;
  if (subscription !== undefined && !/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(subscription)) {
    throw new UsageError(`relmesh synth: --subscription must be a subscription id (a GUID), got "${subscription}"`);
  }
  const { config } = loadRelmesh(args.values.stack ?? "dev", subscription ? { subscriptionId: subscription } : {});
  const inputs = readArtifactInputs(config);
  const artifacts = synapseArtifacts(inputs);
  const sql = sqlScripts(config);
  const powerbi = powerbiSynthFiles(config);
  const result = await synthFiles(inputs, artifacts, sql, powerbi);
  const paths = writeSynth(out, result);
  const counts = Object.entries(result.counts)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(", ");
  process.stdout.write(
    [
      `relmesh synth: stack ${config.stack} → ${out}`,
      `  ${counts}, ${Object.keys(powerbi).length} Power BI project files; ${paths.length} files`,
      `  read first: ${join(out, "DATA-ACCESS.md")}`,
      `  checksums:  ${join(out, "manifest.json")}`,
      `  Power BI:   ${join(out, POWERBI_DIR, `${PROJECT_NAME}.pbip`)} (open in Power BI Desktop; see powerbi/README.md)`,
      "  placeholders <tenantId>, <mgdcAppClientId> and a created group's id are filled in at pulumi up",
      "",
    ].join("\n"),
  );
  return 0;
}
