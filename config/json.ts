/**
 * The project's one stable JSON: object keys sorted at every level, so equal data serializes to equal
 * text whatever the key order. Content hashes (stacks/publish/hash.ts), the MGDC approval fingerprint
 * (stacks/mgdc-consent.ts), `relmesh plan --json` and the files of `relmesh synth` all use it.
 *
 * Arrays keep their order (it is meaningful: activities, cells). A value with `toJSON` (a Date) is
 * replaced by what `toJSON` returns before its keys would be sorted, so a Date and its ISO string
 * serialize alike. Pure; no imports, so the dynamic providers carry it in their serialized code.
 */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) =>
      v && typeof v === "object" && !Array.isArray(v)
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, (v as Record<string, unknown>)[k]]),
          )
        : v,
    indent,
  );
}
