/**
 * The edge between preflight and Azure: reads {@link AzureFacts} from ARM and Microsoft Graph with
 * a `TokenCredential` over `@azure/core-rest-pipeline`. Base URLs are configurable so tests point
 * it at a local HTTPS fake. Single requests are retried by the pipeline's own retry policy (429 and
 * 503 with Retry-After wait exactly that long; 408/5xx and connection errors back off
 * exponentially), with the publisher's limits (stacks/publish/client.ts). No decisions here: the
 * checks (checks.ts) decide.
 */
import type { TokenCredential } from "@azure/identity";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelineRetryOptions,
  type TlsSettings,
} from "@azure/core-rest-pipeline";
import type { RelmeshConfig } from "../../config/stack";
import { DEFAULT_PIPELINE_RETRY } from "../publish/retry";
import { principalTypeFromToken } from "../publish/rbac";
import { builtinRoleName, globalNames } from "./checks";
import type { AzureFacts, DeployerFact, DirectoryRoleFact, GlobalNameKey, GraphFacts, NameFact, Read, RoleAssignmentFact } from "./facts";

export const AZURE_ENDPOINTS = { arm: "https://management.azure.com", graph: "https://graph.microsoft.com" };
/** App id of Microsoft Graph (the same in every tenant). */
export const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";

export interface AzureOptions {
  credential: TokenCredential;
  /** @default - {@link AZURE_ENDPOINTS}; token scopes are `<base>/.default` */
  endpoints?: Partial<typeof AZURE_ENDPOINTS>;
  /** @default - {@link DEFAULT_PIPELINE_RETRY} */
  retryOptions?: PipelineRetryOptions;
  /** Extra TLS settings, e.g. a CA to trust (tests). */
  tlsOptions?: TlsSettings;
  httpClient?: HttpClient;
  /** How long the credential may take for its first token before preflight treats it as absent. @default 15000 ms */
  tokenTimeoutMs?: number;
  /** Limit of one HTTP request. @default 30000 ms */
  requestTimeoutMs?: number;
}

/** A signed-in connection: who the deployer is and how to call ARM and Graph. */
export interface AzureSession {
  deployer: DeployerFact;
  arm: Api;
  graph: Api;
}

export class HttpError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
  ) {
    super(message);
  }
}

interface Api {
  base: string;
  get(path: string): Promise<any>;
  post(path: string, body: unknown): Promise<any>;
  /** Every item of a paged list (`nextLink` / `@odata.nextLink`). */
  list(path: string): Promise<any[]>;
  /** A token for this API (Graph facts depend on its claims). */
  token(): Promise<string>;
}

function makeApi(base: string, opts: AzureOptions): Api {
  const scope = `${base.replace(/\/$/, "")}/.default`;
  const pipeline: Pipeline = createPipelineFromOptions({
    retryOptions: { ...DEFAULT_PIPELINE_RETRY, ...opts.retryOptions },
    ...(opts.tlsOptions ? { tlsOptions: opts.tlsOptions } : {}),
    userAgentOptions: { userAgentPrefix: "relmesh-preflight" },
  });
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: opts.credential, scopes: scope }));
  const client = opts.httpClient ?? createDefaultHttpClient();
  const send = async (method: "GET" | "POST", url: string, body?: unknown) => {
    const absolute = /^https?:/.test(url) ? url : `${base}${url}`;
    const request = createPipelineRequest({
      url: absolute,
      method,
      timeout: opts.requestTimeoutMs ?? 30000,
      headers: createHttpHeaders({ accept: "application/json", ...(body !== undefined ? { "content-type": "application/json" } : {}) }),
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const res = await pipeline.sendRequest(client, request);
    const json = res.bodyAsText ? safeJson(res.bodyAsText) : undefined;
    if (res.status >= 400) {
      const err = json?.error;
      const path = new URL(absolute).pathname;
      throw new HttpError(
        `${method} ${path} answered ${res.status}${err?.code ? ` ${err.code}` : ""}${err?.message ? `: ${err.message}` : ""}`,
        res.status,
      );
    }
    return json;
  };
  return {
    base,
    get: (path) => send("GET", path),
    post: (path, body) => send("POST", path, body),
    async list(path) {
      const items: any[] = [];
      for (let next: string | undefined = path, pages = 0; next && pages < 100; pages++) {
        const page = await send("GET", next);
        items.push(...(page?.value ?? []));
        next = page?.nextLink ?? page?.["@odata.nextLink"];
      }
      return items;
    },
    token: async () => (await opts.credential.getToken(scope))?.token ?? "",
  };
}

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The claims of a JWT, or {} when it is not one. */
export function tokenClaims(token: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) ?? {};
  } catch {
    return {};
  }
}

/** Who the token belongs to. Pure. */
export function deployerFromToken(token: string): DeployerFact | undefined {
  const c = tokenClaims(token) as {
    oid?: string;
    sub?: string;
    appid?: string;
    azp?: string;
    upn?: string;
    unique_name?: string;
    app_displayname?: string;
    scp?: string;
  };
  if (!c.oid) return undefined;
  // `idtyp` (or `scp`) says which; app-only tokens without it have sub = oid.
  const type = principalTypeFromToken(token) ?? (c.sub === c.oid && !c.scp ? "ServicePrincipal" : "User");
  const appId = c.appid ?? c.azp;
  const name = type === "User" ? (c.upn ?? c.unique_name) : c.app_displayname;
  return {
    objectId: c.oid,
    kind: type === "ServicePrincipal" ? "servicePrincipal" : "user",
    ...(type === "ServicePrincipal" && appId ? { appId } : {}),
    ...(name ? { name } : {}),
  };
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0];

/**
 * Gets an ARM token within `tokenTimeoutMs`. No token (no environment credential, no `az login`,
 * no managed identity) is not an error: the result says why, and preflight skips the Azure checks.
 */
export async function connect(opts: AzureOptions): Promise<{ session: AzureSession } | { unavailable: string }> {
  const endpoints = { ...AZURE_ENDPOINTS, ...opts.endpoints };
  const arm = makeApi(endpoints.arm, opts);
  const timeoutMs = opts.tokenTimeoutMs ?? 15000;
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  try {
    const token = await Promise.race([
      opts.credential.getToken(`${endpoints.arm.replace(/\/$/, "")}/.default`, { abortSignal: abort.signal }),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no token within ${timeoutMs / 1000} s`)), timeoutMs))),
    ]);
    if (!token?.token) return { unavailable: "the credential returned no token" };
    const deployer = deployerFromToken(token.token);
    if (!deployer) return { unavailable: "the ARM token carries no object id (oid claim)" };
    return { session: { deployer, arm, graph: makeApi(endpoints.graph, opts) } };
  } catch (err) {
    // DefaultAzureCredential's AggregateAuthenticationError lists every credential it tried, one per line.
    const tried = (err as { errors?: unknown[] }).errors;
    return {
      unavailable: Array.isArray(tried)
        ? `none of the ${tried.length} credentials DefaultAzureCredential tries gave a token`
        : firstLine(err),
    };
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

/**
 * The subscription to check: the one given, else the only enabled one the deployer sees.
 * Returns an error text when there is none or several.
 */
export async function resolveSubscription(
  session: AzureSession,
  explicit?: string,
): Promise<{ subscriptionId: string } | { error: string }> {
  if (explicit) return { subscriptionId: explicit };
  try {
    const subs = (await session.arm.list("/subscriptions?api-version=2022-12-01")).filter(
      (s) => s.state === undefined || s.state === "Enabled",
    );
    if (subs.length === 1) return { subscriptionId: subs[0].subscriptionId };
    if (subs.length === 0) return { error: "the deployer sees no enabled subscription" };
    return { error: `the deployer sees ${subs.length} subscriptions (${subs.map((s) => s.subscriptionId).join(", ")}) and none was named` };
  } catch (err) {
    return { error: `could not list subscriptions: ${firstLine(err)}` };
  }
}

async function read<T>(fn: () => Promise<T>): Promise<Read<T>> {
  try {
    return { value: await fn() };
  } catch (err) {
    return { error: firstLine(err) };
  }
}

async function exists(api: Api, path: string): Promise<boolean> {
  try {
    await api.get(path);
    return true;
  } catch (err) {
    if ((err as HttpError).statusCode === 404) return false;
    throw err;
  }
}

const NAME_APIS: Record<GlobalNameKey, { provider: string; type: string; version: string }> = {
  lakeAccount: { provider: "Microsoft.Storage", type: "storageAccounts", version: "2023-05-01" },
  landingAccount: { provider: "Microsoft.Storage", type: "storageAccounts", version: "2023-05-01" },
  keyVault: { provider: "Microsoft.KeyVault", type: "vaults", version: "2022-07-01" },
  synapseWorkspace: { provider: "Microsoft.Synapse", type: "workspaces", version: "2021-06-01" },
};

async function readName(arm: Api, sub: string, rg: string, key: GlobalNameKey, name: string): Promise<NameFact> {
  const a = NAME_APIS[key];
  const res = await arm.post(`/subscriptions/${sub}/providers/${a.provider}/checkNameAvailability?api-version=${a.version}`, {
    name,
    type: `${a.provider}/${a.type}`,
  });
  // Storage and Key Vault answer `nameAvailable`; Synapse answers `available`.
  const available = (res?.nameAvailable ?? res?.available) === true;
  if (available) return { available, existsInResourceGroup: false };
  const here = await exists(
    arm,
    `/subscriptions/${sub}/resourceGroups/${rg}/providers/${a.provider}/${a.type}/${name}?api-version=${a.version}`,
  );
  return {
    available,
    ...(res?.reason ? { reason: res.reason } : {}),
    ...(res?.message ? { message: res.message } : {}),
    existsInResourceGroup: here,
  };
}

async function readRoleAssignments(arm: Api, sub: string, objectId: string): Promise<RoleAssignmentFact[]> {
  const raw = await arm.list(
    `/subscriptions/${sub}/providers/Microsoft.Authorization/roleAssignments?$filter=${encodeURIComponent(`assignedTo('${objectId}')`)}&api-version=2022-04-01`,
  );
  const definitions = new Map<string, Promise<{ roleName?: string; permissions?: RoleAssignmentFact["permissions"] }>>();
  return Promise.all(
    raw.map(async (ra) => {
      const p = ra.properties ?? {};
      const defId: string = p.roleDefinitionId ?? "";
      const guid = defId.split("/").pop()!.toLowerCase();
      const fact: RoleAssignmentFact = {
        scope: p.scope ?? "",
        roleDefinitionGuid: guid,
        ...(p.condition ? { condition: p.condition } : {}),
      };
      const builtin = builtinRoleName(guid);
      if (builtin) return { ...fact, roleName: builtin };
      // Another role (custom or built-in): read its definition once and judge by its permissions.
      if (!definitions.has(defId)) {
        definitions.set(
          defId,
          arm.get(`${defId}?api-version=2022-04-01`).then(
            (d) => {
              const perms = (d?.properties?.permissions ?? []) as Array<{ actions?: string[]; notActions?: string[] }>;
              return {
                roleName: d?.properties?.roleName,
                permissions: { actions: perms.flatMap((x) => x.actions ?? []), notActions: perms.flatMap((x) => x.notActions ?? []) },
              };
            },
            () => ({}),
          ),
        );
      }
      const d = await definitions.get(defId)!;
      return { ...fact, ...(d.roleName ? { roleName: d.roleName } : {}), ...(d.permissions ? { permissions: d.permissions } : {}) };
    }),
  );
}

const directoryRoles = (items: any[]): DirectoryRoleFact[] =>
  items.filter((r) => r.roleTemplateId).map((r) => ({ displayName: r.displayName ?? r.roleTemplateId, roleTemplateId: r.roleTemplateId }));

/**
 * A user token: its directory roles (transitive, so role-assignable groups count) and the tenant's
 * default user permissions. An app token: the Microsoft Graph application permissions granted to
 * its service principal (app role assignments, resolved to names through Graph's own app roles)
 * and any directory roles the service principal holds.
 */
async function readGraph(graph: Api): Promise<GraphFacts> {
  const token = await graph.token();
  const me = deployerFromToken(token);
  if (!me) throw new Error("the Microsoft Graph token carries no object id (oid claim)");
  const roleSelect = "microsoft.graph.directoryRole?$select=displayName,roleTemplateId";
  if (me.kind === "user") {
    const [roles, policy] = await Promise.all([
      graph.list(`/v1.0/me/transitiveMemberOf/${roleSelect}`),
      graph.get("/v1.0/policies/authorizationPolicy").catch(() => undefined),
    ]);
    const d = (policy?.value?.[0] ?? policy)?.defaultUserRolePermissions;
    return {
      tokenKind: "user",
      directoryRoles: directoryRoles(roles),
      graphAppPermissions: [],
      ...(d
        ? {
            defaultUserPermissions: {
              allowedToCreateApps: d.allowedToCreateApps === true,
              allowedToCreateSecurityGroups: d.allowedToCreateSecurityGroups === true,
            },
          }
        : {}),
    };
  }
  const filter = (appId: string) => `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${appId}'`)}`;
  const [self, graphSp] = await Promise.all([
    graph.list(`${filter(me.appId ?? "")}&$select=id,appId,displayName`),
    graph.list(`${filter(GRAPH_APP_ID)}&$select=id,appRoles`),
  ]);
  if (!self[0]) throw new Error(`no service principal with appId ${me.appId}`);
  const [assignments, roles] = await Promise.all([
    graph.list(`/v1.0/servicePrincipals/${self[0].id}/appRoleAssignments`),
    graph.list(`/v1.0/servicePrincipals/${self[0].id}/transitiveMemberOf/${roleSelect}`),
  ]);
  const names = new Map<string, string>(((graphSp[0]?.appRoles ?? []) as Array<{ id: string; value: string }>).map((r) => [r.id, r.value]));
  const perms = assignments.filter((a) => a.resourceId === graphSp[0]?.id).map((a) => names.get(a.appRoleId) ?? a.appRoleId);
  return { tokenKind: "servicePrincipal", directoryRoles: directoryRoles(roles), graphAppPermissions: [...new Set(perms)].sort() };
}

/** Reads every fact the checks need, in parallel. A refused or failed read fails only its own fact. */
export async function readAzureFacts(session: AzureSession, config: RelmeshConfig, subscriptionId: string): Promise<AzureFacts> {
  const { arm } = session;
  const sub = subscriptionId;
  const rg = config.names.resourceGroup;
  const namesToCheck = globalNames(config);
  const [resourceGroupExists, providers, roleAssignments, graph, ...names] = await Promise.all([
    read(() => exists(arm, `/subscriptions/${sub}/resourcegroups/${rg}?api-version=2021-04-01`)),
    read(async () =>
      Object.fromEntries(
        (await arm.list(`/subscriptions/${sub}/providers?api-version=2021-04-01`)).map((p) => [p.namespace, p.registrationState]),
      ),
    ),
    read(() => readRoleAssignments(arm, sub, session.deployer.objectId)),
    config.mgdcEnabled ? read(() => readGraph(session.graph)) : Promise.resolve(undefined),
    ...namesToCheck.map((n) => read(() => readName(arm, sub, rg, n.key, n.name))),
  ]);
  return {
    available: true,
    subscriptionId: sub,
    deployer: session.deployer,
    resourceGroupExists: resourceGroupExists as Read<boolean>,
    providers: providers as Read<Record<string, string>>,
    roleAssignments: roleAssignments as Read<RoleAssignmentFact[]>,
    ...(graph ? { graph: graph as Read<GraphFacts> } : {}),
    names: Object.fromEntries(namesToCheck.map((n, i) => [n.key, names[i] as Read<NameFact>])),
  };
}
