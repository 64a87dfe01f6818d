/**
 * The ERP source on Azure SQL Database (relmesh:erp). With mode create: an Entra-only logical
 * server, a Hyperscale database, auditing to Log Analytics and threat alerts (SEC-30). With both
 * modes: the workspace identity's read grant, run by the SQL executor (sql/erp-grants.ts).
 *
 * Network (decision, listed in stacks/exceptions.ts): the server the stack creates keeps its public
 * endpoint, firewalled by exactly relmesh:firewallRules (the Synapse workspace's rules, which admit
 * the deployer), because `pulumi up` itself runs the grant from the deployer's machine and this
 * architecture has no VNet for it. The pipelines do not use that endpoint: they reach the server
 * through a managed private endpoint (groupId `sqlServer`) from the managed VNet (stacks/network.ts).
 * No "allow Azure services" rule (0.0.0.0) is ever created: it would admit every Azure customer.
 */
import * as pulumi from "@pulumi/pulumi";
import * as sql from "@pulumi/azure-native/sql";
import * as monitor from "@pulumi/azure-native/monitor";
import type { ErpSource } from "../config/sources";
import type { RelmeshConfig } from "../config/stack";
import { erpGrantScript, erpRevoke } from "../sql/erp-grants";
import { LOGICAL } from "./logical-names";
import { DIAGNOSTIC_CATEGORIES, sqlAuditingProperties } from "./monitoring";
import { SynapseSqlLayer } from "./publish/component";

/**
 * The logical server's settings for mode create (SEC-30). Pure.
 * - Entra-only: `azureADOnlyAuthentication` with a group admin and no administratorLogin/password
 *   (set at creation; a password would also be accepted and ignored, so none is passed).
 * - TLS 1.2 minimum.
 * - `publicNetworkAccess: Enabled` with firewall rules only (see the module comment).
 */
export function erpServerArgs(
  erp: ErpSource,
  config: RelmeshConfig,
  tenantId: pulumi.Input<string>,
): Omit<sql.ServerArgs, "resourceGroupName"> {
  const admin = erp.create!.entraAdmin;
  return {
    serverName: erp.server.name,
    location: config.location,
    version: "12.0",
    administrators: {
      administratorType: "ActiveDirectory",
      azureADOnlyAuthentication: true,
      login: admin.login,
      sid: admin.objectId,
      tenantId,
      principalType: "Group",
    },
    minimalTlsVersion: "1.2",
    publicNetworkAccess: "Enabled",
    tags: config.tags,
  };
}

/**
 * The Hyperscale database. The ARM sku is the service objective's family name plus a capacity
 * (`HS_Gen5` + 2 is the service objective HS_Gen5_2): docs/platform-facts.md §6.8. Pure.
 */
export function erpDatabaseArgs(erp: ErpSource, config: RelmeshConfig): Omit<sql.DatabaseArgs, "resourceGroupName" | "serverName"> {
  return {
    databaseName: erp.database,
    location: config.location,
    sku: { name: "HS_Gen5", tier: "Hyperscale", family: "Gen5", capacity: erp.create!.vCores },
    tags: config.tags,
  };
}

export interface ErpSqlArgs {
  config: RelmeshConfig;
  erp: ErpSource;
  resourceGroupName: pulumi.Input<string>;
  tenantId: pulumi.Input<string>;
  logAnalyticsWorkspaceId: pulumi.Input<string>;
  /** The workspace whose identity is granted SELECT (its display name is the workspace name). */
  workspaceName: string;
  /** The grant runs after these (the workspace, whose identity must exist in Entra first). */
  after: pulumi.Input<pulumi.Resource>[];
}

/** The ERP server and database (mode create) and the workspace identity's read grant (both modes). */
export class ErpSql extends pulumi.ComponentResource {
  readonly server?: sql.Server;
  readonly database?: sql.Database;
  /** ARM id of the server: the stack's, or the customer's when relmesh:erp.server is a resource id. */
  readonly serverId?: pulumi.Output<string>;
  readonly grants: SynapseSqlLayer;

  constructor(name: string, args: ErpSqlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relmesh:stacks:ErpSql", name, {}, opts);
    const { config, erp } = args;
    const parent = { parent: this };
    const before: pulumi.Input<pulumi.Resource>[] = [...args.after];

    if (erp.mode === "create") {
      this.server = new sql.Server(
        LOGICAL.erpServer,
        { resourceGroupName: args.resourceGroupName, ...erpServerArgs(erp, config, args.tenantId) },
        parent,
      );
      this.serverId = this.server.id;
      const serverName = this.server.name;
      const rules = config.firewallRules.map(
        (rule) =>
          new sql.FirewallRule(
            `erp-sql-firewall-${rule.name}`,
            {
              resourceGroupName: args.resourceGroupName,
              serverName,
              firewallRuleName: rule.name,
              startIpAddress: rule.startIpAddress,
              endIpAddress: rule.endIpAddress,
            },
            parent,
          ),
      );
      this.database = new sql.Database(
        LOGICAL.erpDatabase,
        { resourceGroupName: args.resourceGroupName, serverName, ...erpDatabaseArgs(erp, config) },
        parent,
      );
      // Server-level auditing to Azure Monitor covers every database, and its events are emitted by
      // the master database: "Diagnostic Settings with 'SQLSecurityAuditEvents' … on the database
      // should be also created. Note that for server level audit you should use the 'master'
      // database" (IsAzureMonitorTargetEnabled, docs/platform-facts.md §6.8).
      new sql.ExtendedServerBlobAuditingPolicy(
        "erp-sql-auditing",
        {
          resourceGroupName: args.resourceGroupName,
          serverName,
          blobAuditingPolicyName: "default",
          ...(sqlAuditingProperties() as { state: "Enabled"; isAzureMonitorTargetEnabled: boolean; auditActionsAndGroups: string[] }),
        },
        parent,
      );
      new monitor.DiagnosticSetting(
        "diag-erp-sql-audit",
        {
          name: "relmesh-to-log-analytics",
          resourceUri: pulumi.interpolate`${this.server.id}/databases/master`,
          workspaceId: args.logAnalyticsWorkspaceId,
          logAnalyticsDestinationType: "Dedicated",
          logs: DIAGNOSTIC_CATEGORIES.erpMasterDatabase.map((category) => ({ category, enabled: true })),
        },
        parent,
      );
      new sql.ServerSecurityAlertPolicy(
        "erp-sql-threat-alerts",
        {
          resourceGroupName: args.resourceGroupName,
          serverName,
          securityAlertPolicyName: "Default",
          state: "Enabled",
          emailAddresses: config.alertEmails,
          emailAccountAdmins: false,
        },
        parent,
      );
      // TDE: new Azure SQL databases are encrypted by default (service-managed key); nothing turns it off.
      before.push(this.database, ...rules);
    } else if (erp.server.resourceId) {
      this.serverId = pulumi.output(erp.server.resourceId);
    }

    // The deployer runs the grant as a member of the server's Entra admin group (mode create:
    // relmesh:erp.entraAdmin; mode existing: the customer's admin runs `pulumi up` or grants it).
    // Mode existing also revokes it when the resource goes (relmesh:erp removed, or moved to another
    // server, database, schema or workspace name: a replacement), least privilege (SEC-31). Pulumi
    // deletes a resource before what it depends on, so the revoke runs while the workspace still
    // exists; it needs the same deployer rights and firewall access as the grant (erpRevoke: none in mode create).
    const revoke = erpRevoke(erp, args.workspaceName);
    this.grants = new SynapseSqlLayer(
      LOGICAL.erpGrants,
      { server: erp.server.fqdn, scripts: [erpGrantScript(erp, args.workspaceName)], ...(revoke ? { onDelete: revoke } : {}) },
      { parent: this, dependsOn: before },
    );
    this.registerOutputs({ serverId: this.serverId });
  }
}
