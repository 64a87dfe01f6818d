/**
 * Where a stage's seconds go, from the Spark jobs bench.py read out of Spark's status store: how long
 * some Spark job was running, how much task time the cores did, and the rest (time outside any job:
 * query planning, Delta log reads and commits on the driver, Python). Issue 10 asks for "the profile
 * that shows" what bounds each target; this is it, in the same run as the figures. Pure.
 */
import { PhaseTrace, round, SparkJob, spansOf, StageName } from "./bench-figures";

/** Spark settings for the benchmark's session: keep every job and stage of a run in the status store
 * (the UI's defaults drop all but the last 1,000, and a full run has more). */
export const SPARK_PROFILE = { "spark.ui.retainedJobs": "100000", "spark.ui.retainedStages": "100000" };

export interface StageProfile {
  stage: StageName | "bare scan";
  seconds: number;
  jobs: number;
  /** Wall-clock seconds in which at least one of the stage's jobs was running. */
  jobSeconds: number;
  /** Seconds the tasks ran, summed over the cores. */
  taskSeconds: number;
  /** taskSeconds ÷ (seconds × cores): 1 is every core busy for the whole stage. */
  coresBusy: number;
  /** seconds − jobSeconds: the driver's own time. */
  outsideJobs: number;
}

/** The length of the union of intervals, each clipped to [from, to]. */
export function coveredSeconds(intervals: Array<{ start: number; end: number }>, from: number, to: number): number {
  const clipped = intervals
    .map((i) => ({ start: Math.max(i.start, from), end: Math.min(i.end, to) }))
    .filter((i) => i.end > i.start)
    .sort((a, b) => a.start - b.start);
  let covered = 0;
  let reach = from;
  for (const i of clipped) {
    if (i.end <= reach) continue;
    covered += i.end - Math.max(i.start, reach);
    reach = i.end;
  }
  return covered;
}

function profile(stage: StageProfile["stage"], start: number, end: number, jobs: SparkJob[], cores: number): StageProfile {
  const mine = jobs.filter((j) => j.start >= start && j.start < end);
  const seconds = end - start;
  const jobSeconds = coveredSeconds(mine, start, end);
  const taskSeconds = mine.reduce((total, j) => total + j.task_s, 0);
  return {
    stage,
    seconds: round(seconds, 3),
    jobs: mine.length,
    jobSeconds: round(jobSeconds, 3),
    taskSeconds: round(taskSeconds, 3),
    coresBusy: seconds > 0 ? round(taskSeconds / (seconds * cores), 3) : 0,
    outsideJobs: round(seconds - jobSeconds, 3),
  };
}

/** Per stage of a phase (jobs belong to the stage in which they started); null if it has no Spark trace. */
export function stageProfiles(phase: PhaseTrace): StageProfile[] | null {
  const spark = phase.spark;
  if (!spark) return null;
  return spansOf(phase).map((s) => profile(s.stage, s.start, s.end, spark.jobs, spark.cores));
}

/** The bare scan as one stage (its jobs cover the whole timed span). */
export function scanProfile(seconds: number, spark: PhaseTrace["spark"]): StageProfile | null {
  return spark ? profile("bare scan", 0, seconds, spark.jobs, spark.cores) : null;
}
