/**
 * Synapse managed private endpoints (MPEs) and their approval on the targets. A managed VNet
 * workspace reaches the lake, the MGDC landing account and Key Vault only through MPEs; each starts
 * "Pending" and "the private link resource owner is responsible to approve or reject" it
 * (https://learn.microsoft.com/azure/synapse-analytics/security/synapse-workspace-managed-private-endpoints).
 * The deployer owns the targets, so the stack approves them.
 *
 * Pure parts (planning, matching, api-versions) first; then the I/O adapter, which takes its HTTP
 * clients as arguments so the provider (private-endpoint-provider.ts) builds them inside its methods
 * and the tests hand in clients aimed at a local fake.
 *
 * Wire formats: Synapse data plane `managedPrivateEndpoints.json` (2020-12-01) in
 * Azure/azure-rest-api-specs (specification/synapse/data-plane/Microsoft.Synapse/stable/2020-12-01):
 * PUT/GET return 200 with `properties.provisioningState` and `properties.connectionState.status`;
 * DELETE returns 202 or 204. The MPE carries no private-endpoint id in that schema.
 */
import type { TokenCredential } from "@azure/identity";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type PipelineRetryOptions,
  type TlsSettings,
} from "@azure/core-rest-pipeline";
import { DEFAULT_PIPELINE_RETRY, statusOf, withRetries, type RetryOptions } from "./retry";

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

export const SYNAPSE_API_VERSION = "2020-12-01";
export const SYNAPSE_SCOPE = "https://dev.azuresynapse.net/.default";
export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";
export const ARM_SCOPE = "https://management.azure.com/.default";
export const APPROVAL_DESCRIPTION = "Approved by Relationship Mesh (pulumi up)";

const same = (a: string | undefined, b: string | undefined) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();

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

/** Whether a recorded status calls for another apply: a spec's MPE is missing, not provisioned, or (when approved by us) not Approved. Pure. */
export function needsRepair(specs: ManagedPrivateEndpointSpec[], status: ManagedPrivateEndpointStatus[] | undefined): boolean {
  if (!status) return false;
  return specs.some((s) => {
    const st = status.find((x) => same(x.name, s.name));
    return !st || st.provisioningState !== "Succeeded" || (s.approve && st.connectionState !== "Approved");
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

// ---- I/O adapter -------------------------------------------------------------------------------

export interface JsonResponse {
  status: number;
  body: any;
  headers: Record<string, string>;
}
/** One authenticated JSON endpoint; `send` throws on HTTP >= 400 (with `statusCode`). */
export interface JsonClient {
  baseUrl: string;
  send(method: "GET" | "PUT" | "DELETE", pathOrUrl: string, body?: unknown): Promise<JsonResponse>;
}

export interface PrivateLinkClients {
  /** The workspace's dev endpoint (Synapse scope). */
  synapse: JsonClient;
  /** Azure Resource Manager (management scope). */
  arm: JsonClient;
  workspaceName: string;
}

export interface JsonClientOptions {
  /** @default - {@link DEFAULT_PIPELINE_RETRY} */
  retryOptions?: PipelineRetryOptions;
  httpClient?: HttpClient;
  /** Extra TLS settings, e.g. a CA to trust (tests). */
  tlsOptions?: TlsSettings;
  /** Limit of one HTTP request. @default 60000 ms */
  requestTimeoutMs?: number;
}

/**
 * A JSON client over the core-rest-pipeline default pipeline: bearer token for `scope`, the SDK's
 * retry policies (429/503 with Retry-After are waited out exactly, 408/5xx with backoff) tuned as
 * the ArtifactsClient is (client.ts), TLS settings.
 */
export function createJsonClient(credential: TokenCredential, baseUrl: string, scope: string, options: JsonClientOptions = {}): JsonClient {
  const pipeline = createPipelineFromOptions({
    retryOptions: { ...DEFAULT_PIPELINE_RETRY, ...options.retryOptions },
    ...(options.tlsOptions ? { tlsOptions: options.tlsOptions } : {}),
  });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: scope }));
  const http = options.httpClient ?? createDefaultHttpClient();
  const base = baseUrl.replace(/\/+$/, "");
  return {
    baseUrl: base,
    async send(method, pathOrUrl, body) {
      const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${base}${pathOrUrl}`;
      const request = createPipelineRequest({
        url,
        method,
        timeout: options.requestTimeoutMs ?? 60000,
        headers: createHttpHeaders({ accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const res = await pipeline.sendRequest(http, request);
      let parsed: any;
      try {
        parsed = res.bodyAsText ? JSON.parse(res.bodyAsText) : undefined;
      } catch {
        parsed = res.bodyAsText;
      }
      if (res.status >= 400) {
        const detail = parsed?.error?.message ?? (typeof parsed === "string" ? parsed : "");
        throw Object.assign(new Error(`${method} ${new URL(url).pathname} answered ${res.status}${detail ? `: ${detail}` : ""}`), {
          statusCode: res.status,
        });
      }
      return { status: res.status, body: parsed, headers: res.headers.toJSON() };
    },
  };
}

export function createPrivateLinkClients(
  credential: TokenCredential,
  endpoints: { devEndpoint: string; armEndpoint?: string; workspaceName?: string },
  options: JsonClientOptions = {},
): PrivateLinkClients {
  return {
    synapse: createJsonClient(credential, endpoints.devEndpoint, SYNAPSE_SCOPE, options),
    arm: createJsonClient(credential, endpoints.armEndpoint ?? DEFAULT_ARM_ENDPOINT, ARM_SCOPE, options),
    workspaceName: endpoints.workspaceName ?? workspaceNameFromDevEndpoint(endpoints.devEndpoint),
  };
}

export interface ApplyOptions {
  /** Around each request (timeouts, 429 without Retry-After, 5xx bursts beyond the pipeline's). */
  retry?: RetryOptions;
  /** Between polls of an MPE's provisioning or a connection's approval. @default 10000 ms */
  pollIntervalMs?: number;
  /** Bound of one wait (provisioning, deletion, the connection appearing and settling). @default 900000 ms */
  maxWaitMs?: number;
  log?: (line: string) => void;
}

const mpePath = (name: string) =>
  `/managedVirtualNetworks/default/managedPrivateEndpoints/${encodeURIComponent(name)}?api-version=${SYNAPSE_API_VERSION}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET one MPE; "NotFound" when absent. */
export async function getManagedPrivateEndpoint(c: PrivateLinkClients, name: string, o: ApplyOptions = {}): Promise<ObservedEndpoint> {
  return withRetries(
    `get managed private endpoint ${name}`,
    async () => {
      try {
        const { body } = await c.synapse.send("GET", mpePath(name));
        const p = body?.properties ?? {};
        return {
          name,
          privateLinkResourceId: p.privateLinkResourceId,
          groupId: p.groupId,
          provisioningState: p.provisioningState ?? "Unknown",
          connectionState: p.connectionState?.status,
          isReserved: p.isReserved,
        };
      } catch (err) {
        if (statusOf(err) === 404) return { name, provisioningState: "NotFound" };
        throw err;
      }
    },
    o.retry,
    o.log,
  );
}

/** Polls `probe` until `done`, at most `maxWaitMs`; returns the last value or throws `fail(last)`. */
async function pollUntil<T>(
  probe: () => Promise<T>,
  done: (v: T) => boolean,
  o: ApplyOptions,
  fail: (last: T, waitedMs: number) => string,
): Promise<T> {
  const interval = o.pollIntervalMs ?? 10000;
  const bound = o.maxWaitMs ?? 900000;
  const start = Date.now();
  for (;;) {
    const v = await probe();
    if (done(v)) return v;
    const waited = Date.now() - start;
    if (waited + interval > bound) throw new Error(fail(v, waited));
    await sleep(interval);
  }
}

async function putEndpoint(c: PrivateLinkClients, spec: ManagedPrivateEndpointSpec, o: ApplyOptions): Promise<void> {
  o.log?.(`managed private endpoint ${spec.name}: create (${spec.groupId} on ${spec.privateLinkResourceId})`);
  await withRetries(
    `create managed private endpoint ${spec.name}`,
    () =>
      c.synapse.send("PUT", mpePath(spec.name), {
        properties: { privateLinkResourceId: spec.privateLinkResourceId, groupId: spec.groupId },
      }),
    o.retry,
    o.log,
  );
}

async function waitProvisioned(c: PrivateLinkClients, name: string, o: ApplyOptions): Promise<ObservedEndpoint> {
  return pollUntil(
    () => getManagedPrivateEndpoint(c, name, o),
    (e) => e.provisioningState === "Succeeded" || e.provisioningState === "Failed",
    o,
    (e, ms) =>
      `managed private endpoint ${name} did not reach provisioningState Succeeded within ${Math.round(ms / 1000)} s (last provisioningState: ${e.provisioningState})`,
  ).then((e) => {
    if (e.provisioningState === "Failed")
      throw new Error(
        `managed private endpoint ${name} failed to provision (provisioningState: Failed); check the target ${e.privateLinkResourceId} and its sub-resource ${e.groupId}`,
      );
    return e;
  });
}

/** DELETE one MPE and wait until it is gone; absent already is fine. */
export async function deleteManagedPrivateEndpoint(c: PrivateLinkClients, name: string, o: ApplyOptions = {}): Promise<void> {
  o.log?.(`managed private endpoint ${name}: delete`);
  await withRetries(
    `delete managed private endpoint ${name}`,
    async () => {
      try {
        await c.synapse.send("DELETE", mpePath(name));
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    },
    o.retry,
    o.log,
  );
  await pollUntil(
    () => getManagedPrivateEndpoint(c, name, o),
    (e) => e.provisioningState === "NotFound",
    o,
    (e, ms) =>
      `managed private endpoint ${name} was still present ${Math.round(ms / 1000)} s after its deletion (last provisioningState: ${e.provisioningState})`,
  );
}

async function listConnections(c: PrivateLinkClients, targetId: string, o: ApplyOptions): Promise<PrivateEndpointConnection[]> {
  const out: PrivateEndpointConnection[] = [];
  let next: string | undefined = `${targetId}/privateEndpointConnections?api-version=${connectionsApiVersion(targetId)}`;
  while (next) {
    const url: string = next;
    const { body } = await withRetries(`list private endpoint connections of ${targetId}`, () => c.arm.send("GET", url), o.retry, o.log);
    out.push(...(body?.value ?? []));
    next = body?.nextLink;
  }
  return out;
}

/**
 * Approves the target-side connection of one MPE; idempotent: an Approved connection gets no write.
 * Returns the connection's final status. A connection rejected or disconnected on the target is not
 * overridden: that was someone's decision there, so this fails and says what to do.
 */
export async function approveConnection(c: PrivateLinkClients, spec: ManagedPrivateEndpointSpec, o: ApplyOptions = {}): Promise<string> {
  const wanted = `${c.workspaceName}.${spec.name}`;
  // The connection appears on the target shortly after the MPE is provisioned; wait for it (bounded).
  const conn = (await pollUntil(
    async () => findConnection(await listConnections(c, spec.privateLinkResourceId, o), c.workspaceName, spec.name),
    (x) => x !== undefined && x.properties?.privateLinkServiceConnectionState?.status !== "Disconnected",
    o,
    (x, ms) =>
      `no ${x ? "live (only a Disconnected) " : ""}private endpoint connection for managed private endpoint ${spec.name} on ${spec.privateLinkResourceId} within ${Math.round(ms / 1000)} s (looked for a privateEndpoint id ending in /${wanted})`,
  ))!;
  const status = conn.properties?.privateLinkServiceConnectionState?.status;
  if (status === "Approved") return status;
  if (status !== "Pending") {
    throw new Error(
      `the private endpoint connection ${conn.name ?? conn.id} of managed private endpoint ${spec.name} is ${status} on ${spec.privateLinkResourceId}; ` +
        `the stack does not override that. Approve it on the target by hand, or remove ${spec.name} from the specs, run pulumi up, and add it back to request a new connection.`,
    );
  }
  o.log?.(`managed private endpoint ${spec.name}: approve ${conn.name ?? conn.id} on ${spec.privateLinkResourceId}`);
  const url = `${conn.id}?api-version=${connectionsApiVersion(spec.privateLinkResourceId)}`;
  // PUT the connection back with only the approval state changed (plus its etag, which Key Vault uses for concurrency).
  const { provisioningState: _ro, ...properties } = conn.properties ?? {};
  const body = {
    ...(conn.etag ? { etag: conn.etag } : {}),
    properties: {
      ...properties,
      privateLinkServiceConnectionState: { status: "Approved", description: APPROVAL_DESCRIPTION, actionsRequired: "None" },
    },
  };
  await withRetries(`approve private endpoint connection of ${spec.name}`, () => c.arm.send("PUT", url, body), o.retry, o.log);
  // Key Vault answers while the connection is still "Updating": wait until it settles as Approved.
  const settled = await pollUntil(
    async () =>
      (await withRetries(`get private endpoint connection of ${spec.name}`, () => c.arm.send("GET", url), o.retry, o.log))
        .body as PrivateEndpointConnection,
    (x) =>
      x?.properties?.privateLinkServiceConnectionState?.status === "Approved" &&
      !["Updating", "Creating", "Accepted"].includes(x.properties?.provisioningState ?? ""),
    o,
    (x, ms) =>
      `the private endpoint connection of ${spec.name} on ${spec.privateLinkResourceId} was not Approved within ${Math.round(ms / 1000)} s (last: ${x?.properties?.privateLinkServiceConnectionState?.status}, ${x?.properties?.provisioningState})`,
  );
  return settled.properties!.privateLinkServiceConnectionState!.status!;
}

export interface ApplyResult {
  plan: PrivateEndpointPlan;
  status: ManagedPrivateEndpointStatus[];
}

/**
 * Brings the workspace's MPEs to `desired`: replaced ones are deleted first, new ones created, all
 * waited for, pending connections approved, and MPEs of `previous` no longer wanted deleted last
 * (the new paths exist before old ones go). Sends no write when everything is in place.
 */
export async function applyManagedPrivateEndpoints(
  c: PrivateLinkClients,
  desired: ManagedPrivateEndpointSpec[],
  previous: ManagedPrivateEndpointSpec[] = [],
  o: ApplyOptions = {},
): Promise<ApplyResult> {
  const names = [...new Map([...desired, ...previous].map((s) => [s.name.toLowerCase(), s.name])).values()];
  const observed: ObservedEndpoint[] = [];
  for (const n of names) observed.push(await getManagedPrivateEndpoint(c, n, o));
  const plan = planPrivateEndpoints(desired, observed, previous);
  for (const s of plan.replace) await deleteManagedPrivateEndpoint(c, s.name, o);
  for (const s of [...plan.replace, ...plan.create]) await putEndpoint(c, s, o);
  const status = new Map<string, ManagedPrivateEndpointStatus>();
  for (const s of desired) {
    const o0 = observed.find((x) => same(x.name, s.name));
    const fresh = plan.create.includes(s) || plan.replace.includes(s) || plan.wait.includes(s);
    const e = fresh ? await waitProvisioned(c, s.name, o) : o0!;
    status.set(s.name, {
      name: s.name,
      provisioningState: e.provisioningState ?? "Unknown",
      ...(e.connectionState ? { connectionState: e.connectionState } : {}),
    });
  }
  for (const s of plan.approve) status.get(s.name)!.connectionState = await approveConnection(c, s, o);
  for (const n of plan.remove) await deleteManagedPrivateEndpoint(c, n, o);
  return { plan, status: desired.map((s) => status.get(s.name)!) };
}

/** DELETE every named MPE (404 is fine). */
export async function removeManagedPrivateEndpoints(c: PrivateLinkClients, names: string[], o: ApplyOptions = {}): Promise<void> {
  for (const n of names) await deleteManagedPrivateEndpoint(c, n, o);
}

/** What the workspace reports now for each spec (for `pulumi refresh`): provisioning and connection state. */
export async function readManagedPrivateEndpoints(
  c: PrivateLinkClients,
  specs: ManagedPrivateEndpointSpec[],
  o: ApplyOptions = {},
): Promise<ManagedPrivateEndpointStatus[]> {
  const out: ManagedPrivateEndpointStatus[] = [];
  for (const s of specs) {
    const e = await getManagedPrivateEndpoint(c, s.name, o);
    out.push({
      name: s.name,
      provisioningState: e.provisioningState ?? "Unknown",
      ...(e.connectionState ? { connectionState: e.connectionState } : {}),
    });
  }
  return out;
}
