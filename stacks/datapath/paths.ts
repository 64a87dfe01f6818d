/**
 * Every path the solution uses at run time: who calls (compute), as whom (identity), what it
 * reaches, and the role it needs there. The list follows from the config; the check
 * (check.ts) proves each one open against the plan, and that nothing else is.
 */
import type { RelmeshConfig } from "../../config/stack";
import { LINKED, RUNTIMES } from "../../synapse-artifacts/names";
import { LOGICAL } from "../logical-names";
import { COSMOS_DATA_READER_ROLE, type AzureRole, type Grantee, type GrantScope } from "../../config/roles";
import { AUTO_RESOLVE_RUNTIME } from "./facts";

export type Caller =
  /** A pipeline activity through a linked service: it runs on that linked service's integration runtime. */
  | { kind: "linked-service"; name: string; office365?: boolean }
  /** A web activity pinned to a runtime with `connectVia`. */
  | { kind: "runtime"; name: string }
  | { kind: "spark" }
  | { kind: "serverless-sql" }
  /** The machine that runs `pulumi up` (publisher and SQL executor), from relmesh:deployerIpAddress. */
  | { kind: "deployer" }
  /** Power BI Desktop or a data gateway refreshing the report, from a firewall-listed address. */
  | { kind: "report-client" };

export type Target =
  | { kind: "storage"; logical: string }
  | { kind: "key-vault" }
  | { kind: "workspace"; endpoint: "dev" | "serverless SQL" }
  /** The ERP's Azure SQL server (relmesh:erp). */
  | { kind: "sql-server" }
  /** The service cases' Cosmos DB account (relmesh:serviceCases). */
  | { kind: "cosmos" };

export interface DataPath {
  id: string;
  title: string;
  caller: Caller;
  target: Target;
  identity: Grantee | "deployer" | "report reader";
  /** The ARM role the identity needs on the target; absent where the role is not an ARM assignment. */
  role?: { role: AzureRole; scope: GrantScope };
  /** Where the permission comes from when it is not an ARM role assignment. */
  permission?: string;
  /** A T-SQL grant the plan's SQL scripts must hold (the ERP source). */
  sqlGrant?: { schema: string; user: string };
  /** A Cosmos DB data-plane role the plan must assign, on exactly this container. */
  cosmosRole?: { roleDefinitionGuid: string; database: string; container: string };
}

/** The run-time paths of this config. Pure. */
export function runtimePaths(config: RelmeshConfig): DataPath[] {
  const lake = { kind: "storage", logical: LOGICAL.lake } as const;
  const paths: DataPath[] = [];
  if (config.mgdcEnabled) {
    paths.push(
      {
        id: "mgdc-copy-to-landing",
        title: "MGDC copy → landing account",
        caller: { kind: "linked-service", name: LINKED.landingSink, office365: true },
        target: { kind: "storage", logical: LOGICAL.landing },
        identity: "mgdcServicePrincipal",
        role: { role: "Storage Blob Data Contributor", scope: "landingContainer" },
      },
      {
        id: "mgdc-secret-lookup",
        title: "MGDC linked services → Key Vault secret",
        caller: { kind: "linked-service", name: LINKED.keyVault },
        target: { kind: "key-vault" },
        identity: "synapseWorkspaceIdentity",
        role: { role: "Key Vault Secrets User", scope: "keyVault" },
      },
      {
        id: "secret-rotation-store",
        title: "secret rotation → Key Vault (new versions)",
        caller: { kind: "runtime", name: RUNTIMES.mgdc },
        target: { kind: "key-vault" },
        identity: "synapseWorkspaceIdentity",
        role: { role: "Key Vault Secrets Officer", scope: "keyVault" },
      },
      {
        id: "landing-to-lake-read",
        title: "landing → lake copy (read landing)",
        caller: { kind: "linked-service", name: LINKED.landingReader },
        target: { kind: "storage", logical: LOGICAL.landing },
        identity: "synapseWorkspaceIdentity",
        role: { role: "Storage Blob Data Reader", scope: "landingContainer" },
      },
    );
  }
  paths.push(
    {
      id: "pipeline-write-lake",
      title: "landing and CRM copies → lake raw",
      caller: { kind: "linked-service", name: LINKED.lake },
      target: lake,
      identity: "synapseWorkspaceIdentity",
      role: { role: "Storage Blob Data Contributor", scope: "lakeAccount" },
    },
    {
      id: "spark-lake",
      title: "Spark notebooks ↔ lake (read raw, write curated)",
      caller: { kind: "spark" },
      target: lake,
      identity: "synapseWorkspaceIdentity",
      role: { role: "Storage Blob Data Contributor", scope: "lakeAccount" },
    },
    {
      id: "serverless-lake",
      title: "serverless SQL views → lake curated",
      caller: { kind: "serverless-sql" },
      target: lake,
      identity: "synapseWorkspaceIdentity",
      role: { role: "Storage Blob Data Reader", scope: "curatedFileSystem" },
    },
    {
      id: "publisher-dev-endpoint",
      title: "publisher → Synapse dev endpoint",
      caller: { kind: "deployer" },
      target: { kind: "workspace", endpoint: "dev" },
      identity: "deployer",
      permission: "Synapse Administrator (workspace creator; assigned explicitly by the publisher)",
    },
    {
      id: "sql-executor-serverless",
      title: "SQL executor → serverless SQL endpoint",
      caller: { kind: "deployer" },
      target: { kind: "workspace", endpoint: "serverless SQL" },
      identity: "deployer",
      permission: "member of relmesh:adminGroupObjectId, the workspace's Entra SQL admin (checked by relmesh preflight)",
    },
    {
      id: "power-bi-serverless",
      title: "Power BI → serverless SQL views",
      caller: { kind: "report-client" },
      target: { kind: "workspace", endpoint: "serverless SQL" },
      identity: "report reader",
      permission: config.sqlReadersGroupObjectId
        ? `SELECT on the views through the readers group ${config.sqlReadersGroupName} (database user from external provider)`
        : "SELECT on the views: set relmesh:sqlReadersGroupObjectId to grant it to a group",
    },
  );
  // The copies of the optional sources run on the AutoResolve runtime, which sits in the managed
  // VNet when the workspace has one (the pipelines are built on config.erp / config.serviceCases).
  if (config.erp) {
    paths.push(
      {
        id: "erp-copy",
        title: `ERP copy → Azure SQL ${config.erp.server.fqdn} (${config.erp.schema}.${config.erp.table} by ${config.erp.watermarkColumn})`,
        caller: { kind: "runtime", name: AUTO_RESOLVE_RUNTIME },
        target: { kind: "sql-server" },
        identity: "synapseWorkspaceIdentity",
        sqlGrant: { schema: config.erp.schema, user: config.names.synapseWorkspace },
      },
      {
        id: "erp-grant",
        title: "SQL executor → ERP server (the workspace identity's grant)",
        caller: { kind: "deployer" },
        target: { kind: "sql-server" },
        identity: "deployer",
        permission:
          config.erp.mode === "create"
            ? `member of ${config.erp.create!.entraAdmin.login}, the server's Entra admin group (relmesh:erp.entraAdmin)`
            : "member of the customer's Entra admin group of the server (or the customer's admin runs sql/erp-grants.ts)",
      },
    );
  }
  if (config.serviceCases) {
    paths.push({
      id: "cases-copy",
      title: `service-case copy → Cosmos DB ${config.serviceCases.account.name}/${config.serviceCases.database}/${config.serviceCases.container} (by _ts)`,
      caller: { kind: "runtime", name: AUTO_RESOLVE_RUNTIME },
      target: { kind: "cosmos" },
      identity: "synapseWorkspaceIdentity",
      cosmosRole: {
        roleDefinitionGuid: COSMOS_DATA_READER_ROLE,
        database: config.serviceCases.database,
        container: config.serviceCases.container,
      },
    });
  }
  return paths;
}
