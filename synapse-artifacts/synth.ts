/**
 * The files `relmesh synth` writes, as a path → content map: every artifact's wire JSON, the SQL
 * scripts (the ERP database's grant and revoke under sql/erp/), the data-access report and a
 * manifest. Deterministic: sorted keys, no timestamps, stable order, so two runs are byte-identical
 * and a diff shows only real change.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../config/json";
import { renderSqlFile } from "../sql/batches";
import { erpSqlScripts, renderErpSqlFile } from "../sql/erp-grants";
import type { ArtifactInputs } from "./inputs";
import type { SqlScript } from "../sql/script";
import { PUBLISH_ORDER, type Artifact } from "./model";
import { dataAccessReport } from "./report";
import { toWire } from "./wire";

/** A JSON file of the output: keys sorted at every level (config/json.ts), two-space indent, final newline. */
const jsonFile = (value: unknown): string => `${canonicalJson(value, 2)}\n`;

export const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");

/** `sql/NN-name.sql`: keeps an existing `NN-` prefix, otherwise numbers by execution order. */
export function sqlFileName(script: SqlScript, index: number): string {
  const base = script.name.replace(/\.sql$/i, "");
  return `sql/${/^\d{2,}-/.test(base) ? base : `${String(index + 1).padStart(2, "0")}-${base}`}.sql`;
}

/** Fingerprint of everything the artifacts derive from besides the notebook files (hashed per file). */
export function configFingerprint(inputs: ArtifactInputs): string {
  return sha256(jsonFile({ config: inputs.config, ruleset: inputs.ruleset, crmMapping: inputs.crmMapping }));
}

export interface SynthResult {
  /** Relative path → content. */
  files: Record<string, string>;
  counts: Record<string, number>;
}

/**
 * `extra`: files of later stages (the Power BI project under `powerbi/`), path → content, written
 * and checksummed in the manifest with the rest. @default - none
 */
export async function synthFiles(
  inputs: ArtifactInputs,
  artifacts: readonly Artifact[],
  sqlScripts: readonly SqlScript[],
  extra: Readonly<Record<string, string>> = {},
): Promise<SynthResult> {
  const files: Record<string, string> = { ...extra };
  for (const w of await toWire(artifacts)) files[`${w.artifact.kind}/${w.artifact.name}.json`] = jsonFile(w.wire);
  sqlScripts.forEach((s, i) => {
    files[sqlFileName(s, i)] = renderSqlFile(s);
  });
  // The ERP database's grant and revoke run on another server than the serving scripts: a folder of their own.
  for (const s of erpSqlScripts(inputs.config)) files[`sql/erp/${s.name}`] = renderErpSqlFile(s, inputs.config.erp!);
  files["DATA-ACCESS.md"] = dataAccessReport(inputs);
  const counts: Record<string, number> = Object.fromEntries(PUBLISH_ORDER.map((k) => [k, artifacts.filter((a) => a.kind === k).length]));
  counts.sql = sqlScripts.length;
  const paths = Object.keys(files).sort();
  files["manifest.json"] = jsonFile({
    generatedBy: "relmesh synth",
    stack: inputs.config.stack,
    configFingerprint: configFingerprint(inputs),
    counts,
    publishOrder: [...PUBLISH_ORDER, "sql"],
    files: paths.map((path) => ({ path, sha256: sha256(files[path]), bytes: Buffer.byteLength(files[path], "utf8") })),
  });
  return { files, counts };
}
