/** The Pulumi program under mocks, with the publisher wired in (dynamic resources register like any custom resource). */
import { runPlan, type PlanResult } from "../../stacks/plan";
import { PUBLISH_ORDER } from "../../synapse-artifacts/model";
import { devConfig, find, ofType, T } from "../stacks/harness";

const ARTIFACTS = "pulumi-nodejs:dynamic/relmesh:SynapseArtifacts";
const RBAC = "pulumi-nodejs:dynamic/relmesh:SynapseRoleAssignments";
const SQL = "pulumi-nodejs:dynamic/relmesh:SynapseSqlLayer";
let plan: PlanResult;
beforeAll(async () => (plan = await runPlan(devConfig())));

const deps = (type: string, name: string) => find(plan, type, name).dependencies;

test("REL-17 publishing waits for the workspace, its firewall rules and every ARM role assignment", () => {
  const urnsOf = (type: string) => ofType(plan, type).map((r) => r.urn);
  for (const [type, name] of [
    [RBAC, "synapse-rbac"],
    [ARTIFACTS, "synapse-artifacts"],
    [SQL, "synapse-sql-layer"],
  ]) {
    expect(deps(type, name)).toEqual(
      expect.arrayContaining([...urnsOf(T.workspace), ...urnsOf(T.firewallRule), ...urnsOf(T.roleAssignment)]),
    );
  }
});

test("Synapse RBAC comes before the artifacts, and the artifacts before the serving SQL", () => {
  expect(deps(ARTIFACTS, "synapse-artifacts")).toContain(find(plan, RBAC, "synapse-rbac").urn);
  expect(deps(SQL, "synapse-sql-layer")).toContain(find(plan, ARTIFACTS, "synapse-artifacts").urn);
});

test("the artifacts go to the workspace's dev endpoint as plain JSON, grouped in publish order", () => {
  const inputs = find(plan, ARTIFACTS, "synapse-artifacts").inputs as {
    endpoint: string;
    artifacts: Array<{ kind: string; name: string }>;
  };
  expect(inputs.endpoint).toBe(`https://${devConfig().names.synapseWorkspace}.dev.azuresynapse.net`);
  const ranks = inputs.artifacts.map((a) => PUBLISH_ORDER.indexOf(a.kind as never));
  expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  expect(new Set(inputs.artifacts.map((a) => a.kind))).toEqual(new Set(PUBLISH_ORDER));
});

test("the role assignments name the deployer, the admin group and the workspace identity", () => {
  const i = find(plan, RBAC, "synapse-rbac").inputs as Record<string, string>;
  expect(i.adminGroupObjectId).toBe(devConfig().adminGroupObjectId);
  expect(i.deployerObjectId).toMatch(/^[0-9a-f-]{36}$/);
  // The workspace identity gets no Synapse role: scheduled runs need none, and people who start runs are Administrators.
  expect(i.workspaceIdentityObjectId).toBeUndefined();
});

test("the SQL layer targets the serverless endpoint and carries a hash that reruns it on change", () => {
  const i = find(plan, SQL, "synapse-sql-layer").inputs as { server: string; hash: string; scripts: unknown[] };
  expect(i.server).toBe(`${devConfig().names.synapseWorkspace}-ondemand.sql.azuresynapse.net`);
  expect(i.hash).toMatch(/^[0-9a-f]{64}$/);
  expect(i.scripts.length).toBeGreaterThan(0);
});

test("the serialized provider code is masked in the plan", () => {
  for (const t of [ARTIFACTS, RBAC, SQL]) expect(ofType(plan, t)[0].inputs.__provider).toBe("[dynamic provider code]");
});
