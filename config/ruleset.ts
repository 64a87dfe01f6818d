import { readYaml } from "./files";
import { configAjv, raise, schemaProblems, type Problem, type Wording } from "./problems";
import schema from "./ruleset.schema.json";
import stackSchema from "./stack.schema.json";

/** The scoring ruleset, as validated. Field meanings are documented in config/ruleset.yaml. */
export interface Ruleset {
  version: 1;
  history_days: number;
  sources: Record<string, number> & { email: number; meeting: number };
  audience: { full_weight_up_to: number; exponent: number; min_factor: number };
  duration: { reference_minutes: number; max_factor: number; default_minutes: number };
  modality: { in_person: number; online: number; unknown: number };
  response: { accepted: number; organizer: number; tentative: number; none: number };
  recency: { half_life_days: number };
  reciprocity: { one_way_factor: number; balanced_at: number };
  response_times: { max_reply_days: number; fast_reply_hours: number; fast_reply_factor: number };
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
  data_quality: { fallback_warning_share: number };
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
  business_signals: { period_days: number; order_change_share: number; needs_attention_open_escalations: number };
  discovered_contacts: { count_in_scores: boolean };
  touchpoints_per_account: number;
  transaction_size: { bands: Array<{ label: string; at_least: number }>; no_pipeline_label: string };
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

/** The default of relmesh:rulesetPath. */
export const DEFAULT_RULESET_PATH = stackSchema.properties.rulesetPath.default;

const validateSchema = configAjv().compile(schema);

/** How ruleset messages read: `recency.half_life_days must be > 0, got -3: set recency.half_life_days to …`. */
const WORDING: Wording = {
  fix: (key, s) => `set ${key} to ${(s?.description as string | undefined) ?? "a valid value"}`,
  missingFix: () => `add it (see ${DEFAULT_RULESET_PATH} for the default)`,
  unknown: () => ({ rule: "not a ruleset key", fix: "remove it or fix its spelling" }),
};

/** Reads, parses and validates a ruleset file (absolute path); every problem names the key and the fix. */
export function loadRuleset(path: string): Ruleset {
  const document = readYaml(path, {
    what: "ruleset file",
    missingFix: `set relmesh:rulesetPath to a ruleset YAML file (the default is ${DEFAULT_RULESET_PATH})`,
  });
  return validateRuleset(document, path);
}

/** Validates a parsed ruleset document. Pure: the source name only labels the messages. */
export function validateRuleset(document: unknown, source = "ruleset"): Ruleset {
  if (!validateSchema(document)) raise(schemaProblems(validateSchema.errors ?? [], document, WORDING), WORDING, source);
  const ruleset = document as unknown as Ruleset;
  raise(semanticProblems(ruleset), WORDING, source);
  return ruleset;
}

function semanticProblems(r: Ruleset): Problem[] {
  const problems: Problem[] = [];
  const w = r.account.weights;
  const sum = w.depth + w.breadth + w.executive;
  if (Math.abs(sum - 1) > 1e-9) {
    problems.push({ key: "account.weights", rule: "must add up to 1", got: +sum.toFixed(6), fix: "adjust depth, breadth and executive" });
  }
  if (!r.exclusions.internal_only) {
    problems.push({
      key: "exclusions.internal_only",
      rule: "must stay true",
      got: false,
      fix: "internal-only mail says nothing about customer relationships",
    });
  }
  if (!r.exclusions.opted_out_contacts) {
    problems.push({
      key: "exclusions.opted_out_contacts",
      rule: "must stay true",
      got: false,
      fix: "people who opted out must never be scored",
    });
  }
  r.exclusions.auto_reply_subject_prefixes.forEach((prefix, i) => {
    if (prefix !== prefix.toLowerCase()) {
      problems.push({
        key: `exclusions.auto_reply_subject_prefixes[${i}]`,
        rule: "lower case",
        got: prefix,
        fix: `write "${prefix.toLowerCase()}"`,
      });
    }
  });
  const seen = new Set<string>();
  r.checklist.forEach((item, i) => {
    if (seen.has(item.id))
      problems.push({ key: `checklist[${i}].id`, rule: "an id no other item uses", got: item.id, fix: "give each item its own id" });
    seen.add(item.id);
    for (const field of KIND_FIELDS[item.kind]) {
      if ((item as unknown as Record<string, unknown>)[field] === undefined) {
        problems.push({
          key: `checklist[${i}].${field}`,
          rule: "missing",
          fix: `a ${item.kind} item needs ${KIND_FIELDS[item.kind].join(" and ")}`,
        });
      }
    }
  });
  const bands = r.transaction_size.bands;
  bands.forEach((band, i) => {
    if (i > 0 && band.at_least >= bands[i - 1].at_least) {
      problems.push({
        key: `transaction_size.bands[${i}].at_least`,
        rule: `below the band before it (${bands[i - 1].at_least})`,
        got: band.at_least,
        fix: "list the bands largest first",
      });
    }
  });
  const labels = [...bands.map((b) => b.label), r.transaction_size.no_pipeline_label];
  labels.forEach((label, i) => {
    if (labels.indexOf(label) !== i) {
      problems.push({
        key: "transaction_size",
        rule: "labels differ",
        got: label,
        fix: "give each band, and the no-pipeline label, its own label",
      });
    }
  });
  return problems;
}
