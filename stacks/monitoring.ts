import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as consumption from "@pulumi/azure-native/consumption";
import type { consumption as consumptionInputs } from "@pulumi/azure-native/types/input";
import type { RelmeshConfig } from "../config/stack";
import { LOGICAL } from "./logical-names";

/** Diagnostic log categories per monitored resource kind. Pure data; tests assert it. */
export const DIAGNOSTIC_CATEGORIES = {
  synapseWorkspace: [
    "IntegrationPipelineRuns",
    "IntegrationActivityRuns",
    "IntegrationTriggerRuns",
    "SQLSecurityAuditEvents",
    "BuiltinSqlReqsEnded",
    "GatewayApiRequests",
    "SynapseRbacOperations",
  ],
  // Spark application logs are emitted by the pool resource, not the workspace.
  sparkPool: ["BigDataPoolAppsEnded"],
  dedicatedSqlPool: ["SqlRequests", "RequestSteps", "ExecRequests", "DmsWorkers", "Waits", "SQLSecurityAuditEvents"],
  blobService: ["StorageRead", "StorageWrite", "StorageDelete"],
  keyVault: ["AuditEvent"],
} as const;

/** The failed-pipeline-run alert criteria. Pure. */
export function failedPipelineRunCriteria(): monitor.MetricAlertArgs["criteria"] {
  return {
    odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
    allOf: [
      {
        criterionType: "StaticThresholdCriterion",
        name: "FailedPipelineRuns",
        metricNamespace: "Microsoft.Synapse/workspaces",
        metricName: "IntegrationPipelineRunsEnded",
        dimensions: [{ name: "Result", operator: "Include", values: ["Failed"] }],
        operator: "GreaterThan",
        threshold: 0,
        timeAggregation: "Total",
      },
    ],
  };
}

/** Budget notifications, one per threshold (percent of the amount, actual cost). Pure. */
export function budgetNotifications(config: RelmeshConfig): Record<string, consumptionInputs.NotificationArgs> {
  return Object.fromEntries(
    config.budgetThresholds.map((t) => [
      `actual-${String(t).replace(".", "_")}-percent`,
      { enabled: true, operator: "GreaterThanOrEqualTo", threshold: t, thresholdType: "Actual", contactEmails: config.budgetContactEmails },
    ]),
  );
}

export interface MonitoringArgs {
  config: RelmeshConfig;
  resourceGroupName: pulumi.Input<string>;
  resourceGroupId: pulumi.Input<string>;
  synapseWorkspaceId: pulumi.Input<string>;
  sparkPoolId: pulumi.Input<string>;
  dedicatedPoolId?: pulumi.Input<string>;
  lakeAccountId: pulumi.Input<string>;
  landingAccountId?: pulumi.Input<string>;
  keyVaultId: pulumi.Input<string>;
  /** The budget's first month (`YYYY-MM-01`): relmesh:budgetStartDate, or the month of the first deployment. */
  budgetStartDate: string;
}

/** Log Analytics, diagnostic settings, the failed-pipeline alert and the budget. */
export class Monitoring extends pulumi.ComponentResource {
  readonly logAnalytics: operationalinsights.Workspace;
  readonly actionGroup: monitor.ActionGroup;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relmesh:stacks:Monitoring", name, {}, opts);
    const { config } = args;
    const parent = { parent: this };

    this.logAnalytics = new operationalinsights.Workspace(
      LOGICAL.logAnalytics,
      {
        workspaceName: config.names.logAnalytics,
        resourceGroupName: args.resourceGroupName,
        location: config.location,
        sku: { name: "PerGB2018" },
        retentionInDays: config.logRetentionDays,
        features: { enableLogAccessUsingOnlyResourcePermissions: true },
        tags: config.tags,
      },
      parent,
    );

    const diag = (logical: string, resourceUri: pulumi.Input<string>, categories: readonly string[], metrics: string[] = []) =>
      new monitor.DiagnosticSetting(
        logical,
        {
          name: "relmesh-to-log-analytics",
          resourceUri,
          workspaceId: this.logAnalytics.id,
          logAnalyticsDestinationType: "Dedicated",
          logs: categories.map((category) => ({ category, enabled: true })),
          metrics: metrics.map((category) => ({ category, enabled: true })),
        },
        parent,
      );
    diag("diag-synapse", args.synapseWorkspaceId, DIAGNOSTIC_CATEGORIES.synapseWorkspace, ["AllMetrics"]);
    diag("diag-spark", args.sparkPoolId, DIAGNOSTIC_CATEGORIES.sparkPool);
    if (args.dedicatedPoolId) diag("diag-dedicated-pool", args.dedicatedPoolId, DIAGNOSTIC_CATEGORIES.dedicatedSqlPool, ["AllMetrics"]);
    diag("diag-lake-blob", pulumi.interpolate`${args.lakeAccountId}/blobServices/default`, DIAGNOSTIC_CATEGORIES.blobService, ["Transaction"]);
    if (args.landingAccountId) diag("diag-landing-blob", pulumi.interpolate`${args.landingAccountId}/blobServices/default`, DIAGNOSTIC_CATEGORIES.blobService, ["Transaction"]);
    diag("diag-key-vault", args.keyVaultId, DIAGNOSTIC_CATEGORIES.keyVault, ["AllMetrics"]);

    this.actionGroup = new monitor.ActionGroup(
      "action-group",
      {
        actionGroupName: config.names.actionGroup,
        resourceGroupName: args.resourceGroupName,
        location: "Global",
        groupShortName: config.names.actionGroupShort,
        enabled: true,
        emailReceivers: config.alertEmails.map((emailAddress, i) => ({ name: `email-${i + 1}`, emailAddress, useCommonAlertSchema: true })),
        tags: config.tags,
      },
      parent,
    );

    new monitor.MetricAlert(
      "alert-failed-pipeline-runs",
      {
        ruleName: `${config.namePrefix}-failed-pipeline-runs-${config.stack}`,
        resourceGroupName: args.resourceGroupName,
        location: "global",
        description: "A Synapse pipeline run failed (IntegrationPipelineRunsEnded with Result=Failed).",
        severity: 1,
        enabled: true,
        scopes: [args.synapseWorkspaceId],
        targetResourceType: "Microsoft.Synapse/workspaces",
        evaluationFrequency: "PT5M",
        windowSize: "PT15M",
        autoMitigate: true,
        criteria: failedPipelineRunCriteria(),
        actions: [{ actionGroupId: this.actionGroup.id }],
        tags: config.tags,
      },
      parent,
    );

    new consumption.Budget(
      LOGICAL.budget,
      {
        budgetName: config.names.budget,
        scope: args.resourceGroupId,
        amount: config.budgetAmount,
        category: "Cost",
        timeGrain: "Monthly",
        timePeriod: { startDate: `${args.budgetStartDate}T00:00:00Z` },
        notifications: budgetNotifications(config),
      },
      // A derived start (the month of the first deployment) must not move every month: Azure rejects
      // a start in a past time grain, and the budget's history belongs to its first month.
      config.budgetStartDate === undefined ? { ...parent, ignoreChanges: ["timePeriod.startDate"] } : parent,
    );

    this.registerOutputs({ logAnalyticsId: this.logAnalytics.id });
  }
}
