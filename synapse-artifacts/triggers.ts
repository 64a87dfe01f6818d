/**
 * The daily tumbling-window trigger. Tumbling windows (not a schedule) because each window is a
 * fixed, re-runnable slice: the service remembers which succeeded, and a rerun of a window gets the
 * same start and end. History is not backfilled window by window (each would be a separate MGDC run
 * with its own fixed overhead): the initial load covers it in one run (stacks/first-run.ts).
 */
import type { TumblingWindowTrigger } from "@azure/synapse-artifacts";
import type { ArtifactInputs } from "./inputs";
import type { Artifact } from "./model";
import { PIPELINES, TRIGGERS } from "./names";
import { rotationTrigger } from "./rotation";

export function dailyTrigger(inputs: ArtifactInputs, startDate: string): Artifact {
  const properties: TumblingWindowTrigger = {
    type: "TumblingWindowTrigger",
    description:
      `Runs ${PIPELINES.runWindow} once per UTC day from ${startDate}, one window at a time, in order. ` +
      "Published stopped; the stack starts it once MGDC is approved, after queuing the initial load of the days before.",
    pipeline: {
      pipelineReference: { type: "PipelineReference", referenceName: PIPELINES.runWindow },
      // The window, not the clock: a rerun of a window reloads exactly that window (REL-05).
      parameters: { windowStart: "@trigger().outputs.windowStartTime", windowEnd: "@trigger().outputs.windowEndTime" },
    },
    // The SDK's frequencies are Minute, Hour and Month; there is no Day (docs/platform-facts.md §3.3).
    frequency: "Hour",
    interval: 24,
    startTime: new Date(`${startDate}T00:00:00Z`),
    // One window at a time: windows write the same Delta tables, and scoring day D needs day D-1 done.
    maxConcurrency: 1,
    retryPolicy: { count: 2, intervalInSeconds: 1800 },
    // Each window waits for the previous one to succeed, so a failed day stops the days after it
    // instead of scoring over a hole. The SDK's self-dependency reference is the dedicated type for
    // a trigger depending on its own earlier windows.
    dependsOn: [{ type: "SelfDependencyTumblingWindowTriggerReference", offset: "-1.00:00:00", size: "1.00:00:00" }],
  };
  return { kind: "trigger", name: TRIGGERS.daily, body: { properties } };
}

/** The daily trigger, once relmesh:pipelineStartDate says when the schedule begins (stacks/first-run.ts). */
export function triggers(inputs: ArtifactInputs): Artifact[] {
  const start = inputs.config.pipelineStartDate;
  return [...(start === undefined ? [] : [dailyTrigger(inputs, start)]), ...(inputs.config.mgdcEnabled ? [rotationTrigger(inputs)] : [])];
}
