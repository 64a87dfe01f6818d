/**
 * First-run behaviour: nothing is scheduled before MGDC consent can exist, history comes from one
 * initial load instead of a months-long tumbling backfill, and the daily trigger starts after it.
 *
 * The sequence (README, "Deploying to Azure"): deploy → register the app with MGDC and have a
 * Global Admin approve it → set relmesh:mgdcApprovedFingerprint and relmesh:pipelineStartDate →
 * `pulumi up` runs the initial load once and starts the daily trigger.
 */
import type { RelmeshConfig } from "../config/stack";
import type { ApprovalStatus } from "./mgdc-consent";

export type FirstRunStatus = "waiting-for-approval" | "approval-changed" | "waiting-for-start-date" | "scheduled";

export interface InitialLoad {
  /** Inclusive start of the history window (`YYYY-MM-DD`). */
  windowStart: string;
  /** Exclusive end: the first daily window (`YYYY-MM-DD`). */
  windowEnd: string;
}

export interface FirstRunPlan {
  status: FirstRunStatus;
  /** Whether the daily trigger is started (it is always published stopped first). */
  triggerStarted: boolean;
  /** The one-off run over history, once the schedule may start and history is wanted. */
  initialLoad?: InitialLoad;
  /** Past daily windows the trigger will run at once when started (each a separate MGDC run). */
  backfillWindows: number;
  message: string;
}

const DAY_MS = 86_400_000;
const addDays = (isoDay: string, days: number) => new Date(Date.parse(`${isoDay}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * Decides what the first run does, from the config and the MGDC approval status of what is
 * deployed (undefined when MGDC is off: there is no consent to wait for). Pure.
 */
export function firstRunPlan(config: RelmeshConfig, approval: ApprovalStatus | undefined, now: Date): FirstRunPlan {
  const file = `Pulumi.${config.stack}.yaml`;
  if (approval === "not-approved") {
    return {
      status: "waiting-for-approval",
      triggerStarted: false,
      backfillWindows: 0,
      message: `WAITING FOR MGDC APPROVAL: the daily trigger stays stopped and no history is loaded; follow mgdcConsentChecklist, then set relmesh:mgdcApprovedFingerprint in ${file}.`,
    };
  }
  if (approval === "changed") {
    return {
      status: "approval-changed",
      triggerStarted: false,
      backfillWindows: 0,
      message: `MGDC APPROVAL INVALIDATED: this deployment changed approved values, so the daily trigger is stopped until a Global Admin approves again (mgdcConsentChecklist).`,
    };
  }
  if (config.pipelineStartDate === undefined) {
    return {
      status: "waiting-for-start-date",
      triggerStarted: false,
      backfillWindows: 0,
      message: `WAITING FOR A START DATE: set relmesh:pipelineStartDate in ${file} to the first day the daily schedule should run (normally tomorrow); the next pulumi up loads ${config.initialLoadDays} days of history before it once, then starts the trigger.`,
    };
  }
  const today = now.toISOString().slice(0, 10);
  const start = config.pipelineStartDate;
  const backfillWindows = Math.max(0, Math.round((Date.parse(`${today}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / DAY_MS));
  const initialLoad = config.initialLoadDays > 0 ? { windowStart: addDays(start, -config.initialLoadDays), windowEnd: start } : undefined;
  const history = initialLoad ? `initial load ${initialLoad.windowStart} to ${initialLoad.windowEnd} in one run, then ` : "";
  const backfill =
    backfillWindows > 0
      ? ` The start date is ${backfillWindows} day(s) ago: the trigger runs those windows one by one (each an MGDC run with its fixed overhead); a later start date with a longer initial load is cheaper.`
      : "";
  return {
    status: "scheduled",
    triggerStarted: true,
    ...(initialLoad ? { initialLoad } : {}),
    backfillWindows,
    message: `SCHEDULED: ${history}one window per day from ${start}.${backfill}`,
  };
}
