/**
 * The one error formatter of the config files. Schema errors (Ajv) and the rules checked after the
 * schema both become a {@link Problem}, rendered as
 * `<key> must be <rule>, got <value>: <fix>` (`relmesh:<key> …` for the stack config).
 *
 * A schema steers its messages with annotations next to the keywords they explain:
 * - `x-rule`: what a valid value is, when the keywords alone do not say it (`x-rules` per keyword);
 * - `x-fix`: the fix, when not the document's default (`x-fixes` per keyword);
 * - `x-missing`: the rule of a required key that is absent; `x-missing-fix` (on an object): the fix
 *   of any of its required keys that is absent;
 * - `x-unknown` / `x-unknown-fix` (on an object): what its keys are, for a key it does not have.
 */
import Ajv, { type ErrorObject, type Options } from "ajv";
import { ConfigError } from "./errors";

/** One thing wrong with a config value. `got` is shown only when the key is present in the object. */
export interface Problem {
  /** Path of the value: `sparkPool.minNodes`, `alertEmails[0]`. */
  key: string;
  /**
   * What the value must be: `a whole number 1..3650`. A rule starting with `not ` or `missing`
   * reads "is …", one starting with `must ` or `is ` is used as is, any other reads "must be …".
   */
  rule: string;
  got?: unknown;
  fix?: string;
}

/** How one document (the stack config, the ruleset, the CRM mapping) words its messages. */
export interface Wording {
  /** Before every key (`relmesh:`). @default - none */
  prefix?: string;
  /** The fix when neither the schema nor the rule names one. */
  fix: (key: string, schema: Schema | undefined) => string;
  /** Rule text from the schema's keywords (`a whole number 1..30`) instead of Ajv's message (`must be >= 1`). @default false */
  describe?: boolean;
  /** The fix of a required key that is absent, when the schema does not say. @default - {@link fix} */
  missingFix?: (key: string) => string;
  /** Rule and fix of a key an object does not have, when the object's schema does not say. */
  unknown?: (key: string, known: string[]) => { rule: string; fix: string };
  /** Fills the placeholders of the schema's `x-…fix` texts (`{file}`). @default - none */
  expand?: (text: string) => string;
}

type Schema = Record<string, any>;

/** `'text'`, `nothing`, or JSON. */
export function show(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (value === undefined) return "nothing";
  return JSON.stringify(value);
}

/** Renders one problem in the shared shape. */
export function formatProblem(p: Problem, wording: Pick<Wording, "prefix" | "fix">): string {
  const verb = /^(must |is )/.test(p.rule) ? "" : /^(not |missing)/.test(p.rule) ? "is " : "must be ";
  const got = "got" in p && p.got !== undefined ? `, got ${show(p.got)}` : "";
  return `${wording.prefix ?? ""}${p.key} ${verb}${p.rule}${got}: ${p.fix ?? wording.fix(p.key, undefined)}`;
}

/** Throws the problems as one {@link ConfigError}: the first alone, or a list under `source is invalid:`. */
export function raise(problems: Problem[], wording: Pick<Wording, "prefix" | "fix">, source?: string): void {
  if (problems.length === 0) return;
  const lines = [...new Set(problems.map((p) => formatProblem(p, wording)))];
  throw new ConfigError(source === undefined ? lines[0] : `${source} is invalid:\n  - ${lines.join("\n  - ")}`);
}

/** An Ajv 8 instance set up the same way for every config schema; `x-…` annotations are known keywords. */
export function configAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, ...options });
  ajv.addVocabulary(["x-rule", "x-rules", "x-fix", "x-fixes", "x-missing", "x-missing-fix", "x-unknown", "x-unknown-fix"]);
  return ajv;
}

/** JSON pointer `/sparkPool/minNodes`, `/alertEmails/0` → `sparkPool.minNodes`, `alertEmails[0]`. */
export function keyOf(instancePath: string): string {
  return instancePath
    .split("/")
    .filter(Boolean)
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((key, part) => (/^\d+$/.test(part) ? `${key}[${part}]` : key ? `${key}.${part}` : part), "");
}

function join(key: string, child: string): string {
  return key ? `${key}.${child}` : child;
}

function valueAt(document: unknown, instancePath: string): unknown {
  return instancePath
    .split("/")
    .filter(Boolean)
    .reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), document);
}

/** Rule text from a schema's keywords, or undefined when they do not make one. */
function describeSchema(s: Schema): string | undefined {
  if (Array.isArray(s.enum)) return `one of ${s.enum.join(", ")}`;
  if (s.type === "integer" && s.minimum !== undefined && s.maximum !== undefined) return `a whole number ${s.minimum}..${s.maximum}`;
  if (s.type === "number" && s.exclusiveMinimum !== undefined && s.maximum !== undefined)
    return `a number greater than ${s.exclusiveMinimum} and at most ${s.maximum}`;
  if (s.type === "boolean") return "true or false";
  if (s.type === "string") return s.minLength ? "a non-empty string" : "a string";
  if (s.type === "array") return "a list";
  if (s.type === "object") return "a map of keys to values";
  return undefined;
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** The known key closest to a misspelt one (same letters in another case, or at most 2 edits), if any. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  return known.find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 2);
}

/**
 * Ajv errors → problems, one per value: unknown keys first (sorted), then the rest in schema order.
 * For a value that fails an `anyOf`/`oneOf`, the alternatives' own errors are folded into one.
 */
export function schemaProblems(errors: readonly ErrorObject[], document: unknown, wording: Wording): Problem[] {
  const unknown: Problem[] = [];
  const others: Problem[] = [];
  const seen = new Set<string>();
  const expand = (text: string | undefined): string | undefined =>
    text === undefined ? undefined : (wording.expand ?? ((t: string) => t))(text);
  const combined = new Set(errors.filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf").map((e) => e.instancePath));
  for (const e of errors) {
    const key = keyOf(e.instancePath);
    const parent = (e.parentSchema ?? {}) as Schema;
    if (e.keyword === "required") {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const own = (parent.properties?.[missing] ?? {}) as Schema;
      others.push({
        key: join(key, missing),
        rule: own["x-missing"] ?? "missing",
        fix: expand(parent["x-missing-fix"]) ?? (wording.missingFix ?? wording.fix)(join(key, missing), own),
      });
      continue;
    }
    if (e.keyword === "additionalProperties") {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const known = Object.keys(parent.properties ?? {});
      const fallback = wording.unknown?.(join(key, extra), known) ?? { rule: "not a known key", fix: `use one of ${known.join(", ")}` };
      unknown.push({
        key: join(key, extra),
        rule: parent["x-unknown"] ? `not ${parent["x-unknown"]}` : fallback.rule,
        fix: expand(parent["x-unknown-fix"]) ?? fallback.fix,
      });
      continue;
    }
    // One problem per value; for anyOf/oneOf only the combined error, not each alternative's.
    if (combined.has(e.instancePath) && e.keyword !== "anyOf" && e.keyword !== "oneOf") continue;
    if (seen.has(e.instancePath)) continue;
    seen.add(e.instancePath);
    const value = valueAt(document, e.instancePath);
    const got = (e.keyword === "maxItems" || e.keyword === "minItems") && Array.isArray(value) ? value.length : value;
    const rule: string =
      parent["x-rules"]?.[e.keyword] ??
      parent["x-rule"] ??
      (wording.describe ? describeSchema(parent) : undefined) ??
      (e.message ?? "valid").replace(/^must be /, "");
    const fix = expand(parent["x-fixes"]?.[e.keyword] ?? parent["x-fix"]) ?? wording.fix(key, parent);
    others.push({ key, rule, got, fix });
  }
  return [...unknown.sort((a, b) => a.key.localeCompare(b.key)), ...others];
}
