/**
 * Security controls (docs/security-controls.md) asserted on the rendered inputs of the default (dev) plan.
 * Role wiring lives in roles.test.ts; the exceptions list in exceptions.test.ts.
 */
import { SYNAPSE_RUNTIME } from "../../config/runtime";
import { runPlan, type PlanResult } from "../../stacks/plan";
import { LANDING_MIN_RETENTION_DAYS, landingLifecycleRule } from "../../stacks/landing";
import { MOCK_CLIENT_CONFIG } from "../../stacks/plan-mocks";
import { devConfig, find, inputs, ofType, T } from "./harness";

let plan: PlanResult;
const config = devConfig();
const accounts = () => ofType(plan, T.storageAccount);

beforeAll(async () => {
  plan = await runPlan(config);
});

describe("storage (lake and MGDC landing)", () => {
  test("SEC-01 every storage account accepts HTTPS only", () => {
    expect(accounts().map((a) => a.inputs.enableHttpsTrafficOnly)).toEqual([true, true]);
  });

  test("SEC-02 every storage account requires TLS 1.2", () => {
    expect(accounts().map((a) => a.inputs.minimumTlsVersion)).toEqual(["TLS1_2", "TLS1_2"]);
  });

  test("SEC-03 no storage account allows anonymous blob access", () => {
    expect(accounts().map((a) => a.inputs.allowBlobPublicAccess)).toEqual([false, false]);
  });

  test("SEC-03 every container and file system is private", () => {
    const containers = ofType(plan, T.blobContainer);
    expect(containers.map((c) => c.inputs.containerName).sort()).toEqual(["curated", "mgdc", "raw", "workspace"]);
    for (const c of containers) expect(c.inputs.publicAccess).toBe("None");
  });

  test("SEC-04 the lake denies shared-key access", () => {
    expect(inputs(plan, T.storageAccount, "lake").allowSharedKeyAccess).toBe(false);
    expect(inputs(plan, T.storageAccount, "lake").defaultToOAuthAuthentication).toBe(true);
  });

  test("SEC-04 the MGDC landing account denies shared-key access too", () => {
    expect(inputs(plan, T.storageAccount, "mgdc-landing").allowSharedKeyAccess).toBe(false);
  });

  test("SEC-06 the lake's firewall denies by default and trusts only Azure services and the Synapse workspace", () => {
    const workspaceId = `/subscriptions/${MOCK_CLIENT_CONFIG.subscriptionId}/resourceGroups/${config.names.resourceGroup}/providers/Microsoft.Synapse/workspaces/${config.names.synapseWorkspace}`;
    expect(inputs(plan, T.storageAccount, "lake").networkRuleSet).toEqual({
      defaultAction: "Deny",
      bypass: "AzureServices",
      ipRules: [],
      virtualNetworkRules: [],
      resourceAccessRules: [{ resourceId: workspaceId, tenantId: MOCK_CLIENT_CONFIG.tenantId }],
    });
  });

  test("SEC-07 no storage account allows local users, SFTP or cross-tenant replication", () => {
    for (const a of accounts()) {
      expect([a.inputs.isLocalUserEnabled, a.inputs.isSftpEnabled, a.inputs.allowCrossTenantReplication]).toEqual([false, false, false]);
    }
  });

  test("SEC-08 the lake is ADLS Gen2 (HNS, StorageV2) and zone- and geo-redundant", () => {
    const lake = inputs(plan, T.storageAccount, "lake");
    expect([lake.kind, lake.isHnsEnabled, lake.sku]).toEqual(["StorageV2", true, { name: "Standard_GZRS" }]);
  });

  test("SEC-09 blob and container soft delete keep deleted data at least 7 days on both accounts", () => {
    const services = ofType(plan, T.blobService);
    expect(services.map((s) => s.name).sort()).toEqual(["lake-blob-service", "mgdc-landing-blob-service"]);
    for (const s of services as Array<{ inputs: Record<string, any> }>) {
      expect(s.inputs.deleteRetentionPolicy.enabled).toBe(true);
      expect(s.inputs.deleteRetentionPolicy.days).toBeGreaterThanOrEqual(7);
      expect(s.inputs.containerDeleteRetentionPolicy.enabled).toBe(true);
      expect(s.inputs.containerDeleteRetentionPolicy.days).toBeGreaterThanOrEqual(7);
    }
    expect(inputs(plan, T.blobService, "lake-blob-service").deleteRetentionPolicy.days).toBe(config.softDeleteRetentionDays);
  });

  test("SEC-10 both blob services send StorageRead, StorageWrite and StorageDelete to Log Analytics", () => {
    for (const [diag, account] of [
      ["diag-lake-blob", config.names.lakeAccount],
      ["diag-landing-blob", config.names.landingAccount],
    ]) {
      const d = inputs(plan, T.diagnostic, diag);
      expect(d.resourceUri).toMatch(new RegExp(`/storageAccounts/${account}/blobServices/default$`));
      expect(d.logs).toEqual(["StorageRead", "StorageWrite", "StorageDelete"].map((category) => ({ category, enabled: true })));
      expect(d.workspaceId).toMatch(/Microsoft.OperationalInsights\/workspaces\/relmesh-log-dev$/);
    }
  });

  test("the lifecycle policy deletes raw M365 data after relmesh:rawRetentionDays", () => {
    const rule = inputs(plan, T.managementPolicy, "lake-lifecycle").policy.rules[0];
    expect(rule.definition.filters.prefixMatch).toEqual(["raw/m365/"]);
    expect(rule.definition.actions.baseBlob.delete.daysAfterModificationGreaterThan).toBe(30);
  });

  test("SEC-05 the landing account deletes MGDC output relmesh:landingRetentionDays after it was written, never sooner than 1 day (0 is allowed by Azure but could delete files before the run copies them)", () => {
    const policy = inputs(plan, T.managementPolicy, "mgdc-landing-lifecycle").policy;
    expect(policy.rules).toHaveLength(1);
    const rule = policy.rules[0];
    expect(rule.definition.filters).toEqual({ blobTypes: ["blockBlob"], prefixMatch: ["mgdc/"] });
    expect(rule.definition.actions.baseBlob.delete.daysAfterModificationGreaterThan).toBe(1);
    expect(LANDING_MIN_RETENTION_DAYS).toBe(1);
    expect(
      landingLifecycleRule(devConfig({ "relmesh:landingRetentionDays": 7 })).definition.actions.baseBlob.delete
        .daysAfterModificationGreaterThan,
    ).toBe(7);
    expect(() => landingLifecycleRule({ ...config, landingRetentionDays: 0 })).toThrow(/at least 1 day/);
  });
});

describe("Key Vault", () => {
  const props = () => inputs(plan, T.vault, "key-vault").properties;

  test("SEC-13 the vault uses RBAC authorization and no access policies", () => {
    expect(props().enableRbacAuthorization).toBe(true);
    expect(props().accessPolicies).toBeUndefined();
  });

  test("SEC-14 the vault keeps soft delete for 90 days with purge protection", () => {
    expect([props().enableSoftDelete, props().softDeleteRetentionInDays, props().enablePurgeProtection]).toEqual([true, 90, true]);
  });

  test("SEC-15 with MGDC on the vault accepts public networks (listed exception: the MGDC copy's Azure IR reads the secret); RBAC only", () => {
    expect(props().networkAcls).toEqual({ defaultAction: "Allow", bypass: "AzureServices", ipRules: [], virtualNetworkRules: [] });
    expect(props().enableRbacAuthorization).toBe(true);
  });

  test("SEC-16 the vault is standard and not enabled for VM deployment, disk encryption or templates", () => {
    expect(props().sku).toEqual({ family: "A", name: "standard" });
    expect([props().enabledForDeployment, props().enabledForDiskEncryption, props().enabledForTemplateDeployment]).toEqual([
      false,
      false,
      false,
    ]);
  });

  test("SEC-17 the MGDC secret in Key Vault has an expiry and a content type", () => {
    const p = inputs(plan, T.secret, "mgdc-client-secret-kv").properties;
    expect(p.contentType).toBe("client-secret");
    expect(p.attributes.expires).toBe(Date.parse(find(plan, T.appPassword, "mgdc-client-secret").inputs.endDate as string) / 1000);
  });

  test("SEC-17 the MGDC secret value reaches Key Vault only as a Pulumi secret", () => {
    expect(inputs(plan, T.secret, "mgdc-client-secret-kv").properties.value).toBe("[secret]");
  });

  test("SEC-18 the vault sends AuditEvent to Log Analytics", () => {
    const d = inputs(plan, T.diagnostic, "diag-key-vault");
    expect(d.resourceUri).toMatch(/Microsoft.KeyVault\/vaults\/relmesh-kv-/);
    expect(d.logs).toEqual([{ category: "AuditEvent", enabled: true }]);
  });
});

describe("Synapse", () => {
  const ws = () => inputs(plan, T.workspace, "synapse");

  test("SEC-19 SEC-20 the workspace has a managed virtual network with data-exfiltration protection, MGDC on or off", () => {
    expect(ws().managedVirtualNetwork).toBe("default");
    expect(ws().managedVirtualNetworkSettings).toMatchObject({ preventDataExfiltration: true, linkedAccessCheckOnTargetResource: true });
  });

  test("SEC-21 the workspace states public network access explicitly and does not open the Synapse-Link-for-SQL bypass", () => {
    expect(ws().publicNetworkAccess).toBe("Enabled");
    expect(ws().trustedServiceBypassEnabled).toBe(false);
  });

  test("the MGDC copy gets its own Azure IR outside the managed VNet, in the workspace's region", () => {
    expect(inputs(plan, "azure-native:synapse:IntegrationRuntime", "ir-rm-mgdc")).toMatchObject({
      integrationRuntimeName: "ir-rm-mgdc",
      properties: { type: "Managed", computeProperties: { location: "westeurope" } },
    });
    expect(inputs(plan, "azure-native:synapse:IntegrationRuntime", "ir-rm-mgdc").properties.managedVirtualNetwork).toBeUndefined();
  });

  test("SEC-05 Spark and the pipelines reach the lake, landing and vault through managed private endpoints the stack approves", () => {
    const mpe = inputs(plan, "pulumi-nodejs:dynamic/relmesh:SynapseManagedPrivateEndpoints", "synapse-managed-private-endpoints");
    expect(mpe.endpoints.map((e: { name: string; groupId: string; approve: boolean }) => [e.name, e.groupId, e.approve])).toEqual([
      ["mpe-rm-lake-dfs", "dfs", true],
      ["mpe-rm-key-vault", "vault", true],
      ["mpe-rm-landing-dfs", "dfs", true],
    ]);
  });

  test("SEC-22 the firewall holds exactly the configured rules, none allow-all, and admits the deployer", () => {
    const rules = ofType(plan, T.firewallRule).map((r) => r.inputs);
    expect(rules.map((r) => [r.ruleName, r.startIpAddress, r.endIpAddress])).toEqual([["deployer", "203.0.113.10", "203.0.113.10"]]);
    for (const r of rules) {
      expect(r.startIpAddress).not.toBe("0.0.0.0");
      expect(r.endIpAddress).not.toBe("255.255.255.255");
    }
  });

  test("SEC-23 SQL is Entra-only and no SQL login or password is set", () => {
    expect(ws().azureADOnlyAuthentication).toBe(true);
    expect(ws().sqlAdministratorLogin).toBeUndefined();
    expect(ws().sqlAdministratorLoginPassword).toBeUndefined();
  });

  test("SEC-23 the Entra admin of the workspace and of SQL is the configured group", () => {
    for (const type of [T.aadAdmin, T.sqlAadAdmin]) {
      const [admin] = ofType(plan, type);
      expect(admin.inputs).toMatchObject({
        administratorType: "ActiveDirectory",
        login: "relmesh-admins",
        sid: config.adminGroupObjectId,
        tenantId: MOCK_CLIENT_CONFIG.tenantId,
      });
    }
  });

  test("SEC-24 the workspace has a system-assigned identity", () => {
    expect(ws().identity).toEqual({ type: "SystemAssigned" });
  });

  test("SEC-25 SQL security audit events and pipeline, trigger and activity runs go to Log Analytics", () => {
    const d = inputs(plan, T.diagnostic, "diag-synapse");
    const categories = d.logs.map((l: { category: string }) => l.category);
    expect(categories).toEqual(
      expect.arrayContaining(["SQLSecurityAuditEvents", "IntegrationPipelineRuns", "IntegrationActivityRuns", "IntegrationTriggerRuns"]),
    );
    expect(d.resourceUri).toMatch(/Microsoft.Synapse\/workspaces\/relmesh-syn-/);
  });

  test("SEC-25 workspace SQL auditing (serverless included) is on with the Azure Monitor target, the default action groups and no storage key", () => {
    const audits = ofType(plan, T.genericResource);
    expect(audits.map((a) => a.name)).toEqual(["synapse-sql-auditing"]);
    const a = inputs(plan, T.genericResource, "synapse-sql-auditing");
    expect(a).toMatchObject({
      resourceProviderNamespace: "Microsoft.Synapse",
      parentResourcePath: `workspaces/${config.names.synapseWorkspace}`,
      resourceType: "extendedAuditingSettings",
      resourceName: "default",
      apiVersion: "2021-06-01",
      resourceGroupName: config.names.resourceGroup,
    });
    expect(a.properties).toEqual({
      state: "Enabled",
      isAzureMonitorTargetEnabled: true,
      auditActionsAndGroups: ["SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP", "FAILED_DATABASE_AUTHENTICATION_GROUP", "BATCH_COMPLETED_GROUP"],
    });
    expect(JSON.stringify(a)).not.toMatch(/storageEndpoint|storageAccountAccessKey/);
  });

  test("SEC-25 the only SEC-25 exception left is vulnerability assessment, not auditing", () => {
    const e = (plan.outputs.securityExceptions as Array<{ control: string; resource: string; reason: string }>).filter(
      (x) => x.control === "SEC-25",
    );
    expect(e.map((x) => x.resource)).toEqual(["synapse"]);
    expect(e[0].reason).toMatch(/^Vulnerability assessment/);
    expect(e[0].reason).not.toMatch(/no workspace auditing-policy resource/);
  });

  test("SEC-27 the Spark pool runs the pinned 3.5 runtime with autoscale and auto-pause", () => {
    const p = inputs(plan, T.sparkPool, "synapse-spark");
    expect(p.sparkVersion).toBe(SYNAPSE_RUNTIME.poolSparkVersion);
    expect(p.sparkVersion).toBe("3.5");
    expect(p.autoScale).toEqual({ enabled: true, minNodeCount: 3, maxNodeCount: 6 });
    expect(p.autoPause).toEqual({ enabled: true, delayInMinutes: 15 });
    expect(p.nodeSize).toBe("Small");
  });

  test("Spark application logs (BigDataPoolAppsEnded) go to Log Analytics from the pool", () => {
    const d = inputs(plan, T.diagnostic, "diag-spark");
    expect(d.resourceUri).toMatch(/bigDataPools\/spark35$/);
    expect(d.logs).toEqual([{ category: "BigDataPoolAppsEnded", enabled: true }]);
  });

  test("serverless SQL is the serving endpoint: no dedicated pool by default", () => {
    expect(ofType(plan, T.sqlPool)).toEqual([]);
    expect(plan.outputs.sqlServerlessEndpoint).toBe(`${config.names.synapseWorkspace}-ondemand.sql.azuresynapse.net`);
  });

  test("the workspace's default storage is the lake's workspace file system", () => {
    expect(ws().defaultDataLakeStorage).toMatchObject({
      accountUrl: `https://${config.names.lakeAccount}.dfs.core.windows.net`,
      filesystem: "workspace",
    });
  });
});

describe("MGDC identity", () => {
  test("SEC-32 the MGDC app is single-tenant, owned by the configured users and the deployer (to rotate its password), and has no redirect URIs", () => {
    const app = inputs(plan, T.application, "mgdc-app");
    expect(app.signInAudience).toBe("AzureADMyOrg");
    // The workspace identity too: it rotates the secret on a schedule (synapse-artifacts/rotation.ts).
    const workspaceIdentity = find(plan, "azuread:index/appRoleAssignment:AppRoleAssignment", "synapse-graph-owned-apps").inputs
      .principalObjectId;
    expect(app.owners).toEqual([...config.mgdcAppOwnerObjectIds, MOCK_CLIENT_CONFIG.objectId, workspaceIdentity]);
    expect(inputs(plan, T.servicePrincipal, "mgdc-app-sp").owners).toEqual(app.owners);
    expect(app.web).toBeUndefined();
    expect(app.requiredResourceAccesses).toBeUndefined();
  });

  test("SEC-32 the workspace identity may add passwords only to applications it owns (Graph Application.ReadWrite.OwnedBy), for the scheduled rotation", () => {
    expect(inputs(plan, "azuread:index/appRoleAssignment:AppRoleAssignment", "synapse-graph-owned-apps")).toMatchObject({
      appRoleId: "18a4783c-866b-4cc7-a460-3d5e5662c884",
    });
  });

  test("the allowed-mailboxes group is owned by its configured owners, none of whom owns the MGDC app (separation of duties)", () => {
    const group = inputs(plan, T.group, "mgdc-allowed-users");
    expect(group.owners).toEqual(config.allowedGroupOwnerObjectIds);
    expect(group.owners.filter((o: string) => inputs(plan, T.application, "mgdc-app").owners.includes(o))).toEqual([]);
  });

  test("SEC-32 the client secret ends within relmesh:mgdcSecretLifetimeDays and rotates on a schedule", () => {
    const pw = inputs(plan, T.appPassword, "mgdc-client-secret");
    const days = (Date.parse(pw.endDate) - Date.parse("2026-01-01T00:00:00Z")) / 86_400_000;
    expect(days).toBeGreaterThan(0);
    expect(days).toBeLessThanOrEqual(config.mgdcSecretLifetimeDays);
    expect(Object.keys(pw.rotateWhenChanged)).toEqual(["rotation"]);
  });

  test("SEC-32 no stack output carries the client secret", () => {
    expect(JSON.stringify(plan.outputs)).not.toContain("mock-client-secret");
    expect(Object.keys(plan.outputs).filter((k) => /secret/i.test(k))).toEqual(["mgdcSecretName"]);
  });

  test("the allowed-users group is created as a security group when no ids are configured", () => {
    expect(inputs(plan, T.group, "mgdc-allowed-users")).toMatchObject({
      displayName: "relmesh-mgdc-allowed-users",
      securityEnabled: true,
      mailEnabled: false,
    });
  });
});

describe("monitoring and cost", () => {
  test("failed pipeline runs raise an alert to the configured action group", () => {
    const alert = inputs(plan, T.metricAlert, "alert-failed-pipeline-runs");
    expect(alert.criteria.allOf[0]).toMatchObject({
      metricName: "IntegrationPipelineRunsEnded",
      dimensions: [{ name: "Result", operator: "Include", values: ["Failed"] }],
      operator: "GreaterThan",
      threshold: 0,
    });
    expect(alert.scopes).toEqual([expect.stringMatching(/Microsoft.Synapse\/workspaces\/relmesh-syn-/)]);
    expect(alert.actions).toEqual([{ actionGroupId: expect.stringMatching(/actionGroups\/relmesh-alerts-dev$/) }]);
    expect(inputs(plan, T.actionGroup, "action-group").emailReceivers).toEqual([
      { name: "email-1", emailAddress: "relmesh-ops@example.com", useCommonAlertSchema: true },
    ]);
  });

  test("the monthly budget on the resource group notifies at the configured thresholds", () => {
    const b = inputs(plan, T.budget, "budget");
    expect(b.scope).toBe(`/subscriptions/${MOCK_CLIENT_CONFIG.subscriptionId}/resourceGroups/rg-relmesh-dev`);
    expect([b.amount, b.timeGrain, b.category, b.timePeriod.startDate]).toEqual([500, "Monthly", "Cost", "2026-01-01T00:00:00Z"]);
    expect(
      Object.values(b.notifications)
        .map((n: any) => n.threshold)
        .sort((x, y) => x - y),
    ).toEqual([50, 80, 100]);
    for (const n of Object.values(b.notifications) as any[])
      expect(n).toMatchObject({ enabled: true, thresholdType: "Actual", contactEmails: ["relmesh-ops@example.com"] });
  });

  test("Log Analytics keeps logs relmesh:logRetentionDays", () => {
    expect(inputs(plan, T.logAnalytics, "log-analytics")).toMatchObject({ retentionInDays: 90, sku: { name: "PerGB2018" } });
  });
});
