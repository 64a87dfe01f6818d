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
      {
        query: stalledWindowQuery(PIPELINES.runWindow, 36),
        timeAggregation: "Count",
        operator: "LessThan",
        threshold: 1,
        failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
      },
    ]);
    expect(r.actions).toEqual({ actionGroups: [actionGroupId] });
  });

  test("the Synapse diagnostic setting feeds the stalled-window query: pipeline and trigger runs into Dedicated tables", () => {
    const d = inputs(plan, T.diagnostic, "diag-synapse");
    expect(d.logAnalyticsDestinationType).toBe("Dedicated");
    expect(d.logs).toEqual(
      expect.arrayContaining([
        { category: "IntegrationPipelineRuns", enabled: true },
        { category: "IntegrationTriggerRuns", enabled: true },
      ]),
    );
  });
});

describe("MGDC secret expiry", () => {
  test("SEC-32 an Event Grid system topic listens to the Key Vault that holds the MGDC secret", () => {
    const topics = ofType(plan, T.systemTopic);
    expect(topics.map((t) => t.name)).toEqual(["key-vault-events"]);
    const t = inputs(plan, T.systemTopic, "key-vault-events");
    expect(t).toMatchObject({
      systemTopicName: `${config.names.keyVault}-events`,
      topicType: "Microsoft.KeyVault.vaults",
      location: config.location,
    });
    expect(t.source).toMatch(new RegExp(`Microsoft.KeyVault/vaults/${config.names.keyVault}$`));
  });

  test("SEC-32 the secret's near expiry (30 days ahead, severity 2) and its expiry (severity 1) raise Azure Monitor alerts to the action group", () => {
    const subs = ofType(plan, T.systemTopicSubscription);
    expect(subs.map((s) => s.name).sort()).toEqual(["kv-secret-expired", "kv-secret-near-expiry"]);
    const expected = [
      ["kv-secret-near-expiry", "Microsoft.KeyVault.SecretNearExpiry", "Sev2"],
      ["kv-secret-expired", "Microsoft.KeyVault.SecretExpired", "Sev1"],
    ] as const;
    for (const [name, eventType, severity] of expected) {
      const s = inputs(plan, T.systemTopicSubscription, name);
      expect(s).toMatchObject({
        systemTopicName: `${config.names.keyVault}-events`,
        eventSubscriptionName: name,
        eventDeliverySchema: "CloudEventSchemaV1_0",
      });
      expect(s.filter).toMatchObject({ includedEventTypes: [eventType] });
      expect(s.filter.advancedFilters ?? []).toEqual([]);
      expect(s.destination).toEqual({
        endpointType: "MonitorAlert",
        actionGroups: [actionGroupId],
        severity,
        description: expect.stringContaining(config.mgdcSecretName),
      });
    }
  });

  test("SEC-32 the expiry subscriptions are created after their system topic", () => {
    const topic = plan.resources.find((r) => r.name === "key-vault-events")!;
    const subs = ofType(plan, T.systemTopicSubscription);
    expect(subs).toHaveLength(2);
    for (const s of subs) expect(s.dependencies).toContain(topic.urn);
  });

  test("without MGDC there is no secret to watch and no system topic", async () => {
    const noMgdc = await runPlan(devConfig({ "relmesh:mgdcEnabled": false, "relmesh:managedVirtualNetwork": true }));
    expect([...ofType(noMgdc, T.systemTopic), ...ofType(noMgdc, T.systemTopicSubscription)]).toEqual([]);
  });
});
