/**
 * Names of the generated artifacts, and the lake/landing addresses they point at. One place, so the
 * pipelines, the datasets, the data-access report and the tests agree.
 */
import type { RelmeshConfig } from "../config/stack";
import { CALENDAR_DATASET, MESSAGE_DATASET } from "../config/mgdc-datasets";

export const LINKED = {
  keyVault: "ls_rm_keyvault",
  lake: "ls_rm_lake",
  /** The landing account as MGDC's sink, with the MGDC service principal (the only auth MGDC accepts). */
  landingSink: "ls_rm_landing_mgdc",
  /** The same landing account read by the workspace identity, to copy MGDC output into the lake. */
  landingReader: "ls_rm_landing_reader",
  office365: "ls_rm_office365",
} as const;

/** Integration runtimes the linked services name (the stack creates them). */
export const RUNTIMES = {
  /** Azure IR outside the managed VNet, in the workspace's region: the MGDC copy only. */
  mgdc: "ir-rm-mgdc",
} as const;

export const DATASETS = {
  landingSink: "ds_rm_landing_m365_sink",
  landingRead: "ds_rm_landing_m365_read",
  lakeRawM365: "ds_rm_lake_raw_m365",
  crmDrop: "ds_rm_crm_drop",
  lakeRawCrm: "ds_rm_lake_raw_crm",
} as const;

/** The Office365Table dataset of one MGDC table: `BasicDataSet_v0.Message_v1` → `ds_rm_m365_message_v1`. */
export function office365DatasetName(table: string): string {
  return `ds_rm_m365_${table.replace(/^BasicDataSet_v0\./, "").toLowerCase()}`;
}

/** A short, readable label of an MGDC table for activity names: `Message_v1`. */
export function tableLabel(table: string): string {
  return table.replace(/^BasicDataSet_v0\./, "");
}

export const PIPELINES = {
  extractM365: "pl_rm_extract_m365",
  copyCrm: "pl_rm_copy_crm",
  process: "pl_rm_process",
  // Sorts after the pipelines it runs: the publisher orders within a kind by name (stacks/publish/planner.ts).
  runWindow: "pl_rm_run_window",
  rotateSecret: "pl_rm_rotate_mgdc_secret",
} as const;

export const TRIGGERS = { daily: "tr_rm_daily", rotateSecret: "tr_rm_rotate_mgdc_secret" } as const;

/** Pipeline notebooks, in run order, and the library notebooks they `%run`. */
export const PIPELINE_NOTEBOOKS = ["01_ingest_crm", "02_ingest_m365", "03_score"] as const;
export type PipelineNotebook = (typeof PIPELINE_NOTEBOOKS)[number];

/** Folder of the lake's raw file system the CRM export lands in, read by 01_ingest_crm. */
export const RAW_CRM_FOLDER = "crm";
/** Default folder of the raw file system the CRM export job drops files into. */
export const DEFAULT_CRM_DROP_FOLDER = "crm-drop";

export const MGDC_TABLES = [MESSAGE_DATASET, CALENDAR_DATASET] as const;

/** `https://<account>.dfs.core.windows.net/` */
export function dfsUrl(account: string): string {
  return `https://${account}.dfs.core.windows.net/`;
}

/** `abfss://<fs>@<account>.dfs.core.windows.net/` — the roots the notebooks receive. */
export function abfssRoot(fileSystem: string, account: string): string {
  return `abfss://${fileSystem}@${account}.dfs.core.windows.net/`;
}

export function keyVaultUrl(config: RelmeshConfig): string {
  return `https://${config.names.keyVault}.vault.azure.net/`;
}

/** Folder of one MGDC table below the landing container and below lake `raw/`: `m365/<table>`. */
export function m365Folder(config: RelmeshConfig, table: string): string {
  return `${config.rawM365Folder}/${table}`;
}
