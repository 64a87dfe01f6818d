/**
 * Everything the generators read, gathered once. The generators are pure functions of this object;
 * {@link readArtifactInputs} is the only code here that touches the file system.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { CrmMapping } from "../config/crm-mapping";
import type { Ruleset } from "../config/ruleset";
import { REPO_ROOT, type RelmeshConfig } from "../config/stack";

/**
 * Values only known once Azure resources exist (or the deploying identity is known). `pulumi up`
 * resolves them from outputs; `synth` writes the placeholders of {@link placeholderDeployment}.
 */
export interface DeploymentValues {
  /** Entra tenant of the subscription, which MGDC requires to be the M365 tenant too (docs/platform-facts.md §1.5). */
  tenantId: string;
  /** Client (application) id of the MGDC Entra app. */
  mgdcAppClientId: string;
  /** Object id of the MGDC Entra app (Graph's `/applications/{id}`, where the rotation adds passwords). */
  mgdcAppObjectId: string;
  /** Groups MGDC may read: `relmesh:allowedGroupObjectIds`, or the one group the program creates. */
  allowedGroupObjectIds: string[];
}

export interface ArtifactInputs {
  config: RelmeshConfig;
  /** The validated ruleset the scoring notebooks receive as `ruleset_json`. */
  ruleset: Ruleset;
  /** The CRM column mapping 01_ingest_crm receives as `crm_mapping_json` (`tables: {...}`). */
  crmMapping: CrmMapping;
  /** Notebook name (file name without `.py`) → percent-format source, sorted by name. */
  notebooks: Record<string, string>;
  deployment: DeploymentValues;
}

/** Readable stand-ins for {@link DeploymentValues}, so `synth` needs no Azure credentials. */
export function placeholderDeployment(config: RelmeshConfig): DeploymentValues {
  return {
    tenantId: "<tenantId: the deploying subscription's Entra tenant, resolved at pulumi up>",
    mgdcAppClientId: `<mgdcAppClientId: client id of the Entra app ${config.names.mgdcApplication}, resolved at pulumi up>`,
    mgdcAppObjectId: `<mgdcAppObjectId: object id of the Entra app ${config.names.mgdcApplication}, resolved at pulumi up>`,
    allowedGroupObjectIds: config.allowedGroupObjectIds.length
      ? [...config.allowedGroupObjectIds]
      : [`<allowedGroupObjectId: object id of the group '${config.allowedGroupName}' the program creates>`],
  };
}

/** Reads every notebooks/*.py (pipeline and library notebooks), keyed by name, in name order. */
export function readNotebookSources(notebooksDir: string): Record<string, string> {
  const names = readdirSync(notebooksDir)
    .filter((f) => f.endsWith(".py"))
    .sort();
  return Object.fromEntries(names.map((f) => [f.slice(0, -3), readFileSync(join(notebooksDir, f), "utf8")]));
}

/**
 * The generators' inputs: the ruleset and CRM mapping the loaded config already validated
 * (config/load.ts), and the notebooks, read here from `rootDir`.
 */
export function readArtifactInputs(config: RelmeshConfig, rootDir = REPO_ROOT, deployment?: DeploymentValues): ArtifactInputs {
  return {
    config,
    ruleset: config.ruleset,
    crmMapping: config.crmColumnMapping,
    notebooks: readNotebookSources(join(rootDir, "notebooks")),
    deployment: deployment ?? placeholderDeployment(config),
  };
}
