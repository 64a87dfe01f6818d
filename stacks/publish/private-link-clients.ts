/**
 * The HTTP side of the managed private endpoints (private-endpoints.ts): one authenticated JSON client
 * for the workspace's dev endpoint and one for ARM, and the bounded polling both sides use.
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
import { DEFAULT_PIPELINE_RETRY, type RetryOptions } from "./retry";
import { workspaceNameFromDevEndpoint } from "./private-endpoints";

export const SYNAPSE_SCOPE = "https://dev.azuresynapse.net/.default";
export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";
export const ARM_SCOPE = "https://management.azure.com/.default";

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` until `done`, at most `maxWaitMs`; returns the last value or throws `fail(last)`. */
export async function pollUntil<T>(
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
