/**
 * First-run behaviour a tenant can live with: nothing scheduled before MGDC consent, history from one
 * initial load instead of a tumbling backfill, calendar windows that overlap, and a budget that
 * starts in a month Azure accepts.
 */
import { firstRunPlan } from "../../stacks/first-run";
import { runPlan, type PlanResult } from "../../stacks/plan";
import { readArtifactInputs, synapseArtifacts } from "../../synapse-artifacts";
import { devConfig, inputs, T } from "./harness";

const NOW = new Date("2027-01-03T09:00:00Z");
const ARTIFACTS = "pulumi-nodejs:dynamic/relmesh:SynapseArtifacts";

describe("firstRunPlan", () => {
  const config = devConfig();

  test("before a Global Admin approved the app the trigger stays stopped and no history is loaded", () => {
    expect(firstRunPlan(config, "not-approved", NOW)).toMatchObject({
      status: "waiting-for-approval",
      triggerStarted: false,
      backfillWindows: 0,
    });
    expect(firstRunPlan(config, "not-approved", NOW).initialLoad).toBeUndefined();
  });

  test("a deployment that invalidated the approval stops the schedule again", () => {
    expect(firstRunPlan(config, "changed", NOW)).toMatchObject({ status: "approval-changed", triggerStarted: false });
  });

  test("approved without a start date, it waits and says which key to set", () => {
    const plan = firstRunPlan(devConfig({ "relmesh:pipelineStartDate": undefined }), "approved", NOW);
    expect(plan).toMatchObject({ status: "waiting-for-start-date", triggerStarted: false });
    expect(plan.message).toContain("set relmesh:pipelineStartDate in Pulumi.dev.yaml");
  });

  test("approved with a start date: one initial load over the 90 days before it, then the daily trigger, no backfill", () => {
    expect(firstRunPlan(config, "approved", NOW)).toEqual({
      status: "scheduled",
      triggerStarted: true,
      initialLoad: { windowStart: "2026-10-06", windowEnd: "2027-01-04" },
      backfillWindows: 0,
      message: "SCHEDULED: initial load 2026-10-06 to 2027-01-04 in one run, then one window per day from 2027-01-04.",
    });
  });

  test("a start date in the past is reported with the number of windows the trigger will run at once", () => {
    const plan = firstRunPlan(devConfig({ "relmesh:pipelineStartDate": "2026-12-01" }), "approved", NOW);
    expect(plan.backfillWindows).toBe(33);
    expect(plan.message).toContain("The start date is 33 day(s) ago");
  });

  test("without MGDC there is no consent to wait for; initialLoadDays 0 means no history", () => {
    const crm = devConfig({ "relmesh:mgdcEnabled": false, "relmesh:location": "swedencentral", "relmesh:initialLoadDays": 0 });
    expect(firstRunPlan(crm, undefined, NOW)).toMatchObject({ status: "scheduled", triggerStarted: true, backfillWindows: 0 });
    expect(firstRunPlan(crm, undefined, NOW).initialLoad).toBeUndefined();
  });
});

describe("the program under mocks", () => {
  let waiting: PlanResult;
  let approved: PlanResult;
  beforeAll(async () => {
    waiting = await runPlan(devConfig());
    const fingerprint = (waiting.outputs.mgdcConsentChecklist as { fingerprint: string }).fingerprint;
    approved = await runPlan(devConfig({ "relmesh:mgdcApprovedFingerprint": fingerprint }));
  }, 120000);

  test("the trigger is published stopped while the deployed fingerprint is not the approved one, and the output says why", () => {
    expect(inputs(waiting, ARTIFACTS, "synapse-artifacts").schedule).toEqual({ triggersStarted: false, runs: [] });
    expect(waiting.outputs.firstRun).toMatchObject({ status: "waiting-for-approval", triggerStarted: false });
  });

  test("once the fingerprint matches, the publisher queues the initial load over the window pipeline and starts the trigger", () => {
    expect(inputs(approved, ARTIFACTS, "synapse-artifacts").schedule).toEqual({
      triggersStarted: true,
      runs: [
        {
          key: "initial-load 2026-10-06..2027-01-04",
          pipeline: "pl_rm_run_window",
          parameters: { windowStart: "2026-10-06", windowEnd: "2027-01-04" },
        },
      ],
    });
  });

  test("the budget starts in the month of the deployment when relmesh:budgetStartDate is unset (the plan's clock is 2026-01-01)", () => {
    expect(inputs(waiting, T.budget, "budget").timePeriod).toEqual({ startDate: "2026-01-01T00:00:00Z" });
  });
});

describe("the generated schedule", () => {
  test("the daily trigger starts at relmesh:pipelineStartDate and is not published before one is set", () => {
    const trigger = (config: ReturnType<typeof devConfig>) =>
      synapseArtifacts(readArtifactInputs(config)).filter((a) => a.kind === "trigger" && a.name === "tr_rm_daily");
    expect(trigger(devConfig()).map((t) => (t.body.properties as { startTime: Date }).startTime.toISOString())).toEqual([
      "2027-01-04T00:00:00.000Z",
    ]);
    expect(trigger(devConfig({ "relmesh:pipelineStartDate": undefined }))).toEqual([]);
  });

  test("calendar windows reach relmesh:calendarOverlapHours back (CalendarView_v0 returns only events inside the window); mail windows do not", () => {
    const extract = synapseArtifacts(readArtifactInputs(devConfig())).find((a) => a.name === "pl_rm_extract_m365")!;
    const sources = Object.fromEntries(
      ((extract.body as { activities?: Array<{ name: string; source?: { type: string; startTime: { value: string } } }> }).activities ?? [])
        .filter((a) => a.source?.type === "Office365Source")
        .map((a) => [a.name, a.source!.startTime.value]),
    );
    expect(sources).toEqual({
      "Extract Message_v1": "@formatDateTime(pipeline().parameters.windowStart, 'yyyy-MM-ddTHH:mm:ssZ')",
      "Extract CalendarView_v0": "@formatDateTime(addHours(pipeline().parameters.windowStart, -12), 'yyyy-MM-ddTHH:mm:ssZ')",
    });
  });
});
