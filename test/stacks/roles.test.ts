/** SEC-31: which identity gets which role on which scope, and how the assignments are named. */
import { runPlan, type PlanResult } from "../../stacks/plan";
import { MOCK_CLIENT_CONFIG, mockGuid } from "../../stacks/plan-mocks";
import {
  plannedRoleGrants,
  plannedSynapseRbac,
  roleAssignmentName,
  roleDefinitionId,
  ROLE_IDS,
  SYNAPSE_ROLE_IDS,
} from "../../config/roles";
import { devConfig, inputs, ofType, T } from "./harness";

const config = devConfig();
let plan: PlanResult;
const sub = `/subscriptions/${MOCK_CLIENT_CONFIG.subscriptionId}`;
const rg = `${sub}/resourceGroups/${config.names.resourceGroup}`;
const lakeId = `${rg}/providers/Microsoft.Storage/storageAccounts/${config.names.lakeAccount}`;
const landingContainerId = `${rg}/providers/Microsoft.Storage/storageAccounts/${config.names.landingAccount}/blobServices/default/containers/mgdc`;
const vaultId = `${rg}/providers/Microsoft.KeyVault/vaults/${config.names.keyVault}`;
const workspaceIdentity = mockGuid(`msi:${config.names.synapseWorkspace}`);
const mgdcPrincipal = mockGuid("sp:mgdc-app-sp");

beforeAll(async () => {
  plan = await runPlan(config);
});

/** [principal, role GUID, scope] of every role assignment in the plan. */
function wiring(): Array<[string, string, string]> {
  return ofType(plan, T.roleAssignment)
    .map(
      (r) =>
        [r.inputs.principalId as string, (r.inputs.roleDefinitionId as string).split("/").pop()!, r.inputs.scope as string] as [
          string,
          string,
          string,
        ],
    )
    .sort();
}

test("SEC-31 the workspace identity, and only it, is Storage Blob Data Contributor on the lake", () => {
  expect(wiring().filter(([, , scope]) => scope === lakeId)).toEqual([
    [workspaceIdentity, ROLE_IDS["Storage Blob Data Contributor"], lakeId],
  ]);
});

test("SEC-31 the workspace identity reads the MGDC secret and writes its rotated versions (Key Vault Secrets Officer on the vault, nothing wider)", () => {
  expect(wiring().filter(([, , scope]) => scope === vaultId)).toEqual([
    [workspaceIdentity, ROLE_IDS["Key Vault Secrets Officer"], vaultId],
  ]);
});

test("SEC-31 the MGDC principal can write only to the landing container, nothing wider", () => {
  expect(wiring().filter(([principal]) => principal === mgdcPrincipal)).toEqual([
    [mgdcPrincipal, ROLE_IDS["Storage Blob Data Contributor"], landingContainerId],
  ]);
});

test("SEC-31 the workspace identity only reads the landing container", () => {
  expect(wiring().filter(([p, , scope]) => p === workspaceIdentity && scope.includes(config.names.landingAccount))).toEqual([
    [workspaceIdentity, ROLE_IDS["Storage Blob Data Reader"], landingContainerId],
  ]);
});

test("SEC-31 the default config makes exactly four role assignments and none at subscription or resource-group scope", () => {
  expect(wiring()).toHaveLength(4);
  for (const [, , scope] of wiring()) expect(scope.split("/providers/").length).toBeGreaterThan(1);
});

test("SEC-31 every assignment names an identity or group principal type (the SDK default is User)", () => {
  for (const r of ofType(plan, T.roleAssignment)) expect(r.inputs.principalType).toBe("ServicePrincipal");
});

test("SEC-31 every role definition id is the full subscription-scoped id of a built-in role", () => {
  for (const r of ofType(plan, T.roleAssignment)) {
    expect(r.inputs.roleDefinitionId).toMatch(
      new RegExp(`^${sub}/providers/Microsoft.Authorization/roleDefinitions/(${Object.values(ROLE_IDS).join("|")})$`),
    );
  }
});

test("SEC-31 role assignment names are deterministic UUIDs of scope, principal and role", () => {
  const r = inputs(plan, T.roleAssignment, "mgdc-landing-writer");
  expect(r.roleAssignmentName).toBe(roleAssignmentName(landingContainerId, mgdcPrincipal, ROLE_IDS["Storage Blob Data Contributor"]));
  expect(r.roleAssignmentName).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test("roleAssignmentName differs when any of scope, principal or role differs, and ignores case", () => {
  const base = roleAssignmentName("/s/x", "p", "r");
  expect(
    new Set([base, roleAssignmentName("/s/y", "p", "r"), roleAssignmentName("/s/x", "q", "r"), roleAssignmentName("/s/x", "p", "t")]).size,
  ).toBe(4);
  expect(roleAssignmentName("/S/X", "P", "R")).toBe(base);
});

test("roleDefinitionId builds the full id from the subscription", () => {
  expect(roleDefinitionId("sub-1", "Key Vault Secrets User")).toBe(
    "/subscriptions/sub-1/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6",
  );
});

test("SEC-31 the report readers group holds no storage role: the views read the lake through the workspace credential", () => {
  const grants = plannedRoleGrants(devConfig({ "relmesh:sqlReadersGroupObjectId": "33333333-3333-4333-8333-333333333333" }));
  expect(grants.map((g) => g.logicalName)).not.toContain("sql-readers-curated-reader");
});

test("SEC-31 without MGDC nobody gets a role on a landing account, nor on the vault (it holds no secret then)", () => {
  const grants = plannedRoleGrants(devConfig({ "relmesh:mgdcEnabled": false }));
  expect(grants.map((g) => g.scope)).toEqual(["lakeAccount"]);
});

test("the deployer and the admin group are handed to the publisher as Synapse Administrators (data plane, no ARM type)", () => {
  expect(plannedSynapseRbac().map((g) => [g.principal, g.roleId])).toEqual([
    ["deployer", SYNAPSE_ROLE_IDS["Synapse Administrator"]],
    ["adminGroup", SYNAPSE_ROLE_IDS["Synapse Administrator"]],
  ]);
  const out = plan.outputs.synapseRbacToAssign as Array<{ principalId: string; scope: string }>;
  expect(out.map((g) => g.principalId)).toEqual([MOCK_CLIENT_CONFIG.objectId, config.adminGroupObjectId]);
  expect(out[0].scope).toBe(`workspaces/${config.names.synapseWorkspace}`);
});
