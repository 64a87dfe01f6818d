import * as pulumi from "@pulumi/pulumi";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as authorization from "@pulumi/azure-native/authorization";
import type { RelmeshConfig } from "../config/stack";
import { LOGICAL } from "./logical-names";

export interface KeyVaultArgs {
  config: RelmeshConfig;
  resourceGroupName: pulumi.Input<string>;
  tenantId: pulumi.Input<string>;
}

/** Key Vault settings (SEC-13..16). Pure. */
export function vaultProperties(config: RelmeshConfig, tenantId: pulumi.Input<string>): keyvault.VaultArgs["properties"] {
  return {
    tenantId,
    sku: { family: "A", name: "standard" },
    // RBAC, not access policies: with policies a management-plane Contributor can grant itself
    // data access. Unset means false, so it is set explicitly.
    enableRbacAuthorization: true,
    enableSoftDelete: true,
    softDeleteRetentionInDays: 90,
    // Irreversible: a deleted vault (and the MGDC secret) stays recoverable for 90 days, and its
    // name cannot be reused meanwhile.
    enablePurgeProtection: true,
    enabledForDeployment: false,
    enabledForDiskEncryption: false,
    enabledForTemplateDeployment: false,
    // The program writes the secret through ARM, which the firewall does not block. Without MGDC
    // the vault denies every network and Synapse reaches it through its managed private endpoint.
    // EXCEPTION SEC-15 with MGDC (stacks/exceptions.ts): the MGDC linked services read the secret
    // from the MGDC copy's Azure IR outside any VNet, whose changing regional addresses no IP rule
    // admits, and Key Vault's trusted services cover Synapse only for customer-managed keys
    // (docs/network-design.md). RBAC still limits reading to the workspace identity.
    publicNetworkAccess: "Enabled",
    networkAcls: {
      defaultAction: config.mgdcEnabled ? "Allow" : "Deny",
      bypass: "AzureServices",
      ipRules: config.keyVaultAllowedCidrs.map((value) => ({ value })),
      virtualNetworkRules: [],
    },
  };
}

/** The vault that holds the MGDC client secret. */
export class RelmeshKeyVault extends pulumi.ComponentResource {
  readonly vault: keyvault.Vault;
  readonly vaultUri: pulumi.Output<string>;

  constructor(name: string, args: KeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relmesh:stacks:KeyVault", name, {}, opts);
    const { config } = args;
    this.vault = new keyvault.Vault(
      LOGICAL.keyVault,
      {
        vaultName: config.names.keyVault,
        resourceGroupName: args.resourceGroupName,
        location: config.location,
        properties: vaultProperties(config, args.tenantId),
        tags: config.tags,
      },
      { parent: this },
    );
    if (config.lockResources) {
      new authorization.ManagementLockByScope(
        `${LOGICAL.keyVault}-lock`,
        {
          scope: this.vault.id,
          lockName: "relmesh-do-not-delete",
          level: "CanNotDelete",
          notes: "Holds the MGDC client secret (relmesh:lockResources).",
        },
        { parent: this },
      );
    }
    this.vaultUri = this.vault.properties.apply((p) => p.vaultUri ?? "");
    this.registerOutputs({ vaultId: this.vault.id, vaultUri: this.vaultUri });
  }
}
