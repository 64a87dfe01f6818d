/**
 * The daily tumbling-window trigger. Tumbling windows (not a schedule) because each window is a
 * fixed, re-runnable slice: the service backfills every window since the start date, remembers
 * which succeeded, and a rerun of a window gets the same start and end.
 */
import type { TumblingWindowTrigger } from "@azure/synapse-artifacts";
import type { ArtifactInputs } from "./inputs";
import type { Artifact } from "./model";
import { PIPELINES, TRIGGERS } from "./names";

export function dailyTrigger(inputs: ArtifactInputs): Artifact {
  const properties: TumblingWindowTrigger = {
    type: "TumblingWindowTrigger",
    description: `Runs ${PIPELINES.runWindow} once per UTC day from ${inputs.config.pipelineStartDate} (backfilling missed days), one window at a time, in order.`,
    pipeline: {
      pipelineReference: { type: "PipelineReference", referenceName: PIPELINES.runWindow },
      // The window, not the clock: a rerun of a window reloads exactly that window (REL-05).
      parameters: { windowStart: "@trigger().outputs.windowStartTime", windowEnd: "@trigger().outputs.windowEndTime" },
    },
    // The SDK's frequencies are Minute, Hour and Month; there is no Day (docs/platform-facts.md §3.3).
    frequency: "Hour",
    interval: 24,
    startTime: new Date(`${inputs.config.pipelineStartDate}T00:00:00Z`),
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

export function triggers(inputs: ArtifactInputs): Artifact[] {
  return [dailyTrigger(inputs)];
}
