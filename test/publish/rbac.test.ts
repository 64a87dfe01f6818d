import { AccessControlClient } from "@azure/synapse-access-control";
import {
  assertSameDeployer,
  assignSynapseRoles,
  objectIdFromToken,
  principalTypeFromToken,
  removeSynapseRoles,
  SYNAPSE_ROLES,
  synapseRoleAssignments,
} from "../../stacks/publish/rbac";
import { plannedSynapseRbac } from "../../config/roles";
import { startFakeSynapse, type FakeSynapse } from "./fake-synapse";
import { fakeCredential, makeSelfSignedCert, type TestCert } from "./tls";

const principals = {
  workspaceName: "syn-relmesh-dev",
  deployerObjectId: "de910e40-0000-4000-8000-00000000000c",
  deployerType: "User" as const,
  adminGroupObjectId: "a0000000-0000-4000-8000-000000000001",
};

test("the deployer and the admin group are Synapse Administrators (which includes Credential User on the workspace credential); the workspace identity gets no Synapse role", () => {
  expect(synapseRoleAssignments(principals).map((a) => [a.principalId, a.role, a.scope])).toEqual([
    [principals.deployerObjectId, "Synapse Administrator", "workspaces/syn-relmesh-dev"],
    [principals.adminGroupObjectId, "Synapse Administrator", "workspaces/syn-relmesh-dev"],
  ]);
});

test("what the stack reports (plannedSynapseRbac) is exactly what the publisher assigns", () => {
  expect(synapseRoleAssignments(principals).map((a) => [a.role, a.roleId, a.reason])).toEqual(
    plannedSynapseRbac().map((g) => [g.role, g.roleId, g.reason]),
  );
});

test("assignment ids are deterministic name-based UUIDs, different per principal", () => {
  const a = synapseRoleAssignments(principals);
  expect(synapseRoleAssignments(principals).map((x) => x.id)).toEqual(a.map((x) => x.id));
  expect(new Set(a.map((x) => x.id)).size).toBe(2);
  for (const x of a) expect(x.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test("the deployer's principal type is read from its token", () => {
  const jwt = (claims: object) => `x.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.y`;
  expect(principalTypeFromToken(jwt({ idtyp: "app", oid: "1" }))).toBe("ServicePrincipal");
  expect(principalTypeFromToken(jwt({ scp: "user_impersonation" }))).toBe("User");
  expect(principalTypeFromToken("not-a-jwt")).toBeUndefined();
});

describe("against the local HTTPS fake", () => {
  let tls: TestCert;
  let server: FakeSynapse;
  beforeAll(async () => {
    tls = makeSelfSignedCert();
    server = await startFakeSynapse(tls);
  });
  afterAll(async () => server.close());
  const client = () =>
    new AccessControlClient(fakeCredential, server.url, {
      tlsOptions: { ca: tls.cert },
      retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    });
  const fast = { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 };

  test("assigning twice is idempotent: the second run meets 409 and creates nothing", async () => {
    const wanted = synapseRoleAssignments(principals);
    expect(await assignSynapseRoles(client().roleAssignments, wanted, fast)).toEqual(wanted.map((a) => a.id));
    expect(await assignSynapseRoles(client().roleAssignments, wanted, fast)).toEqual([]);
    expect([...server.roleAssignments.values()].map((r) => r.roleDefinitionId).sort()).toEqual(
      [SYNAPSE_ROLES["Synapse Administrator"], SYNAPSE_ROLES["Synapse Administrator"]].sort(),
    );
    expect(server.roleAssignments.get(wanted[1].id)).toMatchObject({ principalType: "Group", scope: "workspaces/syn-relmesh-dev" });
  });

  test("a 403 while RBAC propagates is retried (REL-17), and removal deletes only the given ids", async () => {
    const wanted = synapseRoleAssignments({ ...principals, deployerObjectId: "c0000000-0000-4000-8000-000000000003" });
    server.faults.push({ method: "PUT", path: /^\/roleAssignments\//, times: 1, status: 403 });
    const created = await assignSynapseRoles(client().roleAssignments, wanted, fast);
    expect(created).toEqual([wanted[0].id]);
    await removeSynapseRoles(
      client().roleAssignments,
      wanted.filter((a) => created.includes(a.id)),
      fast,
    );
    expect(server.roleAssignments.has(wanted[0].id)).toBe(false);
    expect(server.roleAssignments.has(wanted[1].id)).toBe(true);
  });
});

describe("one deployer identity", () => {
  const token = (claims: Record<string, unknown>) => `x.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.y`;

  test("the publisher's token must be the principal Pulumi's provider deploys as; a different one fails naming both and the fix", () => {
    expect(() =>
      assertSameDeployer(token({ oid: "aaaaaaaa-0000-4000-8000-000000000001" }), "AAAAAAAA-0000-4000-8000-000000000001"),
    ).not.toThrow();
    expect(() =>
      assertSameDeployer(token({ oid: "bbbbbbbb-0000-4000-8000-000000000002" }), "aaaaaaaa-0000-4000-8000-000000000001"),
    ).toThrow(
      "the publisher signed in as bbbbbbbb-0000-4000-8000-000000000002, but pulumi's azure-native provider deploys as aaaaaaaa-0000-4000-8000-000000000001: use one identity for both",
    );
  });

  test("the object id is read from the token's oid claim", () => {
    expect(objectIdFromToken(token({ oid: "cccccccc-0000-4000-8000-000000000003", idtyp: "app" }))).toBe(
      "cccccccc-0000-4000-8000-000000000003",
    );
    expect(objectIdFromToken("not-a-jwt")).toBeUndefined();
  });
});
