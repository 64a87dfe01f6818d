/**
 * Content hashes of artifacts: what the publisher compares to decide whether anything changed.
 * Pure; no Pulumi or Azure imports, so the dynamic providers can carry it in their serialized code.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../../config/json";

/** sha256 (hex) of the canonical JSON: equal bodies hash equal whatever their key order or Date/ISO-string form. */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * `actual` cut down to the shape of `expected`: object keys `expected` does not have are dropped, at
 * every level; arrays keep their length (an element added by hand is a difference). Dates, and strings
 * that are ISO date-times, become `toISOString()` form: the SDK returns date-time fields as Dates and
 * re-serializes `…00Z` as `…00.000Z`. Pure.
 *
 * Why a projection: the service returns what was sent plus what it adds (id, etag, type, defaults,
 * a trigger's runtimeState), so the fetched body never hashes equal to the sent one. Cost: a field
 * added by hand in Studio, where the code sets none, is not seen as drift.
 */
export function projectOnto(actual: unknown, expected: unknown): unknown {
  if (actual instanceof Date) return actual.toISOString();
  if (typeof actual === "string" && ISO_DATE_TIME.test(actual) && !Number.isNaN(Date.parse(actual))) return new Date(actual).toISOString();
  if (Array.isArray(actual)) return actual.map((v, i) => projectOnto(v, Array.isArray(expected) ? expected[i] : undefined));
  if (actual && typeof actual === "object") {
    const a = actual as Record<string, unknown>;
    const shape = expected && typeof expected === "object" && !Array.isArray(expected) ? (expected as Record<string, unknown>) : undefined;
    const keys = Object.keys(a).filter((k) => a[k] !== undefined && (!shape || k in shape));
    return Object.fromEntries(keys.map((k) => [k, projectOnto(a[k], shape?.[k])]));
  }
  return actual;
}

/** Whether the workspace's copy still holds what was sent (see {@link projectOnto}). Pure. */
export function sameContent(fetched: unknown, sent: unknown): boolean {
  return canonicalJson(projectOnto(fetched, sent)) === canonicalJson(projectOnto(sent, sent));
}
