import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import * as authorization from "@pulumi/azure-native/authorization";
import type { RelmeshConfig } from "../config/stack";
import { hardenedAccountSettings } from "./lake";
import { LOGICAL } from "./logical-names";

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
          rules: [
            {
              name: "expire-mgdc-landing",
              type: "Lifecycle",
              enabled: true,
              definition: {
                filters: { blobTypes: ["blockBlob"], prefixMatch: [`${config.landingContainer}/`] },
                actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: config.landingRetentionDays } } },
              },
            },
          ],
        },
      },
      parent,
    );

    this.container = new storage.BlobContainer(
      LOGICAL.landingContainer,
      { accountName: this.account.name, resourceGroupName: args.resourceGroupName, containerName: config.landingContainer, publicAccess: "None" },
      parent,
    );

    if (config.lockResources) {
      new authorization.ManagementLockByScope(
        `${LOGICAL.landing}-lock`,
        { scope: this.account.id, lockName: "relmesh-do-not-delete", level: "CanNotDelete", notes: "MGDC registration points at this account; deleting it breaks the approval (relmesh:lockResources)." },
        parent,
      );
    }

    this.dfsEndpoint = this.account.primaryEndpoints.dfs;
    this.registerOutputs({ accountId: this.account.id, dfsEndpoint: this.dfsEndpoint });
  }
}
