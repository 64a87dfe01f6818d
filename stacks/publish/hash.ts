/**
 * Content hashes of artifacts: what the publisher compares to decide whether anything changed.
 * Pure; no Pulumi or Azure imports, so the dynamic providers can carry it in their serialized code.
 */
import { createHash } from "node:crypto";

/** JSON with object keys sorted at every level; arrays keep their order (it is meaningful: activities, cells). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v,
  );
}

/** sha256 (hex) of the canonical JSON: equal bodies hash equal whatever their key order or Date/ISO-string form. */
export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
