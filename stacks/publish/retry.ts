/**
 * The publisher's own retry layer, around whole operations (a PUT and its polling). The SDK pipeline
 * already retries single requests on 429-with-Retry-After, 408 and 5xx (see client.ts); this layer
 * covers what it does not: request timeouts (the SDK rethrows an AbortError without retrying), 429
 * without Retry-After, and 403 right after the role assignments were made (REL-17).
 */

export interface RetryOptions {
  /** Attempts per operation, including the first. @default 5 */
  attempts?: number;
  /** Delay before the second attempt; doubles each time. @default 5000 ms */
  baseDelayMs?: number;
  /** Cap of one delay. @default 60000 ms */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { attempts: 5, baseDelayMs: 5000, maxDelayMs: 60000 };

const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "ESOCKETTIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "REQUEST_SEND_ERROR"]);

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

/** Delay before attempt n+1 (n counts from 1): exponential, capped. Pure. */
export function backoffMs(attempt: number, o: Required<RetryOptions>): number {
  return Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (attempt - 1));
}

/** Runs `fn` until it succeeds, a non-transient error occurs, or the attempts run out (the last error is rethrown, with the attempt count). */
export async function withRetries<T>(label: string, fn: (attempt: number) => Promise<T>, options: RetryOptions = {}, onRetry?: (msg: string) => void): Promise<T> {
  const o = { ...DEFAULT_RETRY, ...options };
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isTransient(err) || attempt >= o.attempts) {
        const msg = err instanceof Error ? err.message : String(err);
        const wrapped = new Error(`${label} failed after ${attempt} attempt(s): ${msg}`);
        (wrapped as Error & { cause?: unknown; statusCode?: number }).cause = err;
        (wrapped as Error & { statusCode?: number }).statusCode = statusOf(err);
        throw wrapped;
      }
      const delay = backoffMs(attempt, o);
      onRetry?.(`${label}: attempt ${attempt} failed (${statusOf(err) ?? (err as Error).name}); retrying in ${delay} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}
