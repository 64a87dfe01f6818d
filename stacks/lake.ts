import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import * as authorization from "@pulumi/azure-native/authorization";
import { RAW_M365_FOLDER, type RelmeshConfig } from "../config/stack";
import { LOGICAL } from "./logical-names";

export interface DataLakeArgs {
  config: RelmeshConfig;
  resourceGroupName: pulumi.Input<string>;
  tenantId: pulumi.Input<string>;
  /** ARM id of the Synapse workspace, computed from names so the lake does not wait for it. */
  synapseWorkspaceId: pulumi.Input<string>;
}

/** The lifecycle rules of the private lake: raw M365 data expires after the configured days. Pure. */
export function lakeLifecycleRules(config: RelmeshConfig): storage.ManagementPolicyArgs["policy"] {
  return {
    rules: [
      {
        name: "expire-raw-m365",
        type: "Lifecycle",
        enabled: true,
        definition: {
          filters: { blobTypes: ["blockBlob"], prefixMatch: [`${config.fileSystems.raw}/${RAW_M365_FOLDER}/`] },
          actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: config.rawRetentionDays } } },
        },
      },
    ],
  };
}

/** Storage settings every account of this project shares (SEC-01..04, SEC-07). Pure. */
export function hardenedAccountSettings(): Pick<
  storage.StorageAccountArgs,
  | "kind"
  | "isHnsEnabled"
  | "enableHttpsTrafficOnly"
  | "minimumTlsVersion"
  | "allowBlobPublicAccess"
  | "allowSharedKeyAccess"
  | "defaultToOAuthAuthentication"
  | "allowCrossTenantReplication"
  | "isLocalUserEnabled"
  | "isSftpEnabled"
  | "accessTier"
> {
  return {
    kind: "StorageV2",
    // ADLS Gen2: the lake's file systems and MGDC's AzureBlobFS sink need the DFS endpoint.
    isHnsEnabled: true,
    enableHttpsTrafficOnly: true,
    minimumTlsVersion: "TLS1_2",
    allowBlobPublicAccess: false,
    // Entra ID only: an unset value means true (shared keys and SAS allowed).
    allowSharedKeyAccess: false,
    defaultToOAuthAuthentication: true,
    allowCrossTenantReplication: false,
    isLocalUserEnabled: false,
    isSftpEnabled: false,
    accessTier: "Hot",
  };
}

/** Private ADLS Gen2 lake: raw, curated and workspace file systems, closed to the internet. */
export class DataLake extends pulumi.ComponentResource {
  readonly account: storage.StorageAccount;
  readonly fileSystems: Record<"raw" | "curated" | "workspace", storage.BlobContainer>;
  /** `https://<account>.dfs.core.windows.net/` */
  readonly dfsEndpoint: pulumi.Output<string>;

  constructor(name: string, args: DataLakeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relmesh:stacks:DataLake", name, {}, opts);
    const { config } = args;
    const parent = { parent: this };

    this.account = new storage.StorageAccount(
      LOGICAL.lake,
      {
        accountName: config.names.lakeAccount,
        resourceGroupName: args.resourceGroupName,
        location: config.location,
        sku: { name: config.lakeSku },
        ...hardenedAccountSettings(),
        // Kept "Enabled" for the resource-instance rule below: serverless SQL runs outside the
        // managed VNet and reaches the lake only that way (listed exception SEC-05). Spark and the
        // pipelines come through the managed private endpoint (stacks/network.ts). Without a
        // managed VNet Spark has no other way in, so the fallback accepts every network (SEC-06).
        publicNetworkAccess: "Enabled",
        networkRuleSet: {
          defaultAction: config.managedVirtualNetwork ? "Deny" : "Allow",
          bypass: "AzureServices",
          ipRules: [],
          virtualNetworkRules: [],
          resourceAccessRules: [{ resourceId: args.synapseWorkspaceId, tenantId: args.tenantId }],
        },
        tags: config.tags,
      },
      parent,
    );

    new storage.BlobServiceProperties(
      `${LOGICAL.lake}-blob-service`,
      {
        accountName: this.account.name,
        resourceGroupName: args.resourceGroupName,
        blobServicesName: "default",
        deleteRetentionPolicy: { enabled: true, days: config.softDeleteRetentionDays },
        containerDeleteRetentionPolicy: { enabled: true, days: config.softDeleteRetentionDays },
      },
      parent,
    );

    new storage.ManagementPolicy(
      `${LOGICAL.lake}-lifecycle`,
      {
        accountName: this.account.name,
        resourceGroupName: args.resourceGroupName,
        managementPolicyName: "default",
        policy: lakeLifecycleRules(config),
      },
      parent,
    );

    const fs = (key: "raw" | "curated" | "workspace") =>
      new storage.BlobContainer(
        `${LOGICAL.lake}-${key}`,
        {
          accountName: this.account.name,
          resourceGroupName: args.resourceGroupName,
          containerName: config.fileSystems[key],
          publicAccess: "None",
        },
        parent,
      );
    this.fileSystems = { raw: fs("raw"), curated: fs("curated"), workspace: fs("workspace") };

    if (config.lockResources) {
      new authorization.ManagementLockByScope(
        `${LOGICAL.lake}-lock`,
        {
          scope: this.account.id,
          lockName: "relmesh-do-not-delete",
          level: "CanNotDelete",
          notes: "The Relationship Mesh lake holds curated data; remove the lock deliberately (relmesh:lockResources).",
        },
        parent,
      );
    }

    this.dfsEndpoint = this.account.primaryEndpoints.dfs;
    this.registerOutputs({ accountId: this.account.id, dfsEndpoint: this.dfsEndpoint });
  }
}
