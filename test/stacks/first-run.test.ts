/**
 * First-run behaviour a tenant can live with: nothing scheduled before MGDC consent, history from one
 * initial load instead of a tumbling backfill, calendar windows that overlap, and a budget that
 * starts in a month Azure accepts.
 */
import { firstRunPlan, ownerApprovedEndpoints, type OwnerApprovedEndpoint } from "../../stacks/first-run";
import { managedPrivateEndpointSpecs } from "../../stacks/network";
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

describe("firstRunPlan with managed private endpoints a customer's owner approves (SEC-20: the copies reach the source only through them)", () => {
  const SERVER = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/erp-rg/providers/Microsoft.Sql/servers/contoso-erp";
  const ACCOUNT =
    "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/crm-rg/providers/Microsoft.DocumentDB/databaseAccounts/contoso-cases";
  const sources = {
    "relmesh:erp": { mode: "existing", server: SERVER, database: "ERP", table: "sales.orders" },
    "relmesh:serviceCases": { mode: "existing", account: ACCOUNT, database: "support", container: "tickets" },
  };
  const existing = devConfig(sources);
  const plain = devConfig();
  const targets = { lakeAccountId: "/lake", keyVaultId: "/kv", landingAccountId: "/landing", erpServerId: SERVER, casesAccountId: ACCOUNT };
  const specs = managedPrivateEndpointSpecs(existing, targets);
  const ok = (name: string, connectionState: string) => ({ name, provisioningState: "Succeeded", connectionState });
  const recorded = (erp: string, cases: string) => [
    ...specs.filter((s) => s.approve).map((s) => ok(s.name, "Approved")),
    ok("mpe-rm-erp-sql", erp),
    ok("mpe-rm-cases-cosmos", cases),
  ];
  const ws = existing.names.synapseWorkspace;

  test("only the endpoints the stack does not approve are waited for; unrecorded counts as Pending, a deleted one as NotFound", () => {
    expect(specs.filter((s) => !s.approve).map((s) => s.name)).toEqual(["mpe-rm-erp-sql", "mpe-rm-cases-cosmos"]);
    expect(ownerApprovedEndpoints(specs, undefined)).toEqual([
      { name: "mpe-rm-erp-sql", privateLinkResourceId: SERVER, state: "Pending" },
      { name: "mpe-rm-cases-cosmos", privateLinkResourceId: ACCOUNT, state: "Pending" },
    ]);
    expect(
      ownerApprovedEndpoints(specs, [ok("MPE-RM-ERP-SQL", "Approved"), { name: "mpe-rm-cases-cosmos", provisioningState: "NotFound" }]).map(
        (e) => e.state,
      ),
    ).toEqual(["Approved", "NotFound"]);
  });

  test("pending: the trigger stays stopped, no history is loaded, and the message names each endpoint, its target and the owner's command", () => {
    const plan = firstRunPlan(existing, "approved", NOW, ownerApprovedEndpoints(specs, recorded("Pending", "Approved")));
    expect(plan).toEqual({
      status: "waiting-for-endpoint-approval",
      triggerStarted: false,
      backfillWindows: 0,
      endpointsAwaitingApproval: [{ name: "mpe-rm-erp-sql", privateLinkResourceId: SERVER, state: "Pending" }],
      message: expect.stringMatching(/^WAITING FOR PRIVATE ENDPOINT APPROVAL: the daily trigger stays stopped and no history is loaded/),
    });
    expect(plan.message).toContain(
      `mpe-rm-erp-sql → ${SERVER}: Pending; its owner approves the connection from private endpoint ${ws}.mpe-rm-erp-sql`,
    );
    expect(plan.message).toContain(`az network private-endpoint-connection list --id ${SERVER}`);
    expect(plan.message).toContain(`az network private-endpoint-connection approve --id ${SERVER}/privateEndpointConnections/<name>`);
    expect(plan.message).toContain("private endpoint connections: Approve");
    expect(plan.message).not.toContain("mpe-rm-cases-cosmos");
  });

  test("both pending: both are named, each with its own target", () => {
    const plan = firstRunPlan(existing, "approved", NOW, ownerApprovedEndpoints(specs, recorded("Pending", "Pending")));
    expect(plan.endpointsAwaitingApproval!.map((e) => e.name)).toEqual(["mpe-rm-erp-sql", "mpe-rm-cases-cosmos"]);
    expect(plan.message).toContain(`az network private-endpoint-connection list --id ${ACCOUNT}`);
  });

  test("rejected or disconnected says so and the fix the code supports: delete the managed private endpoint, pulumi up asks again", () => {
    const rejected = firstRunPlan(existing, "approved", NOW, ownerApprovedEndpoints(specs, recorded("Rejected", "Disconnected")));
    expect(rejected).toMatchObject({ status: "waiting-for-endpoint-approval", triggerStarted: false });
    expect(rejected.message).toContain(`mpe-rm-erp-sql → ${SERVER}: REJECTED by the owner; the stack does not ask again by itself`);
    expect(rejected.message).toContain(`mpe-rm-cases-cosmos → ${ACCOUNT}: DISCONNECTED (the owner removed the connection)`);
    expect(rejected.message).toContain(`Remove-AzSynapseManagedPrivateEndpoint -WorkspaceName ${ws} -Name mpe-rm-erp-sql`);
    expect(rejected.message).toContain("the next pulumi up requests a new connection for the owner to approve");
    expect(rejected.message).not.toContain("approve --id");
    const gone = firstRunPlan(existing, "approved", NOW, [{ name: "mpe-rm-erp-sql", privateLinkResourceId: SERVER, state: "NotFound" }]);
    expect(gone.message).toContain("the managed private endpoint is missing from the workspace; the next pulumi up creates it again");
  });

  test("all approved: scheduled exactly as without the sources (initial load, then the trigger)", () => {
    expect(firstRunPlan(existing, "approved", NOW, ownerApprovedEndpoints(specs, recorded("Approved", "Approved")))).toEqual(
      firstRunPlan(plain, "approved", NOW),
    );
  });

  test("mode create: the stack approves its own server and account, so nothing is waited for", () => {
    const created = devConfig({
      "relmesh:erp": { mode: "create", table: "sales.orders" },
      "relmesh:serviceCases": { mode: "create" },
    });
    const own = managedPrivateEndpointSpecs(created, targets);
    expect(own.every((s) => s.approve)).toBe(true);
    expect(ownerApprovedEndpoints(own, undefined)).toEqual([]);
    expect(firstRunPlan(created, "approved", NOW, ownerApprovedEndpoints(own, undefined)).status).toBe("scheduled");
  });

  test("no sources, or no managed VNet: there are no such endpoints and the plan is unchanged", () => {
    // Without relmesh:erp or relmesh:serviceCases, relmesh.ts passes no source target.
    const ownOnly = managedPrivateEndpointSpecs(plain, { lakeAccountId: "/lake", keyVaultId: "/kv", landingAccountId: "/landing" });
    expect(ownOnly.length).toBeGreaterThan(0);
    expect(ownerApprovedEndpoints(ownOnly, undefined)).toEqual([]);
    const noVnet = devConfig({
      "relmesh:erp": { mode: "existing", server: SERVER, database: "ERP", table: "sales.orders" },
      "relmesh:managedVirtualNetwork": false,
    });
    expect(managedPrivateEndpointSpecs(noVnet, targets)).toEqual([]);
    expect(firstRunPlan(plain, "approved", NOW, [])).toEqual(firstRunPlan(plain, "approved", NOW));
  });

  test("precedence: MGDC approval missing or invalidated wins (the earlier step), then endpoints, then the start date", () => {
    const pending: OwnerApprovedEndpoint[] = ownerApprovedEndpoints(specs, recorded("Pending", "Pending"));
    expect(firstRunPlan(existing, "not-approved", NOW, pending).status).toBe("waiting-for-approval");
    expect(firstRunPlan(existing, "not-approved", NOW, pending).endpointsAwaitingApproval).toBeUndefined();
    expect(firstRunPlan(existing, "changed", NOW, pending).status).toBe("approval-changed");
    const noStart = devConfig({ ...sources, "relmesh:pipelineStartDate": undefined });
    expect(firstRunPlan(noStart, "approved", NOW, pending).status).toBe("waiting-for-endpoint-approval");
    expect(firstRunPlan(noStart, "approved", NOW, ownerApprovedEndpoints(specs, recorded("Approved", "Approved"))).status).toBe(
      "waiting-for-start-date",
    );
    // MGDC off: no consent to wait for, the endpoints still hold the schedule.
    expect(firstRunPlan(existing, undefined, NOW, pending).status).toBe("waiting-for-endpoint-approval");
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
