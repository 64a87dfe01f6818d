import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { loadRelmesh } from "../config/load";
import { sqlScripts } from "../sql";
import { readArtifactInputs, synapseArtifacts } from "../synapse-artifacts";
import { PUBLISH_ORDER } from "../synapse-artifacts/model";
import { synthFiles, type SynthResult } from "../synapse-artifacts/synth";
import { helpText, OptionSpec, parseArgs, UsageError } from "./args";

const SPEC: OptionSpec = {
  values: {
    out: "folder to write the artifacts into (its generated sub-folders are replaced)",
    stack: "stack whose Pulumi.<stack>.yaml to read (default: dev)",
  },
  flags: { help: "show this help" },
};

/** Writes the synth result under `out`, replacing only what synth generates. Returns the paths written. */
export function writeSynth(out: string, result: SynthResult): string[] {
  for (const dir of [...PUBLISH_ORDER, "sql"]) rmSync(join(out, dir), { recursive: true, force: true });
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
      `${helpText("synth", "write every generated Synapse artifact, the SQL and the data-access report for review", SPEC)}\n`,
    );
    return 0;
  }
  if (!args.values.out) throw new UsageError("relmesh synth: --out is required (relmesh synth --out DIR [--stack dev])");
  const out = resolve(args.values.out);
  const { config } = loadRelmesh(args.values.stack ?? "dev");
  const inputs = readArtifactInputs(config);
  const artifacts = synapseArtifacts(inputs);
  const sql = sqlScripts(config);
  const result = await synthFiles(inputs, artifacts, sql);
  const paths = writeSynth(out, result);
  const counts = Object.entries(result.counts)
    .map(([kind, n]) => `${n} ${kind}`)
    .join(", ");
  process.stdout.write(
    [
      `relmesh synth: stack ${config.stack} → ${out}`,
      `  ${counts}; ${paths.length} files`,
      `  read first: ${join(out, "DATA-ACCESS.md")}`,
      `  checksums:  ${join(out, "manifest.json")}`,
      "  placeholders <tenantId>, <mgdcAppClientId> and a created group's id are filled in at pulumi up",
      "",
    ].join("\n"),
  );
  return 0;
}
