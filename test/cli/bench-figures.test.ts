/** cli/bench-figures.ts: the stages of a run, the growth series and the target checks, from hand-made phase traces. */
import { UsageError } from "../../cli/args";
import {
  checks,
  eventsFor,
  GrowthPoint,
  growthSeries,
  parseGrowth,
  ratios,
  rawLinesOf,
  stagesOf,
  tenantFolderName,
} from "../../cli/bench-figures";
import { fullPhase, MEMORY } from "./bench-fixture";

test("a run splits into CRM, ingest (up to the last per-dataset count), interactions (the rest of 02) and score", () => {
  expect(stagesOf(fullPhase())).toEqual([
    { stage: "CRM", rowsIn: 340, seconds: 10, share: 0.1 },
    { stage: "ingest", rowsIn: 1200, seconds: 40, share: 0.4 },
    { stage: "interactions", rowsIn: 500, seconds: 20, share: 0.2 },
    { stage: "score", rowsIn: 500, seconds: 30, share: 0.3 },
  ]);
  expect(rawLinesOf(fullPhase())).toBe(1200);
});

test("a window with no M365 files is all ingest, and a notebook not run has no stage", () => {
  const phase = fullPhase();
  phase.notebooks = [{ notebook: "02_ingest_m365", started: 0, ended: 5, steps: [], result: { datasets: {} } }];
  phase.seconds = 5;
  expect(stagesOf(phase)).toEqual([
    { stage: "ingest", rowsIn: 0, seconds: 5, share: 1 },
    { stage: "interactions", rowsIn: 0, seconds: 0, share: 0 },
  ]);
});

test("ratios: the full run against the bare scan, the one-day run against the full run", () => {
  expect(ratios(8.9, 394.2, 75.8)).toEqual({ pipelineVsScan: 44.29, oneDayVsFull: 0.192 });
});

const point = (messages: number, rawLines: number, seconds: number, heap = 1000): GrowthPoint => ({
  messages,
  events: messages / 5,
  rawLines,
  seconds,
  memory: { ...MEMORY, jvm_heap_peak_mib: heap },
});

test("the growth series: seconds per raw line and each size's deviation from the series' mean, smallest first", () => {
  // 333.33, 316.67 and 333.33 µs per line: the mean is 327.78.
  const series = growthSeries([point(1_000_000, 1_200_000, 400), point(250_000, 300_000, 100), point(500_000, 600_000, 190)]);
  expect(series.map((g) => [g.messages, g.microsPerLine, g.deviation])).toEqual([
    [250_000, 333.33, 0.0169],
    [500_000, 316.67, -0.0339],
    [1_000_000, 333.33, 0.0169],
  ]);
});

test("the targets: met, missed, and not measured without a growth series", () => {
  const linear = growthSeries([point(250_000, 300_000, 100, 1000), point(1_000_000, 1_200_000, 400, 1200)]);
  const met = checks({ pipelineVsScan: 4.9, oneDayVsFull: 0.05 }, linear);
  expect(met.map((c) => [c.figure, c.value, c.target, c.met])).toEqual([
    ["full pipeline ÷ bare scan", "4.9×", "≤ 5×", true],
    ["one new day ÷ full pipeline", "0.05", "≤ 0.05", true],
    ["seconds per raw line, worst size vs the mean", "±0.0%", "within ±25.0%", true],
    ["driver peak memory, largest size ÷ smallest", "heap 1.2×, Python RSS 1×", "≤ 1.25× (flat)", true],
  ]);
  // 1M costs twice as much per line as 250k (±33% from the mean), and the heap triples.
  const superlinear = growthSeries([point(250_000, 300_000, 100, 1000), point(1_000_000, 1_200_000, 800, 3000)]);
  expect(checks({ pipelineVsScan: 44.2, oneDayVsFull: 0.19 }, superlinear).map((c) => c.met)).toEqual([false, false, false, false]);
  expect(checks({ pipelineVsScan: 44.2, oneDayVsFull: 0.19 }, []).slice(2)).toEqual([
    { figure: "seconds per raw line, worst size vs the mean", value: "not measured", target: "within ±25.0%", met: null },
    { figure: "driver peak memory, largest size ÷ smallest", value: "not measured", target: "≤ 1.25× (flat)", met: null },
  ]);
});

test("--growth: message counts, sorted without repeats; anything else names the option and the fix", () => {
  expect(parseGrowth("500000, 250000,500000")).toEqual([250_000, 500_000]);
  for (const bad of ["", "250k", "250000,", "999", "-5", "1.5e6"]) {
    expect(() => parseGrowth(bad)).toThrow(UsageError);
  }
  expect(() => parseGrowth("250000,lots")).toThrow(
    "relmesh bench: --growth must be message counts from 1000 to 20000000 separated by commas, like 250000,500000; got 'lots' in '250000,lots'",
  );
});

test("growth tenants keep the main tenant's events per message, and are named by size, days and seed", () => {
  expect(eventsFor(250_000, { messages: 1_000_000, events: 200_000 })).toBe(50_000);
  expect(eventsFor(1000, { messages: 1_000_000, events: 10 })).toBe(1);
  expect(tenantFolderName({ messages: 250_000, events: 50_000, days: 365, seed: 7 })).toBe("tenant-250000-50000-365-7");
});
