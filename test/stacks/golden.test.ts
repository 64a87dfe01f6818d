/**
 * The plan of the default (dev) config is kept as a readable golden file, and so is the plan with
 * both optional sources on (test/fixtures/Pulumi.sources.yaml over the dev config). A change to
 * either must be deliberate: regenerate with `UPDATE_GOLDEN=1 npx jest test/stacks/golden.test.ts`
 * and review the diff.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MOCK_SECRET_VALUE } from "../../stacks/plan-mocks";
import { planJson, planTable, runPlan, type PlanResult } from "../../stacks/plan";
import { parse } from "yaml";
import { devConfig, ROOT } from "./harness";

const GOLDEN_JSON = join(ROOT, "test", "golden", "plan.dev.json");
const GOLDEN_TXT = join(ROOT, "test", "golden", "plan.dev.txt");
const SOURCES_JSON = join(ROOT, "test", "golden", "plan.sources.json");
const SOURCES_TXT = join(ROOT, "test", "golden", "plan.sources.txt");
const SOURCES_FIXTURE = join(ROOT, "test", "fixtures", "Pulumi.sources.yaml");
let first: PlanResult;
let second: PlanResult;
let sources: PlanResult;

beforeAll(async () => {
  first = await runPlan(devConfig());
  second = await runPlan(devConfig());
  sources = await runPlan(devConfig(parse(readFileSync(SOURCES_FIXTURE, "utf8")).config));
  if (process.env.UPDATE_GOLDEN === "1") {
    writeFileSync(GOLDEN_JSON, planJson(first));
    writeFileSync(GOLDEN_TXT, planTable(first));
    writeFileSync(SOURCES_JSON, planJson(sources));
    writeFileSync(SOURCES_TXT, planTable(sources));
  }
});

test("the plan of the default config matches the golden JSON (regenerate with UPDATE_GOLDEN=1)", () => {
  expect(existsSync(GOLDEN_JSON)).toBe(true);
  expect(planJson(first)).toBe(readFileSync(GOLDEN_JSON, "utf8"));
});

test("the human plan of the default config matches the golden table", () => {
  expect(planTable(first)).toBe(readFileSync(GOLDEN_TXT, "utf8"));
});

test("the plan with both optional sources on (ERP on Azure SQL, service cases on Cosmos DB) matches its golden JSON and table", () => {
  expect(planJson(sources)).toBe(readFileSync(SOURCES_JSON, "utf8"));
  expect(planTable(sources)).toBe(readFileSync(SOURCES_TXT, "utf8"));
});

test("the sources are off by default: the default plan has no Azure SQL or Cosmos DB resource, the sources plan has them", () => {
  const optional = (plan: PlanResult) =>
    [...new Set(plan.resources.filter((r) => /^azure-native:(sql|cosmosdb):/.test(r.type)).map((r) => r.type))].sort();
  expect(optional(first)).toEqual([]);
  expect(optional(sources)).toEqual([
    "azure-native:cosmosdb:DatabaseAccount",
    "azure-native:cosmosdb:SqlResourceSqlContainer",
    "azure-native:cosmosdb:SqlResourceSqlDatabase",
    "azure-native:cosmosdb:SqlResourceSqlRoleAssignment",
    "azure-native:sql:Database",
    "azure-native:sql:ExtendedServerBlobAuditingPolicy",
    "azure-native:sql:FirewallRule",
    "azure-native:sql:Server",
    "azure-native:sql:ServerSecurityAlertPolicy",
  ]);
});

test("running the program twice gives the same plan (idempotent, deterministic)", () => {
  expect(planJson(second)).toBe(planJson(first));
});

test("the JSON document holds only the resources key, with type, name, inputs, parent and dependencies", () => {
  const doc = JSON.parse(planJson(first));
  expect(Object.keys(doc)).toEqual(["resources"]);
  for (const r of doc.resources)
    expect(Object.keys(r).sort()).toEqual(["component", "custom", "dependencies", "inputs", "name", "parent", "type", "urn"]);
});

test("SEC-17 no secret value appears in the plan, masked as [secret] instead", () => {
  for (const text of [planJson(first), planTable(first)]) {
    expect(text).not.toContain(MOCK_SECRET_VALUE);
    expect(text).toContain("[secret]");
  }
});

test("the default plan lists the complete architecture", () => {
  const types = new Set(first.resources.filter((r) => r.custom).map((r) => r.type));
  for (const t of [
    "azure-native:resources:ResourceGroup",
    "azure-native:storage:StorageAccount",
    "azure-native:storage:BlobContainer",
    "azure-native:storage:ManagementPolicy",
    "azure-native:storage:BlobServiceProperties",
    "azure-native:keyvault:Vault",
    "azure-native:keyvault:Secret",
    "azure-native:synapse:Workspace",
    "azure-native:synapse:BigDataPool",
    "azure-native:synapse:IpFirewallRule",
    "azure-native:synapse:WorkspaceAadAdmin",
    "azure-native:synapse:WorkspaceSqlAadAdmin",
    "azure-native:authorization:RoleAssignment",
    "azure-native:monitor:DiagnosticSetting",
    "azure-native:monitor:ActionGroup",
    "azure-native:monitor:MetricAlert",
    "azure-native:consumption:Budget",
    "azure-native:operationalinsights:Workspace",
    "azuread:index/application:Application",
    "azuread:index/servicePrincipal:ServicePrincipal",
    "azuread:index/applicationPassword:ApplicationPassword",
    "azuread:index/group:Group",
  ])
    expect(types).toContain(t);
});

test("every resource records its parent component, and data-plane dependencies are visible", () => {
  const secret = first.resources.find((r) => r.name === "mgdc-client-secret-kv")!;
  expect(secret.component).toBe("mgdc-identity");
  expect(secret.dependencies).toEqual(
    expect.arrayContaining([expect.stringMatching(/::key-vault$/), expect.stringMatching(/::mgdc-client-secret$/)]),
  );
  for (const r of first.resources.filter((x) => x.custom && x.name !== "resource-group")) expect(r.component).not.toBeNull();
});
