/**
 * SEC-20: the managed-VNet copies reach a customer's ERP server or service-case account only through a
 * managed private endpoint that the customer's owner approves (`approve: false`). This file runs
 * successive `pulumi up`s against the local HTTPS fake (workspace + ARM): the provider's `diff` on the
 * recorded state, then the apply that its `update` runs. The first up requests the endpoints (Pending).
 * Each later up reads the workspace's view again and writes nothing, here or on the target. The up
 * after the owner approved records Approved, so firstRunPlan starts the trigger.
 */
import { firstRunPlan, ownerApprovedEndpoints } from "../../stacks/first-run";
import { privateEndpointsProvider, type PrivateEndpointsState } from "../../stacks/publish/private-endpoint-provider";
import type { ManagedPrivateEndpointSpec } from "../../stacks/publish/private-endpoints";
import { createPrivateLinkClients } from "../../stacks/publish/private-link-clients";
import { applyManagedPrivateEndpoints } from "../../stacks/publish/private-endpoint-apply";
import { devConfig } from "../stacks/harness";
import { startFakePrivateLink, type FakePrivateLink } from "./fake-private-link";
import { fakeCredential, makeSelfSignedCert, type TestCert } from "./tls";

const WS = "syn-relmesh-dev";
const SUB = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups";
const LAKE = `${SUB}/rg-relmesh-dev/providers/Microsoft.Storage/storageAccounts/strelmeshlake`;
const SERVER = `${SUB}/erp-rg/providers/Microsoft.Sql/servers/contoso-erp`;
const ACCOUNT = `${SUB}/crm-rg/providers/Microsoft.DocumentDB/databaseAccounts/contoso-cases`;
const specs: ManagedPrivateEndpointSpec[] = [
  { name: "mpe-rm-lake-dfs", privateLinkResourceId: LAKE, groupId: "dfs", approve: true },
  { name: "mpe-rm-erp-sql", privateLinkResourceId: SERVER, groupId: "sqlServer", approve: false },
  { name: "mpe-rm-cases-cosmos", privateLinkResourceId: ACCOUNT, groupId: "Sql", approve: false },
];
const NOW = new Date("2027-01-03T09:00:00Z");
const config = devConfig({
  "relmesh:erp": { mode: "existing", server: SERVER, database: "ERP", table: "sales.orders" },
  "relmesh:serviceCases": { mode: "existing", account: ACCOUNT, database: "support", container: "tickets" },
});

let tls: TestCert;
let server: FakePrivateLink;
beforeAll(() => (tls = makeSelfSignedCert()));
beforeEach(async () => (server = await startFakePrivateLink(tls, { workspaceName: WS, targets: [LAKE, SERVER, ACCOUNT] })));
afterEach(async () => server.close());

const fast = { retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, pollIntervalMs: 10, maxWaitMs: 2000 };
const clients = () =>
  createPrivateLinkClients(
    fakeCredential,
    { devEndpoint: server.url, armEndpoint: server.url, workspaceName: WS },
    { tlsOptions: { ca: tls.cert }, retryOptions: { maxRetries: 1, retryDelayInMs: 20, maxRetryDelayInMs: 100 }, requestTimeoutMs: 2000 },
  );
const DEV = `https://${WS}.dev.azuresynapse.net`;

/** One `pulumi up` of the resource: create when nothing is recorded; else diff, and update (apply) only when diff says so. */
async function up(olds?: PrivateEndpointsState): Promise<{ updated: boolean; state: PrivateEndpointsState }> {
  const news = { devEndpoint: DEV, endpoints: specs };
  if (olds) {
    const { changes } = await privateEndpointsProvider.diff!("mpe@ws", olds, news);
    if (!changes) return { updated: false, state: olds };
  }
  const { status } = await applyManagedPrivateEndpoints(clients(), specs, olds?.endpoints ?? [], fast);
  return { updated: true, state: { ...news, status } };
}
const firstRun = (state: PrivateEndpointsState) =>
  firstRunPlan(config, "approved", NOW, ownerApprovedEndpoints(state.endpoints, state.status));
const ownerApproves = (mpe: string) => (server.connectionOf(mpe)!.properties.privateLinkServiceConnectionState.status = "Approved");
const ownerRejects = (mpe: string) => (server.connectionOf(mpe)!.properties.privateLinkServiceConnectionState.status = "Rejected");
/** Requests other than reading the workspace's managed private endpoints: writes, or anything on ARM. */
const beyondReads = () => server.requests.filter((r) => r.method !== "GET" || !r.path.startsWith("/managedVirtualNetworks/"));

test("pending → each pulumi up reads it again (no write anywhere) → the owner approves → the next up records Approved and the trigger starts", async () => {
  const first = await up();
  expect(first.state.status.map((s) => `${s.name} ${s.connectionState}`)).toEqual([
    "mpe-rm-lake-dfs Approved",
    "mpe-rm-erp-sql Pending",
    "mpe-rm-cases-cosmos Pending",
  ]);
  expect(firstRun(first.state)).toMatchObject({ status: "waiting-for-endpoint-approval", triggerStarted: false });
  // The stack approved only its own lake: the customer's targets got no write.
  expect(server.requests.filter((r) => r.method === "PUT" && r.path.includes("privateEndpointConnections")).map((r) => r.path)).toEqual([
    expect.stringContaining("/strelmeshlake/privateEndpointConnections/"),
  ]);

  server.requests.length = 0;
  const second = await up(first.state);
  expect(second.updated).toBe(true);
  expect(beyondReads()).toEqual([]);
  expect(firstRun(second.state).endpointsAwaitingApproval!.map((e) => e.name)).toEqual(["mpe-rm-erp-sql", "mpe-rm-cases-cosmos"]);

  ownerApproves("mpe-rm-erp-sql");
  server.requests.length = 0;
  const third = await up(second.state);
  expect(beyondReads()).toEqual([]);
  expect(firstRun(third.state)).toMatchObject({
    status: "waiting-for-endpoint-approval",
    endpointsAwaitingApproval: [{ name: "mpe-rm-cases-cosmos", privateLinkResourceId: ACCOUNT, state: "Pending" }],
  });

  ownerApproves("mpe-rm-cases-cosmos");
  server.requests.length = 0;
  const fourth = await up(third.state);
  expect(beyondReads()).toEqual([]);
  expect(fourth.state.status.every((s) => s.connectionState === "Approved")).toBe(true);
  expect(firstRun(fourth.state)).toMatchObject({
    status: "scheduled",
    triggerStarted: true,
    initialLoad: { windowStart: "2026-10-06", windowEnd: "2027-01-04" },
  });

  // Once everything is Approved the resource is quiet again: no update, no request.
  server.requests.length = 0;
  expect((await up(fourth.state)).updated).toBe(false);
  expect(server.requests).toEqual([]);
});

test("rejected by the owner: recorded without any write or override; deleting the managed private endpoint makes the next up request it anew", async () => {
  const first = await up();
  ownerRejects("mpe-rm-erp-sql");
  server.requests.length = 0;
  const second = await up(first.state);
  expect(beyondReads()).toEqual([]);
  const held = firstRun(second.state);
  expect(held).toMatchObject({ status: "waiting-for-endpoint-approval", triggerStarted: false });
  expect(held.message).toContain(`mpe-rm-erp-sql → ${SERVER}: REJECTED by the owner`);

  // The fix the message gives: delete it in the workspace (here as Studio would), then pulumi up.
  server.deleteByHand("mpe-rm-erp-sql");
  server.requests.length = 0;
  const third = await up(second.state);
  expect(server.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([
    "PUT /managedVirtualNetworks/default/managedPrivateEndpoints/mpe-rm-erp-sql",
  ]);
  expect(third.state.status.find((s) => s.name === "mpe-rm-erp-sql")).toEqual({
    name: "mpe-rm-erp-sql",
    provisioningState: "Succeeded",
    connectionState: "Pending",
  });
  expect(firstRun(third.state).message).toContain(`mpe-rm-erp-sql → ${SERVER}: Pending; its owner approves`);
});
