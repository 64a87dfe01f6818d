/**
 * Azure's network rules, as the data-path model applies them. Each rule is a small pure function
 * over the settings the plan records, and cites the Microsoft page it comes from. A finding about
 * Azure's behaviour becomes a rule here plus a regression test (test/stacks/datapath*.test.ts),
 * never a comment alone. docs/network-design.md explains the design these rules admit.
 */

/** How a caller's traffic arrives at a resource. */
export type Route =
  /** From an Azure integration runtime outside any VNet: Azure-owned addresses of the region that change. */
  | "azure-ir-public"
  /** From the workspace's managed VNet (Spark or a managed-VNet integration runtime) through a managed private endpoint. */
  | "managed-private-endpoint"
  /** Spark in a workspace without a managed VNet: the pool's own, unpredictable egress addresses. */
  | "spark-public"
  /** Serverless or dedicated SQL of the workspace, which storage firewalls admit by resource-instance rule. */
  | "synapse-sql"
  /** A client with a known public address (the deployer's machine, a report author, a data gateway). */
  | "known-address";

export interface Verdict {
  open: boolean;
  /** How the path gets through when open; what blocks it when not. */
  how: string;
  /** What to change, when closed. */
  fix?: string;
}

const open = (how: string): Verdict => ({ open: true, how });
const closed = (how: string, fix: string): Verdict => ({ open: false, how, fix });

/** The network settings of a storage account, as the plan records them. */
export interface StorageNetwork {
  logical: string;
  publicNetworkAccess: string;
  defaultAction: string;
  bypass: string;
  ipRules: string[];
  /** Workspaces admitted by resource-instance rules (ARM ids). */
  resourceInstances: string[];
  /** Sub-resources (`dfs`, `blob`) the workspace's managed VNet reaches through approved managed private endpoints. */
  privateEndpointGroups: string[];
}

/** The network settings of a Key Vault. */
export interface VaultNetwork {
  logical: string;
  publicNetworkAccess: string;
  defaultAction: string;
  bypass: string;
  ipRules: string[];
  /** True when an approved managed private endpoint from the workspace's managed VNet reaches the vault. */
  privateEndpoint: boolean;
}

/** The Synapse workspace's own endpoints (dev, serverless SQL). */
export interface WorkspaceNetwork {
  publicNetworkAccess: string;
  firewall: Array<{ name: string; startIpAddress: string; endIpAddress: string }>;
}

const ipToNumber = (ip: string) => ip.split(".").reduce((n, part) => n * 256 + Number(part), 0);

/** True when `ip` lies in `a.b.c.d` or `a.b.c.d/nn`. Pure. */
export function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bits = "32"] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipToNumber(base) / size) * size;
  const n = ipToNumber(ip);
  return n >= start && n < start + size;
}

/**
 * Whether a storage account admits a route.
 *
 * - Public network access "Disabled" admits private endpoints only.
 *   https://learn.microsoft.com/azure/storage/common/storage-network-security (public network access)
 * - Resource-instance rules for `Microsoft.Synapse/workspaces` admit the workspace's SQL pools, not
 *   Spark and not pipelines; those reach a firewalled account only through a managed VNet with
 *   managed private endpoints ("Connect to a secure Azure storage account from your Synapse
 *   workspace", https://learn.microsoft.com/azure/synapse-analytics/security/connectivity-settings
 *   and /security/how-to-connect-to-workspace-with-private-links; Spark 403 in exactly this setup:
 *   MicrosoftDocs/azure-docs issue 67831).
 * - An Azure IR outside a VNet uses the region's Azure addresses, which an IP rule cannot admit when
 *   the account is in the same region ("IP network rules have no effect on requests that originate
 *   from the same Azure region as the storage account", storage-network-security; MGDC
 *   troubleshooting, "Issues adding network IP address to allow list with Azure integration
 *   runtime").
 * - "Allow trusted Microsoft services" does not cover Synapse Spark or pipeline traffic; for
 *   Synapse it works through the workspace's resource instance (trusted-access section of
 *   storage-network-security).
 */
export function storageAdmits(account: StorageNetwork, route: Route, from: { workspaceId?: string; address?: string }): Verdict {
  const name = `${account.logical} (storage)`;
  if (route === "managed-private-endpoint") {
    return account.privateEndpointGroups.some((g) => g === "dfs" || g === "blob")
      ? open(`managed private endpoint to ${name} (${account.privateEndpointGroups.join(", ")})`)
      : closed(
          `no approved managed private endpoint from the workspace's managed VNet to ${name}`,
          `add a managed private endpoint (dfs) to ${account.logical} and approve it`,
        );
  }
  if (account.publicNetworkAccess === "Disabled") {
    return closed(
      `${name} has publicNetworkAccess Disabled, and this route is not a private endpoint`,
      `reach ${account.logical} through a managed private endpoint`,
    );
  }
  if (account.defaultAction === "Allow") return open(`public endpoint of ${name}, which accepts all networks`);
  switch (route) {
    case "synapse-sql":
      return from.workspaceId && account.resourceInstances.includes(from.workspaceId)
        ? open(`resource-instance rule on ${name} for the workspace's SQL pools`)
        : closed(
            `${name} denies by default and has no resource-instance rule for the workspace`,
            `add the workspace to networkRuleSet.resourceAccessRules of ${account.logical}`,
          );
    case "known-address":
      return from.address && account.ipRules.some((r) => ipInCidr(from.address!, r))
        ? open(`IP rule on ${name}`)
        : closed(
            `${name} denies by default and no IP rule admits ${from.address ?? "the caller"}`,
            `add the caller's address to ${account.logical}'s IP rules`,
          );
    case "spark-public":
      return closed(
        `${name} denies by default; Spark outside a managed VNet is admitted neither by resource-instance rules (SQL pools only) nor by IP rules`,
        "give the workspace a managed VNet and reach the account through a managed private endpoint",
      );
    case "azure-ir-public":
      return closed(
        `${name} denies by default; an Azure IR outside a VNet uses the region's changing Azure addresses, which IP rules in the same region do not admit`,
        `run the activity on the managed-VNet integration runtime with a managed private endpoint to ${account.logical}`,
      );
  }
}

/**
 * Whether a Key Vault admits a route.
 *
 * Key Vault's trusted-services list names Azure Synapse Analytics only for customer-managed-key
 * encryption, and Azure Data Factory (not Synapse) for fetching linked-service credentials
 * (https://learn.microsoft.com/azure/key-vault/general/overview-vnet-service-endpoints, "Trusted
 * services"). So `bypass: AzureServices` does not let a Synapse linked service read a secret; a
 * managed private endpoint from the managed VNet does
 * (https://learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-managed-private-endpoints).
 */
export function vaultAdmits(vault: VaultNetwork, route: Route, from: { address?: string }): Verdict {
  const name = `${vault.logical} (Key Vault)`;
  if (route === "managed-private-endpoint") {
    return vault.privateEndpoint
      ? open(`managed private endpoint to ${name}`)
      : closed(
          `no approved managed private endpoint from the workspace's managed VNet to ${name}`,
          `add a managed private endpoint (vault) to ${vault.logical} and approve it`,
        );
  }
  if (vault.publicNetworkAccess === "Disabled")
    return closed(`${name} has publicNetworkAccess Disabled`, `reach ${vault.logical} through a managed private endpoint`);
  if (vault.defaultAction === "Allow") return open(`public endpoint of ${name}, which accepts all networks`);
  if (route === "known-address" && from.address && vault.ipRules.some((r) => ipInCidr(from.address!, r))) return open(`IP rule on ${name}`);
  const trusted = vault.bypass === "AzureServices" ? " (the trusted-services bypass covers Synapse only for customer-managed keys)" : "";
  return closed(
    `${name} denies by default and admits this Synapse route by neither IP rule nor trusted service${trusted}`,
    `run the lookup on the managed-VNet integration runtime with a managed private endpoint to ${vault.logical}`,
  );
}

/**
 * Whether the workspace's public endpoints (dev, serverless SQL) admit a client address. Workspace
 * firewall rules apply to both; with public network access disabled only private endpoints reach
 * them (https://learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-ip-firewall).
 */
export function workspaceAdmits(ws: WorkspaceNetwork, address: string | undefined, endpoint: string): Verdict {
  if (ws.publicNetworkAccess === "Disabled")
    return closed(
      `the workspace's ${endpoint} endpoint has public network access disabled`,
      "set publicNetworkAccess Enabled or deploy from a VNet with private endpoints",
    );
  const rule = address
    ? ws.firewall.find((r) => ipToNumber(address) >= ipToNumber(r.startIpAddress) && ipToNumber(address) <= ipToNumber(r.endIpAddress))
    : undefined;
  return rule
    ? open(`the workspace's ${endpoint} endpoint, firewall rule ${rule.name}`)
    : closed(
        `no workspace firewall rule admits ${address ?? "the caller"} on the ${endpoint} endpoint`,
        "add the address to relmesh:firewallRules",
      );
}

/**
 * Which integration runtimes can run an activity.
 *
 * The Office 365 connector: "Please use Azure integration runtime in both source and sink linked
 * services. The self-hosted integration runtime and the managed virtual network integration runtime
 * are not supported" (https://learn.microsoft.com/azure/data-factory/connector-office-365).
 */
export function runtimeRunsOffice365(runtime: { name: string; managedVnet: boolean }): Verdict {
  return runtime.managedVnet
    ? closed(
        `the Office 365 connector does not run on the managed-VNet integration runtime ${runtime.name}`,
        "set connectVia of the MGDC linked services to an Azure IR outside the managed VNet",
      )
    : open(`Azure integration runtime ${runtime.name} outside the managed VNet, as the Office 365 connector requires`);
}

/**
 * The route a compute takes to a resource. In a workspace with a managed VNet, Spark and the
 * managed-VNet IR reach resources only through managed private endpoints (with data-exfiltration
 * protection, nothing else leaves the VNet:
 * https://learn.microsoft.com/azure/synapse-analytics/security/workspace-data-exfiltration-protection).
 */
export function routeOf(compute: { kind: "spark" } | { kind: "runtime"; managedVnet: boolean }, managedVirtualNetwork: boolean): Route {
  if (compute.kind === "spark") return managedVirtualNetwork ? "managed-private-endpoint" : "spark-public";
  return compute.managedVnet ? "managed-private-endpoint" : "azure-ir-public";
}

/** How the workspace's managed VNet reaches a server or account: an approved endpoint, a request its owner must approve, or nothing. */
export type EndpointState = "approved" | "requested" | "none";

/** The network settings of an Azure SQL logical server (the ERP source). */
export interface SqlServerNetwork {
  logical: string;
  /** A customer's server (mode existing): its settings are not in the plan. */
  external: boolean;
  publicNetworkAccess: string;
  firewall: Array<{ name: string; startIpAddress: string; endIpAddress: string }>;
  privateEndpoint: EndpointState;
  /** What the config must say for the stack to request an endpoint, when it cannot. */
  endpointFix: string;
}

/** The network settings of a Cosmos DB account (the service-case source). */
export interface CosmosNetwork {
  logical: string;
  external: boolean;
  publicNetworkAccess: string;
  ipRules: string[];
  virtualNetworkFilter: boolean;
  privateEndpoint: EndpointState;
  endpointFix: string;
}

function endpointVerdict(target: { logical: string; privateEndpoint: EndpointState; endpointFix: string }, groupId: string): Verdict {
  if (target.privateEndpoint === "approved")
    return open(`managed private endpoint (${groupId}) to ${target.logical}, approved by the stack`);
  if (target.privateEndpoint === "requested")
    return open(
      `managed private endpoint (${groupId}) to ${target.logical}, requested by the stack; its owner approves it (the approval is not visible to the plan)`,
    );
  return closed(`no managed private endpoint from the workspace's managed VNet to ${target.logical}`, target.endpointFix);
}

/**
 * Whether an Azure SQL logical server admits a route.
 *
 * - "Deny public network access": only connections through private endpoints are accepted
 *   (https://learn.microsoft.com/azure/azure-sql/database/connectivity-settings).
 * - Server-level IP firewall rules admit client addresses; the rule 0.0.0.0–0.0.0.0 ("allow Azure
 *   services") admits any Azure address, including other customers', and is never created here
 *   (https://learn.microsoft.com/azure/azure-sql/database/firewall-configure).
 * - The managed-VNet runtime reaches nothing outside the VNet except through managed private
 *   endpoints; Azure SQL's sub-resource is `sqlServer`
 *   (https://learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-managed-private-endpoints).
 * A customer's server (mode existing) is not in the plan: its firewall is the customer's, said so.
 */
export function sqlServerAdmits(server: SqlServerNetwork, route: Route, from: { address?: string }): Verdict {
  const name = `${server.logical} (Azure SQL)`;
  if (route === "managed-private-endpoint") return endpointVerdict(server, "sqlServer");
  if (server.external)
    return route === "known-address"
      ? open(`${name} is the customer's: its firewall must admit ${from.address ?? "the caller"} (not visible to the plan)`)
      : closed(
          `${name} is reached from outside any VNet`,
          "run the copy on the managed-VNet integration runtime with a managed private endpoint",
        );
  if (server.publicNetworkAccess === "Disabled")
    return closed(
      `${name} denies public network access; only private endpoints reach it`,
      `reach ${server.logical} through a private endpoint`,
    );
  if (route === "known-address") {
    const rule = from.address
      ? server.firewall.find(
          (r) => ipToNumber(from.address!) >= ipToNumber(r.startIpAddress) && ipToNumber(from.address!) <= ipToNumber(r.endIpAddress),
        )
      : undefined;
    return rule
      ? open(`the public endpoint of ${name}, firewall rule ${rule.name}`)
      : closed(`no firewall rule of ${name} admits ${from.address ?? "the caller"}`, "add the address to relmesh:firewallRules");
  }
  return closed(
    `${name} admits no Azure IR outside a VNet (no 'allow Azure services' rule, by design)`,
    "run the copy on the managed-VNet integration runtime with a managed private endpoint (sqlServer)",
  );
}

/**
 * Whether a Cosmos DB account admits a route.
 *
 * - `publicNetworkAccess: Disabled` blocks every public request, whatever the IP and VNet rules;
 *   only private endpoints reach the account
 *   (https://learn.microsoft.com/azure/cosmos-db/how-to-configure-private-endpoints, "Blocking public network access").
 * - An account with neither IP rules nor VNet filtering accepts all networks
 *   (https://learn.microsoft.com/azure/cosmos-db/how-to-configure-firewall).
 * - Cosmos DB for NoSQL's private-link sub-resource is `Sql` (same private-endpoints page).
 */
export function cosmosAdmits(account: CosmosNetwork, route: Route): Verdict {
  const name = `${account.logical} (Cosmos DB)`;
  if (route === "managed-private-endpoint") return endpointVerdict(account, "Sql");
  if (account.external)
    return closed(
      `${name} is reached from outside any VNet`,
      "run the copy on the managed-VNet integration runtime with a managed private endpoint",
    );
  if (account.publicNetworkAccess === "Disabled")
    return closed(
      `${name} has publicNetworkAccess Disabled; only private endpoints reach it`,
      `reach ${account.logical} through a managed private endpoint (Sql)`,
    );
  if (account.ipRules.length === 0 && !account.virtualNetworkFilter) return open(`public endpoint of ${name}, which accepts all networks`);
  return closed(
    `${name} admits this route by neither IP rule nor VNet rule`,
    `reach ${account.logical} through a managed private endpoint (Sql)`,
  );
}
