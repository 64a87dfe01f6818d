/** cli/evaluate.ts: the words `relmesh evaluate` prints for notebooks/local/evaluate.py's figures, and its guard rails (issue 11, weights checked against outcomes). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EvaluateReport, evaluateCommand, formatEvaluation, GridRow, runRulesets, shownPath, verdict } from "../../cli/evaluate";

const grid = (name: string, h: number, m: number, o: number, a: number): GridRow => ({
  name,
  "recency.half_life_days": h,
  "sources.meeting": m,
  "reciprocity.one_way_factor": o,
  won: 60,
  lost: 40,
  too_few: false,
  auc: a,
  low: a - 0.08,
  high: a + 0.08,
});

const report: EvaluateReport = {
  out: "/runs/out",
  lead_days: 30,
  min_history_days: 30,
  data: { first_day: "2026-05-20", last_day: "2026-11-15" },
  opportunities: {
    total: 120,
    open: 15,
    other_status: 1,
    closed: 104,
    scored: 100,
    left_out: { no_close_date: 0, unknown_account: 1, too_little_history: 3, after_the_data: 0 },
  },
  min_per_class: 10,
  seed: 1,
  resamples: 1000,
  targets: 90,
  as_of_dates: 70,
  ruleset: { "recency.half_life_days": 90, "sources.meeting": 3, "reciprocity.one_way_factor": 0.5 },
  overall: { won: 60, lost: 40, too_few: false, auc: 0.7412, low: 0.6603, high: 0.8151 },
  tiers: [
    { tier: 1, won: 9, lost: 12, too_few: true },
    { tier: 2, won: 51, lost: 28, too_few: false, auc: 0.7, low: 0.58, high: 0.81 },
  ],
  grid: [
    grid("run's ruleset", 90, 3, 0.5, 0.7412),
    grid("half-life 30 d, meeting 5, one-way 1", 30, 5, 1, 0.76),
    grid("half-life 180 d, meeting 1.5, one-way 0.25", 180, 1.5, 0.25, 0.7),
  ],
  cross_validation: {
    k: 2,
    folds: [
      {
        train: { from: "2026-07-19", to: "2026-08-20", won: 20, lost: 13 },
        test: { from: "2026-08-21", to: "2026-09-30", won: 20, lost: 13 },
        chosen: "half-life 30 d, meeting 5, one-way 1",
        chosen_train_auc: 0.81,
        chosen_test_auc: 0.66,
        default_test_auc: 0.7,
      },
      {
        train: { from: "2026-07-19", to: "2026-09-30", won: 40, lost: 26 },
        test: { from: "2026-10-01", to: "2026-11-15", won: 20, lost: 14 },
        chosen: "run's ruleset",
        chosen_train_auc: 0.72,
        chosen_test_auc: 0.75,
        default_test_auc: 0.75,
      },
    ],
    chosen_test_auc_mean: 0.7051,
    default_test_auc_mean: 0.7249,
    folds_judged: 2,
  },
  seconds: { total: 120.5, scoring: 70.1, rulesets: 27, spark_jobs: 9 },
};

test("the report: what was scored and left out, the AUC per group, the grid best first, the cross-validation", () => {
  expect(formatEvaluation(report, 1).split("\n")).toEqual([
    "Do the scores predict outcomes? Won and lost deals in /runs/out",
    "  Each deal's account is scored as of 30 days before its close date, from interactions before that day only",
    "  (data 2026-05-20..2026-11-15; an as-of date needs 30 days of data before it).",
    "  Opportunities: 120 = 15 open + 104 won or lost + 1 with another status; of the 104, 100 scored, left out: 1 unknown account, 3 too little history.",
    "  Scored: 60 won, 40 lost, on 70 as-of dates.",
    "",
    "The run's ruleset (half-life 90 d, meeting 3, one-way 0.5)",
    "  group   won  lost      AUC  95% interval",
    "  all      60    40     0.74  0.66–0.82",
    "  tier 1    9    12  too few",
    "  tier 2   51    28     0.70  0.58–0.81",
    "  The score separates won from lost deals better than chance: the whole interval is above 0.5.",
    "  AUC: the chance that a won deal's account scored higher than a lost deal's (ties count half); 0.5 is a coin toss,",
    '  1 separates them perfectly. Intervals: 1,000 bootstrap resamples (seed 1); "too few" under 10 won or lost.',
    "",
    "Alternative rulesets: 3, every combination of half-life 30/90/180 days, meeting weight 1.5/3/5 and one-way factor 0.25/0.5/1 (best 1 and the run's; all in evaluate.json)",
    "  rank  ruleset                                              AUC  95% interval",
    "     1  half-life 30 d, meeting 5, one-way 1                0.76  0.68–0.84",
    "     2  half-life 90 d, meeting 3, one-way 0.5 (the run's)  0.74  0.66–0.82",
    "",
    "Time-based cross-validation (2 folds): the best ruleset on earlier deals, judged on the next deals",
    "  fold  chosen on deals closed                    tested on deals closed                    chosen ruleset                        train AUC  test AUC  run's test AUC",
    "     1  2026-07-19..2026-08-20 (20 won, 13 lost)  2026-08-21..2026-09-30 (20 won, 13 lost)  half-life 30 d, meeting 5, one-way 1       0.81      0.66            0.70",
    "     2  2026-07-19..2026-09-30 (40 won, 26 lost)  2026-10-01..2026-11-15 (20 won, 14 lost)  the run's                                  0.72      0.75            0.75",
    "  Mean test AUC over 2 folds: chosen 0.71, the run's ruleset 0.72 (−0.02).",
    "  A choice that wins on its training deals but not on the next ones is fitted to noise; a gain smaller than the intervals above is no reason to change the ruleset.",
    "",
    "27 ruleset(s) scored in 70.1 s (9 Spark job(s)); 120.5 s in all. Figures: /runs/out/_relmesh/evaluate.json",
    "",
  ]);
});

test("without the grid there is no grid or cross-validation section, and nothing left out is not mentioned", () => {
  const { grid: _g, cross_validation: _c, ...alone } = report;
  const text = formatEvaluation({ ...alone, opportunities: { ...report.opportunities, left_out: { no_close_date: 0 } } });
  expect(text).not.toMatch(/Alternative rulesets|cross-validation/);
  expect(text).toContain("of the 104, 100 scored.\n");
});

test("a folder under the working directory is shown relative to it, any other whole", () => {
  expect(shownPath("/work/repo/.relmesh/out", "/work/repo")).toBe(".relmesh/out");
  expect(shownPath("/data/out", "/work/repo")).toBe("/data/out");
  expect(shownPath("/work/repo", "/work/repo")).toBe("/work/repo");
});

test("the verdict reads the interval, not the estimate", () => {
  expect(verdict({ won: 50, lost: 40, too_few: false, auc: 0.49, low: 0.41, high: 0.58 })).toBe(
    "No evidence that the score separates won from lost deals: the interval includes 0.5 (a coin toss).",
  );
  expect(verdict({ won: 50, lost: 40, too_few: false, auc: 0.3, low: 0.2, high: 0.45 })).toBe(
    "Won deals' accounts scored lower than lost ones': the whole interval is below 0.5.",
  );
  expect(verdict({ won: 5, lost: 40, too_few: true })).toBe("Too few won or lost deals to say.");
});

describe("the run's ruleset", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "relmesh-evaluate-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("scoring rules from the run's 03_score, silver weights from its 02_ingest_m365", () => {
    mkdirSync(join(dir, "_relmesh"));
    const step = (notebook: string, meeting: number) => ({
      notebook,
      parameters: { ruleset_json: JSON.stringify({ sources: { email: 1, meeting }, recency: { half_life_days: meeting * 10 } }) },
    });
    writeFileSync(
      join(dir, "_relmesh", "plan.json"),
      JSON.stringify({ steps: [step("01_ingest_crm", 0), step("02_ingest_m365", 2), step("03_score", 4)] }),
    );
    const got = runRulesets(dir, () => ({ sources: { meeting: 9 } }));
    expect(got.silverMeetingWeight).toBe(2);
    expect((got.ruleset as { recency: { half_life_days: number } }).recency.half_life_days).toBe(40);
  });

  it("the stack config's when the run left no plan", () => {
    expect(runRulesets(dir, () => ({ sources: { meeting: 9 } }))).toEqual({ ruleset: { sources: { meeting: 9 } }, silverMeetingWeight: 9 });
  });

  it("no run in the folder: a clear error before Spark starts", async () => {
    await expect(evaluateCommand(["--out", dir])).rejects.toThrow(
      `relmesh evaluate: no run in ${dir} (no silver/interactions table): run \`npm start\` or \`relmesh run --data DIR --out ${dir}\` first`,
    );
  });
});

test.each([
  [["--lead-days", "-3"], "relmesh evaluate: --lead-days needs a value"],
  [["--lead-days=400"], "relmesh evaluate: --lead-days must be a whole number from 0 to 365, got '400'"],
  [["--folds", "1"], "relmesh evaluate: --folds must be a whole number from 2 to 10, got '1'"],
  [["--grid"], "relmesh evaluate: unknown option --grid"],
])("rejects %j", async (argv, message) => {
  await expect(evaluateCommand(argv)).rejects.toThrow(message);
});
