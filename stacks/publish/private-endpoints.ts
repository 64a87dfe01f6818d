/**
 * Synapse managed private endpoints (MPEs) and their approval on the targets: the pure part
 * (specs, planning, matching, api-versions). A managed VNet workspace reaches the lake, the MGDC
 * landing account, Key Vault and the business sources only through MPEs; each starts "Pending" and
 * "the private link resource owner is responsible to approve or reject" it
 * (https://learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-managed-private-endpoints).
 * The stack approves those whose targets the deployer owns (`approve`); a customer's server or
 * account is approved by its owner.
 *
 * The I/O is split by who answers: private-link-clients.ts (the JSON clients and polling),
 * private-endpoint-apply.ts (the workspace's MPEs: create, wait, delete, read, apply) and
 * private-endpoint-approval.ts (the targets' connections on ARM). They take their HTTP clients as
 * arguments, so the provider (private-endpoint-provider.ts) builds them inside its methods and the
 * tests hand in clients aimed at a local fake.
 *
 * Wire formats: Synapse data plane `managedPrivateEndpoints.json` (2020-12-01) in
 * Azure/azure-rest-api-specs (specification/synapse/data-plane/Microsoft.Synapse/stable/2020-12-01):
 * PUT/GET return 200 with `properties.provisioningState` and `properties.connectionState.status`;
 * DELETE returns 202 or 204. The MPE carries no private-endpoint id in that schema.
 */

export interface ManagedPrivateEndpointSpec {
  /** MPE name in the workspace, e.g. "mpe-lake-dfs". */
  name: string;
  /** ARM id of the target: a storage account, a key vault, an Azure SQL server or a Cosmos DB account. */
  privateLinkResourceId: string;
  /** Sub-resource: "dfs" | "blob" for storage, "vault" for Key Vault, "sqlServer" for Azure SQL, "Sql" for Cosmos DB for NoSQL. */
  groupId: "dfs" | "blob" | "vault" | "sqlServer" | "Sql";
  /**
   * Approve the pending connection on the target (the deployer owns it). False for a customer's
   * existing server or account: its owner approves the request.
   */
  approve: boolean;
}

/** What the workspace reports for one MPE; `provisioningState` is "NotFound" when it is gone. */
export interface ManagedPrivateEndpointStatus {
  name: string;
  provisioningState: string;
  /** The connection's approval state as Synapse mirrors it from the target (Pending, Approved, Rejected, Disconnected). */
  connectionState?: string;
}

/** What the workspace holds for a name, as read by GET. */
export interface ObservedEndpoint {
  name: string;
  privateLinkResourceId?: string;
  groupId?: string;
  provisioningState?: string;
  connectionState?: string;
  /** Workspace-owned MPEs (e.g. to its own SQL pools); never ours to delete. */
  isReserved?: boolean;
}

export interface PrivateEndpointPlan {
  /** Absent from the workspace: PUT. */
  create: ManagedPrivateEndpointSpec[];
  /** Present with another target or sub-resource, or Failed: DELETE, then PUT (an MPE's target is fixed once created). */
  replace: ManagedPrivateEndpointSpec[];
  /** Present and not yet Succeeded: only wait. */
  wait: ManagedPrivateEndpointSpec[];
  /** Wanted approved, not reported Approved by the workspace: look at the target (no write if it is Approved there). */
  approve: ManagedPrivateEndpointSpec[];
  /** Managed by us earlier, no longer wanted: DELETE. */
  remove: string[];
}

export const same = (a: string | undefined, b: string | undefined) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

/** Which writes bring the workspace from `observed` to `desired`; `previous` is what this resource managed before. Pure. */
export function planPrivateEndpoints(
  desired: ManagedPrivateEndpointSpec[],
  observed: ObservedEndpoint[],
  previous: ManagedPrivateEndpointSpec[] = [],
): PrivateEndpointPlan {
  const plan: PrivateEndpointPlan = { create: [], replace: [], wait: [], approve: [], remove: [] };
  const seen = new Set<string>();
  for (const spec of desired) {
    const key = spec.name.toLowerCase();
    if (seen.has(key)) throw new Error(`managed private endpoint ${spec.name} is specified twice`);
    seen.add(key);
    const o = observed.find((x) => same(x.name, spec.name) && x.provisioningState !== "NotFound");
    if (!o) plan.create.push(spec);
    else if (
      !same(o.privateLinkResourceId, spec.privateLinkResourceId) ||
      !same(o.groupId, spec.groupId) ||
      o.provisioningState === "Failed"
    ) {
      if (o.isReserved) throw new Error(`managed private endpoint ${spec.name} is reserved by the workspace; choose another name`);
      plan.replace.push(spec);
    } else if (o.provisioningState !== "Succeeded") plan.wait.push(spec);
    const fresh = !o || plan.replace.includes(spec);
    if (spec.approve && (fresh || o?.connectionState !== "Approved")) plan.approve.push(spec);
  }
  for (const p of previous) {
    const o = observed.find((x) => same(x.name, p.name));
    if (!seen.has(p.name.toLowerCase()) && !o?.isReserved && !plan.remove.some((n) => same(n, p.name))) plan.remove.push(p.name);
  }
  return plan;
}

/**
 * Whether a recorded status calls for another apply: a spec's MPE is missing or not provisioned, or
 * its connection is not Approved. Pure. For a spec the stack approves, the apply approves it. For one
 * its owner approves (`approve: false`), the apply writes nothing anywhere and only reads the
 * workspace's view of the connection again, so the `pulumi up` after the owner approved records it
 * and the first run can start (first-run.ts): without this, the recorded Pending would stand until
 * a `pulumi refresh`.
 */
export function needsRepair(specs: ManagedPrivateEndpointSpec[], status: ManagedPrivateEndpointStatus[] | undefined): boolean {
  if (!status) return false;
  return specs.some((s) => {
    const st = status.find((x) => same(x.name, s.name));
    return !st || st.provisioningState !== "Succeeded" || st.connectionState !== "Approved";
  });
}

/** Whether the recorded inputs differ (order of the specs does not matter). Pure. */
export function specsChanged(olds: ManagedPrivateEndpointSpec[], news: ManagedPrivateEndpointSpec[]): boolean {
  const canon = (l: ManagedPrivateEndpointSpec[]) =>
    JSON.stringify(
      [...l]
        .map((s) => [s.name.toLowerCase(), s.privateLinkResourceId.toLowerCase(), s.groupId, !!s.approve])
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    );
  return canon(olds ?? []) !== canon(news ?? []);
}

/** ARM api-version of `privateEndpointConnections` for the target's resource type. Pure. */
export function connectionsApiVersion(privateLinkResourceId: string): string {
  const id = privateLinkResourceId.toLowerCase();
  if (id.includes("/providers/microsoft.storage/storageaccounts/")) return "2023-05-01";
  if (id.includes("/providers/microsoft.keyvault/vaults/")) return "2023-07-01";
  // Stable versions the azure-native 3.28.0 typings list for these providers (sql.Server's default,
  // and one of cosmosdb.DatabaseAccount's).
  if (id.includes("/providers/microsoft.sql/servers/")) return "2023-08-01";
  if (id.includes("/providers/microsoft.documentdb/databaseaccounts/")) return "2024-11-15";
  throw new Error(
    `unsupported private link target ${privateLinkResourceId}: expected a storage account, a key vault, an Azure SQL server or a Cosmos DB account`,
  );
}

/** `https://<workspace>.dev.azuresynapse.net` → `<workspace>`. Pure. */
export function workspaceNameFromDevEndpoint(devEndpoint: string): string {
  return new URL(devEndpoint).hostname.split(".")[0];
}

export interface PrivateEndpointConnection {
  id: string;
  name?: string;
  etag?: string;
  properties?: {
    privateEndpoint?: { id?: string };
    privateLinkServiceConnectionState?: { status?: string; description?: string; actionsRequired?: string };
    provisioningState?: string;
    [k: string]: unknown;
  };
}

/**
 * The target-side connection that belongs to MPE `mpeName` of workspace `workspaceName`. Pure.
 *
 * Rule: the connection whose `properties.privateEndpoint.id` ends in `/<workspaceName>.<mpeName>`
 * (case-insensitive), i.e. whose private endpoint's own name is exactly `<workspace>.<mpe>`.
 * Why this one:
 * - Synapse names the private endpoint it creates in its managed VNet `<workspace>.<mpe>`; public
 *   deployments that approve Synapse MPEs match the connection on exactly that string (e.g. an
 *   azurerm + azapi module filtering `privateEndpointConnections` with
 *   `strcontains(privateEndpoint.id, "<workspace>.<mpe>")`). We require the whole last segment, so
 *   `mpe-lake` does not also match `mpe-lake-dfs`, nor `ws.mpe` match `otherws.mpe`.
 * - The MPE itself does not report a private-endpoint id: the 2020-12-01 data-plane schema has no
 *   such property (only privateLinkResourceId, groupId, provisioningState, connectionState, isReserved).
 * - "Pending and contains the workspace name" is ambiguous: two MPEs of one workspace to one account
 *   (dfs and blob) are both pending at once, and it could approve a connection another deployment
 *   requested. The exact-name rule approves only the connection our MPE created, whatever its state.
 */
export function findConnection(
  connections: PrivateEndpointConnection[],
  workspaceName: string,
  mpeName: string,
): PrivateEndpointConnection | undefined {
  const suffix = `/${workspaceName}.${mpeName}`.toLowerCase();
  const matches = connections.filter((c) => (c.properties?.privateEndpoint?.id ?? "").toLowerCase().endsWith(suffix));
  // A recreated MPE gets a private endpoint of the same name; the old one's connection may linger as Disconnected.
  return matches.find((c) => c.properties?.privateLinkServiceConnectionState?.status !== "Disconnected") ?? matches[0];
}
