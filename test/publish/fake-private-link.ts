/**
 * A local HTTPS server that is both a Synapse workspace's dev endpoint (managed private endpoints,
 * api-version 2020-12-01) and the part of ARM that holds the targets' private endpoint connections
 * (storage accounts at 2023-05-01, key vaults at 2023-07-01). Checks the bearer token's scope per
 * route family. An MPE provisions after `pollsBeforeProvisioned` GETs and then puts a Pending
 * connection on its target, named like Synapse's: private endpoint `<workspace>.<mpe>`. Faults are
 * injected per route as in fake-synapse.ts. Binds 127.0.0.1; closes itself after `lifetimeMs`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { LoggedRequest } from "./fake-synapse";
import { jsonResponder, startHttpsFake, type Fault } from "./https-fake";
import type { TestCert } from "./tls";

export interface FakeMpe {
  name: string;
  privateLinkResourceId: string;
  groupId: string;
  provisioningState: "Provisioning" | "Succeeded" | "Failed" | "Deleting";
  pollsLeft: number;
}
export interface FakeConnection {
  id: string;
  name: string;
  type: string;
  etag?: string;
  properties: {
    privateEndpoint: { id: string };
    privateLinkServiceConnectionState: { status: string; description: string; actionsRequired: string };
    provisioningState: string;
    groupIds?: string[];
  };
}

export interface FakePrivateLink {
  url: string;
  workspaceName: string;
  /** MPE name (lower case) → record. */
  endpoints: Map<string, FakeMpe>;
  /** Target ARM id (lower case) → its connections by name. */
  targets: Map<string, { id: string; connections: Map<string, FakeConnection> }>;
  /** MPE names that never leave Provisioning. */
  stuck: Set<string>;
  requests: LoggedRequest[];
  received: Array<{ method: string; path: string; at: number }>;
  faults: Fault[];
  /** The target-side connection of an MPE of this workspace. */
  connectionOf(mpeName: string): FakeConnection | undefined;
  /** Deletes an MPE as someone in Studio would: its connection on the target lingers as Disconnected. */
  deleteByHand(mpeName: string): void;
  /** A connection some other private endpoint requested on a target (not ours to approve). */
  addForeignConnection(targetId: string, privateEndpointName: string, status?: string): FakeConnection;
  close(): Promise<void>;
}

const TARGET =
  /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.(Storage\/storageAccounts|KeyVault\/vaults)\/[^/]+)\/privateEndpointConnections(?:\/([^/]+))?$/i;
const MPE = /^\/managedVirtualNetworks\/default\/managedPrivateEndpoints\/([^/]+)$/;

export async function startFakePrivateLink(
  tls: TestCert,
  opts: { workspaceName: string; targets: string[]; pollsBeforeProvisioned?: number; lifetimeMs?: number; maxRequests?: number },
): Promise<FakePrivateLink> {
  const endpoints = new Map<string, FakeMpe>();
  const targets: FakePrivateLink["targets"] = new Map(opts.targets.map((id) => [id.toLowerCase(), { id, connections: new Map() }]));
  const stuck = new Set<string>();
  const requests: LoggedRequest[] = [];
  const received: FakePrivateLink["received"] = [];
  const faults: Fault[] = [];
  let seq = 0;
  let base = "";

  const peId = (peName: string) =>
    `/subscriptions/00000000-0000-0000-0000-00000000beef/resourceGroups/synapse-managed-rg/providers/Microsoft.Network/privateEndpoints/${peName}`;
  const connectionOf = (mpeName: string) => {
    const mpe = endpoints.get(mpeName.toLowerCase());
    const suffix = `/${opts.workspaceName}.${mpeName}`.toLowerCase();
    const t = mpe && targets.get(mpe.privateLinkResourceId.toLowerCase());
    const matches = t ? [...t.connections.values()].filter((c) => c.properties.privateEndpoint.id.toLowerCase().endsWith(suffix)) : [];
    return matches.find((c) => c.properties.privateLinkServiceConnectionState.status !== "Disconnected") ?? matches[0];
  };
  const addConnection = (targetId: string, peName: string, status: string, groupId?: string): FakeConnection => {
    const t = targets.get(targetId.toLowerCase())!;
    const name = `${peName}-${(++seq).toString(16).padStart(8, "0")}`;
    const c: FakeConnection = {
      id: `${t.id}/privateEndpointConnections/${name}`,
      name,
      type: /keyvault/i.test(t.id)
        ? "Microsoft.KeyVault/vaults/privateEndpointConnections"
        : "Microsoft.Storage/storageAccounts/privateEndpointConnections",
      ...(/keyvault/i.test(t.id) ? { etag: `"e${seq}"` } : {}),
      properties: {
        privateEndpoint: { id: peId(peName) },
        privateLinkServiceConnectionState: { status, description: "Requested by a managed private endpoint", actionsRequired: "None" },
        provisioningState: "Succeeded",
        ...(groupId ? { groupIds: [groupId] } : {}),
      },
    };
    t.connections.set(name, c);
    return c;
  };

  const { send, error } = jsonResponder((req, status) =>
    requests.push({ method: req.method!, path: req.url!.split("?")[0], status, at: Date.now() }),
  );

  const mpeBody = (m: FakeMpe) => {
    const c = connectionOf(m.name);
    return {
      id: `/subscriptions/x/resourceGroups/y/providers/Microsoft.Synapse/workspaces/${opts.workspaceName}/managedVirtualNetworks/default/managedPrivateEndpoints/${m.name}`,
      name: m.name,
      type: "Microsoft.Synapse/workspaces/managedVirtualNetworks/managedPrivateEndpoints",
      properties: {
        privateLinkResourceId: m.privateLinkResourceId,
        groupId: m.groupId,
        provisioningState: m.provisioningState,
        connectionState: {
          status: c?.properties.privateLinkServiceConnectionState.status ?? "Pending",
          description: c?.properties.privateLinkServiceConnectionState.description ?? "",
          actionsRequired: "None",
        },
        isReserved: false,
      },
    };
  };

  const handleSynapse = (req: IncomingMessage, res: ServerResponse, rawName: string, body: any) => {
    const name = decodeURIComponent(rawName);
    const key = name.toLowerCase();
    const m = endpoints.get(key);
    if (req.method === "GET") {
      if (!m) return error(res, req, 404, "NotFound", `managed private endpoint ${name} not found`);
      if (m.provisioningState === "Deleting") {
        endpoints.delete(key);
        return send(res, req, 200, { ...mpeBody(m), properties: { ...mpeBody(m).properties, provisioningState: "Deleting" } });
      }
      if (m.provisioningState === "Provisioning" && !stuck.has(m.name) && m.pollsLeft-- <= 0) {
        if (!targets.has(m.privateLinkResourceId.toLowerCase())) m.provisioningState = "Failed";
        else {
          m.provisioningState = "Succeeded";
          addConnection(m.privateLinkResourceId, `${opts.workspaceName}.${m.name}`, "Pending", m.groupId);
        }
      }
      return send(res, req, 200, mpeBody(m));
    }
    if (req.method === "PUT") {
      const p = body?.properties;
      if (!p?.privateLinkResourceId || !p?.groupId)
        return error(res, req, 400, "BadRequest", "properties.privateLinkResourceId and properties.groupId are required");
      if (m) {
        if (m.privateLinkResourceId.toLowerCase() !== p.privateLinkResourceId.toLowerCase() || m.groupId !== p.groupId)
          return error(res, req, 409, "Conflict", `managed private endpoint ${name} exists with another target; delete it first`);
        return send(res, req, 200, mpeBody(m));
      }
      const created: FakeMpe = {
        name,
        privateLinkResourceId: p.privateLinkResourceId,
        groupId: p.groupId,
        provisioningState: "Provisioning",
        pollsLeft: opts.pollsBeforeProvisioned ?? 1,
      };
      endpoints.set(key, created);
      return send(res, req, 200, mpeBody(created));
    }
    if (req.method === "DELETE") {
      if (!m) return send(res, req, 204);
      const c = connectionOf(m.name);
      if (c) targets.get(m.privateLinkResourceId.toLowerCase())!.connections.delete(c.name);
      m.provisioningState = "Deleting";
      return send(res, req, 202);
    }
    return error(res, req, 405, "MethodNotAllowed", req.method!);
  };

  const handleArm = (req: IncomingMessage, res: ServerResponse, url: URL, match: RegExpExecArray, body: any) => {
    const t = targets.get(match[1].toLowerCase());
    if (!t) return error(res, req, 404, "ResourceNotFound", `${match[1]} not found`);
    const version = /^storage/i.test(match[2]) ? "2023-05-01" : "2023-07-01";
    if (url.searchParams.get("api-version") !== version)
      return error(res, req, 400, "InvalidApiVersionParameter", `api-version ${url.searchParams.get("api-version")} (expected ${version})`);
    if (!match[3])
      return req.method === "GET"
        ? send(res, req, 200, { value: [...t.connections.values()] })
        : error(res, req, 405, "MethodNotAllowed", req.method!);
    const c = t.connections.get(decodeURIComponent(match[3]));
    if (!c) return error(res, req, 404, "PrivateEndpointConnectionNotFound", `${match[3]} not found`);
    if (req.method === "GET") {
      const answer = structuredClone(c);
      if (c.properties.provisioningState === "Updating") c.properties.provisioningState = "Succeeded";
      return send(res, req, 200, answer);
    }
    if (req.method === "PUT") {
      const st = body?.properties?.privateLinkServiceConnectionState;
      if (!st || !["Approved", "Rejected"].includes(st.status) || typeof st.description !== "string")
        return error(
          res,
          req,
          400,
          "BadRequest",
          "privateLinkServiceConnectionState with status Approved|Rejected and a description is required",
        );
      if (c.properties.privateLinkServiceConnectionState.status === "Rejected" && st.status === "Approved")
        return error(res, req, 400, "CannotApproveRejectedConnection", "a rejected connection cannot be approved");
      if (c.etag && body.etag && body.etag !== c.etag) return error(res, req, 412, "PreconditionFailed", "etag mismatch");
      c.properties.privateLinkServiceConnectionState = {
        status: st.status,
        description: st.description,
        actionsRequired: st.actionsRequired ?? "None",
      };
      // Key Vault reports the change as still Updating on the first read.
      if (c.etag) {
        c.properties.provisioningState = "Updating";
        c.etag = `"e${++seq}"`;
      }
      return send(res, req, 200, c);
    }
    return error(res, req, 405, "MethodNotAllowed", req.method!);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url!, base);
    const path = url.pathname;
    const auth = req.headers.authorization ?? "";
    const body = raw ? JSON.parse(raw) : undefined;
    let m = MPE.exec(path);
    if (m) {
      if (!auth.includes("https://dev.azuresynapse.net/.default"))
        return error(res, req, 401, "Unauthorized", "no Synapse-scoped bearer token");
      if (url.searchParams.get("api-version") !== "2020-12-01")
        return error(res, req, 400, "BadApiVersion", `api-version ${url.searchParams.get("api-version")}`);
      return handleSynapse(req, res, m[1], body);
    }
    m = TARGET.exec(path);
    if (m) {
      if (!auth.includes("https://management.azure.com/.default"))
        return error(res, req, 401, "InvalidAuthenticationToken", "no ARM-scoped bearer token");
      return handleArm(req, res, url, m, body);
    }
    return error(res, req, 404, "NoRoute", `${req.method} ${path}`);
  };

  const server = await startHttpsFake({
    tls,
    faults,
    handle,
    send,
    onRequest: (method, path) => received.push({ method, path, at: Date.now() }),
    overBudget: () => requests.length >= (opts.maxRequests ?? 2000),
    lifetimeMs: opts.lifetimeMs,
  });
  base = server.url;
  const close = server.close;
  return {
    url: base,
    workspaceName: opts.workspaceName,
    endpoints,
    targets,
    stuck,
    requests,
    received,
    faults,
    connectionOf,
    deleteByHand(mpeName) {
      const c = connectionOf(mpeName);
      if (c)
        c.properties.privateLinkServiceConnectionState = {
          status: "Disconnected",
          description: "private endpoint deleted",
          actionsRequired: "None",
        };
      endpoints.delete(mpeName.toLowerCase());
    },
    addForeignConnection: (targetId, peName, status = "Pending") => addConnection(targetId, peName, status),
    close,
  };
}
