import { readFileSync, existsSync } from "node:fs";
import Ajv, { ErrorObject } from "ajv";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./errors";
import schema from "./ruleset.schema.json";

/** The scoring ruleset, as validated. Field meanings are documented in config/ruleset.yaml. */
export interface Ruleset {
  version: 1;
  history_days: number;
  sources: Record<string, number> & { email: number; meeting: number };
  audience: { full_weight_up_to: number; exponent: number; min_factor: number };
  duration: { reference_minutes: number; max_factor: number };
  modality: { in_person: number; online: number; unknown: number };
  response: { accepted: number; organizer: number; tentative: number; none: number };
  recency: { half_life_days: number };
  reciprocity: { one_way_factor: number; balanced_at: number };
  exclusions: {
    cancelled_meetings: boolean;
    declined_meetings: boolean;
    all_day_events: boolean;
    drafts: boolean;
    internal_only: boolean;
    auto_reply_subject_prefixes: string[];
    ignore_addresses: string[];
    ignore_domains: string[];
    ignore_local_parts: string[];
    opted_out_contacts: boolean;
  };
  score_scale: number;
  account: {
    engaged_min_score: number;
    depth_top_n: number;
    breadth_target: number;
    weights: { depth: number; breadth: number; executive: number };
    executive_titles: string[];
    single_threaded_factor: number;
  };
  status: { cadence_days: Record<string, number>; default_cadence_days: number; needs_attention_below: number };
  high_priority: { tiers: number[]; open_pipeline_at_least: number };
  checklist: ChecklistItem[];
  trend: { period_days: number };
  touchpoints_per_account: number;
}

export type ChecklistItem =
  | { id: string; description: string; kind: "meeting_with_title"; titles: string[]; within_days: number }
  | { id: string; description: string; kind: "two_way_email"; within_days: number }
  | { id: string; description: string; kind: "engaged_contacts"; min_contacts: number; within_days: number }
  | { id: string; description: string; kind: "multi_threaded"; min_sellers: number };

const KIND_FIELDS: Record<ChecklistItem["kind"], string[]> = {
  meeting_with_title: ["titles", "within_days"],
  two_way_email: ["within_days"],
  engaged_contacts: ["min_contacts", "within_days"],
  multi_threaded: ["min_sellers"],
};

export const DEFAULT_RULESET_PATH = "config/ruleset.yaml";

const validateSchema = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema);

/** Reads, parses and validates a ruleset file; every problem names the key and the fix. */
export function loadRuleset(path: string): Ruleset {
  if (!existsSync(path)) {
    throw new ConfigError(`ruleset file ${path} does not exist: set relmesh:rulesetPath to a ruleset YAML file (the default is ${DEFAULT_RULESET_PATH})`);
  }
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`${path} is not valid YAML: ${(error as Error).message.split("\n")[0]}: fix the syntax at that line`);
  }
  return validateRuleset(document, path);
}

/** Validates a parsed ruleset document. Pure: the source name only labels the messages. */
export function validateRuleset(document: unknown, source = "ruleset"): Ruleset {
  if (!validateSchema(document)) {
    const problems = (validateSchema.errors ?? []).map((e) => describeSchemaError(e, document));
    throw new ConfigError(`${source} is invalid:\n  - ${[...new Set(problems)].join("\n  - ")}`);
  }
  const ruleset = document as unknown as Ruleset;
  const problems = semanticProblems(ruleset);
  if (problems.length > 0) throw new ConfigError(`${source} is invalid:\n  - ${problems.join("\n  - ")}`);
  return ruleset;
}

function keyOf(instancePath: string): string {
  return instancePath.replace(/^\//, "").replace(/\//g, ".") || "(top level)";
}

function valueAt(document: unknown, instancePath: string): unknown {
  return instancePath
    .split("/")
    .filter(Boolean)
    .reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), document);
}

function describeSchemaError(error: ErrorObject, document: unknown): string {
  const key = keyOf(error.instancePath);
  const got = JSON.stringify(valueAt(document, error.instancePath));
  const description = (error.parentSchema as { description?: string } | undefined)?.description;
  switch (error.keyword) {
    case "required": {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      const where = key === "(top level)" ? missing : `${key}.${missing}`;
      return `${where} is missing: add it (see config/ruleset.yaml for the default)`;
    }
    case "additionalProperties": {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      const where = key === "(top level)" ? extra : `${key}.${extra}`;
      return `${where} is not a ruleset key: remove it or fix its spelling`;
    }
    default:
      return `${key} ${error.message}, got ${got}: set ${key} to ${description ?? "a valid value"}`;
  }
}

function semanticProblems(r: Ruleset): string[] {
  const problems: string[] = [];
  const w = r.account.weights;
  const sum = w.depth + w.breadth + w.executive;
  if (Math.abs(sum - 1) > 1e-9) {
    problems.push(`account.weights must add up to 1, got ${+sum.toFixed(6)}: adjust depth, breadth and executive`);
  }
  if (!r.exclusions.internal_only) {
    problems.push("exclusions.internal_only must stay true, got false: internal-only mail says nothing about customer relationships");
  }
  if (!r.exclusions.opted_out_contacts) {
    problems.push("exclusions.opted_out_contacts must stay true, got false: people who opted out must never be scored");
  }
  r.exclusions.auto_reply_subject_prefixes.forEach((prefix, i) => {
    if (prefix !== prefix.toLowerCase()) {
      problems.push(`exclusions.auto_reply_subject_prefixes.${i} must be lower case, got "${prefix}": write "${prefix.toLowerCase()}"`);
    }
  });
  const seen = new Set<string>();
  r.checklist.forEach((item, i) => {
    if (seen.has(item.id)) problems.push(`checklist.${i}.id "${item.id}" is used twice: give each item its own id`);
    seen.add(item.id);
    for (const field of KIND_FIELDS[item.kind]) {
      if ((item as unknown as Record<string, unknown>)[field] === undefined) {
        problems.push(`checklist.${i}.${field} is missing: a ${item.kind} item needs ${KIND_FIELDS[item.kind].join(" and ")}`);
      }
    }
  });
  return problems;
}
