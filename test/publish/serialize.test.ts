/**
 * Dynamic providers are serialized into the Pulumi state and run by Pulumi's provider host, away
 * from this module tree. Serialize them as `pulumi up` does (tsx), load them like the host, call them.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

let result: Record<string, any>;
beforeAll(() => {
  const script = join(__dirname, "serialize-provider.ts");
  result = JSON.parse(
    execFileSync(process.execPath, ["--import", "tsx", script], { cwd: join(__dirname, "..", ".."), encoding: "utf8", timeout: 60000 }),
  );
});

test("each provider serializes and loads with create, read, diff, update and delete", () => {
  for (const p of ["artifactsProvider", "sqlLayerProvider", "rbacProvider", "privateEndpointsProvider"])
    expect(result[p].methods).toEqual(["create", "read", "diff", "update", "delete"]);
});

test("the loaded read methods run from the serialized text and return an empty state unchanged", () => {
  expect(result.artifactsRead).toEqual({
    id: "artifacts@ws",
    props: { endpoint: "https://ws.dev.azuresynapse.net", artifacts: [], published: [] },
  });
  expect(result.rbacRead.props.assignments).toEqual([]);
  expect(result.sqlRead).toEqual({
    id: "sql@ws",
    props: { server: "ws-ondemand.sql.azuresynapse.net", scripts: [], hash: "h", objects: [] },
  });
});

test("the loaded SQL provider reports drift when a recorded view is missing", () => {
  expect(result.sqlDrift).toEqual({ changes: true, replaces: [] });
});

test("the loaded SQL provider: the serving layer's delete does nothing; a grant moved to another database is a replacement", () => {
  expect(result.sqlDelete).toBe("done");
  expect(result.sqlMoved).toEqual({ changes: true, replaces: ["onDelete"] });
});

test("the serialized providers require only npm packages and built-ins, never a relative path", () => {
  for (const p of ["artifactsProvider", "sqlLayerProvider", "rbacProvider", "privateEndpointsProvider"])
    for (const r of result[p].requires) expect(r).toMatch(/^require\("(@azure\/|tedious|crypto|dns")/);
  expect(result.sqlLayerProvider.requires).toContain('require("tedious/lib/tedious.js")');
  // The revoke on delete asks DNS whether a server it cannot reach still exists (stacks/publish/sql/revoke.ts).
  expect(result.sqlLayerProvider.requires).toContain('require("dns")');
  // Only the REST pipeline and the credential: not the ArtifactsClient behind client.ts.
  expect(result.privateEndpointsProvider.requires).toEqual(['require("@azure/core-rest-pipeline")', 'require("@azure/identity")']);
});

test("the loaded artifacts provider reports no change for equal hashes and a change for a changed trigger", () => {
  expect(result.unchanged).toEqual({ changes: false });
  expect(result.changed).toEqual({ changes: true });
});

test("the loaded private-endpoints provider diffs without replacing: equal specs no change, a changed spec an update", () => {
  expect(result.mpeUnchanged).toEqual({ changes: false, replaces: [] });
  expect(result.mpeChanged).toEqual({ changes: true, replaces: [] });
});

test("SEC-20 the loaded private-endpoints provider looks again at an endpoint its owner has not approved yet (owner-approval.test.ts)", () => {
  expect(result.mpeOwnerPending).toEqual({ changes: true, replaces: [] });
});
