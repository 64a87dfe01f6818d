/**
 * The artifacts of the optional business sources (relmesh:erp, relmesh:serviceCases): a linked service
 * and a dataset per source system, the lake JSON dataset their copies write, and one incremental
 * pipeline each (incremental.ts). Absent sources add nothing.
 *
 * Both linked services authenticate as the workspace identity, by carrying no credential at all, and
 * run on the workspace's AutoResolve runtime inside its managed VNet, reaching the server and the
 * account through the managed private endpoints stacks/network.ts requests. The identity's read access
 * is the SQL grant (sql/erp-grants.ts) and Cosmos DB's Built-in Data Reader on the one container.
 * Managed identity for the Cosmos DB copy: docs/platform-facts.md §6.8.
 */
import type {
  AzureSqlDatabaseLinkedService,
  AzureSqlTableDataset,
  CosmosDbLinkedService,
  CosmosDbSqlApiCollectionDataset,
  JsonDataset,
} from "@azure/synapse-artifacts";
import { ERP_ORDERS, SERVICE_CASES } from "../config/source-tables";
import type { RelmeshConfig } from "../config/stack";
import { expr } from "./datasets";
import { incrementalPipeline, type IncrementalSource } from "./incremental";
import type { ArtifactInputs } from "./inputs";
import type { Artifact } from "./model";
import { LINKED } from "./names";

export const SOURCE_LINKED = { erp: "ls_rm_erp_sql", serviceCases: "ls_rm_service_cosmos" } as const;
export const SOURCE_DATASETS = {
  erp: "ds_rm_erp_orders",
  serviceCases: "ds_rm_service_cases",
  lakeRawJson: "ds_rm_lake_raw_json",
} as const;
export const SOURCE_PIPELINES = { erp: "pl_rm_extract_erp", serviceCases: "pl_rm_extract_service_cases" } as const;

const linked = (referenceName: string) => ({ type: "LinkedServiceReference" as const, referenceName });

export function anySource(config: RelmeshConfig): boolean {
  return Boolean(config.erp || config.serviceCases);
}

export function sourceLinkedServices({ config }: ArtifactInputs): Artifact[] {
  const out: Artifact[] = [];
  if (config.erp) {
    const props: AzureSqlDatabaseLinkedService = {
      type: "AzureSqlDatabase",
      description: `The ERP database ${config.erp.database} on ${config.erp.server.fqdn}, read by the workspace identity (no password, no key: Entra only).`,
      // No user, password or service principal: the connection authenticates as the workspace's managed identity.
      connectionString: `Data Source=tcp:${config.erp.server.fqdn},1433;Initial Catalog=${config.erp.database};Encrypt=True;Connection Timeout=30`,
    };
    out.push({ kind: "linkedService", name: SOURCE_LINKED.erp, body: { properties: props } });
  }
  if (config.serviceCases) {
    const props: CosmosDbLinkedService = {
      type: "CosmosDb",
      description: `Service cases in Cosmos DB ${config.serviceCases.account.name}, database ${config.serviceCases.database}; read by the workspace identity (the account has no keys).`,
      accountEndpoint: config.serviceCases.account.endpoint,
      database: config.serviceCases.database,
    };
    out.push({ kind: "linkedService", name: SOURCE_LINKED.serviceCases, body: { properties: props } });
  }
  return out;
}

export function sourceDatasets({ config }: ArtifactInputs): Artifact[] {
  if (!anySource(config)) return [];
  const lakeJson: JsonDataset = {
    type: "Json",
    description: "Lake raw JSON lines of the ERP and service-case copies, and their window bounds; folder and file given per use.",
    linkedServiceName: linked(LINKED.lake),
    parameters: { folderPath: { type: "String" }, fileName: { type: "String" } },
    location: {
      type: "AzureBlobFSLocation",
      fileSystem: config.fileSystems.raw,
      folderPath: expr("@dataset().folderPath"),
      fileName: expr("@dataset().fileName"),
    },
  };
  const out: Artifact[] = [{ kind: "dataset", name: SOURCE_DATASETS.lakeRawJson, body: { properties: lakeJson } }];
  if (config.erp) {
    const props: AzureSqlTableDataset = {
      type: "AzureSqlTable",
      description: `The ERP orders table ${config.erp.schema}.${config.erp.table}; the copy's query selects the mapped columns only.`,
      linkedServiceName: linked(SOURCE_LINKED.erp),
      schemaTypePropertiesSchema: config.erp.schema,
      table: config.erp.table,
    };
    out.push({ kind: "dataset", name: SOURCE_DATASETS.erp, body: { properties: props } });
  }
  if (config.serviceCases) {
    const props: CosmosDbSqlApiCollectionDataset = {
      type: "CosmosDbSqlApiCollection",
      description: `The service-case container ${config.serviceCases.container}; the copy's query selects the mapped properties only.`,
      linkedServiceName: linked(SOURCE_LINKED.serviceCases),
      collectionName: config.serviceCases.container,
    };
    out.push({ kind: "dataset", name: SOURCE_DATASETS.serviceCases, body: { properties: props } });
  }
  return out;
}

/** The incremental copies' sources, as the pipelines and the tests' local runner read them. */
export function incrementalSources(config: RelmeshConfig): { erp?: IncrementalSource; serviceCases?: IncrementalSource } {
  return {
    ...(config.erp
      ? {
          erp: {
            table: ERP_ORDERS,
            columns: config.erp.columns,
            dataset: SOURCE_DATASETS.erp,
            qualifiedTable: `${config.erp.schema}.${config.erp.table}`,
          },
        }
      : {}),
    ...(config.serviceCases
      ? { serviceCases: { table: SERVICE_CASES, columns: config.serviceCases.columns, dataset: SOURCE_DATASETS.serviceCases } }
      : {}),
  };
}

export function sourcePipelines({ config, ruleset }: ArtifactInputs): Artifact[] {
  const lake = { dataset: SOURCE_DATASETS.lakeRawJson };
  const sources = incrementalSources(config);
  return [
    ...(sources.erp ? [incrementalPipeline(SOURCE_PIPELINES.erp, sources.erp, lake, ruleset.history_days)] : []),
    ...(sources.serviceCases ? [incrementalPipeline(SOURCE_PIPELINES.serviceCases, sources.serviceCases, lake, ruleset.history_days)] : []),
  ];
}
