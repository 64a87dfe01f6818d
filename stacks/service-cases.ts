/**
 * The service-case source on Azure Cosmos DB for NoSQL (relmesh:serviceCases). With mode create: a
 * key-less account that accepts no public network (SEC-29), its database and container, and
 * diagnostic settings. With both modes: the workspace identity's data-plane read role on the one
 * container (SEC-31), the only thing created on a customer's account.
 *
 * Synapse Link (the analytical store) is deliberately not enabled: Microsoft closed it to new
 * projects (README, "ERP and service cases"). The pipeline copies with a `_ts` watermark instead.
 */
import * as pulumi from "@pulumi/pulumi";
import * as cosmosdb from "@pulumi/azure-native/cosmosdb";
import * as monitor from "@pulumi/azure-native/monitor";
import { COSMOS_DATA_READER_ROLE, cosmosRoleAssignmentId } from "../config/roles";
import type { ServiceCasesSource } from "../config/sources";
import type { RelmeshConfig } from "../config/stack";
import { LOGICAL } from "./logical-names";
import { DIAGNOSTIC_CATEGORIES } from "./monitoring";

/**
 * The account's settings for mode create (SEC-29). Pure.
 * - `disableLocalAuth`: no account keys or resource tokens; Entra ID and data-plane RBAC only.
 * - `disableKeyBasedMetadataWriteAccess`: databases and containers change only through ARM.
 * - `publicNetworkAccess: Disabled`: the pipelines reach it through a managed private endpoint
 *   (groupId `Sql`, stacks/network.ts); nothing else needs it.
 * - TLS 1.2; continuous backup (point-in-time restore); no analytical store (no Synapse Link).
 */
export function casesAccountArgs(
  cases: ServiceCasesSource,
  config: RelmeshConfig,
): Omit<cosmosdb.DatabaseAccountArgs, "resourceGroupName"> {
  return {
    accountName: cases.account.name,
    location: config.location,
    kind: "GlobalDocumentDB",
    databaseAccountOfferType: "Standard",
    locations: [{ locationName: config.location, failoverPriority: 0, isZoneRedundant: false }],
    consistencyPolicy: { defaultConsistencyLevel: "Session" },
    disableLocalAuth: true,
    disableKeyBasedMetadataWriteAccess: true,
    minimalTlsVersion: "Tls12",
    publicNetworkAccess: "Disabled",
    networkAclBypass: "None",
    ipRules: [],
    isVirtualNetworkFilterEnabled: false,
    enableAnalyticalStorage: false,
    backupPolicy: { type: "Continuous", continuousModeProperties: { tier: "Continuous7Days" } },
    tags: config.tags,
  };
}

/** `<account id>/dbs/<database>/colls/<container>`: the narrowest scope a data-plane role takes. Pure. */
export function containerScope(accountId: string, cases: ServiceCasesSource): string {
  return `${accountId}/dbs/${cases.database}/colls/${cases.container}`;
}

export interface ServiceCasesArgs {
  config: RelmeshConfig;
  cases: ServiceCasesSource;
  resourceGroupName: pulumi.Input<string>;
  logAnalyticsWorkspaceId: pulumi.Input<string>;
  /** The workspace identity that reads the container. */
  workspacePrincipalId: pulumi.Input<string>;
}

/** The Cosmos DB account, database and container (mode create) and the workspace identity's read role (both modes). */
export class ServiceCases extends pulumi.ComponentResource {
  readonly account?: cosmosdb.DatabaseAccount;
  readonly accountId: pulumi.Output<string>;
  readonly reader: cosmosdb.SqlResourceSqlRoleAssignment;

  constructor(name: string, args: ServiceCasesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relmesh:stacks:ServiceCases", name, {}, opts);
    const { config, cases } = args;
    const parent = { parent: this };
    let accountResourceGroup: pulumi.Input<string>;
    const after: pulumi.Resource[] = [];

    if (cases.mode === "create") {
      this.account = new cosmosdb.DatabaseAccount(
        LOGICAL.casesAccount,
        { resourceGroupName: args.resourceGroupName, ...casesAccountArgs(cases, config) },
        parent,
      );
      this.accountId = this.account.id;
      accountResourceGroup = args.resourceGroupName;
      const database = new cosmosdb.SqlResourceSqlDatabase(
        "cases-cosmos-database",
        {
          resourceGroupName: args.resourceGroupName,
          accountName: this.account.name,
          databaseName: cases.database,
          resource: { id: cases.database },
        },
        parent,
      );
      const container = new cosmosdb.SqlResourceSqlContainer(
        "cases-cosmos-container",
        {
          resourceGroupName: args.resourceGroupName,
          accountName: this.account.name,
          databaseName: database.name,
          containerName: cases.container,
          resource: { id: cases.container, partitionKey: { paths: [cases.create!.partitionKeyPath], kind: "Hash", version: 2 } },
        },
        parent,
      );
      after.push(container);
      new monitor.DiagnosticSetting(
        "diag-cases-cosmos",
        {
          name: "relmesh-to-log-analytics",
          resourceUri: this.account.id,
          workspaceId: args.logAnalyticsWorkspaceId,
          logAnalyticsDestinationType: "Dedicated",
          logs: DIAGNOSTIC_CATEGORIES.cosmosAccount.map((category) => ({ category, enabled: true })),
        },
        parent,
      );
    } else {
      this.accountId = pulumi.output(cases.account.resourceId!);
      accountResourceGroup = cases.account.resourceGroupName!;
    }

    // Data-plane RBAC is Cosmos DB's own (not an ARM role assignment): Built-in Data Reader on the
    // one container, never the account (SEC-31).
    const scope = this.accountId.apply((id) => containerScope(id, cases));
    this.reader = new cosmosdb.SqlResourceSqlRoleAssignment(
      LOGICAL.casesReader,
      {
        resourceGroupName: accountResourceGroup,
        accountName: cases.account.name,
        roleAssignmentId: pulumi
          .all([scope, args.workspacePrincipalId])
          .apply(([s, p]) => cosmosRoleAssignmentId(s, p, COSMOS_DATA_READER_ROLE)),
        roleDefinitionId: pulumi.interpolate`${this.accountId}/sqlRoleDefinitions/${COSMOS_DATA_READER_ROLE}`,
        principalId: args.workspacePrincipalId,
        scope,
      },
      { parent: this, dependsOn: after },
    );
    this.registerOutputs({ accountId: this.accountId });
  }
}
