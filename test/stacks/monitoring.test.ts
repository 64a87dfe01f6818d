/**
 * Alerts that keep the daily schedule and the MGDC secret honest (REL/SEC ids where they apply).
 * The KQL is tested as text (pure function); the rules as rendered inputs of the dev plan.
 */
import { PIPELINES } from "../../synapse-artifacts/names";
import { STALLED_WINDOW_HOURS, stalledWindowQuery } from "../../stacks/monitoring";
import { runPlan, type PlanResult } from "../../stacks/plan";
import { devConfig, inputs, ofType, T } from "./harness";

const config = devConfig();
let plan: PlanResult;

beforeAll(async () => {
  plan = await runPlan(config);
});

const actionGroupId = expect.stringMatching(/actionGroups\/relmesh-alerts-dev$/);

describe("failed and missing windows", () => {
  test("REL-05 the failed-run alert does not resolve itself while the self-dependent schedule waits behind the failed window", () => {
    const alert = inputs(plan, T.metricAlert, "alert-failed-pipeline-runs");
    expect(alert.autoMitigate).toBe(false);
    expect(alert.actions).toEqual([{ actionGroupId }]);
  });

  test("the stalled-window query counts succeeded runs of the window orchestrator in the last 36 hours", () => {
    const q = stalledWindowQuery(PIPELINES.runWindow, STALLED_WINDOW_HOURS);
    expect(STALLED_WINDOW_HOURS).toBe(36);
    expect(q).toBe(
      [
        "union isfuzzy=true",
        "    (datatable(TimeGenerated: datetime, PipelineName: string, Status: string)[]),",
        "    SynapseIntegrationPipelineRuns",
        "| where TimeGenerated > ago(36h)",
        "| where PipelineName == 'pl_rm_run_window' and Status == 'Succeeded'",
        "| project TimeGenerated, PipelineName, Status",
      ].join("\n"),
    );
  });

  test("the stalled-window query names the pipeline it is given and rejects names that would break the KQL literal", () => {
    expect(stalledWindowQuery("pl_other", 12)).toContain("PipelineName == 'pl_other'");
    expect(stalledWindowQuery("pl_other", 12)).toContain("ago(12h)");
    expect(() => stalledWindowQuery("pl_'x", 36)).toThrow(/pipeline name/);
    expect(() => stalledWindowQuery("pl_x", 0)).toThrow(/hours/);
  });

  test("REL-05 a log alert on Log Analytics fires (severity 1, hourly, no auto-resolve) when no window run succeeded in 36 hours", () => {
    const rules = ofType(plan, T.scheduledQueryRule);
    expect(rules.map((r) => r.name)).toEqual(["alert-stalled-windows"]);
    const r = inputs(plan, T.scheduledQueryRule, "alert-stalled-windows");
    expect(r).toMatchObject({
      ruleName: "relmesh-stalled-windows-dev",
      kind: "LogAlert",
      location: config.location,
      severity: 1,
      enabled: true,
      evaluationFrequency: "PT1H",
      windowSize: "P2D",
      autoMitigate: false,
      muteActionsDuration: "PT24H",
    });
    expect(r.scopes).toEqual([expect.stringMatching(/Microsoft.OperationalInsights\/workspaces\/relmesh-log-dev$/)]);
    expect(r.criteria.allOf).toEqual([
      { query: stalledWindowQuery(PIPELINES.runWindow, 36), timeAggregation: "Count", operator: "LessThan", threshold: 1, failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 } },
    ]);
    expect(r.actions).toEqual({ actionGroups: [actionGroupId] });
  });

  test("the Synapse diagnostic setting feeds the stalled-window query: pipeline and trigger runs into Dedicated tables", () => {
    const d = inputs(plan, T.diagnostic, "diag-synapse");
    expect(d.logAnalyticsDestinationType).toBe("Dedicated");
    expect(d.logs).toEqual(expect.arrayContaining([{ category: "IntegrationPipelineRuns", enabled: true }, { category: "IntegrationTriggerRuns", enabled: true }]));
  });
});
