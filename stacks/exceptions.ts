/**
 * Security controls (docs/security-controls.md SEC-xx) this deployment does not meet, each with its reason.
 * Reviewers read this list; the stack exports it; a test checks every entry names a control, a
 * resource that exists in the plan and a reason. A control not listed here holds, and a test says so.
 */
import type { RelmeshConfig } from "../config/stack";
import { LOGICAL } from "./logical-names";

export interface SecurityException {
  /** Control id from docs/security-controls.md, e.g. `SEC-05`. */
  control: string;
  /** Logical name of the resource the exception applies to (as in `relmesh plan`). */
  resource: string;
  /** Why the control cannot hold, and what contains the risk. */
  reason: string;
}

/** Exceptions inherent to the architecture (present whenever the resource is). */
export const SECURITY_EXCEPTIONS: readonly SecurityException[] = [
  {
    control: "SEC-05",
    resource: LOGICAL.landing,
    reason:
      "MGDC only lands data in storage open to public networks, reached with service-principal auth (docs/security-controls.md caveat 4, docs/platform-facts.md §1.5). " +
      "Contained: a separate account holding only raw M365 files for relmesh:landingRetentionDays, no shared keys, no anonymous access, TLS 1.2, " +
      "the MGDC principal limited to one container, data copied into the private lake at once.",
  },
  {
    control: "SEC-06",
    resource: LOGICAL.landing,
    reason:
      "Same cause as SEC-05 on this account: network rules default to Allow because MGDC writes from Azure IR addresses that cannot be allow-listed in the same region.",
  },
  {
    control: "SEC-08",
    resource: LOGICAL.landing,
    reason: "Locally redundant on purpose: it holds a transient copy that MGDC can extract again; the private lake is the durable store.",
  },
  {
    control: "SEC-05",
    resource: LOGICAL.lake,
    reason:
      "The public endpoint stays enabled because serverless SQL runs outside the managed VNet and reaches the lake only through the workspace's " +
      "resource-instance rule (docs/network-design.md). The firewall denies every other network; Spark and pipelines use the managed private endpoint; " +
      "Entra-only auth (no shared keys).",
  },
  {
    control: "SEC-21",
    resource: LOGICAL.synapse,
    reason:
      "Public network access stays Enabled: the deployer publishes artifacts and runs DDL through the workspace endpoints, and private endpoints need a VNet " +
      "this architecture does not have. The IP firewall admits only relmesh:firewallRules (never allow-all), and SQL is Entra-only.",
  },
  {
    control: "SEC-22",
    resource: LOGICAL.synapse,
    reason:
      "IP firewall rules exist (from relmesh:firewallRules, each at most a /16, including the deployer's address); allow-all and 'allow Azure services' are rejected by config validation.",
  },
  {
    control: "SEC-25",
    resource: LOGICAL.synapse,
    reason:
      "Vulnerability assessment is not available for the serverless SQL pool, the only SQL pool by default (Microsoft: Transact-SQL features " +
      "supported in Azure Synapse SQL, Security table); an optional dedicated pool would need a storage container for scan results, not provisioned. " +
      "SQL auditing holds: workspace extendedAuditingSettings with the Azure Monitor target feed SQLSecurityAuditEvents to Log Analytics. Serverless SQL accepts TLS 1.2+ only.",
  },
  {
    control: "SEC-27",
    resource: LOGICAL.sparkPool,
    reason:
      "isComputeIsolationEnabled stays false: compute isolation exists only for specific large node sizes (unverified), not the configured pool size.",
  },
  {
    control: "SEC-18",
    resource: LOGICAL.keyVault,
    reason:
      "Defender for Key Vault is a subscription-wide plan (security.Pricing); enable it by subscription policy, not from this resource-group-scoped stack. AuditEvent logging is on.",
  },
];

/** The exceptions that apply to this config: the architectural ones for resources it creates, plus config-driven ones. */
export function securityExceptions(config: RelmeshConfig): SecurityException[] {
  const list = SECURITY_EXCEPTIONS.filter((e) => config.mgdcEnabled || e.resource !== LOGICAL.landing);
  if (config.mgdcEnabled) {
    list.push({
      control: "SEC-15",
      resource: LOGICAL.keyVault,
      reason:
        "The vault accepts public networks: the MGDC linked services read the MGDC client secret from the MGDC copy's Azure IR, which must run outside " +
        "any VNet (Office 365 connector) and whose changing regional addresses no IP rule admits; Key Vault's trusted services cover Synapse only for " +
        "customer-managed keys (docs/network-design.md). Contained: RBAC only (Key Vault Secrets User for the workspace identity alone), one short-lived " +
        "rotating secret, purge protection, every access in the AuditEvent log.",
    });
  }
  if (config.mgdcEnabled) {
    list.push({
      control: "SEC-32",
      resource: "synapse-graph-owned-apps",
      reason:
        "The workspace identity holds Graph's Application.ReadWrite.OwnedBy and owns the MGDC app, so the scheduled rotation can add passwords to it. " +
        "Contained: OwnedBy reaches only applications it owns (this one); it could already use the app's secret through Key Vault; new passwords " +
        "expire after relmesh:mgdcSecretLifetimeDays; every call is in the Entra audit log.",
    });
  }
  if (!config.managedVirtualNetwork) {
    const why = "relmesh:managedVirtualNetwork is false (a workspace created without one; it cannot be added later)";
    list.push(
      { control: "SEC-19", resource: LOGICAL.synapse, reason: `${why}.` },
      { control: "SEC-20", resource: LOGICAL.synapse, reason: `Data-exfiltration protection needs the managed VNet (SEC-19): ${why}.` },
      {
        control: "SEC-06",
        resource: LOGICAL.lake,
        reason: `The lake accepts every network, because Spark outside a managed VNet is admitted by no firewall rule: ${why}. Entra-only auth still applies.`,
      },
    );
  }
  if (config.erp?.mode === "create") {
    list.push(
      {
        control: "SEC-30",
        resource: LOGICAL.erpServer,
        reason:
          "Public network access stays Enabled: `pulumi up` runs the workspace identity's grant (sql/erp-grants.ts) from the deployer's machine, " +
          "and this architecture has no VNet to reach a private endpoint from. The firewall admits exactly relmesh:firewallRules (the Synapse " +
          "workspace's rules, never allow-all, no 'allow Azure services' rule); auth is Entra-only with a group admin; the pipelines use the " +
          "managed private endpoint (sqlServer) from the managed VNet, not this endpoint.",
      },
      {
        control: "SEC-30",
        resource: LOGICAL.erpDatabase,
        reason:
          "Not zone-redundant and no vulnerability-assessment scans: mode create provisions a demo ERP database (2 vCores by default); zone " +
          "redundancy on Hyperscale needs high-availability replicas, and recurring VA needs Defender for SQL, a subscription plan. A customer's " +
          "own database (mode existing) keeps its settings. Auditing, threat alerts and TDE hold.",
      },
    );
  }
  if (config.serviceCases?.mode === "create") {
    list.push({
      control: "SEC-29",
      resource: LOGICAL.casesAccount,
      reason:
        "One region, no automatic failover: mode create provisions a demo service-case account whose data the pipeline copies into the lake " +
        "daily; continuous backup allows point-in-time restore. A customer's own account (mode existing) keeps its replication.",
    });
  }
  if (!["Standard_GZRS", "Standard_RAGZRS", "Standard_GRS", "Standard_RAGRS"].includes(config.lakeSku)) {
    list.push({
      control: "SEC-08",
      resource: LOGICAL.lake,
      reason: `relmesh:lakeSku is ${config.lakeSku}: the lake is not geo-redundant.`,
    });
  }
  if (!config.lockResources) {
    for (const resource of [LOGICAL.lake, LOGICAL.keyVault]) {
      list.push({
        control: "SEC-11",
        resource,
        reason: "relmesh:lockResources is false (a dev stack that must be torn down): no CanNotDelete lock.",
      });
    }
  }
  return list.sort((a, b) => a.control.localeCompare(b.control) || a.resource.localeCompare(b.resource));
}
