/**
 * The managed private endpoints of the workspace's managed VNet: how Spark and the managed-VNet
 * integration runtime reach the lake, the MGDC landing account and Key Vault while those deny
 * public networks (docs/network-design.md). The stack approves each one on its target, since the
 * deployer owns the targets ("the private link resource owner is responsible to approve or
 * reject", https://learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-managed-private-endpoints).
 */
import type { RelmeshConfig } from "../config/stack";
import type { ManagedPrivateEndpointSpec } from "./publish/private-endpoints";

export interface PrivateEndpointTargets {
  lakeAccountId: string;
  landingAccountId?: string;
  keyVaultId: string;
  /** The ERP server (relmesh:erp): the stack's, or a customer's given by resource id. */
  erpServerId?: string;
  /** The service-case Cosmos DB account (relmesh:serviceCases). */
  casesAccountId?: string;
}

/** The endpoints this config needs; none without a managed VNet. Pure. */
export function managedPrivateEndpointSpecs(config: RelmeshConfig, targets: PrivateEndpointTargets): ManagedPrivateEndpointSpec[] {
  if (!config.managedVirtualNetwork) return [];
  // Spark (abfss://) and the ADLS Gen2 copies both use the dfs endpoint.
  const specs: ManagedPrivateEndpointSpec[] = [
    { name: "mpe-rm-lake-dfs", privateLinkResourceId: targets.lakeAccountId, groupId: "dfs", approve: true },
  ];
  if (config.mgdcEnabled) {
    // The Key Vault linked service runs on the managed-VNet AutoResolve runtime; only MGDC keeps a secret there.
    specs.push({ name: "mpe-rm-key-vault", privateLinkResourceId: targets.keyVaultId, groupId: "vault", approve: true });
  }
  if (targets.landingAccountId) {
    // The landing → lake copy reads landing from inside the managed VNet (exfiltration protection
    // lets nothing out except through managed private endpoints).
    specs.push({ name: "mpe-rm-landing-dfs", privateLinkResourceId: targets.landingAccountId, groupId: "dfs", approve: true });
  }
  // The ERP and service-case copies run on the managed-VNet runtime, which reaches nothing outside
  // the VNet except through managed private endpoints (exfiltration protection). The stack approves
  // those to what it created; a customer's server or account gets a request its owner approves.
  const sources: Array<{ target?: string; name: string; groupId: ManagedPrivateEndpointSpec["groupId"]; mode?: string }> = [
    { target: targets.erpServerId, name: "mpe-rm-erp-sql", groupId: "sqlServer", mode: config.erp?.mode },
    { target: targets.casesAccountId, name: "mpe-rm-cases-cosmos", groupId: "Sql", mode: config.serviceCases?.mode },
  ];
  for (const { target, name, groupId, mode } of sources)
    if (target) specs.push({ name, privateLinkResourceId: target, groupId, approve: mode === "create" });
  return specs;
}
