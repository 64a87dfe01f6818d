/**
 * The publisher against a local HTTPS fake of the Synapse dev endpoint, through the real
 * ArtifactsClient pipeline (bearer policy, retry policy, LRO pollers), with injected faults.
 */
import { artifactsApi, createArtifactsClient } from "../../stacks/publish/client";
import { publishArtifacts, unpublishArtifacts } from "../../stacks/publish/publish";
import { publishedState } from "../../stacks/publish/planner";
import { startFakeSynapse, type FakeSynapse } from "./fake-synapse";
import { dataset, fullSet, linkedService, notebook, pipeline, trigger } from "./fixtures";
import { fakeCredential, makeSelfSignedCert, type TestCert } from "./tls";

let tls: TestCert;
let server: FakeSynapse;
beforeAll(() => (tls = makeSelfSignedCert()));
beforeEach(async () => (server = await startFakeSynapse(tls)));
afterEach(async () => server.close());

/** Short delays so faults cost milliseconds, not minutes; the production defaults are in client.ts and retry.ts. */
function api(requestTimeoutMs = 1500) {
  const client = createArtifactsClient(fakeCredential, server.url, {
    tlsOptions: { ca: tls.cert },
    retryOptions: { maxRetries: 3, retryDelayInMs: 20, maxRetryDelayInMs: 100 },
  });
  return artifactsApi(client, { pollIntervalMs: 10, requestTimeoutMs });
}
const fast = { retry: { attempts: 3, baseDelayMs: 20, maxDelayMs: 100 }, operationTimeoutMs: 10000 };
const writes = () => server.requests.filter((r) => ["PUT", "DELETE", "POST"].includes(r.method));
const keys = () => [...server.artifacts.keys()].sort();

test("a first publish leaves exactly the desired artifacts, polled to completion, with the trigger started", async () => {
  const { state } = await publishArtifacts(api(), fullSet(), [], fast);
  expect(keys()).toEqual(["dataset/ds_raw", "linkedService/ls_lake", "notebook/nb_ingest", "pipeline/pl_daily", "trigger/tr_daily"]);
  expect(server.triggerState.get("tr_daily")).toBe("Started");
  expect(state).toEqual(publishedState(fullSet()));
  // Both LRO styles were followed: Location (most kinds) and Azure-AsyncOperation (notebooks).
  expect(server.requests.some((r) => r.path.startsWith("/operationResults/") && r.status === 202)).toBe(true);
  expect(server.requests.some((r) => r.path.startsWith("/operationStatuses/"))).toBe(true);
  // The wire body is the SDK's serialization: flattened pipeline fields wrapped in `properties`.
  expect(server.artifacts.get("pipeline/pl_daily").properties.activities[0].typeProperties.notebook.referenceName).toBe("nb_ingest");
});

test("artifacts are written in dependency order (the fake refuses dangling references)", async () => {
  await publishArtifacts(api(), fullSet(), [], fast);
  expect(
    writes()
      .filter((r) => r.method === "PUT")
      .map((r) => r.path),
  ).toEqual(["/linkedservices/ls_lake", "/datasets/ds_raw", "/notebooks/nb_ingest", "/pipelines/pl_daily", "/triggers/tr_daily"]);
});

test("a second run with nothing changed sends no PUT, DELETE or POST", async () => {
  const first = await publishArtifacts(api(), fullSet(), [], fast);
  const before = server.requests.length;
  const second = await publishArtifacts(api(), fullSet(), first.state, fast);
  expect(second.operations).toEqual([]);
  expect(server.requests.length).toBe(before);
});

test("a changed trigger is stopped before it is updated, and ends started", async () => {
  const first = await publishArtifacts(api(), fullSet(), [], fast);
  server.requests.length = 0;
  await publishArtifacts(
    api(),
    [linkedService(), dataset(), notebook(), pipeline(), trigger("tr_daily", "pl_daily", 12)],
    first.state,
    fast,
  );
  expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
    "POST /triggers/tr_daily/stop",
    "PUT /triggers/tr_daily",
    "POST /triggers/tr_daily/start",
  ]);
  expect(server.artifacts.get("trigger/tr_daily").properties.typeProperties.interval).toBe(12);
  expect(server.triggerState.get("tr_daily")).toBe("Started");
});

test("removed artifacts are deleted, triggers first, and are gone from the workspace", async () => {
  const first = await publishArtifacts(api(), [...fullSet(), dataset("ds_old"), pipeline("pl_old"), trigger("tr_old", "pl_old")], [], fast);
  server.requests.length = 0;
  await publishArtifacts(api(), fullSet(), first.state, fast);
  expect(writes().map((r) => `${r.method} ${r.path}`)).toEqual([
    "POST /triggers/tr_old/stop",
    "DELETE /triggers/tr_old",
    "DELETE /pipelines/pl_old",
    "DELETE /datasets/ds_old",
  ]);
  expect(keys()).toEqual(["dataset/ds_raw", "linkedService/ls_lake", "notebook/nb_ingest", "pipeline/pl_daily", "trigger/tr_daily"]);
});

test("unpublish removes everything it published", async () => {
  const first = await publishArtifacts(api(), fullSet(), [], fast);
  const result = await unpublishArtifacts(api(), first.state, fast);
  expect(result.state).toEqual([]);
  expect(keys()).toEqual([]);
});

test("429 with Retry-After is retried after the time the service asked for", async () => {
  server.faults.push({ method: "PUT", path: /^\/datasets\//, times: 1, status: 429, retryAfter: "1" });
  await publishArtifacts(api(), fullSet(), [], fast);
  const i = server.requests.findIndex((r) => r.status === 429);
  const next = server.requests[i + 1];
  expect(next).toMatchObject({ method: "PUT", path: "/datasets/ds_raw", status: 202 });
  expect(next.at - server.requests[i].at).toBeGreaterThanOrEqual(950);
  expect(keys()).toContain("dataset/ds_raw");
});

test("500s on writes and on polls are retried with backoff and the publish completes", async () => {
  server.faults.push(
    { method: "PUT", path: /^\/pipelines\//, times: 2, status: 500 },
    { method: "GET", path: /^\/operationResults\//, times: 1, status: 503 },
  );
  await publishArtifacts(api(), fullSet(), [], fast);
  expect(server.requests.filter((r) => r.status >= 500).length).toBe(3);
  expect(keys()).toHaveLength(5);
  expect(server.triggerState.get("tr_daily")).toBe("Started");
});

test("a slow answer beyond the request timeout is abandoned and the operation retried", async () => {
  server.faults.push({ method: "PUT", path: /^\/notebooks\//, times: 1, delayMs: 1500 });
  await publishArtifacts(api(300), fullSet(), [], fast);
  expect(server.received.filter((r) => r.method === "PUT" && r.path === "/notebooks/nb_ingest").length).toBe(2);
  expect(keys()).toContain("notebook/nb_ingest");
});

test("persistent failure stops after a bounded number of attempts and names the operation", async () => {
  server.faults.push({ method: "PUT", path: /^\/datasets\//, times: 100, status: 500 });
  await expect(publishArtifacts(api(), fullSet(), [], fast)).rejects.toThrow(/\[2\/6\] create dataset ds_raw failed after 3 attempt\(s\)/);
  // 3 outer attempts × (1 + 3 pipeline retries); nothing after the dataset was attempted.
  expect(server.requests.filter((r) => r.path === "/datasets/ds_raw").length).toBe(12);
  expect(server.requests.some((r) => r.path.startsWith("/pipelines"))).toBe(false);
});

test("a rerun after a failed publish converges, and the trigger stopped for its update ends started", async () => {
  const first = await publishArtifacts(api(), fullSet(), [], fast);
  const desired = [linkedService(), dataset(), notebook(), pipeline(), trigger("tr_daily", "pl_daily", 6)];
  server.faults.push({ method: "PUT", path: /^\/triggers\//, times: 100, status: 400 });
  await expect(publishArtifacts(api(), desired, first.state, fast)).rejects.toThrow(/update trigger tr_daily/);
  expect(server.triggerState.get("tr_daily")).toBe("Stopped");
  server.faults.length = 0;
  await publishArtifacts(api(), desired, first.state, fast);
  expect(server.triggerState.get("tr_daily")).toBe("Started");
  expect(server.artifacts.get("trigger/tr_daily").properties.typeProperties.interval).toBe(6);
});

test("the client trusts only the certificate it was given (the fake really is TLS)", async () => {
  const untrusted = artifactsApi(createArtifactsClient(fakeCredential, server.url, { retryOptions: { maxRetries: 0 } }), {
    pollIntervalMs: 10,
  });
  await expect(publishArtifacts(untrusted, [linkedService()], [], fast)).rejects.toThrow(/self[- ]signed certificate/);
});
