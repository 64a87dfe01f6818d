/** Optional parts switched on by config: locks, dedicated pool, managed VNet (MGDC off), existing groups. */
import { runPlan, type PlanResult } from "../../stacks/plan";
import { MOCK_CLIENT_CONFIG } from "../../stacks/plan-mocks";
import { devConfig, inputs, ofType, T } from "./harness";

let full: PlanResult;
let noMgdc: PlanResult;
const groups = ["44444444-4444-4444-8444-444444444444", "55555555-5555-4555-8555-555555555555"];

beforeAll(async () => {
  full = await runPlan(
    devConfig({
      "relmesh:lockResources": true,
      "relmesh:dedicatedSqlPool": { name: "relmeshdw", sku: "DW100c" },
      "relmesh:allowedGroupObjectIds": groups,
      "relmesh:sqlReadersGroupObjectId": "33333333-3333-4333-8333-333333333333",
      "relmesh:mgdcApprovedFingerprint": "0".repeat(64),
    }),
  );
  noMgdc = await runPlan(
    devConfig({ "relmesh:mgdcEnabled": false, "relmesh:managedVirtualNetwork": true, "relmesh:location": "swedencentral" }),
  );
});

test("SEC-11 with relmesh:lockResources the lake, landing account and vault get CanNotDelete locks", () => {
  const locks = ofType(full, T.lock);
  expect(locks.map((l) => l.name).sort()).toEqual(["key-vault-lock", "lake-lock", "mgdc-landing-lock"]);
  for (const l of locks) expect(l.inputs.level).toBe("CanNotDelete");
});

test("SEC-25 a configured dedicated SQL pool gets transparent data encryption and diagnostic logs", () => {
  expect(inputs(full, T.sqlPool, "synapse-dedicated-pool")).toMatchObject({ sqlPoolName: "relmeshdw", sku: { name: "DW100c" } });
  expect(inputs(full, T.tde, "synapse-dedicated-pool-tde").status).toBe("Enabled");
  expect(inputs(full, T.diagnostic, "diag-dedicated-pool").logs.map((l: { category: string }) => l.category)).toContain(
    "SQLSecurityAuditEvents",
  );
});

test("existing allowed groups are used as the MGDC scope and no group is created", () => {
  expect(ofType(full, T.group)).toEqual([]);
  const checklist = full.outputs.mgdcConsentChecklist as { values: { datasets: Array<{ scope: { allowedGroups: string[] } }> } };
  expect(checklist.values.datasets[0].scope.allowedGroups).toEqual(groups);
});

test("a recorded fingerprint that no longer matches reports the approval as invalidated", () => {
  expect((full.outputs.mgdcConsentChecklist as { status: string }).status).toBe("changed");
});

test("SEC-31 the report readers group gets no storage role: the views read the lake through the workspace credential", () => {
  expect(ofType(full, T.roleAssignment).map((r) => r.name)).not.toContain("sql-readers-curated-reader");
  expect(ofType(full, T.roleAssignment).filter((r) => r.inputs.principalType === "Group")).toEqual([]);
});

test("SEC-19 with MGDC off the managed virtual network can be turned on", () => {
  expect(inputs(noMgdc, T.workspace, "synapse").managedVirtualNetwork).toBe("default");
});

test("SEC-20 the managed virtual network comes with data-exfiltration protection to the own tenant", () => {
  expect(inputs(noMgdc, T.workspace, "synapse").managedVirtualNetworkSettings).toEqual({
    preventDataExfiltration: true,
    allowedAadTenantIdsForLinking: [MOCK_CLIENT_CONFIG.tenantId],
    linkedAccessCheckOnTargetResource: true,
  });
});

test("with MGDC off there is no landing account, Entra app, secret or MGDC role, and any region is allowed", () => {
  expect(ofType(noMgdc, T.storageAccount).map((a) => a.name)).toEqual(["lake"]);
  for (const t of [T.application, T.servicePrincipal, T.appPassword, T.secret, T.group]) expect(ofType(noMgdc, t)).toEqual([]);
  expect(inputs(noMgdc, T.storageAccount, "lake").location).toBe("swedencentral");
  expect(noMgdc.outputs.mgdcConsentChecklist).toBeUndefined();
});
