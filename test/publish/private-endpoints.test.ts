/**
 * Managed private endpoints: the pure planning and matching, then create/approve/remove/read against
 * a local HTTPS fake that is both the workspace's dev endpoint and ARM, through the real
 * core-rest-pipeline (bearer policy per scope, retry policies) with injected faults.
 */
import { privateEndpointsProvider } from "../../stacks/publish/private-endpoint-provider";
import {
  connectionsApiVersion,
  findConnection,
  needsRepair,
  planPrivateEndpoints,
  specsChanged,
  workspaceNameFromDevEndpoint,
  type ManagedPrivateEndpointSpec,
  type ObservedEndpoint,
} from "../../stacks/publish/private-endpoints";
import { createPrivateLinkClients } from "../../stacks/publish/private-link-clients";
import { APPROVAL_DESCRIPTION } from "../../stacks/publish/private-endpoint-approval";
import {
  applyManagedPrivateEndpoints,
  readManagedPrivateEndpoints,
  removeManagedPrivateEndpoints,
} from "../../stacks/publish/private-endpoint-apply";
import { startFakePrivateLink, type FakePrivateLink } from "./fake-private-link";
import { fakeCredential, makeSelfSignedCert, type TestCert } from "./tls";

const WS = "syn-relmesh-dev";
const RG = "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-relmesh-dev/providers";
const LAKE = `${RG}/Microsoft.Storage/storageAccounts/strelmeshlake`;
const LANDING = `${RG}/Microsoft.Storage/storageAccounts/strelmeshlanding`;
const VAULT = `${RG}/Microsoft.KeyVault/vaults/kv-relmesh-dev`;

const lake: ManagedPrivateEndpointSpec = { name: "mpe-lake-dfs", privateLinkResourceId: LAKE, groupId: "dfs", approve: true };
const landing: ManagedPrivateEndpointSpec = { name: "mpe-landing-dfs", privateLinkResourceId: LANDING, groupId: "dfs", approve: true };
const vault: ManagedPrivateEndpointSpec = { name: "mpe-kv", privateLinkResourceId: VAULT, groupId: "vault", approve: true };
const three = [lake, landing, vault];
const ok = (s: ManagedPrivateEndpointSpec, connectionState = "Approved"): ObservedEndpoint => ({
  name: s.name,
  privateLinkResourceId: s.privateLinkResourceId,
  groupId: s.groupId,
  provisioningState: "Succeeded",
  connectionState,
});

describe("planning (pure)", () => {
  test("an empty workspace: create every spec and approve those marked approve", () => {
    const plan = planPrivateEndpoints([...three, { ...landing, name: "mpe-landing-blob", groupId: "blob", approve: false }], []);
    expect(plan.create.map((s) => s.name)).toEqual(["mpe-lake-dfs", "mpe-landing-dfs", "mpe-kv", "mpe-landing-blob"]);
    expect(plan.approve.map((s) => s.name)).toEqual(["mpe-lake-dfs", "mpe-landing-dfs", "mpe-kv"]);
    expect(plan).toMatchObject({ replace: [], wait: [], remove: [] });
  });

  test("everything provisioned and approved: nothing to do", () => {
    expect(
      planPrivateEndpoints(
        three,
        three.map((s) => ok(s)),
        three,
      ),
    ).toEqual({ create: [], replace: [], wait: [], approve: [], remove: [] });
  });

  test("a changed target or a Failed endpoint is replaced; Provisioning is waited for; Pending is approved", () => {
    const observed: ObservedEndpoint[] = [
      { ...ok(lake), privateLinkResourceId: LANDING },
      { ...ok(landing), provisioningState: "Failed" },
      { ...ok(vault, "Pending"), provisioningState: "Provisioning" },
    ];
    const plan = planPrivateEndpoints(three, observed, three);
    expect(plan.replace.map((s) => s.name)).toEqual(["mpe-lake-dfs", "mpe-landing-dfs"]);
    expect(plan.wait.map((s) => s.name)).toEqual(["mpe-kv"]);
    expect(plan.approve.map((s) => s.name)).toEqual(["mpe-lake-dfs", "mpe-landing-dfs", "mpe-kv"]);
    expect(plan.create).toEqual([]);
  });

  test("ARM ids compare case-insensitively (ARM returns them in its own casing)", () => {
    expect(planPrivateEndpoints([lake], [{ ...ok(lake), privateLinkResourceId: LAKE.toLowerCase() }], [lake]).replace).toEqual([]);
  });

  test("only endpoints this resource managed before are removed, never reserved or foreign ones", () => {
    const observed = [
      ok(lake),
      ok(landing),
      { ...ok(vault), isReserved: true },
      { name: "synapse-ws-sql--x", provisioningState: "Succeeded", isReserved: true },
    ];
    expect(planPrivateEndpoints([lake], observed, three).remove).toEqual(["mpe-landing-dfs"]);
  });

  test("a name given twice is refused", () => {
    expect(() => planPrivateEndpoints([lake, { ...lake, name: "MPE-lake-dfs" }], [])).toThrow(/specified twice/);
  });

  test("the connection is matched by its private endpoint's exact name <workspace>.<mpe>", () => {
    const conn = (peName: string) => ({
      id: `${LAKE}/privateEndpointConnections/${peName}-1`,
      properties: { privateEndpoint: { id: `/subscriptions/x/resourceGroups/m/providers/Microsoft.Network/privateEndpoints/${peName}` } },
    });
    const list = [conn("other-ws.mpe-lake-dfs"), conn(`${WS}.mpe-lake-dfs2`), conn(`x${WS}.mpe-lake-dfs`), conn(`${WS}.MPE-Lake-DFS`)];
    expect(findConnection(list, WS, "mpe-lake-dfs")).toBe(list[3]);
    expect(findConnection(list.slice(0, 3), WS, "mpe-lake-dfs")).toBeUndefined();
  });

  test("api-versions per target type; workspace name from the dev endpoint", () => {
    expect(connectionsApiVersion(LAKE)).toBe("2023-05-01");
    expect(connectionsApiVersion(VAULT.toLowerCase())).toBe("2023-07-01");
    expect(connectionsApiVersion(`${RG}/Microsoft.Sql/servers/s`)).toBe("2023-08-01");
    expect(connectionsApiVersion(`${RG}/Microsoft.DocumentDB/databaseAccounts/a`)).toBe("2024-11-15");
    expect(() => connectionsApiVersion(`${RG}/Microsoft.Web/sites/s`)).toThrow(
      /storage account, a key vault, an Azure SQL server or a Cosmos DB account/,
    );
    expect(workspaceNameFromDevEndpoint("https://syn-relmesh-dev.dev.azuresynapse.net")).toBe(WS);
  });

  test("diff: nothing is ever replaced; a changed spec or a refreshed unhealthy status is an update", async () => {
    const olds = {
      devEndpoint: "https://syn-relmesh-dev.dev.azuresynapse.net",
      endpoints: three,
      status: three.map((s) => ({ name: s.name, provisioningState: "Succeeded", connectionState: "Approved" })),
    };
    const diff = (news: any, o: any = olds) => privateEndpointsProvider.diff!("id", o, news);
    expect(await diff({ devEndpoint: olds.devEndpoint, endpoints: [vault, lake, landing] })).toEqual({ changes: false, replaces: [] });
    expect(await diff({ devEndpoint: olds.devEndpoint, endpoints: [lake, landing] })).toEqual({ changes: true, replaces: [] });
    expect(await diff({ devEndpoint: olds.devEndpoint, endpoints: [lake, landing, { ...vault, approve: false }] })).toEqual({
      changes: true,
      replaces: [],
    });
    const rejected = { ...olds, status: olds.status.map((s) => (s.name === "mpe-kv" ? { ...s, connectionState: "Rejected" } : s)) };
    expect(await diff({ devEndpoint: olds.devEndpoint, endpoints: three }, rejected)).toEqual({ changes: true, replaces: [] });
    expect(specsChanged(three, [...three].reverse())).toBe(false);
    // One its owner approves is looked at again while not Approved (owner-approval.test.ts), then left alone.
    expect(
      needsRepair([{ ...vault, approve: false }], [{ name: "mpe-kv", provisioningState: "Succeeded", connectionState: "Pending" }]),
    ).toBe(true);
    expect(
      needsRepair([{ ...vault, approve: false }], [{ name: "mpe-kv", provisioningState: "Succeeded", connectionState: "Approved" }]),
    ).toBe(false);
    expect(needsRepair([lake], [{ name: "mpe-lake-dfs", provisioningState: "NotFound" }])).toBe(true);
  });
});

describe("against the local HTTPS fake (Synapse dev endpoint + ARM)", () => {
  let tls: TestCert;
  let server: FakePrivateLink;
  beforeAll(() => (tls = makeSelfSignedCert()));
  beforeEach(
    async () =>
      (server = await startFakePrivateLink(tls, { workspaceName: WS, targets: [LAKE, LANDING, VAULT], pollsBeforeProvisioned: 2 })),
  );
  afterEach(async () => server.close());

  /** Short delays so faults and polls cost milliseconds; production defaults are in private-endpoints.ts. */
  const clients = () =>
    createPrivateLinkClients(
      fakeCredential,
      { devEndpoint: server.url, armEndpoint: server.url, workspaceName: WS },
      { tlsOptions: { ca: tls.cert }, retryOptions: { maxRetries: 3, retryDelayInMs: 20, maxRetryDelayInMs: 100 }, requestTimeoutMs: 2000 },
    );
  const fast = { retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, pollIntervalMs: 10, maxWaitMs: 2000 };
  const writes = () => server.requests.filter((r) => r.method !== "GET");
  const approval = (name: string) => server.connectionOf(name)?.properties.privateLinkServiceConnectionState;

  test("three MPEs (lake dfs, landing dfs, key vault) end provisioned, each approved on its target; others' connections stay Pending", async () => {
    const foreign = [server.addForeignConnection(LAKE, "other-ws.mpe-lake-dfs"), server.addForeignConnection(LAKE, `${WS}.mpe-lake-dfs2`)];
    const { status } = await applyManagedPrivateEndpoints(clients(), three, [], fast);
    expect(status).toEqual(three.map((s) => ({ name: s.name, provisioningState: "Succeeded", connectionState: "Approved" })));
    for (const s of three) {
      expect(server.endpoints.get(s.name)).toMatchObject({
        privateLinkResourceId: s.privateLinkResourceId,
        groupId: s.groupId,
        provisioningState: "Succeeded",
      });
      expect(approval(s.name)).toEqual({ status: "Approved", description: APPROVAL_DESCRIPTION, actionsRequired: "None" });
    }
    for (const f of foreign) expect(f.properties.privateLinkServiceConnectionState.status).toBe("Pending");
    // Provisioning was polled (the fake needs two GETs), and each approval is one PUT on ARM.
    expect(writes().map((r) => `${r.method} ${r.path.replace(RG, "")}`)).toEqual([
      "PUT /managedVirtualNetworks/default/managedPrivateEndpoints/mpe-lake-dfs",
      "PUT /managedVirtualNetworks/default/managedPrivateEndpoints/mpe-landing-dfs",
      "PUT /managedVirtualNetworks/default/managedPrivateEndpoints/mpe-kv",
      `PUT /Microsoft.Storage/storageAccounts/strelmeshlake/privateEndpointConnections/${server.connectionOf("mpe-lake-dfs")!.name}`,
      `PUT /Microsoft.Storage/storageAccounts/strelmeshlanding/privateEndpointConnections/${server.connectionOf("mpe-landing-dfs")!.name}`,
      `PUT /Microsoft.KeyVault/vaults/kv-relmesh-dev/privateEndpointConnections/${server.connectionOf("mpe-kv")!.name}`,
    ]);
    expect(server.connectionOf("mpe-kv")!.properties.provisioningState).toBe("Succeeded");
  });

  test("a rerun sends zero writes (and asks ARM nothing: the workspace reports the approvals)", async () => {
    await applyManagedPrivateEndpoints(clients(), three, [], fast);
    server.requests.length = 0;
    const { plan, status } = await applyManagedPrivateEndpoints(clients(), three, three, fast);
    expect(plan).toEqual({ create: [], replace: [], wait: [], approve: [], remove: [] });
    expect(writes()).toEqual([]);
    expect(server.requests.every((r) => r.path.startsWith("/managedVirtualNetworks/"))).toBe(true);
    expect(status.every((s) => s.connectionState === "Approved")).toBe(true);
  });

  test("a connection already Approved on the target gets no write", async () => {
    await applyManagedPrivateEndpoints(clients(), [{ ...lake, approve: false }], [], fast);
    server.connectionOf("mpe-lake-dfs")!.properties.privateLinkServiceConnectionState.status = "Approved";
    server.requests.length = 0;
    await applyManagedPrivateEndpoints(clients(), [lake], [lake], fast);
    expect(writes()).toEqual([]);
  });

  test("approve: false leaves the connection Pending for its owner", async () => {
    const { status } = await applyManagedPrivateEndpoints(clients(), [{ ...landing, approve: false }], [], fast);
    expect(status).toEqual([{ name: "mpe-landing-dfs", provisioningState: "Succeeded", connectionState: "Pending" }]);
    expect(approval("mpe-landing-dfs")!.status).toBe("Pending");
  });

  test("a 429 with Retry-After is waited out and a 503 is retried; the run completes", async () => {
    server.faults.push(
      { method: "PUT", path: /managedPrivateEndpoints\/mpe-landing-dfs$/, times: 1, status: 429, retryAfter: "1" },
      { method: "PUT", path: /privateEndpointConnections\//, times: 1, status: 503 },
      { method: "GET", path: /privateEndpointConnections$/, times: 1, status: 503 },
    );
    await applyManagedPrivateEndpoints(clients(), three, [], fast);
    const i = server.requests.findIndex((r) => r.status === 429);
    expect(server.requests[i + 1]).toMatchObject({
      method: "PUT",
      path: "/managedVirtualNetworks/default/managedPrivateEndpoints/mpe-landing-dfs",
      status: 200,
    });
    expect(server.requests[i + 1].at - server.requests[i].at).toBeGreaterThanOrEqual(950);
    expect(server.requests.filter((r) => r.status === 503)).toHaveLength(2);
    for (const s of three) expect(approval(s.name)!.status).toBe("Approved");
  });

  test("an MPE stuck in Provisioning fails after the bound, naming the endpoint and its last state", async () => {
    server.stuck.add("mpe-kv");
    await expect(applyManagedPrivateEndpoints(clients(), three, [], { ...fast, maxWaitMs: 300 })).rejects.toThrow(
      /^managed private endpoint mpe-kv did not reach provisioningState Succeeded within \d+ s \(last provisioningState: Provisioning\)$/,
    );
    // The bound held: a handful of polls, not thousands.
    expect(server.requests.filter((r) => r.path.endsWith("/mpe-kv") && r.method === "GET").length).toBeLessThan(40);
  });

  test("removing a spec deletes that MPE (and only it); removing all deletes every one; a missing one is fine", async () => {
    await applyManagedPrivateEndpoints(clients(), three, [], fast);
    server.requests.length = 0;
    await applyManagedPrivateEndpoints(clients(), [lake, vault], three, fast);
    expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
      "DELETE /managedVirtualNetworks/default/managedPrivateEndpoints/mpe-landing-dfs",
    ]);
    expect([...server.endpoints.keys()].sort()).toEqual(["mpe-kv", "mpe-lake-dfs"]);
    expect(server.targets.get(LANDING.toLowerCase())!.connections.size).toBe(0);
    await removeManagedPrivateEndpoints(
      clients(),
      three.map((s) => s.name),
      fast,
    );
    expect(server.endpoints.size).toBe(0);
  });

  test("a changed target for the same name deletes the old MPE, then creates and approves the new one", async () => {
    await applyManagedPrivateEndpoints(clients(), [lake], [], fast);
    server.requests.length = 0;
    const moved = { ...lake, privateLinkResourceId: LANDING };
    await applyManagedPrivateEndpoints(clients(), [moved], [lake], fast);
    expect(writes().map((r) => r.method)).toEqual(["DELETE", "PUT", "PUT"]);
    expect(server.endpoints.get("mpe-lake-dfs")!.privateLinkResourceId).toBe(LANDING);
    expect(server.targets.get(LAKE.toLowerCase())!.connections.size).toBe(0);
    expect(approval("mpe-lake-dfs")!.status).toBe("Approved");
  });

  test("read reports a connection rejected by hand and an MPE deleted by hand; apply then refuses to override the rejection", async () => {
    await applyManagedPrivateEndpoints(clients(), three, [], fast);
    server.connectionOf("mpe-kv")!.properties.privateLinkServiceConnectionState = {
      status: "Rejected",
      description: "rejected in the portal",
      actionsRequired: "None",
    };
    server.deleteByHand("mpe-landing-dfs");
    const status = await readManagedPrivateEndpoints(clients(), three, fast);
    expect(status).toEqual([
      { name: "mpe-lake-dfs", provisioningState: "Succeeded", connectionState: "Approved" },
      { name: "mpe-landing-dfs", provisioningState: "NotFound" },
      { name: "mpe-kv", provisioningState: "Succeeded", connectionState: "Rejected" },
    ]);
    expect(needsRepair(three, status)).toBe(true);
    server.requests.length = 0;
    await expect(applyManagedPrivateEndpoints(clients(), three, three, fast)).rejects.toThrow(
      /mpe-kv is Rejected on .*kv-relmesh-dev; the stack does not override that/,
    );
    // The deleted one was recreated before the approvals; the rejected connection got no write.
    expect(server.endpoints.get("mpe-landing-dfs")!.provisioningState).toBe("Succeeded");
    // …and its new connection approved, not confused with the old one left Disconnected.
    expect(approval("mpe-landing-dfs")!.status).toBe("Approved");
    expect(
      [...server.targets.get(LANDING.toLowerCase())!.connections.values()]
        .map((c) => c.properties.privateLinkServiceConnectionState.status)
        .sort(),
    ).toEqual(["Approved", "Disconnected"]);
    expect(writes().some((r) => r.path.includes("kv-relmesh-dev"))).toBe(false);
  });

  test("each route family gets a token for its own scope (a Synapse token is refused by ARM)", async () => {
    const wrongArm = createPrivateLinkClients(
      fakeCredential,
      { devEndpoint: server.url, armEndpoint: server.url, workspaceName: WS },
      { tlsOptions: { ca: tls.cert }, retryOptions: { maxRetries: 0 } },
    );
    const res = await wrongArm.synapse.send("GET", `${LAKE}/privateEndpointConnections?api-version=2023-05-01`).catch((e) => e);
    expect(res.statusCode).toBe(401);
    expect((await wrongArm.arm.send("GET", `${LAKE}/privateEndpointConnections?api-version=2023-05-01`)).status).toBe(200);
  });
});
