/**
 * The one retry helper of the publishing side, around whole operations: an HTTP request and its
 * polling (the publisher, RBAC, private endpoints) or a SQL batch on a fresh connection (stacks/publish/sql/execute.ts).
 * The SDK pipeline already retries single requests on 429-with-Retry-After, 408 and 5xx
 * ({@link DEFAULT_PIPELINE_RETRY}); this layer covers what it does not: request timeouts (the SDK
 * rethrows an AbortError without retrying), 429 without Retry-After, and 403 right after the role
 * assignments were made (REL-17). Which errors are worth another attempt is a predicate: HTTP callers
 * take {@link isTransient}, the SQL executor its SQL error numbers.
 */
import type { PipelineRetryOptions } from "@azure/core-rest-pipeline";

/**
 * Per-request retries in the SDK pipeline (ArtifactsClient, AccessControlClient, the private-endpoint
 * and preflight pipelines). Its defaults (3 retries, 1 s doubling, 64 s cap) give up within ~15 s of a
 * 5xx burst; publishing right after the workspace is created meets longer ones. The pipeline retries
 * 429/503 only when they carry Retry-After (it then waits exactly that long), and 408/5xx (not
 * 501/505) plus connection errors with this backoff. Timeouts are not retried there (the SDK
 * rethrows its AbortError): {@link withRetries} handles them around the whole operation.
 */
export const DEFAULT_PIPELINE_RETRY: Required<Pick<PipelineRetryOptions, "maxRetries" | "retryDelayInMs" | "maxRetryDelayInMs">> = {
  maxRetries: 6,
  retryDelayInMs: 2000,
  maxRetryDelayInMs: 60000,
};

export interface RetryOptions {
  /** Attempts per operation, including the first. @default 5 */
  attempts?: number;
  /** Delay before the second attempt; doubles each time. @default 5000 ms */
  baseDelayMs?: number;
  /** Cap of one delay. @default 60000 ms */
  maxDelayMs?: number;
  /** Each delay drawn from [d/2, d] instead of d, so clients failing together do not retry together. @default false */
  jitter?: boolean;
  /** @default - setTimeout */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY: Required<Omit<RetryOptions, "sleep">> = { attempts: 5, baseDelayMs: 5000, maxDelayMs: 60000, jitter: false };

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "REQUEST_SEND_ERROR",
]);

/** HTTP status of an SDK error, if any. */
export function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: number; response?: { status?: number } } | undefined;
  return e?.statusCode ?? e?.response?.status;
}

/** Whether another attempt can help. Pure. */
export function isTransient(err: unknown): boolean {
  const e = err as { name?: string; code?: string } | undefined;
  if (e?.name === "AbortError" || e?.name === "TimeoutError") return true;
  if (e?.code && NETWORK_CODES.has(e.code)) return true;
  const status = statusOf(err);
  // 403: Synapse RBAC assignments take minutes to reach the data plane (REL-17); bounded by attempts.
  return status === 403 || status === 408 || status === 429 || (status !== undefined && status >= 500 && status !== 501 && status !== 505);
}

/** Delay before attempt n+1 (n counts from 1): exponential, capped; with `jitter`, drawn from its upper half. Pure but for the jitter. */
export function backoffMs(attempt: number, o: Pick<Required<RetryOptions>, "baseDelayMs" | "maxDelayMs"> & { jitter?: boolean }): number {
  const exp = Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
  return o.jitter ? Math.round(exp / 2 + Math.random() * (exp / 2)) : exp;
}

/** Short name of an error for a log line: the HTTP status, the SQL error number, the error code or the name. */
function reasonOf(err: unknown): string {
  const status = statusOf(err);
  if (status !== undefined) return String(status);
  const e = err as { number?: unknown; code?: unknown; name?: unknown } | undefined;
  if (typeof e?.number === "number") return `error ${e.number}`;
  if (typeof e?.code === "string") return e.code;
  return typeof e?.name === "string" ? e.name : String(err);
}

/**
 * Runs `fn` until it succeeds, an error `isRetryable` refuses occurs, or the attempts run out. The last
 * error is rethrown wrapped, with the attempt count in the message and the original as `cause`.
 * `onRetry` gets one line per retry, before its delay.
 */
export async function withRetries<T>(
  label: string,
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
  onRetry?: (msg: string) => void,
  isRetryable: (err: unknown) => boolean = isTransient,
): Promise<T> {
  const o = { ...DEFAULT_RETRY, ...options };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRetryable(err) || attempt >= o.attempts) {
        const msg = err instanceof Error ? err.message : String(err);
        const wrapped = new Error(`${label} failed after ${attempt} attempt(s): ${msg}`);
        (wrapped as Error & { cause?: unknown; statusCode?: number }).cause = err;
        (wrapped as Error & { statusCode?: number }).statusCode = statusOf(err);
        throw wrapped;
      }
      const delay = backoffMs(attempt, o);
      onRetry?.(`${label}: attempt ${attempt} failed (${reasonOf(err)}); retrying in ${delay} ms`);
      await sleep(delay);
    }
  }
}
