import * as pulumi from "@pulumi/pulumi";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import * as consumption from "@pulumi/azure-native/consumption";
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import * as resources from "@pulumi/azure-native/resources";
import type { consumption as consumptionInputs } from "@pulumi/azure-native/types/input";
import type { RelmeshConfig } from "../config/stack";
import { PIPELINES } from "../synapse-artifacts/names";
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
  // Server-level SQL audit events reach Azure Monitor through the master database's diagnostic
  // setting (see stacks/erp-sql.ts).
  erpMasterDatabase: ["SQLSecurityAuditEvents"],
  cosmosAccount: ["DataPlaneRequests", "QueryRuntimeStatistics", "ControlPlaneRequests"],
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

/**
 * Hours without a Succeeded run of the window orchestrator after which the schedule counts as
 * stalled: one daily window (24 h) plus 12 h for a slow run (the MGDC extract alone may take
 * 12 h before its timeout). The tumbling-window trigger is self-dependent, so after a failed
 * window every later window waits without running and without failing: only a missing success
 * shows it.
 */
export const STALLED_WINDOW_HOURS = 36;

/**
 * KQL of the stalled/missing-window alert: the Succeeded runs of `pipelineName` in the last `hours`.
 * The alert fires when it returns no row. Pure.
 *
 * Columns TimeGenerated, PipelineName and Status of the resource-specific (Dedicated) table, as
 * documented in "SynapseIntegrationPipelineRuns" of the Azure Monitor Logs table reference:
 * https://learn.microsoft.com/en-us/azure/azure-monitor/reference/tables/SynapseIntegrationPipelineRuns
 * The Dedicated table appears only with its first record, so the empty, typed `datatable` in a fuzzy
 * union keeps the query valid (and alerting: no row) on a workspace that never logged a run.
 */
export function stalledWindowQuery(pipelineName: string, hours: number): string {
  if (!/^[A-Za-z0-9_-]+$/.test(pipelineName))
    throw new Error(`stalledWindowQuery: pipeline name must be letters, digits, _ or -, got '${pipelineName}'`);
  if (!Number.isInteger(hours) || hours < 1) throw new Error(`stalledWindowQuery: hours must be a whole number >= 1, got ${hours}`);
  return [
    "union isfuzzy=true",
    "    (datatable(TimeGenerated: datetime, PipelineName: string, Status: string)[]),",
    "    SynapseIntegrationPipelineRuns",
    `| where TimeGenerated > ago(${hours}h)`,
    `| where PipelineName == '${pipelineName}' and Status == 'Succeeded'`,
    "| project TimeGenerated, PipelineName, Status",
  ].join("\n");
}

/**
 * Key Vault events that become Azure Monitor alerts on the action group: SecretNearExpiry is raised
 * 30 days before the current version of a secret expires, SecretExpired when it has expired.
 * Sources: "Azure Key Vault as Event Grid source" (event types and the 30 days),
 * https://learn.microsoft.com/azure/event-grid/event-schema-key-vault ; "How to send events to Azure
 * monitor alerts" (the MonitorAlert destination, currently only for Key Vault system events) and
 * "Handle Azure Key Vault events using Azure Monitor alerts" (Cloud Events v1.0 is the only schema
 * that destination accepts), https://learn.microsoft.com/azure/event-grid/handler-azure-monitor-alerts ,
 * https://learn.microsoft.com/azure/event-grid/handle-key-vault-events-using-azure-monitor-alerts .
 * No compute (no Logic App, no Function): Event Grid raises the alert itself.
 */
export const SECRET_EXPIRY_ALERTS = [
  { name: "kv-secret-near-expiry", eventType: "Microsoft.KeyVault.SecretNearExpiry", severity: "Sev2", what: "expires in 30 days or less" },
  { name: "kv-secret-expired", eventType: "Microsoft.KeyVault.SecretExpired", severity: "Sev1", what: "has expired" },
] as const;

/**
 * Workspace-level SQL auditing (SEC-25), Microsoft.Synapse/workspaces/extendedAuditingSettings
 * ("WorkspaceManagedSqlServerExtendedBlobAuditingPolicies", API 2021-06-01). Pure.
 * - A server (workspace) policy applies to all existing and new databases ("Auditing policy at the
 *   server and database level", https://learn.microsoft.com/azure/azure-sql/database/auditing-server-level-database-level),
 *   and auditing is supported in serverless SQL pools ("Transact-SQL features supported in Azure
 *   Synapse SQL", Security table, https://learn.microsoft.com/azure/synapse-analytics/sql/overview-features).
 * - Azure Monitor target, no storage endpoint: the events reach Log Analytics through the workspace
 *   diagnostic category SQLSecurityAuditEvents (DIAGNOSTIC_CATEGORIES), which is empty without it.
 * - Synapse SQL pools support the default audit action groups only, which are these three
 *   ("Auditing for Azure SQL Database and Azure Synapse Analytics", limitations,
 *   https://learn.microsoft.com/azure/azure-sql/database/auditing-overview). With Entra-only SQL
 *   (SEC-23) failed sign-ins are not in the SQL audit log but in Entra's sign-in logs (same page).
 */
export function sqlAuditingProperties(): Record<string, unknown> {
  return {
    state: "Enabled",
    isAzureMonitorTargetEnabled: true,
    auditActionsAndGroups: ["SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP", "FAILED_DATABASE_AUTHENTICATION_GROUP", "BATCH_COMPLETED_GROUP"],
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
  /** The workspace's name as an output of the workspace, so the auditing setting waits for it. */
  synapseWorkspaceName: pulumi.Input<string>;
  sparkPoolId: pulumi.Input<string>;
  dedicatedPoolId?: pulumi.Input<string>;
  lakeAccountId: pulumi.Input<string>;
  landingAccountId?: pulumi.Input<string>;
  keyVaultId: pulumi.Input<string>;
  /** The budget's first month (`YYYY-MM-01`): relmesh:budgetStartDate, or the month of the first deployment. */
  budgetStartDate: string;
}

/** Log Analytics, diagnostic settings, the failed-pipeline and stalled-window alerts and the budget. */
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
    diag("diag-lake-blob", pulumi.interpolate`${args.lakeAccountId}/blobServices/default`, DIAGNOSTIC_CATEGORIES.blobService, [
      "Transaction",
    ]);
    if (args.landingAccountId)
      diag("diag-landing-blob", pulumi.interpolate`${args.landingAccountId}/blobServices/default`, DIAGNOSTIC_CATEGORIES.blobService, [
        "Transaction",
      ]);
    diag("diag-key-vault", args.keyVaultId, DIAGNOSTIC_CATEGORIES.keyVault, ["AllMetrics"]);

    // SEC-25: SQL auditing of the workspace (serverless pool and any dedicated pool) to Azure
    // Monitor. azure-native 3.28.0 has no Synapse auditing resource, so the ARM child resource is
    // declared generically. It is a singleton setting that ARM cannot delete (it goes with the
    // workspace): retainOnDelete keeps `pulumi destroy` and a removal from failing on it.
    new resources.Resource(
      "synapse-sql-auditing",
      {
        resourceGroupName: args.resourceGroupName,
        resourceProviderNamespace: "Microsoft.Synapse",
        parentResourcePath: pulumi.interpolate`workspaces/${args.synapseWorkspaceName}`,
        resourceType: "extendedAuditingSettings",
        resourceName: "default",
        apiVersion: "2021-06-01",
        properties: sqlAuditingProperties(),
      },
      { parent: this, retainOnDelete: true },
    );

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
        // Not auto-resolved: after a failed window the self-dependent trigger holds every later
        // window, so the failure stays real until someone reruns it; an operator resolves it then.
        // (A stateful metric alert does not fire again while unresolved; the stalled-window alert
        // below keeps reporting the stall.)
        autoMitigate: false,
        criteria: failedPipelineRunCriteria(),
        actions: [{ actionGroupId: this.actionGroup.id }],
        tags: config.tags,
      },
      parent,
    );

    // Stalled or missing windows (REL-05: the self-dependent schedule must not stop silently): no Succeeded run of the
    // window orchestrator for STALLED_WINDOW_HOURS. Query time range P2D covers the 36 h the query
    // filters itself; hourly evaluation; not auto-resolved; actions muted for a day after firing so
    // a stall mails once a day, not every hour.
    new monitor.ScheduledQueryRule(
      "alert-stalled-windows",
      {
        ruleName: `${config.namePrefix}-stalled-windows-${config.stack}`,
        resourceGroupName: args.resourceGroupName,
        location: config.location,
        kind: "LogAlert",
        description:
          `No run of ${PIPELINES.runWindow} succeeded in the last ${STALLED_WINDOW_HOURS} hours: a window failed and the self-dependent ` +
          "tumbling-window trigger holds the later ones, or the trigger stopped. Rerun the failed window (Monitor > Trigger runs).",
        severity: 1,
        enabled: true,
        scopes: [this.logAnalytics.id],
        evaluationFrequency: "PT1H",
        windowSize: "P2D",
        criteria: {
          allOf: [
            {
              query: stalledWindowQuery(PIPELINES.runWindow, STALLED_WINDOW_HOURS),
              timeAggregation: "Count",
              operator: "LessThan",
              threshold: 1,
              failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
            },
          ],
        },
        // The Dedicated table exists only after the first pipeline run is logged; validation at
        // create time would reject the rule on a fresh workspace. The query text is unit-tested.
        skipQueryValidation: true,
        autoMitigate: false,
        muteActionsDuration: "PT24H",
        actions: { actionGroups: [this.actionGroup.id] },
        tags: config.tags,
      },
      parent,
    );

    // MGDC secret expiry (SEC-32): the secret rotates only when someone runs `pulumi up` in the
    // second half of its life; if nobody does, these alerts come 30 days ahead and at expiry.
    // Key Vault raises these events only for secret versions created after the subscription
    // exists, and the secret itself is declared in MgdcIdentity: on the very first deployment the
    // first version may predate the subscription; every rotated version is covered. With the
    // default 90-day lifetime, near-expiry (day 60) comes only if nobody deployed in days 45-60;
    // with relmesh:mgdcSecretLifetimeDays below 60 it comes every cycle, before rotation is due.
    if (config.mgdcEnabled) {
      const topicName = `${config.names.keyVault}-events`;
      const topic = new eventgrid.SystemTopic(
        "key-vault-events",
        {
          systemTopicName: topicName,
          resourceGroupName: args.resourceGroupName,
          location: config.location,
          source: args.keyVaultId,
          topicType: "Microsoft.KeyVault.vaults",
          tags: config.tags,
        },
        parent,
      );
      for (const a of SECRET_EXPIRY_ALERTS) {
        new eventgrid.SystemTopicEventSubscription(
          a.name,
          {
            eventSubscriptionName: a.name,
            systemTopicName: topicName,
            resourceGroupName: args.resourceGroupName,
            // The only schema the Azure Monitor alert destination accepts.
            eventDeliverySchema: "CloudEventSchemaV1_0",
            // Every secret of this vault: it holds the MGDC secret only, and a subject filter that
            // drifted from the secret's name would drop the alert silently.
            filter: { includedEventTypes: [a.eventType] },
            destination: {
              endpointType: "MonitorAlert",
              actionGroups: [this.actionGroup.id],
              severity: a.severity,
              description:
                `A Key Vault secret ${a.what} (the MGDC client secret is ${config.mgdcSecretName}). Run \`pulumi up\` on stack ${config.stack}: ` +
                "it rotates the secret once it is past half its lifetime; the MGDC extraction fails once it has expired.",
            },
          },
          { parent: this, dependsOn: [topic] },
        );
      }
    }

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
