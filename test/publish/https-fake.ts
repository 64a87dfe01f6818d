/**
 * The plumbing every local HTTPS fake of an Azure endpoint shares (Synapse data plane, private
 * link, ARM and Graph): TLS from a test certificate, the body read whole, faults injected per route
 * (status with Retry-After, or a late answer), a request budget against runaway retry loops, an
 * ephemeral port on 127.0.0.1, and a lifetime after which the server closes itself.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { TestCert } from "./tls";

export interface Fault {
  method: string;
  /** Matches the path (without query). */
  path: RegExp;
  /** How many matching requests get the fault. */
  times: number;
  status?: number;
  retryAfter?: string;
  /** Answer this late (the write, if any, still happens, like a slow but successful service). */
  delayMs?: number;
}

export interface HttpsFakeOptions {
  tls: TestCert;
  faults: Fault[];
  /** Answers one request, after faults had their say. */
  handle(req: IncomingMessage, res: ServerResponse, raw: string): void;
  /** Sends (and records) a JSON answer: injected faults go through it too. */
  send: Send;
  /** Called for every request before faults, e.g. to log what reached the server. */
  onRequest?(method: string, path: string): void;
  /** Answers 503 once this returns true (a retry loop that never stops). */
  overBudget?(): boolean;
  /** @default 40000 ms */
  lifetimeMs?: number;
}

export type Send = (res: ServerResponse, req: IncomingMessage, status: number, body?: unknown, headers?: Record<string, string>) => void;

/**
 * JSON answers as Azure sends them, `{ error: { code, message } }` for errors; `record` logs each
 * answer the way the fake's tests read it.
 */
export function jsonResponder(record: (req: IncomingMessage, status: number) => void): {
  send: Send;
  error: (res: ServerResponse, req: IncomingMessage, status: number, code: string, message: string) => void;
} {
  const send: Send = (res, req, status, body, headers = {}) => {
    record(req, status);
    if (res.destroyed) return;
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };
  return { send, error: (res, req, status, code, message) => send(res, req, status, { error: { code, message } }) };
}

/** Starts the server; resolves with its base URL and a close function. */
export async function startHttpsFake(o: HttpsFakeOptions): Promise<{ url: string; close(): Promise<void> }> {
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer({ key: o.tls.key, cert: o.tls.cert }, (req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      if (o.overBudget?.())
        return o.send(res, req, 503, { error: { code: "TooManyRequestsInTest", message: "request budget of the fake server exhausted" } });
      const path = req.url!.split("?")[0];
      o.onRequest?.(req.method!, path);
      const fault = o.faults.find((f) => f.times > 0 && f.method === req.method && f.path.test(path));
      if (fault) fault.times--;
      if (fault?.status) {
        const headers: Record<string, string> = fault.retryAfter ? { "retry-after": fault.retryAfter } : {};
        return o.send(res, req, fault.status, { error: { code: "Injected", message: `injected ${fault.status}` } }, headers);
      }
      if (fault?.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          o.handle(req, res, raw);
        }, fault.delayMs);
        timers.add(t);
        return;
      }
      o.handle(req, res, raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      timers.forEach(clearTimeout);
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const lifetime = setTimeout(() => void close(), o.lifetimeMs ?? 40000);
  lifetime.unref();
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}
