/**
 * `pulumi refresh`: what the providers' read finds in the workspace, against the local HTTPS fake,
 * and that the next diff then asks for the repair (which the existing update performs).
 */
import { AccessControlClient } from "@azure/synapse-access-control";
import { artifactsApi, createArtifactsClient } from "../../stacks/publish/client";
import { projectOnto, sameContent } from "../../stacks/publish/hash";
import { planPublish, publishedState, describeOperation } from "../../stacks/publish/planner";
import { artifactsProvider, rbacProvider, type ArtifactsState, type RbacState } from "../../stacks/publish/providers";
import { publishArtifacts, readPublished } from "../../stacks/publish/publish";
import { assignSynapseRoles, presentSynapseRoles, synapseRoleAssignments } from "../../stacks/publish/rbac";
import type { Artifact } from "../../synapse-artifacts/model";
import { artifactsFor, devConfig } from "../synapse-artifacts/helpers";
import { startFakeSynapse, type FakeSynapse } from "./fake-synapse";
import { fullSet } from "./fixtures";
import { fakeCredential, makeSelfSignedCert, type TestCert } from "./tls";

let tls: TestCert;
let server: FakeSynapse;
beforeAll(() => (tls = makeSelfSignedCert()));
beforeEach(async () => (server = await startFakeSynapse(tls)));
afterEach(async () => server.close());

function api() {
  const client = createArtifactsClient(fakeCredential, server.url, {
    tlsOptions: { ca: tls.cert },
    retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  });
  return artifactsApi(client, { pollIntervalMs: 10, requestTimeoutMs: 5000 });
}
const fast = { retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 }, operationTimeoutMs: 10000 };
const json = (a: Artifact[]) => JSON.parse(JSON.stringify(a)) as Artifact[];

/** What the provider stores after a successful create: the inputs plus the published hashes. */
async function published(artifacts: Artifact[]): Promise<ArtifactsState> {
  const { state } = await publishArtifacts(api(), artifacts, [], fast);
  return { endpoint: server.url, artifacts, published: state };
}

describe("comparing what the workspace holds with what was sent", () => {
  test("fields the service adds are ignored, and a Date equals its ISO string in any precision", () => {
    const sent = { properties: { startTime: "2026-01-01T00:00:00Z", interval: 24 } };
    const got = {
      id: "/x",
      etag: "e1",
      properties: { startTime: new Date("2026-01-01T00:00:00Z"), interval: 24, runtimeState: "Started" },
    };
    expect(projectOnto(got, sent)).toEqual({ properties: { startTime: "2026-01-01T00:00:00.000Z", interval: 24 } });
    expect(sameContent(got, sent)).toBe(true);
  });

  test("a changed value, a removed field or a changed array is a difference", () => {
    const sent = { a: 1, b: { c: [1, 2] } };
    expect(sameContent({ a: 2, b: { c: [1, 2] } }, sent)).toBe(false);
    expect(sameContent({ a: 1, b: {} }, sent)).toBe(false);
    expect(sameContent({ a: 1, b: { c: [1, 2, 3] } }, sent)).toBe(false);
  });
});

describe("artifacts", () => {
  test("no drift: read returns the state unchanged and the next diff reports nothing", async () => {
    const state = await published(json(fullSet()));
    const read = await readPublished(api(), state.artifacts, state.published, fast);
    expect(read).toEqual(state.published);
    expect(
      await artifactsProvider.diff!("id", { ...state, published: read }, { endpoint: state.endpoint, artifacts: state.artifacts }),
    ).toEqual({ changes: false });
  });

  test("the dev stack's generated artifacts read back without drift after the SDK round trip", async () => {
    const state = await published(json(artifactsFor(devConfig())));
    expect(state.published.length).toBeGreaterThan(5);
    expect(await readPublished(api(), state.artifacts, state.published, fast)).toEqual(state.published);
  });

  test("an artifact changed or deleted by hand shows in read's outs, and the next up repairs exactly those", async () => {
    const state = await published(json(fullSet()));
    server.artifacts.get("dataset/ds_raw").properties.typeProperties.location.folderPath = "edited-in-studio";
    server.artifacts.delete("notebook/nb_ingest");
    const read = await readPublished(api(), state.artifacts, state.published, fast);
    const byKey = (p: typeof read) => new Map(p.map((a) => [`${a.kind}/${a.name}`, a.hash]));
    const before = byKey(state.published);
    const after = byKey(read);
    expect([...before.keys()].filter((k) => after.get(k) !== before.get(k)).sort()).toEqual(["dataset/ds_raw", "notebook/nb_ingest"]);
    expect(after.has("notebook/nb_ingest")).toBe(false);
    expect(after.get("pipeline/pl_daily")).toBe(before.get("pipeline/pl_daily"));

    const refreshed: ArtifactsState = { ...state, published: read };
    expect(await artifactsProvider.diff!("id", refreshed, { endpoint: state.endpoint, artifacts: state.artifacts })).toEqual({
      changes: true,
    });
    expect(planPublish(state.artifacts, read).map(describeOperation)).toEqual(["update dataset ds_raw", "create notebook nb_ingest"]);

    const repaired = await publishArtifacts(api(), state.artifacts, read, fast);
    expect(server.artifacts.get("dataset/ds_raw").properties.typeProperties.location.folderPath).toBe("raw");
    expect(await readPublished(api(), state.artifacts, repaired.state, fast)).toEqual(publishedState(state.artifacts));
  });

  test("a trigger stopped by hand is run-state drift: the repair starts it without putting it again", async () => {
    const state = await published(json(fullSet()));
    server.triggerState.set("tr_daily", "Stopped");
    const read = await readPublished(api(), state.artifacts, state.published, fast);
    expect(read.find((p) => p.kind === "trigger")).toMatchObject({ started: false });
    expect(planPublish(state.artifacts, read).map(describeOperation)).toEqual(["start trigger tr_daily"]);
    await publishArtifacts(api(), state.artifacts, read, fast);
    expect(server.triggerState.get("tr_daily")).toBe("Started");
  });

  test("a trigger started by hand while the schedule is held (before MGDC consent) is stopped again", async () => {
    const state = await published(json(fullSet()));
    const read = await readPublished(api(), state.artifacts, state.published, fast);
    expect(planPublish(state.artifacts, read, { triggersStarted: false }).map(describeOperation)).toEqual(["stop trigger tr_daily"]);
  });

  test("read only sends GETs", async () => {
    const state = await published(json(fullSet()));
    server.requests.length = 0;
    await readPublished(api(), state.artifacts, state.published, fast);
    expect(new Set(server.requests.map((r) => r.method))).toEqual(new Set(["GET"]));
    expect(server.requests).toHaveLength(5);
  });
});

describe("Synapse RBAC", () => {
  const principals = {
    workspaceName: "syn-relmesh-dev",
    deployerObjectId: "de910e40-0000-4000-8000-00000000000c",
    adminGroupObjectId: "a0000000-0000-4000-8000-000000000001",
  };
  const roles = () =>
    new AccessControlClient(fakeCredential, server.url, {
      tlsOptions: { ca: tls.cert },
      retryOptions: { maxRetries: 1, retryDelayInMs: 10 },
    }).roleAssignments;
  const retry = { attempts: 2, baseDelayMs: 10, maxDelayMs: 50 };

  async function assigned(): Promise<RbacState> {
    const assignments = synapseRoleAssignments(principals);
    const created = await assignSynapseRoles(roles(), assignments, retry);
    return { ...principals, endpoint: server.url, assignments, created };
  }

  test("no drift: every assignment is found and the next diff reports nothing", async () => {
    const state = await assigned();
    expect(await presentSynapseRoles(roles(), state.assignments, retry)).toEqual(state.assignments);
    expect(await rbacProvider.diff!("id", state, { ...principals, endpoint: server.url })).toEqual({ changes: false });
  });

  test("an assignment removed by hand is missing from read's outs, and the next diff reports a change", async () => {
    const state = await assigned();
    server.roleAssignments.delete(state.assignments[1].id);
    const present = await presentSynapseRoles(roles(), state.assignments, retry);
    expect(present).toEqual(state.assignments.slice(0, 1));
    expect(await rbacProvider.diff!("id", { ...state, assignments: present }, { ...principals, endpoint: server.url })).toEqual({
      changes: true,
    });
    // The update re-assigns every wanted role; the removed one is created again.
    await assignSynapseRoles(roles(), synapseRoleAssignments(principals), retry);
    expect(server.roleAssignments.has(state.assignments[1].id)).toBe(true);
  });

  test("an equal assignment under another id (made by hand or by workspace creation) counts as present", async () => {
    const [admin] = synapseRoleAssignments(principals);
    server.roleAssignments.set("99999999-0000-4000-8000-000000000009", {
      id: "99999999-0000-4000-8000-000000000009",
      roleDefinitionId: admin.roleId,
      principalId: admin.principalId,
      scope: admin.scope,
    });
    expect(await presentSynapseRoles(roles(), [admin], retry)).toEqual([admin]);
  });
});
