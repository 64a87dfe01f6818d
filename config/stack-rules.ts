/**
 * The rules config/stack.ts runs after the schema on one key at a time: what a schema cannot say about
 * a single value (a real calendar date, ids each once, Spark sizes that fit the chosen node, files that
 * exist). Each fails through {@link Rules.fail}, which words the problem like the schema's own.
 */
import { existsSync } from "node:fs";
import { SPARK_NODE_SIZES, ISO_DATE } from "./azure-reference";
import { crmMappingFile, SHIPPED_CRM_MAPPINGS } from "./crm-mapping";
import { repoPath } from "./files";
import { raise, type Problem, type Wording } from "./problems";
import schema from "./stack.schema.json";
import type { SparkNodeSize, SparkPoolConfig, SparkSessionConfig } from "./stack-types";

export class Rules {
  readonly file: string;
  constructor(
    readonly stack: string,
    private readonly words: Wording,
  ) {
    this.file = `Pulumi.${stack}.yaml`;
  }

  /** `relmesh:key must be …, got …: set relmesh:key in Pulumi.<stack>.yaml`. The value is shown when passed. */
  fail(key: string, rule: string, ...rest: [got?: unknown, fix?: string]): never {
    const [got, fix] = rest;
    const problem: Problem = { key, rule, ...(rest.length >= 1 ? { got } : {}), ...(fix ? { fix } : {}) };
    raise([problem], this.words);
    throw new Error("unreachable");
  }
}

/** `YYYY-MM-01` of a date, in UTC. Pure. */
export function firstOfMonth(d: Date): string {
  return `${d.toISOString().slice(0, 7)}-01`;
}

export function isoDate(r: Rules, key: string, value: string): string {
  const m = ISO_DATE.exec(value)!;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) r.fail(key, "an ISO date YYYY-MM-DD", value);
  return value;
}

/** Lower-case ids, each once. */
export function guidList(r: Rules, key: string, ids: string[]): string[] {
  const lower = ids.map((id) => id.toLowerCase());
  const dup = lower.find((id, i) => lower.indexOf(id) !== i);
  if (dup) r.fail(key, "a list without duplicates", dup, `remove the repeated id from relmesh:${key} in ${r.file}`);
  return lower;
}

export function sparkPool(r: Rules, o: Record<string, any>): SparkPoolConfig {
  // Static defaults come from the schema; the ceiling's default follows the floor.
  const maxNodes: number = o.maxNodes ?? Math.max(6, o.minNodes as number);
  if (maxNodes < o.minNodes) r.fail("sparkPool.maxNodes", `at least sparkPool.minNodes (${o.minNodes})`, maxNodes);
  return { name: o.name, nodeSize: o.nodeSize as SparkNodeSize, minNodes: o.minNodes, maxNodes, autoPauseMinutes: o.autoPauseMinutes };
}

export function sparkSession(r: Rules, o: Record<string, any>, pool: SparkPoolConfig): SparkSessionConfig {
  const node = SPARK_NODE_SIZES[pool.nodeSize];
  const memory = (k: string): string => {
    const v: string = o[k] ?? `${node.memoryGb - 4}g`;
    const m = /^(\d+)g$/.exec(v);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > node.memoryGb)
      r.fail(`sparkSession.${k}`, `a size like '28g', at most the ${pool.nodeSize} node's ${node.memoryGb}g`, v);
    return v;
  };
  const cores = (k: string, fallback: number, max: number, what: string): number => {
    const v: number = o[k] ?? fallback;
    if (v < 1 || v > max) r.fail(`sparkSession.${k}`, `a whole number 1..${max} (${what})`, v);
    return v;
  };
  return {
    driverMemory: memory("driverMemory"),
    driverCores: cores("driverCores", node.vCores, node.vCores, `vCores of a ${pool.nodeSize} node`),
    executorMemory: memory("executorMemory"),
    executorCores: cores("executorCores", node.vCores, node.vCores, `vCores of a ${pool.nodeSize} node`),
    numExecutors: cores("numExecutors", Math.min(2, pool.maxNodes - 1), pool.maxNodes - 1, "sparkPool.maxNodes minus the driver"),
  };
}

/** A file the config names: it must exist (resolved with {@link repoPath}), then its own loader validates it. */
export function configFile(r: Rules, key: "rulesetPath", path: string, what: string, rootDir: string): string {
  const file = repoPath(path, rootDir);
  if (!existsSync(file))
    r.fail(
      key,
      `a ${what} YAML file that exists`,
      path,
      `set relmesh:${key} in ${r.file} to a path relative to the repository root (the default is ${schema.properties[key].default})`,
    );
  return file;
}

/** The CRM mapping file relmesh:crmMapping names: a shipped mapping, or a path that must exist. */
export function crmMappingChoice(r: Rules, choice: string, rootDir: string): string {
  const file = crmMappingFile(choice, rootDir);
  if (!existsSync(file))
    r.fail(
      "crmMapping",
      `${Object.keys(SHIPPED_CRM_MAPPINGS).join(" or ")}, or the path of a CRM column mapping YAML file that exists`,
      choice,
      `set relmesh:crmMapping in ${r.file} to a shipped mapping, or to a path relative to the repository root (the default is ${schema.properties.crmMapping.default})`,
    );
  return file;
}
