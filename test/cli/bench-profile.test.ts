/** cli/bench-profile.ts: where a stage's seconds go, from the Spark jobs bench.py read out of Spark's status store (issue 10's profile). */
import { SparkTrace } from "../../cli/bench-figures";
import { coveredSeconds, scanProfile, stageProfiles } from "../../cli/bench-profile";
import { benchResult, BenchInputs, callSite, formatReport } from "../../cli/bench-report";
import { fullPhase } from "./bench-fixture";

test("covered seconds: overlapping jobs count once, gaps not at all, and only inside the span", () => {
  expect(coveredSeconds([], 0, 10)).toBe(0);
  expect(
    coveredSeconds(
      [
        { start: 1, end: 3 },
        { start: 2, end: 4 }, // overlaps the first: 1–4 is 3 s
        { start: 6, end: 7 },
        { start: 9, end: 12 }, // clipped to 9–10
        { start: -5, end: -1 }, // before the span
      ],
      0,
      10,
    ),
  ).toBe(5);
  expect(coveredSeconds([{ start: 0, end: 10 }], 2, 4)).toBe(2);
});

/** Jobs in the fixture's full run: CRM 0–10, ingest 10–50, interactions 50–70, score 70–100. */
const SPARK: SparkTrace = {
  cores: 2,
  jobs: [
    { job: 0, start: 1, end: 2, task_s: 1 },
    { job: 1, start: 5, end: 6, task_s: 1 },
    { job: 2, start: 10, end: 50, task_s: 72 }, // ingest: one long parse, 90% of both cores
    { job: 3, start: 55, end: 60, task_s: 4 },
    { job: 4, start: 71, end: 73, task_s: 2 },
    { job: 5, start: 72, end: 74, task_s: 2 }, // concurrent with job 4: 71–74 is 3 s in jobs
  ],
  top_stages: [
    {
      stage: 9,
      name: "count at /tmp/x/notebooks/02_ingest_m365.json:51",
      start: 10,
      end: 50,
      tasks: 40,
      task_s: 72,
      input_mib: 3500,
      shuffle_mib: 12,
    },
  ],
};

test("a stage's profile: its jobs (by start), time in jobs, task time, cores busy, and the driver's time outside jobs", () => {
  const profiles = stageProfiles({ ...fullPhase(), spark: SPARK });
  expect(profiles).toEqual([
    { stage: "CRM", seconds: 10, jobs: 2, jobSeconds: 2, taskSeconds: 2, coresBusy: 0.1, outsideJobs: 8 },
    { stage: "ingest", seconds: 40, jobs: 1, jobSeconds: 40, taskSeconds: 72, coresBusy: 0.9, outsideJobs: 0 },
    { stage: "interactions", seconds: 20, jobs: 1, jobSeconds: 5, taskSeconds: 4, coresBusy: 0.1, outsideJobs: 15 },
    { stage: "score", seconds: 30, jobs: 2, jobSeconds: 3, taskSeconds: 4, coresBusy: 0.067, outsideJobs: 27 },
  ]);
  expect(stageProfiles(fullPhase())).toBeNull(); // a result from before the benchmark recorded jobs
  expect(scanProfile(8, { cores: 2, jobs: [{ job: 0, start: 0, end: 8, task_s: 12 }], top_stages: [] })).toMatchObject({
    jobs: 1,
    coresBusy: 0.75,
    outsideJobs: 0,
  });
});

test("call sites drop the machine's folders", () => {
  expect(callSite("count at /tmp/x/notebooks/02_ingest_m365.json:51")).toBe("count at 02_ingest_m365.json:51");
  expect(callSite("save at NativeMethodAccessorImpl.java:0")).toBe("save at NativeMethodAccessorImpl.java:0");
});

test("the report shows the parse floor and, per run, where the time goes and the heaviest Spark stages", () => {
  const inputs: BenchInputs = {
    date: "2026-12-02T10:00:00.000Z",
    machine: {
      cores: 2,
      cpu: "AMD EPYC",
      total_memory_gib: 24,
      platform: "linux",
      node: "v20",
      python: "3.11",
      spark: "3.5.3",
      java: "17",
    },
    driverMemory: "6g",
    tenant: { data: "/data/t", messages: 1000, events: 200, days: 10, seed: 7 },
    scan: { seconds: 10, raw_lines: 1200, spark: { cores: 2, jobs: [{ job: 0, start: 0, end: 10, task_s: 16 }], top_stages: [] } },
    parse: { seconds: 40, records: 1200, spark: { cores: 2, jobs: [{ job: 1, start: 0, end: 40, task_s: 76 }], top_stages: [] } },
    phases: [{ ...fullPhase(), spark: SPARK }, fullPhase("history", 0.9), fullPhase("one_day", 0.1)],
    growth: [],
  };
  const result = benchResult(inputs);
  expect(result.parse_floor).toMatchObject({ seconds: 40, vs_scan: 4 });
  const lines = formatReport(result).split("\n");
  expect(lines).toContain("Bare scan of the raw files: 10.0 s (1 Spark jobs; task time 16.0 s, 80% of 2 cores)");
  expect(lines).toContain(
    "Parse floor, the ingest's JSON parse of every line and nothing else: 40.0 s, 4× the bare scan (1 Spark jobs; task time 76.0 s, 95% of 2 cores)",
  );
  expect(lines.find((l) => /^ {4}ingest\s/.test(l))).toMatch(/^ {4}ingest\s+40\.0\s+1\s+40\.0\s+72\.0\s+90%\s+0\.0$/);
  expect(lines.find((l) => l.includes("count at 02_ingest_m365.json:51"))).toMatch(/40\s+72\.0\s+40\.0\s+3500\.0\s+12\.0$/);
  // The one-day run has no Spark trace in this fixture: no profile lines for it, and no error.
  const oneDay = lines.indexOf("One new day on top of the history (90.0 s to write 9 days first): 10.0 s");
  expect(lines.slice(oneDay).some((l) => l.includes("where the time goes"))).toBe(false);
});
