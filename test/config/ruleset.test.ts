import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { loadRuleset, validateRuleset } from "../../config/ruleset";

const DEFAULT = join(__dirname, "..", "..", "config", "ruleset.yaml");
const base = () => parse(readFileSync(DEFAULT, "utf8"));

/** Applies a change to a fresh copy of the default ruleset and returns the validation error message. */
function errorOf(change: (r: any) => void): string {
  const r = base();
  change(r);
  try {
    validateRuleset(r, "ruleset.yaml");
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the ruleset to be rejected");
}

describe("the ruleset validator", () => {
  test("accepts the default ruleset", () => {
    const r = loadRuleset(DEFAULT);
    expect(r.sources.email).toBe(1);
    expect(r.recency.half_life_days).toBe(90);
  });

  test("names a missing key and says to add it", () => {
    expect(errorOf((r) => delete r.recency.half_life_days)).toContain("recency.half_life_days is missing: add it");
  });

  test("names a misspelt key and says to remove or fix it", () => {
    expect(errorOf((r) => (r.recency.halflife = 3))).toContain("recency.halflife is not a ruleset key: remove it or fix its spelling");
  });

  test("rejects a non-positive half-life with the received value and the expected range", () => {
    expect(errorOf((r) => (r.recency.half_life_days = -3))).toContain(
      "recency.half_life_days must be > 0, got -3: set recency.half_life_days to the half-life of the recency decay in days, > 0",
    );
  });

  test("accepts the response-times defaults, which change no score", () => {
    expect(loadRuleset(DEFAULT).response_times).toEqual({ max_reply_days: 14, fast_reply_hours: 24, fast_reply_factor: 1 });
  });

  test("names a response-times key with a bad value and its range", () => {
    expect(errorOf((r) => (r.response_times.fast_reply_factor = 0))).toContain("response_times.fast_reply_factor must be > 0, got 0");
    expect(errorOf((r) => (r.response_times.max_reply_days = 0))).toContain("response_times.max_reply_days must be >= 1, got 0");
  });

  test("names a missing response-times key", () => {
    expect(errorOf((r) => delete r.response_times.fast_reply_hours)).toContain("response_times.fast_reply_hours is missing: add it");
  });

  test("rejects a weight of the wrong type", () => {
    expect(errorOf((r) => (r.sources.email = "high"))).toContain("sources.email must be number, got 'high'");
  });

  test("rejects account weights that do not add up to 1", () => {
    expect(errorOf((r) => (r.account.weights.depth = 0.9))).toContain(
      "account.weights must add up to 1, got 1.4: adjust depth, breadth and executive",
    );
  });

  test("refuses to score people who opted out", () => {
    expect(errorOf((r) => (r.exclusions.opted_out_contacts = false))).toContain("exclusions.opted_out_contacts must stay true");
  });

  test("refuses to score internal-only traffic", () => {
    expect(errorOf((r) => (r.exclusions.internal_only = false))).toContain("exclusions.internal_only must stay true");
  });

  test("requires lower-case auto-reply prefixes, naming the fix", () => {
    expect(errorOf((r) => r.exclusions.auto_reply_subject_prefixes.push("Out of Office:"))).toContain('write "out of office:"');
  });

  test("requires the fields each checklist kind needs", () => {
    expect(errorOf((r) => delete r.checklist[0].titles)).toContain(
      "checklist[0].titles is missing: a meeting_with_title item needs titles and within_days",
    );
  });

  test("rejects an unknown checklist kind, listing the known ones", () => {
    expect(errorOf((r) => (r.checklist[0].kind = "met_ceo"))).toContain(
      "one of meeting_with_title, two_way_email, engaged_contacts, multi_threaded",
    );
  });

  test("rejects duplicate checklist ids", () => {
    expect(errorOf((r) => (r.checklist[1].id = r.checklist[0].id))).toContain(
      "checklist[1].id must be an id no other item uses, got 'exec_meeting_180d': give each item its own id",
    );
  });

  test("rejects a cadence tier that is not a number", () => {
    expect(errorOf((r) => (r.status.cadence_days.gold = 30))).toContain("status.cadence_days");
  });

  test("reports every problem at once, not only the first", () => {
    const message = errorOf((r) => {
      r.score_scale = 0;
      r.trend.period_days = 0;
    });
    expect(message).toContain("score_scale must be > 0");
    expect(message).toContain("trend.period_days must be >= 1");
  });

  test("names the file and the fix when the file is missing or not YAML", () => {
    expect(() => loadRuleset("/nonexistent/rules.yaml")).toThrow(
      "ruleset file /nonexistent/rules.yaml does not exist: set relmesh:rulesetPath",
    );
    const dir = mkdtempSync(join(tmpdir(), "ruleset-"));
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "sources: [email\n");
    expect(() => loadRuleset(bad)).toThrow(`${bad} is not valid YAML`);
  });
});
