/**
 * A local HTTPS server speaking the part of the Synapse dev-endpoint API the publisher uses
 * (api-version 2020-12-01, the routes in @azure/synapse-artifacts and @azure/synapse-access-control):
 * artifact PUT/GET/DELETE, trigger start/stop, LRO polling in both styles the SDK follows, and role
 * assignments (PUT/GET/DELETE by id, list by role, principal and scope). Writes are applied only
 * when their operation completes, so a client that does not poll sees no change. Faults are injected
 * per route. Drift is injected by editing `artifacts`, `triggerState` or `roleAssignments` by hand.
 * Binds 127.0.0.1 on an ephemeral port and closes itself after `lifetimeMs` or `maxRequests`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { jsonResponder, startHttpsFake, type Fault } from "./https-fake";
import type { TestCert } from "./tls";

export const COLLECTIONS = {
  linkedservices: "linkedService",
  datasets: "dataset",
  notebooks: "notebook",
  pipelines: "pipeline",
  triggers: "trigger",
} as const;
const REF_KIND: Record<string, string> = {
  LinkedServiceReference: "linkedService",
  DatasetReference: "dataset",
  NotebookReference: "notebook",
  PipelineReference: "pipeline",
};

export type { Fault } from "./https-fake";

export interface LoggedRequest {
  method: string;
  path: string;
  status: number;
  at: number;
}

export interface FakeSynapse {
  url: string;
  /** kind/name → wire body as received. */
  artifacts: Map<string, any>;
  triggerState: Map<string, "Started" | "Stopped">;
  roleAssignments: Map<string, any>;
  /** Answered requests, in answer order. */
  requests: LoggedRequest[];
  /** Every request as it arrives (a slow one appears here before it is answered). */
  received: Array<{ method: string; path: string; at: number }>;
  faults: Fault[];
  close(): Promise<void>;
}

/** Every reference `{ referenceName, type: "XReference" }` in a wire body, as kind/name. */
export function referencesOf(body: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (typeof o.referenceName === "string" && typeof o.type === "string" && REF_KIND[o.type])
        out.push(`${REF_KIND[o.type]}/${o.referenceName}`);
      Object.values(o).forEach(walk);
    }
  };
  walk(body);
  return out;
}

export async function startFakeSynapse(
  tls: TestCert,
  opts: { lifetimeMs?: number; maxRequests?: number; pollsBeforeDone?: number } = {},
): Promise<FakeSynapse> {
  const artifacts = new Map<string, any>();
  const triggerState = new Map<string, "Started" | "Stopped">();
  const roleAssignments = new Map<string, any>();
  const requests: LoggedRequest[] = [];
  const received: FakeSynapse["received"] = [];
  const faults: Fault[] = [];
  const ops = new Map<string, { polls: number; apply: () => void; resource?: string }>();
  let opSeq = 0;
  let base = "";

  const { send, error } = jsonResponder((req, status) =>
    requests.push({ method: req.method!, path: req.url!.split("?")[0], status, at: Date.now() }),
  );

  /** Starts an LRO whose effect happens on completion. Notebooks use Azure-AsyncOperation; the rest Location. */
  const accept = (res: ServerResponse, req: IncomingMessage, apply: () => void, asyncStyle: boolean, resource?: string) => {
    const id = `op${++opSeq}`;
    ops.set(id, { polls: opts.pollsBeforeDone ?? 1, apply, resource });
    const header: Record<string, string> = asyncStyle
      ? { "azure-asyncoperation": `${base}/operationStatuses/${id}?api-version=2020-12-01` }
      : { location: `${base}/operationResults/${id}?api-version=2020-12-01` };
    send(res, req, 202, undefined, header);
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = new URL(req.url!, base);
    const path = url.pathname;
    if (!/^Bearer \S+/.test(req.headers.authorization ?? "")) return error(res, req, 401, "Unauthorized", "no bearer token");
    if (url.searchParams.get("api-version") !== "2020-12-01")
      return error(res, req, 400, "BadApiVersion", `api-version ${url.searchParams.get("api-version")}`);
    const body = raw ? JSON.parse(raw) : undefined;

    let m = /^\/operation(Results|Statuses)\/(op\d+)$/.exec(path);
    if (m && req.method === "GET") {
      const op = ops.get(m[2]);
      if (!op) return error(res, req, 404, "NotFound", "no such operation");
      if (op.polls-- > 0)
        return m[1] === "Results"
          ? send(res, req, 202, undefined, { location: `${base}${path}?api-version=2020-12-01` })
          : send(res, req, 200, { status: "InProgress" });
      if (!ops.has(`${m[2]}:done`)) {
        op.apply();
        ops.set(`${m[2]}:done`, op);
      }
      return m[1] === "Statuses"
        ? send(res, req, 200, { status: "Succeeded" })
        : send(res, req, 200, op.resource ? artifacts.get(op.resource) : undefined);
    }
    // List, filtered like the service by roleId, principalId and scope when given.
    if (path === "/roleAssignments" && req.method === "GET") {
      const q = url.searchParams;
      const value = [...roleAssignments.values()].filter(
        (a) =>
          (!q.get("roleId") || a.roleDefinitionId === q.get("roleId")) &&
          (!q.get("principalId") || a.principalId === q.get("principalId")) &&
          (!q.get("scope") || a.scope === q.get("scope")),
      );
      return send(res, req, 200, { count: value.length, value });
    }
    m = /^\/roleAssignments\/([0-9a-f-]{36})$/.exec(path);
    if (m) {
      if (req.method === "GET")
        return roleAssignments.has(m[1])
          ? send(res, req, 200, roleAssignments.get(m[1]))
          : error(res, req, 404, "NotFound", "no assignment");
      if (req.method === "DELETE") return roleAssignments.delete(m[1]) ? send(res, req, 200) : send(res, req, 204);
      if (req.method === "PUT") {
        const dup = [...roleAssignments.values()].find(
          (a) => a.id !== m![1] && a.roleDefinitionId === body.roleId && a.principalId === body.principalId && a.scope === body.scope,
        );
        if (roleAssignments.has(m[1]) || dup) return error(res, req, 409, "Conflict", "role assignment already exists");
        const ra = {
          id: m[1],
          roleDefinitionId: body.roleId,
          principalId: body.principalId,
          scope: body.scope,
          principalType: body.principalType,
        };
        roleAssignments.set(m[1], ra);
        return send(res, req, 200, ra);
      }
    }
    m = /^\/triggers\/([^/]+)\/(start|stop)$/.exec(path);
    if (m && req.method === "POST") {
      const name = decodeURIComponent(m[1]);
      if (!artifacts.has(`trigger/${name}`)) return error(res, req, 404, "NotFound", `trigger ${name} not found`);
      const to = m[2] === "start" ? "Started" : "Stopped";
      return accept(res, req, () => triggerState.set(name, to), false);
    }
    m = /^\/(linkedservices|datasets|notebooks|pipelines|triggers)\/([^/]+)$/.exec(path);
    if (m) {
      const kind = COLLECTIONS[m[1] as keyof typeof COLLECTIONS];
      const name = decodeURIComponent(m[2]);
      const key = `${kind}/${name}`;
      if (req.method === "GET") {
        if (!artifacts.has(key)) return error(res, req, 404, "NotFound", `${key} not found`);
        const stored = artifacts.get(key);
        // Like the service, a trigger reports whether it runs (read-only, never part of what was sent).
        return send(
          res,
          req,
          200,
          kind === "trigger"
            ? { ...stored, properties: { ...stored.properties, runtimeState: triggerState.get(name) ?? "Stopped" } }
            : stored,
        );
      }
      // Like the service: a started trigger must be stopped before it is changed or deleted.
      if (kind === "trigger" && triggerState.get(name) === "Started")
        return error(res, req, 400, "TriggerEnabledCannotUpdate", `trigger ${name} is started; stop it first`);
      if (req.method === "PUT") {
        const missing = referencesOf(body).filter((r) => !artifacts.has(r));
        if (missing.length) return error(res, req, 400, "BadRequest", `${key} references ${missing.join(", ")} which does not exist`);
        return accept(
          res,
          req,
          () => {
            artifacts.set(key, { ...body, name, id: `/workspaces/fake/${m![1]}/${name}`, etag: `e${opSeq}` });
            if (kind === "trigger" && !triggerState.has(name)) triggerState.set(name, "Stopped");
          },
          kind === "notebook",
          key,
        );
      }
      if (req.method === "DELETE") {
        if (!artifacts.has(key)) return send(res, req, 204);
        const users = [...artifacts.entries()].filter(([k, v]) => k !== key && referencesOf(v).includes(key)).map(([k]) => k);
        if (users.length) return error(res, req, 400, "BadRequest", `${key} is referenced by ${users.join(", ")}`);
        return accept(res, req, () => (artifacts.delete(key), triggerState.delete(name)), false);
      }
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
  return { url: base, artifacts, triggerState, roleAssignments, requests, received, faults, close };
}
