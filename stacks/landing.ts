import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import * as authorization from "@pulumi/azure-native/authorization";
import type { RelmeshConfig } from "../config/stack";
import { hardenedAccountSettings } from "./lake";
import { LOGICAL } from "./logical-names";

/**
 * The shortest landing retention the lifecycle rule takes. Not an MGDC limit (MGDC sets none) and
 * not an Azure one: `daysAfterModificationGreaterThan: 0` is accepted (Microsoft's own example
 * deletes tagged blobs with 0, "Lifecycle management policies that delete blobs",
 * https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-policy-delete). 0 is unsafe
 * here: the policy runs asynchronously about once a day, so it could delete a window's files while
 * the same pipeline run is still extracting or has yet to copy them; the folder copy would then
 * copy fewer files and still succeed. One run writes and copies within about 20 hours (MGDC extract
 * timeout 12 h, then the copy's 2 h timeout and retries), so 1 day never races it. Deleted blobs
 * stay recoverable for the 7 days of blob soft delete either way (SEC-09).
 */
export const LANDING_MIN_RETENTION_DAYS = 1;

/** A lifecycle rule as plain data (assignable to the provider's rule input). */
export interface LandingLifecycleRule {
  name: string;
  type: "Lifecycle";
  enabled: boolean;
  definition: {
    filters: { blobTypes: string[]; prefixMatch: string[] };
    actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: number } } };
  };
}

/** The landing lifecycle rule: delete MGDC output relmesh:landingRetentionDays after it was written. Pure. */
export function landingLifecycleRule(config: RelmeshConfig): LandingLifecycleRule {
  if (!Number.isInteger(config.landingRetentionDays) || config.landingRetentionDays < LANDING_MIN_RETENTION_DAYS) {
    throw new Error(
      `landingLifecycleRule: landing retention must be at least 1 day (see LANDING_MIN_RETENTION_DAYS), got ${config.landingRetentionDays}`,
    );
  }
  return {
    name: "expire-mgdc-landing",
    type: "Lifecycle",
    enabled: true,
    definition: {
      filters: { blobTypes: ["blockBlob"], prefixMatch: [`${config.landingContainer}/`] },
      actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: config.landingRetentionDays } } },
    },
  };
}

export interface MgdcLandingArgs {
  config: RelmeshConfig;
  resourceGroupName: pulumi.Input<string>;
}

/**
 * The MGDC landing account: the only storage open to public networks, holding nothing but
 * short-lived raw M365 files. MGDC writes here; the pipeline copies into the private lake.
 */
export class MgdcLanding extends pulumi.ComponentResource {
  readonly account: storage.StorageAccount;
  readonly container: storage.BlobContainer;
  readonly dfsEndpoint: pulumi.Output<string>;

  constructor(name: string, args: MgdcLandingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relmesh:stacks:MgdcLanding", name, {}, opts);
    const { config } = args;
    const parent = { parent: this };

    this.account = new storage.StorageAccount(
      LOGICAL.landing,
      {
        accountName: config.names.landingAccount,
        resourceGroupName: args.resourceGroupName,
        location: config.location,
        // A transient copy MGDC can extract again: locally redundant (listed exception SEC-08).
        sku: { name: "Standard_LRS" },
        ...hardenedAccountSettings(),
        // EXCEPTION SEC-05/SEC-06 (docs/security-controls.md caveat 4): MGDC only writes to storage that allows
        // public networks, authenticated as a service principal; its Azure IR addresses cannot be
        // allow-listed from the same region. Shared keys stay off, anonymous access stays off, and
        // the MGDC principal may write to one container only.
        publicNetworkAccess: "Enabled",
        networkRuleSet: { defaultAction: "Allow", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] },
        tags: { ...config.tags, "relmesh-exception": "SEC-05 SEC-06 MGDC landing" },
      },
      parent,
    );

    new storage.BlobServiceProperties(
      `${LOGICAL.landing}-blob-service`,
      {
        accountName: this.account.name,
        resourceGroupName: args.resourceGroupName,
        blobServicesName: "default",
        // The SEC-09 floor of 7 days, not longer: deleted M365 data should not linger.
        deleteRetentionPolicy: { enabled: true, days: 7 },
        containerDeleteRetentionPolicy: { enabled: true, days: 7 },
      },
      parent,
    );

    new storage.ManagementPolicy(
      `${LOGICAL.landing}-lifecycle`,
      {
        accountName: this.account.name,
        resourceGroupName: args.resourceGroupName,
        managementPolicyName: "default",
        policy: {
          rules: [landingLifecycleRule(config)],
        },
      },
      parent,
    );

    this.container = new storage.BlobContainer(
      LOGICAL.landingContainer,
      {
        accountName: this.account.name,
        resourceGroupName: args.resourceGroupName,
        containerName: config.landingContainer,
        publicAccess: "None",
      },
      parent,
    );

    if (config.lockResources) {
      new authorization.ManagementLockByScope(
        `${LOGICAL.landing}-lock`,
        {
          scope: this.account.id,
          lockName: "relmesh-do-not-delete",
          level: "CanNotDelete",
          notes: "MGDC registration points at this account; deleting it breaks the approval (relmesh:lockResources).",
        },
        parent,
      );
    }

    this.dfsEndpoint = this.account.primaryEndpoints.dfs;
    this.registerOutputs({ accountId: this.account.id, dfsEndpoint: this.dfsEndpoint });
  }
}
