/**
 * Datasets: the two MGDC tables, the landing folders MGDC writes and the workspace reads, and the
 * lake raw folders the notebooks read (`raw/m365/<table>/YYYY/MM/DD/`, `raw/crm/`).
 */
import type { BinaryDataset, DatasetResource, Office365Dataset } from "@azure/synapse-artifacts";
import type { Artifact } from "./model";
import type { ArtifactInputs } from "./inputs";
import { DATASETS, DEFAULT_CRM_DROP_FOLDER, LINKED, MGDC_TABLES, office365DatasetName, RAW_CRM_FOLDER } from "./names";

const dataset = (name: string, properties: DatasetResource["properties"]): Artifact => ({ kind: "dataset", name, body: { properties } });

/** An ADF dynamic-content value. */
export const expr = (value: string) => ({ value, type: "Expression" as const });

const linked = (referenceName: string) => ({ type: "LinkedServiceReference" as const, referenceName });

/**
 * One MGDC table. Only the table name: the date window, the user scope and the columns go on the
 * copy source (`Office365Source`), where the service expects them (docs/platform-facts.md §2.6).
 */
export function office365Dataset(table: string): Artifact {
  const props: Office365Dataset = {
    type: "Office365Table",
    description: `Microsoft Graph Data Connect table ${table}.`,
    linkedServiceName: linked(LINKED.office365),
    tableName: table,
  };
  return dataset(office365DatasetName(table), props);
}

/** A folder of Binary files on an ADLS Gen2 file system, the folder given per use as `folderPath`. */
function binaryFolder(description: string, linkedService: string, fileSystem: string, folderPath: string | undefined): BinaryDataset {
  return {
    type: "Binary",
    description,
    linkedServiceName: linked(linkedService),
    ...(folderPath === undefined ? { parameters: { folderPath: { type: "String" } } } : {}),
    location: {
      type: "AzureBlobFSLocation",
      fileSystem,
      folderPath: folderPath ?? expr("@dataset().folderPath"),
    },
  };
}

export function datasets(inputs: ArtifactInputs): Artifact[] {
  const { config } = inputs;
  const raw = config.fileSystems.raw;
  const lake: Artifact[] = [
    dataset(
      DATASETS.lakeRawM365,
      binaryFolder("Lake raw/m365/<table>/YYYY/MM/DD: the MGDC files the ingestion notebook reads.", LINKED.lake, raw, undefined),
    ),
    dataset(
      DATASETS.crmDrop,
      binaryFolder(
        `Lake raw/<folder> where the CRM export job drops its files (default ${DEFAULT_CRM_DROP_FOLDER}).`,
        LINKED.lake,
        raw,
        undefined,
      ),
    ),
    dataset(
      DATASETS.lakeRawCrm,
      binaryFolder(`Lake raw/${RAW_CRM_FOLDER}: the CRM files and column mapping 01_ingest_crm reads.`, LINKED.lake, raw, RAW_CRM_FOLDER),
    ),
  ];
  if (!config.mgdcEnabled) return lake;
  // MGDC writes JSON lines only; Binary keeps them byte for byte (the MGDC quickstart's choice).
  const landing: Artifact[] = [
    dataset(
      DATASETS.landingSink,
      binaryFolder("Landing container, as MGDC's sink (service-principal auth).", LINKED.landingSink, config.landingContainer, undefined),
    ),
    dataset(
      DATASETS.landingRead,
      binaryFolder("Landing container, read by the workspace identity.", LINKED.landingReader, config.landingContainer, undefined),
    ),
  ];
  return [...MGDC_TABLES.map(office365Dataset), ...landing, ...lake];
}
