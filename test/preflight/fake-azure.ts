/**
 * A local HTTPS server speaking the part of ARM and Microsoft Graph preflight reads: subscriptions,
 * resource groups, resource providers (paged), role assignments and definitions, the three
 * checkNameAvailability APIs, resources by id, and Graph's directory roles, authorization policy,
 * service principals and app role assignments. Faults (status, Retry-After) are injected per route,
 * as in test/publish/fake-synapse.ts. Binds 127.0.0.1 on an ephemeral port; ARM and Graph share it
 * (`/subscriptions...` vs `/v1.0/...`).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { jsonResponder, startHttpsFake, type Fault } from "../publish/https-fake";
import type { TestCert } from "../publish/tls";

export type { Fault } from "../publish/https-fake";

export interface AzureState {
  subscriptions: string[];
  /** `<sub>/<rg>`, lowercase. */
  resourceGroups: Set<string>;
  providers: Record<string, string>;
  roleAssignments: Array<{ principalId: string; scope: string; roleDefinitionGuid: string; condition?: string }>;
  roleDefinitions: Record<string, { roleName: string; actions: string[]; notActions: string[] }>;
  /** Global names that are taken (anywhere). */
  takenNames: Set<string>;
  /** Resource ids that exist, lowercase (`/subscriptions/.../providers/<ns>/<type>/<name>`). */
  resources: Set<string>;
  /** Object id → directory roles. */
  directoryRoles: Record<string, Array<{ displayName: string; roleTemplateId: string }>>;
  /** The tenant's default user permissions; `forbidden` answers 403. */
  authorizationPolicy: { allowedToCreateApps: boolean; allowedToCreateSecurityGroups: boolean } | "forbidden";
  servicePrincipals: Array<{ id: string; appId: string; displayName: string; appRoles?: Array<{ id: string; value: string }> }>;
  /** Service principal object id → app role assignments. */
  appRoleAssignments: Record<string, Array<{ appRoleId: string; resourceId: string }>>;
}

export interface FakeAzure {
  url: string;
  state: AzureState;
  faults: Fault[];
  requests: Array<{ method: string; path: string; query: string; status: number; at: number }>;
  close(): Promise<void>;
}

export const GRAPH_SP_ID = "99999999-0000-4000-8000-000000000001";
/** Microsoft Graph app role ids (the same in every tenant). */
export const GRAPH_APP_ROLES = [
  { id: "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9", value: "Application.ReadWrite.All" },
  { id: "18a4783c-866b-4cc7-a460-3d5e5662c884", value: "Application.ReadWrite.OwnedBy" },
  { id: "62a82d76-70ea-41e2-9197-370581804d09", value: "Group.ReadWrite.All" },
  { id: "bf7b1a76-6e77-406b-b258-bf5c7720e98f", value: "Group.Create" },
  { id: "df021288-bdef-4463-88db-98f22de89214", value: "User.Read.All" },
];

export function emptyState(): AzureState {
  return {
    subscriptions: [],
    resourceGroups: new Set(),
    providers: {},
    roleAssignments: [],
    roleDefinitions: {},
    takenNames: new Set(),
    resources: new Set(),
    directoryRoles: {},
    authorizationPolicy: "forbidden",
    servicePrincipals: [
      { id: GRAPH_SP_ID, appId: "00000003-0000-0000-c000-000000000000", displayName: "Microsoft Graph", appRoles: GRAPH_APP_ROLES },
    ],
    appRoleAssignments: {},
  };
}

export async function startFakeAzure(
  tls: TestCert,
  state: AzureState,
  opts: { lifetimeMs?: number; pageSize?: number } = {},
): Promise<FakeAzure> {
  const faults: Fault[] = [];
  const requests: FakeAzure["requests"] = [];
  let base = "";

  const { send, error } = jsonResponder((req, status) => {
    const u = new URL(req.url!, base);
    requests.push({ method: req.method!, path: u.pathname, query: u.search, status, at: Date.now() });
  });
  /** A list, paged by `pageSize` through `skip` and nextLink (ARM) / @odata.nextLink (Graph). */
  const page = (res: ServerResponse, req: IncomingMessage, url: URL, items: unknown[], graph: boolean) => {
    const size = opts.pageSize ?? 1000;
    const skip = Number(url.searchParams.get("skip") ?? 0);
    const body: Record<string, unknown> = { value: items.slice(skip, skip + size) };
    if (skip + size < items.length) {
      const next = new URL(url.href);
      next.searchParams.set("skip", String(skip + size));
      body[graph ? "@odata.nextLink" : "nextLink"] = next.href;
    }
    send(res, req, 200, body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url!, base);
    const path = url.pathname;
    const q = (k: string) => url.searchParams.get(k);
    if (!/^Bearer \S+/.test(req.headers.authorization ?? "")) return error(res, req, 401, "Unauthorized", "no bearer token");
    const body = raw ? JSON.parse(raw) : undefined;

    if (path.startsWith("/v1.0/")) {
      const roles = (oid: string) =>
        (state.directoryRoles[oid] ?? []).map((r) => ({
          "@odata.type": "#microsoft.graph.directoryRole",
          id: `dr-${r.roleTemplateId}`,
          ...r,
        }));
      if (path === "/v1.0/me/transitiveMemberOf/microsoft.graph.directoryRole") {
        const oid = claimsOf(req).oid as string;
        return page(res, req, url, roles(oid), true);
      }
      if (path === "/v1.0/policies/authorizationPolicy") {
        if (state.authorizationPolicy === "forbidden")
          return error(res, req, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.");
        return send(res, req, 200, { id: "authorizationPolicy", defaultUserRolePermissions: state.authorizationPolicy });
      }
      if (path === "/v1.0/servicePrincipals") {
        const m = /^appId eq '([^']*)'$/.exec(q("$filter") ?? "");
        if (!m) return error(res, req, 400, "BadRequest", "filter by appId only");
        return page(
          res,
          req,
          url,
          state.servicePrincipals.filter((s) => s.appId === m[1]),
          true,
        );
      }
      let m = /^\/v1.0\/servicePrincipals\/([^/]+)\/appRoleAssignments$/.exec(path);
      if (m)
        return page(
          res,
          req,
          url,
          (state.appRoleAssignments[m[1]] ?? []).map((a, i) => ({ id: `ara${i}`, principalId: m![1], ...a })),
          true,
        );
      m = /^\/v1.0\/servicePrincipals\/([^/]+)\/transitiveMemberOf\/microsoft.graph.directoryRole$/.exec(path);
      if (m) return page(res, req, url, roles(m[1]), true);
      return error(res, req, 404, "Request_ResourceNotFound", `${req.method} ${path}`);
    }

    if (!q("api-version")) return error(res, req, 400, "MissingApiVersionParameter", "The api-version query parameter is required");
    if (path === "/subscriptions" && req.method === "GET") {
      return page(
        res,
        req,
        url,
        state.subscriptions.map((s) => ({ id: `/subscriptions/${s}`, subscriptionId: s, state: "Enabled" })),
        false,
      );
    }
    let m = /^\/subscriptions\/([^/]+)(\/.*)?$/.exec(path);
    if (!m || !state.subscriptions.includes(m[1]))
      return error(res, req, 404, "SubscriptionNotFound", `The subscription '${m?.[1]}' could not be found.`);
    const sub = m[1];
    const rest = m[2] ?? "";
    if ((m = /^\/resourcegroups\/([^/]+)$/i.exec(rest)) && req.method === "GET") {
      return state.resourceGroups.has(`${sub}/${m[1]}`.toLowerCase())
        ? send(res, req, 200, { id: path, name: m[1] })
        : error(res, req, 404, "ResourceGroupNotFound", `Resource group '${m[1]}' could not be found.`);
    }
    if (rest === "/providers" && req.method === "GET") {
      return page(
        res,
        req,
        url,
        Object.entries(state.providers).map(([namespace, registrationState]) => ({
          id: `/subscriptions/${sub}/providers/${namespace}`,
          namespace,
          registrationState,
        })),
        false,
      );
    }
    if (rest === "/providers/Microsoft.Authorization/roleAssignments" && req.method === "GET") {
      const f = /^assignedTo\('([^']+)'\)$/.exec(q("$filter") ?? "");
      if (!f) return error(res, req, 400, "BadRequest", "expected $filter=assignedTo('<objectId>')");
      const mine = state.roleAssignments.filter((a) => a.principalId === f[1]);
      return page(
        res,
        req,
        url,
        mine.map((a, i) => ({
          id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/ra${i}`,
          properties: {
            scope: a.scope,
            principalId: a.principalId,
            roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${a.roleDefinitionGuid}`,
            ...(a.condition ? { condition: a.condition, conditionVersion: "2.0" } : {}),
          },
        })),
        false,
      );
    }
    if ((m = /^\/providers\/Microsoft.Authorization\/roleDefinitions\/([^/]+)$/.exec(rest)) && req.method === "GET") {
      const d = state.roleDefinitions[m[1]];
      return d
        ? send(res, req, 200, {
            id: path,
            properties: { roleName: d.roleName, permissions: [{ actions: d.actions, notActions: d.notActions }] },
          })
        : error(res, req, 404, "RoleDefinitionDoesNotExist", "The specified role definition does not exist.");
    }
    if ((m = /^\/providers\/(Microsoft\.(?:Storage|KeyVault|Synapse))\/checkNameAvailability$/.exec(rest)) && req.method === "POST") {
      const versions: Record<string, string> = {
        "Microsoft.Storage": "2023-05-01",
        "Microsoft.KeyVault": "2022-07-01",
        "Microsoft.Synapse": "2021-06-01",
      };
      if (q("api-version") !== versions[m[1]]) return error(res, req, 400, "InvalidApiVersion", `api-version ${q("api-version")}`);
      const taken = state.takenNames.has(body.name);
      const message = taken ? `The ${body.type} name ${body.name} is already taken.` : undefined;
      // Synapse answers `available`, the others `nameAvailable`.
      const flag = m[1] === "Microsoft.Synapse" ? { available: !taken } : { nameAvailable: !taken };
      return send(res, req, 200, { ...flag, ...(taken ? { reason: "AlreadyExists", message } : {}) });
    }
    if (/^\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+$/.test(rest) && req.method === "GET") {
      return state.resources.has(path.toLowerCase())
        ? send(res, req, 200, { id: path })
        : error(res, req, 404, "ResourceNotFound", `The Resource '${path}' was not found.`);
    }
    return error(res, req, 404, "NoRoute", `${req.method} ${path}`);
  };

  const server = await startHttpsFake({ tls, faults, handle, send, lifetimeMs: opts.lifetimeMs });
  base = server.url;
  const close = server.close;
  return { url: base, state, faults, requests, close };
}

function claimsOf(req: IncomingMessage): Record<string, unknown> {
  const token = (req.headers.authorization ?? "").replace(/^Bearer /, "");
  try {
    return JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
  } catch {
    return {};
  }
}

/** A TokenCredential whose tokens are JWT-shaped with the given claims (unsigned: the fake reads, never verifies). */
export function jwtCredential(claims: Record<string, unknown>) {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return {
    getToken: async (scopes: string | string[]) => ({
      token: `${enc({ alg: "none", typ: "JWT" })}.${enc({ ...claims, aud: [scopes].flat()[0].replace(/\/\.default$/, "") })}.sig`,
      expiresOnTimestamp: Date.now() + 3600e3,
    }),
  };
}
