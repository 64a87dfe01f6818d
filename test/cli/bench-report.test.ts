/** cli/bench-report.ts: the result JSON assembled from bench.py's phases, and the tables `relmesh bench` prints. */
import { benchResult, BenchInputs, formatReport, renderTable } from "../../cli/bench-report";
import { fullPhase } from "./bench-fixture";

const INPUTS: BenchInputs = {
  date: "2026-12-02T10:00:00.000Z",
  machine: {
    cores: 2,
    cpu: "AMD EPYC",
    total_memory_gib: 24,
    platform: "linux 6.1",
    node: "v20.20.2",
    python: "3.11.7",
    spark: "3.5.3",
    java: "17.0.15",
  },
  driverMemory: "4g",
  tenant: { data: "/data/tenant", messages: 1_000_000, events: 200_000, days: 365, seed: 7 },
  scan: { seconds: 10, raw_lines: 1200 },
  // The history and the one-day run as a tenth of the full run's trace; the growth tenant as a quarter.
  phases: [fullPhase(), fullPhase("history", 0.9), fullPhase("one_day", 0.1), fullPhase("growth-250000", 0.25)],
  growth: [{ phase: "growth-250000", size: { messages: 250_000, events: 50_000, days: 365, seed: 7 } }],
};

test("the result: figures per run, the ratios, the growth series with the full run as its largest point, the checks", () => {
  const r = benchResult(INPUTS);
  expect(r.ratios).toEqual({ pipelineVsScan: 10, oneDayVsFull: 0.1 });
  expect(r.full.stages.map((s) => s.stage)).toEqual(["CRM", "ingest", "interactions", "score"]);
  expect(r.one_day.seconds).toBe(10);
  expect(r.growth.map((g) => [g.messages, g.rawLines, g.seconds])).toEqual([
    [250_000, 300, 25],
    [1_000_000, 1200, 100],
  ]);
  expect(r.checks.map((c) => c.met)).toEqual([false, false, true, true]);
  expect(JSON.parse(JSON.stringify(r))).toEqual(r);
});

test("a phase bench.py did not report is an error naming it", () => {
  expect(() => benchResult({ ...INPUTS, phases: [fullPhase()] })).toThrow("the benchmark reported no 'one_day' phase (it reported full)");
});

test("tables: the first column left-aligned, numbers right-aligned", () => {
  expect(
    renderTable(
      ["stage", "seconds"],
      [
        ["CRM", "1.5"],
        ["interactions", "120.0"],
      ],
    ),
  ).toEqual(["stage         seconds", "CRM               1.5", "interactions    120.0"]);
});

test("the report: the stage tables, the growth series and the targets", () => {
  expect(formatReport(benchResult(INPUTS)).split("\n")).toEqual([
    "Benchmark 2026-12-02: 2 cores, 24 GiB, AMD EPYC; node v20.20.2, Python 3.11.7, Spark 3.5.3, Java 17.0.15; driver 4g",
    "Tenant: 1,000,000 messages + 200,000 events over 365 days, seed 7 (1,200 raw lines) in /data/tenant",
    "",
    "Bare scan of the raw files: 10.0 s",
    "",
    "Full pipeline over the whole history into an empty output: 100.0 s",
    "  stage         rows in  seconds   share",
    "  CRM               340     10.0   10.0%",
    "  ingest          1,200     40.0   40.0%",
    "  interactions      500     20.0   20.0%",
    "  score             500     30.0   30.0%",
    "  total                    100.0  100.0%",
    "  driver peak: JVM heap 1,000 MiB (max 4,096; live after GC 400), JVM RSS 1,500 MiB, Python RSS 60 MiB",
    "",
    "One new day on top of the history (90.0 s to write 364 days first): 10.0 s",
    "  stage         rows in  seconds   share",
    "  CRM               340      1.0   10.0%",
    "  ingest            120      4.0   40.0%",
    "  interactions       50      2.0   20.0%",
    "  score              50      3.0   30.0%",
    "  total                     10.0  100.0%",
    "  driver peak: JVM heap 1,000 MiB (max 4,096; live after GC 400), JVM RSS 1,500 MiB, Python RSS 60 MiB",
    "",
    "Growth: the full pipeline per tenant size (same seed and days; the largest is the full run above)",
    "   messages   events  raw lines  seconds  µs/line  vs mean  heap MiB  live MiB  JVM RSS  Python RSS",
    "    250,000   50,000        300     25.0  83333.3    +0.0%     1,000       400    1,500          60",
    "  1,000,000  200,000      1,200    100.0  83333.3    +0.0%     1,000       400    1,500          60",
    "",
    "Targets",
    "  figure                                        value                   target",
    "  full pipeline ÷ bare scan                     10×                     ≤ 5×            ✗",
    "  one new day ÷ full pipeline                   0.1                     ≤ 0.05          ✗",
    "  seconds per raw line, worst size vs the mean  ±0.0%                   within ±25.0%   ✓",
    "  driver peak memory, largest size ÷ smallest   heap 1×, Python RSS 1×  ≤ 1.25× (flat)  ✓",
    "",
  ]);
});
