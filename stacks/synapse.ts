import * as pulumi from "@pulumi/pulumi";
import * as synapse from "@pulumi/azure-native/synapse";
import type { RelmeshConfig } from "../config/stack";
import { SYNAPSE_RUNTIME } from "../config/runtime";
import { RUNTIMES } from "../synapse-artifacts/names";
import { LOGICAL } from "./logical-names";

/** The Azure IR the MGDC copy runs on (docs/network-design.md). */
export const MGDC_RUNTIME = RUNTIMES.mgdc;

/**
 * The MGDC copy's integration runtime: an Azure IR outside the managed VNet ("Please use Azure
 * integration runtime in both source and sink linked services. The self-hosted integration runtime
 * and the managed virtual network integration runtime are not supported", Office 365 connector
 * page), pinned to the workspace's region, which config validation keeps inside the Office region
 * MGDC serves (the IR region must map to the mailboxes' region). A Managed IR without a
 * `managedVirtualNetwork` reference runs outside it: the reference is per runtime (ARM schema
 * Microsoft.Synapse/workspaces/integrationRuntimes; Data Factory, "Enable managed virtual network
 * in integration runtime"). Pure.
 */
export function mgdcRuntimeProperties(config: RelmeshConfig): synapse.IntegrationRuntimeArgs["properties"] {
  return {
    type: "Managed",
    description: "Relationship Mesh: the MGDC (Office 365) copy only. Outside the managed VNet, which MGDC does not support.",
    computeProperties: { location: config.location },
  };
}

export interface SynapseWorkspaceArgs {
  config: RelmeshConfig;
  resourceGroupName: pulumi.Input<string>;
  tenantId: pulumi.Input<string>;
  lakeAccountId: pulumi.Input<string>;
  /** Lake file system that becomes the workspace's default storage. */
  workspaceFileSystem: pulumi.Input<string>;
}

/** ARM id of the workspace, known before it exists (the lake's network rule needs it). Pure. */
export function synapseWorkspaceId(subscriptionId: string, resourceGroupName: string, workspaceName: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.Synapse/workspaces/${workspaceName}`;
}

/** Logical name of each firewall rule resource. Pure. */
export function firewallRuleLogicalName(ruleName: string): string {
  return `synapse-fw-${ruleName.toLowerCase().replace(/[^a-z0-9-]+/g, "-")}`;
}

/** Workspace networking (SEC-19..22) for this config. Pure. */
export function workspaceNetworking(
  config: RelmeshConfig,
  tenantId: pulumi.Input<string>,
): Pick<
  synapse.WorkspaceArgs,
  "publicNetworkAccess" | "managedVirtualNetwork" | "managedVirtualNetworkSettings" | "trustedServiceBypassEnabled"
> {
  return {
    // Must be Enabled while IP firewall rules are the access path: the deployer publishes artifacts
    // and runs DDL through the dev and SQL endpoints, and there is no VNet for private endpoints
    // (listed exception SEC-21). The SDK default is also Enabled; it is stated here on purpose.
    publicNetworkAccess: "Enabled",
    // This bypass admits Azure Synapse Link for Azure SQL through the workspace firewall; nothing
    // here uses Synapse Link, so it stays closed (data-path model: "workspace-trusted-bypass").
    trustedServiceBypassEnabled: false,
    ...(config.managedVirtualNetwork
      ? {
          managedVirtualNetwork: "default",
          managedVirtualNetworkSettings: {
            preventDataExfiltration: true,
            allowedAadTenantIdsForLinking: [tenantId],
            linkedAccessCheckOnTargetResource: true,
          },
        }
      : {}),
  };
}

/** Synapse workspace, Entra admins, firewall, the Spark 3.5 pool and an optional dedicated SQL pool. */
export class SynapseWorkspace extends pulumi.ComponentResource {
  readonly workspace: synapse.Workspace;
  readonly sparkPool: synapse.BigDataPool;
  readonly dedicatedPool?: synapse.SqlPool;
  /** Object id of the workspace's system-assigned identity. */
  readonly principalId: pulumi.Output<string>;
  readonly endpoints: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: SynapseWorkspaceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relmesh:stacks:SynapseWorkspace", name, {}, opts);
    const { config } = args;
    const parent = { parent: this };
    const ws = config.names.synapseWorkspace;

    this.workspace = new synapse.Workspace(
      LOGICAL.synapse,
      {
        workspaceName: ws,
        resourceGroupName: args.resourceGroupName,
        location: config.location,
        // The workspace identity is the only principal Spark and pipelines use for the lake and Key Vault.
        identity: { type: "SystemAssigned" },
        defaultDataLakeStorage: {
          accountUrl: `https://${config.names.lakeAccount}.dfs.core.windows.net`,
          filesystem: args.workspaceFileSystem,
          resourceId: args.lakeAccountId,
          // The stack declares and approves its own managed private endpoint to the lake
          // (stacks/network.ts); an automatic one would sit pending with a generated name.
          createManagedPrivateEndpoint: false,
        },
        // Entra-only SQL: no SQL login and no password exists at all (SEC-23).
        azureADOnlyAuthentication: true,
        managedResourceGroupName: `${config.names.resourceGroup}-synapse-managed`,
        ...workspaceNetworking(config, args.tenantId),
        tags: config.tags,
      },
      parent,
    );

    const admin = {
      administratorType: "ActiveDirectory",
      login: config.adminGroupName,
      sid: config.adminGroupObjectId,
      tenantId: args.tenantId,
    };
    new synapse.WorkspaceAadAdmin(
      `${LOGICAL.synapse}-entra-admin`,
      { resourceGroupName: args.resourceGroupName, workspaceName: this.workspace.name, ...admin },
      parent,
    );
    // Azure makes the creating identity SQL admin first; this replaces it with the admin group.
    new synapse.WorkspaceSqlAadAdmin(
      `${LOGICAL.synapse}-sql-entra-admin`,
      { resourceGroupName: args.resourceGroupName, workspaceName: this.workspace.name, ...admin },
      parent,
    );

    for (const rule of config.firewallRules) {
      new synapse.IpFirewallRule(
        firewallRuleLogicalName(rule.name),
        {
          resourceGroupName: args.resourceGroupName,
          workspaceName: this.workspace.name,
          ruleName: rule.name,
          startIpAddress: rule.startIpAddress,
          endIpAddress: rule.endIpAddress,
        },
        parent,
      );
    }

    if (config.mgdcEnabled) {
      new synapse.IntegrationRuntime(
        MGDC_RUNTIME,
        {
          resourceGroupName: args.resourceGroupName,
          workspaceName: this.workspace.name,
          integrationRuntimeName: MGDC_RUNTIME,
          properties: mgdcRuntimeProperties(config),
        },
        parent,
      );
    }

    const pool = config.sparkPool;
    this.sparkPool = new synapse.BigDataPool(
      LOGICAL.sparkPool,
      {
        bigDataPoolName: pool.name,
        workspaceName: this.workspace.name,
        resourceGroupName: args.resourceGroupName,
        location: config.location,
        // The runtime the notebooks and the local runner are pinned to (config/runtime.ts).
        sparkVersion: SYNAPSE_RUNTIME.poolSparkVersion,
        nodeSize: pool.nodeSize,
        nodeSizeFamily: "MemoryOptimized",
        autoScale: { enabled: true, minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
        autoPause: { enabled: true, delayInMinutes: pool.autoPauseMinutes },
        isComputeIsolationEnabled: false,
        sessionLevelPackagesEnabled: false,
        tags: config.tags,
      },
      parent,
    );

    if (config.dedicatedSqlPool) {
      this.dedicatedPool = new synapse.SqlPool(
        LOGICAL.dedicatedPool,
        {
          sqlPoolName: config.dedicatedSqlPool.name,
          workspaceName: this.workspace.name,
          resourceGroupName: args.resourceGroupName,
          location: config.location,
          sku: { name: config.dedicatedSqlPool.sku },
          createMode: "Default",
          collation: "SQL_Latin1_General_CP1_CI_AS",
          tags: config.tags,
        },
        parent,
      );
      new synapse.SqlPoolTransparentDataEncryption(
        `${LOGICAL.dedicatedPool}-tde`,
        {
          resourceGroupName: args.resourceGroupName,
          workspaceName: this.workspace.name,
          sqlPoolName: this.dedicatedPool.name,
          transparentDataEncryptionName: "current",
          status: "Enabled",
        },
        parent,
      );
    }

    this.principalId = this.workspace.identity.apply((i) => i?.principalId ?? "");
    this.endpoints = this.workspace.connectivityEndpoints.apply((e) => ({ ...e }));
    this.registerOutputs({ workspaceId: this.workspace.id, principalId: this.principalId, endpoints: this.endpoints });
  }
}
