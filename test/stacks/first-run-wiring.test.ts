/**
 * SEC-20 wiring in stacks/relmesh.ts: the `firstRun` output and the publisher's schedule follow the
 * status the SynapseManagedPrivateEndpoints resource records for a customer's endpoints. The plan mocks
 * return a resource's inputs as its state, so no status is recorded there; this file's mocks add
 * one, as the provider's create/update would (Pending until the owner approves, then Approved).
 */
import * as pulumi from "@pulumi/pulumi";
import { relmeshMocks } from "../../stacks/plan-mocks";
import { createRelmesh, stackOutputs } from "../../stacks/relmesh";
import { runPlan } from "../../stacks/plan";
import { devConfig } from "./harness";

const MPE = "pulumi-nodejs:dynamic/relmesh:SynapseManagedPrivateEndpoints";
const ARTIFACTS = "pulumi-nodejs:dynamic/relmesh:SynapseArtifacts";
const NOW = new Date("2027-01-03T09:00:00Z");
const SERVER = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/erp-rg/providers/Microsoft.Sql/servers/contoso-erp";
const sources = { "relmesh:erp": { mode: "existing", server: SERVER, database: "ERP", table: "sales.orders" } };

interface Deployed {
  firstRun: Record<string, any>;
  schedule: unknown;
}

/** Runs the program under the plan mocks, the MPE resource reporting `connectionState` for the ERP endpoint. */
async function deploy(overrides: Record<string, unknown>, connectionState?: string): Promise<Deployed> {
  const mocks = relmeshMocks();
  let schedule: unknown;
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        // relmeshMocks answers synchronously.
        const r = mocks.newResource(args) as { id: string | undefined; state: Record<string, any> };
        if (args.type === ARTIFACTS) schedule = args.inputs.schedule;
        if (args.type === MPE && connectionState) {
          const status = (args.inputs.endpoints as Array<{ name: string; approve: boolean }>).map((e) => ({
            name: e.name,
            provisioningState: "Succeeded",
            connectionState: e.approve ? "Approved" : connectionState,
          }));
          return { ...r, state: { ...r.state, status } };
        }
        return r;
      },
      call: (args) => mocks.call(args),
    },
    "relmesh",
    "dev",
    false,
  );
  const outputs = (await pulumi.runtime.runInPulumiStack(async () =>
    stackOutputs(createRelmesh(devConfig(overrides), { now: NOW })),
  )) as Record<string, any>;
  await pulumi.runtime.disconnect();
  return { firstRun: outputs.firstRun, schedule };
}

let fingerprint: string;
beforeAll(async () => {
  fingerprint = ((await runPlan(devConfig(sources))).outputs.mgdcConsentChecklist as { fingerprint: string }).fingerprint;
}, 120000);

test("MGDC approved, a start date set, the ERP endpoint Pending on the customer's server: the trigger is published stopped, no initial load", async () => {
  const d = await deploy({ ...sources, "relmesh:mgdcApprovedFingerprint": fingerprint }, "Pending");
  expect(d.firstRun).toMatchObject({
    status: "waiting-for-endpoint-approval",
    triggerStarted: false,
    endpointsAwaitingApproval: [{ name: "mpe-rm-erp-sql", privateLinkResourceId: SERVER, state: "Pending" }],
  });
  expect(d.schedule).toEqual({ triggersStarted: false, runs: [] });
}, 120000);

test("the same once the resource records Approved: the initial load is queued and the trigger starts", async () => {
  const d = await deploy({ ...sources, "relmesh:mgdcApprovedFingerprint": fingerprint }, "Approved");
  expect(d.firstRun).toMatchObject({ status: "scheduled", triggerStarted: true });
  expect(d.schedule).toEqual({
    triggersStarted: true,
    runs: [
      {
        key: "initial-load 2026-10-06..2027-01-04",
        pipeline: "pl_rm_run_window",
        parameters: { windowStart: "2026-10-06", windowEnd: "2027-01-04" },
      },
    ],
  });
}, 120000);

test("MGDC not approved yet wins over a pending endpoint in the output (the earlier step)", async () => {
  const d = await deploy(sources, "Pending");
  expect(d.firstRun).toMatchObject({ status: "waiting-for-approval", triggerStarted: false });
  expect(d.schedule).toEqual({ triggersStarted: false, runs: [] });
}, 120000);

test("nothing recorded yet (relmesh plan, before the first up): the customer's endpoint counts as Pending", async () => {
  const plan = await runPlan(devConfig({ ...sources, "relmesh:mgdcApprovedFingerprint": fingerprint }), { now: NOW });
  expect(plan.outputs.firstRun).toMatchObject({ status: "waiting-for-endpoint-approval", triggerStarted: false });
}, 120000);
