/**
 * SEC-29 (Cosmos DB), SEC-30 (Azure SQL) and SEC-31 (narrowest data-plane role) on the rendered
 * inputs of the plan with both optional sources on, in mode create and in mode existing.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { COSMOS_DATA_READER_ROLE } from "../../config/roles";
import { erpRevokeScript } from "../../sql/erp-grants";
import { securityExceptions } from "../../stacks/exceptions";
import { contentHash } from "../../stacks/publish/hash";
import { LOGICAL } from "../../stacks/logical-names";
import { MOCK_CLIENT_CONFIG, mockGuid } from "../../stacks/plan-mocks";
import { runPlan, type PlanResult } from "../../stacks/plan";
import { devConfig, inputs, ofType, ROOT } from "./harness";

const SERVER_ID = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/erp-rg/providers/Microsoft.Sql/servers/contoso-erp";
const ACCOUNT_ID =
  "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/crm-rg/providers/Microsoft.DocumentDB/databaseAccounts/contoso-cases";
const created = devConfig(parse(readFileSync(join(ROOT, "test", "fixtures", "Pulumi.sources.yaml"), "utf8")).config);
const existing = devConfig({
  "relmesh:erp": { mode: "existing", server: SERVER_ID, database: "ERP", table: "sales.orders" },
  "relmesh:serviceCases": { mode: "existing", account: ACCOUNT_ID, database: "support", container: "tickets" },
});
let plan: PlanResult;
let existingPlan: PlanResult;

beforeAll(async () => {
  plan = await runPlan(created);
  existingPlan = await runPlan(existing);
}, 120000);

const mpe = (p: PlanResult) =>
  (
    inputs(p, "pulumi-nodejs:dynamic/relmesh:SynapseManagedPrivateEndpoints", "synapse-managed-private-endpoints").endpoints as Array<
      Record<string, unknown>
    >
  ).filter((e) => e.groupId === "sqlServer" || e.groupId === "Sql");

describe("Azure SQL for the ERP, mode create (SEC-30)", () => {
  const server = () => inputs(plan, "azure-native:sql:Server", LOGICAL.erpServer);

  test("SEC-30 the server is Entra-only with a group admin, and no SQL login or password is passed", () => {
    expect(server().administrators).toEqual({
      administratorType: "ActiveDirectory",
      azureADOnlyAuthentication: true,
      login: created.erp!.create!.entraAdmin.login,
      sid: created.erp!.create!.entraAdmin.objectId,
      tenantId: MOCK_CLIENT_CONFIG.tenantId,
      principalType: "Group",
    });
    expect(Object.keys(server())).not.toEqual(expect.arrayContaining(["administratorLogin"]));
    expect(Object.keys(server())).not.toContain("administratorLoginPassword");
  });

  test("SEC-30 the server requires TLS 1.2", () => {
    expect(server().minimalTlsVersion).toBe("1.2");
  });

  test("SEC-30 the server's firewall is exactly relmesh:firewallRules: the deployer, never allow-all or 'allow Azure services'", () => {
    const rules = ofType(plan, "azure-native:sql:FirewallRule").map((r) => [r.inputs.startIpAddress, r.inputs.endIpAddress]);
    expect(rules).toEqual(created.firewallRules.map((r) => [r.startIpAddress, r.endIpAddress]));
    expect(rules).not.toContainEqual(["0.0.0.0", "0.0.0.0"]);
    expect(rules).not.toContainEqual(["0.0.0.0", "255.255.255.255"]);
  });

  test("SEC-30 the public endpoint it keeps is a listed exception that says why", () => {
    const listed = securityExceptions(created).filter((e) => e.resource === LOGICAL.erpServer);
    expect(listed.map((e) => e.control)).toEqual(["SEC-30"]);
    expect(listed[0].reason).toMatch(/runs the workspace identity's grant .* from the deployer's machine/);
    expect(server().publicNetworkAccess).toBe("Enabled");
  });

  test("SEC-30 the database is Hyperscale Gen5 with the configured vCores", () => {
    expect(inputs(plan, "azure-native:sql:Database", LOGICAL.erpDatabase).sku).toEqual({
      name: "HS_Gen5",
      tier: "Hyperscale",
      family: "Gen5",
      capacity: 2,
    });
  });

  test("SEC-30 server auditing goes to Azure Monitor, and master's SQLSecurityAuditEvents to Log Analytics", () => {
    const audit = inputs(plan, "azure-native:sql:ExtendedServerBlobAuditingPolicy", "erp-sql-auditing");
    expect([audit.state, audit.isAzureMonitorTargetEnabled, audit.storageEndpoint]).toEqual(["Enabled", true, undefined]);
    const diag = inputs(plan, "azure-native:monitor:DiagnosticSetting", "diag-erp-sql-audit");
    expect(diag.resourceUri).toMatch(new RegExp(`/servers/${created.erp!.server.name}/databases/master$`));
    expect(diag.logs).toEqual([{ category: "SQLSecurityAuditEvents", enabled: true }]);
    expect(diag.workspaceId).toMatch(/Microsoft.OperationalInsights\/workspaces\//);
  });

  test("SEC-30 threat alerts are on and mail the alert receivers", () => {
    const alerts = inputs(plan, "azure-native:sql:ServerSecurityAlertPolicy", "erp-sql-threat-alerts");
    expect([alerts.state, alerts.emailAddresses]).toEqual(["Enabled", created.alertEmails]);
  });

  test("SEC-30 nothing turns transparent data encryption off (new databases are encrypted by default)", () => {
    expect(ofType(plan, "azure-native:sql:TransparentDataEncryption")).toEqual([]);
  });

  test("SEC-30 the pipelines reach the server through a managed private endpoint the stack approves", () => {
    expect(mpe(plan).filter((e) => e.groupId === "sqlServer")).toEqual([
      expect.objectContaining({
        name: "mpe-rm-erp-sql",
        approve: true,
        privateLinkResourceId: expect.stringMatching(/Microsoft.Sql\/servers\//),
      }),
    ]);
  });
});

describe("Cosmos DB for the service cases, mode create (SEC-29)", () => {
  const account = () => inputs(plan, "azure-native:cosmosdb:DatabaseAccount", LOGICAL.casesAccount);

  test("SEC-29 no keys: local auth and key-based metadata writes are off", () => {
    expect([account().disableLocalAuth, account().disableKeyBasedMetadataWriteAccess]).toEqual([true, true]);
  });

  test("SEC-29 no public network access, TLS 1.2, no network bypass", () => {
    expect([account().publicNetworkAccess, account().minimalTlsVersion, account().networkAclBypass]).toEqual(["Disabled", "Tls12", "None"]);
  });

  test("SEC-29 continuous backup, and no analytical store (Synapse Link is not used)", () => {
    expect(account().backupPolicy).toEqual({ type: "Continuous", continuousModeProperties: { tier: "Continuous7Days" } });
    expect(account().enableAnalyticalStorage).toBe(false);
  });

  test("SEC-29 diagnostic logs go to Log Analytics", () => {
    expect(
      inputs(plan, "azure-native:monitor:DiagnosticSetting", "diag-cases-cosmos").logs.map((l: { category: string }) => l.category),
    ).toEqual(["DataPlaneRequests", "QueryRuntimeStatistics", "ControlPlaneRequests"]);
  });

  test("SEC-29 the pipelines reach the account through a managed private endpoint (Sql) the stack approves", () => {
    expect(mpe(plan).filter((e) => e.groupId === "Sql")).toEqual([expect.objectContaining({ name: "mpe-rm-cases-cosmos", approve: true })]);
  });
});

describe("the workspace identity's read access (SEC-31)", () => {
  test("SEC-31 Cosmos DB Built-in Data Reader, on the one container, for the workspace identity, with a deterministic GUID name", async () => {
    const reader = inputs(plan, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment", LOGICAL.casesReader);
    const accountId = `/subscriptions/${MOCK_CLIENT_CONFIG.subscriptionId}/resourceGroups/${created.names.resourceGroup}/providers/Microsoft.DocumentDB/databaseAccounts/${created.serviceCases!.account.name}`;
    expect(reader.roleDefinitionId).toBe(`${accountId}/sqlRoleDefinitions/${COSMOS_DATA_READER_ROLE}`);
    expect(reader.scope).toBe(`${accountId}/dbs/service/colls/cases`);
    // The workspace identity as the plan mocks report it (stacks/plan-mocks.ts).
    expect(reader.principalId).toBe(mockGuid(`msi:${created.names.synapseWorkspace}`));
    expect(reader.roleAssignmentId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const again = await runPlan(created);
    expect(inputs(again, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment", LOGICAL.casesReader).roleAssignmentId).toBe(
      reader.roleAssignmentId,
    );
  });

  test("SEC-31 no ARM role assignment is added for the sources (data-plane roles only)", async () => {
    const armRoles = (p: PlanResult) => ofType(p, "azure-native:authorization:RoleAssignment").map((r) => r.name);
    expect(armRoles(plan)).toEqual(armRoles(await runPlan(devConfig())));
  });
});

describe("stack outputs of the sources", () => {
  test("the outputs name what the pipelines copy from, in both modes, and are absent when the sources are off", async () => {
    expect([plan.outputs.erpSource, plan.outputs.serviceCasesSource]).toEqual([
      { server: created.erp!.server.fqdn, database: "erp", table: "sales.SalesOrder", watermarkColumn: "ModifiedAt" },
      { endpoint: created.serviceCases!.account.endpoint, database: "service", container: "cases" },
    ]);
    expect(existingPlan.outputs.erpSource).toEqual({
      server: "contoso-erp.database.windows.net",
      database: "ERP",
      table: "sales.orders",
      watermarkColumn: "modified_at",
    });
    const off = await runPlan(devConfig());
    expect(Object.keys(off.outputs)).not.toContain("erpSource");
    expect(Object.keys(off.outputs)).not.toContain("serviceCasesSource");
  });
});

describe("security exceptions of the sources", () => {
  test("every exception of the plan with both sources created names a SEC control, a resource in that plan and a reason", () => {
    const names = new Set(plan.resources.map((r) => r.name));
    const list = plan.outputs.securityExceptions as Array<{ control: string; resource: string; reason: string }>;
    const added = list.filter((e) => [LOGICAL.erpServer, LOGICAL.erpDatabase, LOGICAL.casesAccount].includes(e.resource as never));
    expect(added.map((e) => `${e.control} ${e.resource}`)).toEqual(["SEC-29 cases-cosmos", "SEC-30 erp-database", "SEC-30 erp-sql-server"]);
    for (const e of list) {
      expect(e.control).toMatch(/^SEC-\d{2}$/);
      expect(names.has(e.resource)).toBe(true);
      expect(e.reason.length).toBeGreaterThan(40);
    }
  });
});

test("mode create's grant has no revoke (its server goes with the stack), and the serving layer has none either", () => {
  expect(inputs(plan, "pulumi-nodejs:dynamic/relmesh:SynapseSqlLayer", LOGICAL.erpGrants)).not.toHaveProperty("onDelete");
  for (const p of [plan, existingPlan])
    expect(inputs(p, "pulumi-nodejs:dynamic/relmesh:SynapseSqlLayer", "synapse-sql-layer")).not.toHaveProperty("onDelete");
});

describe("mode existing: only the read access is created on the customer's systems", () => {
  test("SEC-31 no server, database or account is created; the reader role lands on the customer's container in its resource group", () => {
    expect(existingPlan.resources.filter((r) => /^azure-native:(sql|cosmosdb):/.test(r.type)).map((r) => r.type)).toEqual([
      "azure-native:cosmosdb:SqlResourceSqlRoleAssignment",
    ]);
    const reader = inputs(existingPlan, "azure-native:cosmosdb:SqlResourceSqlRoleAssignment", LOGICAL.casesReader);
    expect([reader.resourceGroupName, reader.accountName, reader.scope]).toEqual([
      "crm-rg",
      "contoso-cases",
      `${ACCOUNT_ID}/dbs/support/colls/tickets`,
    ]);
  });

  test("SEC-30 the ERP grant runs on the customer's server and database; no exception is listed for systems the stack does not own", () => {
    const grants = inputs(existingPlan, "pulumi-nodejs:dynamic/relmesh:SynapseSqlLayer", LOGICAL.erpGrants);
    expect(grants.server).toBe("contoso-erp.database.windows.net");
    expect(grants.scripts).toEqual([expect.objectContaining({ name: "erp-grants.sql", database: "ERP" })]);
    expect(securityExceptions(existing).filter((e) => ["SEC-29", "SEC-30"].includes(e.control))).toEqual([]);
  });

  test("SEC-31 the ERP grant carries its revoke (onDelete, sql/erp-grants.ts) for the same database, so removing relmesh:erp undoes it", () => {
    const grants = inputs(existingPlan, "pulumi-nodejs:dynamic/relmesh:SynapseSqlLayer", LOGICAL.erpGrants);
    const ws = existing.names.synapseWorkspace;
    // The plan names a script with its batch count and content hash (its text is in `relmesh synth`).
    expect(grants.onDelete).toEqual({
      scripts: [
        {
          name: "erp-revoke.sql",
          database: "ERP",
          batches: erpRevokeScript(existing.erp!, ws).batches.length,
          sha256: contentHash(erpRevokeScript(existing.erp!, ws).batches).slice(0, 16),
        },
      ],
      target: `ERP/sales/${ws}`,
    });
    expect(grants.onDelete.scripts[0].database).toBe("ERP");
  });

  test("the private endpoints to the customer's server and account are requested, not approved by the stack (their owners approve)", () => {
    expect(mpe(existingPlan).map((e) => [e.name, e.privateLinkResourceId, e.approve])).toEqual([
      ["mpe-rm-erp-sql", SERVER_ID, false],
      ["mpe-rm-cases-cosmos", ACCOUNT_ID, false],
    ]);
  });
});
