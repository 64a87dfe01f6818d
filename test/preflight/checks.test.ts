/** stacks/preflight/checks.ts: each check's pass, fail and skipped cases, with the exact messages. */
import { loadRelmesh } from "../../config/load";
import type { RelmeshConfig } from "../../config/stack";
import {
  blocks,
  checkDeployerRole,
  checkGlobalNames,
  checkGraphPermissions,
  checkMgdcRegion,
  checkProviders,
  DEPLOYER_ROLE_IDS,
  DIRECTORY_ROLE_IDS,
  runChecks,
  type CheckResult,
} from "../../stacks/preflight/checks";
import type { AzureFacts, GraphFacts, NoAzureFacts } from "../../stacks/preflight/facts";

const SUB = "00000000-0000-4000-8000-0000000000aa";
const OID = "aaaaaaaa-0000-4000-8000-000000000001";
const config: RelmeshConfig = loadRelmesh("dev", { subscriptionId: SUB }).config;
const REGISTERED = Object.fromEntries(
  [
    "Microsoft.Synapse",
    "Microsoft.Storage",
    "Microsoft.KeyVault",
    "Microsoft.OperationalInsights",
    "Microsoft.Insights",
    "Microsoft.Consumption",
    "Microsoft.Authorization",
  ].map((p) => [p, "Registered"]),
);
const userGraph = (roles: Array<keyof typeof DIRECTORY_ROLE_IDS>, defaults?: GraphFacts["defaultUserPermissions"]): GraphFacts => ({
  tokenKind: "user",
  directoryRoles: roles.map((r) => ({ displayName: r, roleTemplateId: DIRECTORY_ROLE_IDS[r] })),
  graphAppPermissions: [],
  ...(defaults ? { defaultUserPermissions: defaults } : {}),
});
const at = (scope: string, role: keyof typeof DEPLOYER_ROLE_IDS, condition?: string) => ({
  scope,
  roleDefinitionGuid: DEPLOYER_ROLE_IDS[role],
  roleName: role,
  ...(condition ? { condition } : {}),
});

function facts(over: Partial<AzureFacts> = {}): AzureFacts {
  return {
    available: true,
    subscriptionId: SUB,
    deployer: { objectId: OID, kind: "user", name: "ada@contoso.com" },
    resourceGroupExists: { value: false },
    providers: { value: REGISTERED },
    roleAssignments: { value: [at(`/subscriptions/${SUB}`, "Owner")] },
    graph: { value: userGraph(["Application Administrator", "Groups Administrator"]) },
    names: {
      lakeAccount: { value: { available: true, existsInResourceGroup: false } },
      landingAccount: { value: { available: true, existsInResourceGroup: false } },
      keyVault: { value: { available: true, existsInResourceGroup: false } },
      synapseWorkspace: { value: { available: true, existsInResourceGroup: false } },
    },
    ...over,
  };
}
const none: NoAzureFacts = { available: false, reason: "no Azure credentials", detail: "no Azure credentials (x): sign in" };
const statuses = (rs: CheckResult[]) => rs.map((r) => `${r.status} ${r.id}`);

test("everything in order: every check passes and nothing blocks", () => {
  const results = runChecks(config, facts());
  expect(results.filter((r) => r.status !== "pass")).toEqual([]);
  expect(results.map((r) => r.id)).toEqual([
    "azure",
    "provider.Microsoft.Synapse",
    "provider.Microsoft.Storage",
    "provider.Microsoft.KeyVault",
    "provider.Microsoft.OperationalInsights",
    "provider.Microsoft.Insights",
    "provider.Microsoft.Consumption",
    "provider.Microsoft.Authorization",
    "arm-role",
    "graph",
    "region",
    "name.lakeAccount",
    "name.landingAccount",
    "name.keyVault",
    "name.synapseWorkspace",
  ]);
  expect(results[0].detail).toBe(`user ada@contoso.com (object id ${OID}) on subscription ${SUB}`);
  expect(blocks(results)).toBe(false);
});

test("without Azure facts every Azure check is skipped with the reason; the offline region check still runs", () => {
  const results = runChecks(config, none);
  expect(results.filter((r) => r.status !== "skipped").map((r) => r.id)).toEqual(["region"]);
  expect(results[0]).toEqual({
    id: "azure",
    title: "Azure credentials and subscription",
    status: "skipped",
    detail: "no Azure credentials (x): sign in",
  });
  expect(results[1].detail).toBe("no Azure credentials");
  expect(blocks(results)).toBe(false);
});

test("signed in but no subscription: the access row fails with its fix, the rest are skipped", () => {
  const results = runChecks(config, {
    available: false,
    reason: "no subscription to check",
    detail: "signed in, but 2 subscriptions",
    fix: "pass --subscription",
  });
  expect(results[0]).toMatchObject({ status: "fail", detail: "signed in, but 2 subscriptions", fix: "pass --subscription" });
  expect(blocks(results)).toBe(true);
});

test("data-path model results are appended and count toward the exit", () => {
  const extra: CheckResult = { id: "datapath.x", title: "data path", status: "fail", detail: "d", fix: "f" };
  const results = runChecks(config, facts(), [extra]);
  expect(results[results.length - 1]).toBe(extra);
  expect(blocks(results)).toBe(true);
});

describe("resource providers", () => {
  test("an unregistered provider fails, naming it and the az command", () => {
    const r = checkProviders(config, facts({ providers: { value: { ...REGISTERED, "Microsoft.Synapse": "NotRegistered" } } }));
    expect(r[0]).toEqual({
      id: "provider.Microsoft.Synapse",
      title: "resource provider Microsoft.Synapse registered",
      status: "fail",
      detail: `Microsoft.Synapse is NotRegistered in subscription ${SUB}`,
      fix: `az provider register --namespace Microsoft.Synapse --subscription ${SUB}`,
    });
  });
  test("a provider missing from the list fails as not listed; namespaces compare case-insensitively", () => {
    const { ["Microsoft.Consumption"]: _, ...rest } = REGISTERED;
    const r = checkProviders(config, facts({ providers: { value: { ...rest, "microsoft.synapse": "Registered" } } }));
    expect(r.find((x) => x.id === "provider.Microsoft.Consumption")!.detail).toBe(
      `Microsoft.Consumption is not listed in subscription ${SUB}`,
    );
    expect(r.find((x) => x.id === "provider.Microsoft.Synapse")!.status).toBe("pass");
  });
  test("Microsoft.Sql is required only with a dedicated SQL pool", () => {
    expect(checkProviders(config, facts()).map((r) => r.id)).not.toContain("provider.Microsoft.Sql");
    const withPool = { ...config, dedicatedSqlPool: { name: "dw", sku: "DW100c" } };
    expect(statuses(checkProviders(withPool, facts()))).toContain("fail provider.Microsoft.Sql");
  });
  test("an unreadable provider list fails every provider row", () => {
    const r = checkProviders(config, facts({ providers: { error: "GET /x answered 403 AuthorizationFailed" } }));
    expect(r[0]).toMatchObject({
      status: "fail",
      detail: "could not list the subscription's resource providers: GET /x answered 403 AuthorizationFailed",
    });
  });
});

describe("deployer's ARM role", () => {
  const sub = `/subscriptions/${SUB}`;
  const fix = `ask an Owner of the subscription: az role assignment create --assignee ${OID} --role Owner --scope ${sub} (or Contributor plus User Access Administrator / Role Based Access Control Administrator)`;
  const role = (assignments: AzureFacts["roleAssignments"], over: Partial<AzureFacts> = {}) =>
    checkDeployerRole(config, facts({ roleAssignments: assignments, ...over }));

  test("Owner at the subscription passes", () => {
    expect(role({ value: [at(sub, "Owner")] })).toMatchObject({
      status: "pass",
      detail: `user ada@contoso.com (object id ${OID}) holds Owner at ${sub}`,
    });
  });
  test("Contributor + User Access Administrator passes; so does Owner inherited from a management group", () => {
    expect(role({ value: [at(sub, "Contributor"), at(sub, "User Access Administrator")] }).status).toBe("pass");
    expect(role({ value: [at("/providers/Microsoft.Management/managementGroups/corp", "Owner")] }).status).toBe("pass");
  });
  test("Contributor + conditional RBAC Administrator passes and names the roles the condition must allow", () => {
    expect(role({ value: [at(sub, "Contributor"), at(sub, "Role Based Access Control Administrator", "@Request[x] ...")] }).detail).toBe(
      `user ada@contoso.com (object id ${OID}) holds Contributor at ${sub}, Role Based Access Control Administrator at ${sub} (with a condition); the role-assignment right carries a condition: it must allow assigning Key Vault Secrets Officer, Storage Blob Data Contributor and Storage Blob Data Reader`,
    );
  });
  test("Contributor alone fails: it cannot make role assignments", () => {
    expect(role({ value: [at(sub, "Contributor")] })).toEqual({
      id: "arm-role",
      title: "deployer may create resources and role assignments",
      status: "fail",
      detail: `user ada@contoso.com (object id ${OID}) holds Contributor at ${sub}: it can create resources but not role assignments`,
      fix,
    });
  });
  test("User Access Administrator alone fails: it cannot create resources", () => {
    expect(role({ value: [at(sub, "User Access Administrator")] }).detail).toMatch(/: it cannot create resources$/);
  });
  test("no role fails", () => {
    expect(role({ value: [] }).detail).toBe(
      `user ada@contoso.com (object id ${OID}) holds no role at ${sub}: it cannot create resources or role assignments`,
    );
  });
  test("Owner on the resource group counts only when the group exists", () => {
    const rg = `${sub}/resourceGroups/${config.names.resourceGroup}`;
    expect(role({ value: [at(rg, "Owner")] }).status).toBe("fail");
    expect(role({ value: [at(rg, "Owner")] }, { resourceGroupExists: { value: true } }).status).toBe("pass");
    expect(role({ value: [at(`${sub}/resourceGroups/other`, "Owner")] }, { resourceGroupExists: { value: true } }).status).toBe("fail");
  });
  test("a custom role is judged by its permissions", () => {
    const custom = (actions: string[], notActions: string[] = []) => ({
      scope: sub,
      roleDefinitionGuid: "c0ffee00-0000-4000-8000-000000000000",
      roleName: "Deployer",
      permissions: { actions, notActions },
    });
    expect(role({ value: [custom(["*"])] }).status).toBe("pass");
    expect(role({ value: [custom(["*"], ["Microsoft.Authorization/*/Write"])] }).detail).toMatch(
      /holds Deployer at .*: it can create resources but not role assignments$/,
    );
  });
  test("an unreadable assignment list fails with the error", () => {
    expect(role({ error: "GET /x answered 403 AuthorizationFailed" }).detail).toBe(
      `could not list the role assignments of user ada@contoso.com (object id ${OID}): GET /x answered 403 AuthorizationFailed`,
    );
  });
});

describe("Graph permissions (MGDC on)", () => {
  const g = (graph: GraphFacts, cfg: RelmeshConfig = config, deployer: AzureFacts["deployer"] = facts().deployer) =>
    checkGraphPermissions(cfg, facts({ graph: { value: graph }, deployer }));
  const sp: AzureFacts["deployer"] = { objectId: OID, kind: "servicePrincipal", appId: "app-1" };
  const spGraph = (perms: string[]): GraphFacts => ({ tokenKind: "servicePrincipal", directoryRoles: [], graphAppPermissions: perms });

  test("a user with Application Administrator and Groups Administrator passes, saying it judged a user token", () => {
    expect(g(userGraph(["Application Administrator", "Groups Administrator"]))).toMatchObject({
      status: "pass",
      detail: "user token; directory roles: Application Administrator, Groups Administrator",
    });
  });
  test("a user with Cloud Application Administrator only fails when the program must create the group", () => {
    expect(g(userGraph(["Cloud Application Administrator"]))).toEqual({
      id: "graph",
      title: "deployer may create the MGDC app registration and group",
      status: "fail",
      detail:
        "user token; directory roles: Cloud Application Administrator: cannot create security groups (the tenant's default user permissions could not be read)",
      fix: `have a Privileged Role Administrator give ${OID} the Application Administrator or Cloud Application Administrator role (and Groups Administrator, or set relmesh:allowedGroupObjectIds to existing groups)`,
    });
    const existing = { ...config, allowedGroupObjectIds: ["44444444-4444-4444-8444-444444444444"] };
    expect(g(userGraph(["Cloud Application Administrator"]), existing)).toMatchObject({
      status: "pass",
      detail: "user token; directory roles: Cloud Application Administrator (no group is created: relmesh:allowedGroupObjectIds is set)",
    });
  });
  test("a user without roles passes when the tenant lets every user create apps and security groups, and fails when it does not", () => {
    expect(g(userGraph([], { allowedToCreateApps: true, allowedToCreateSecurityGroups: true }))).toMatchObject({
      status: "pass",
      detail: "user token; directory roles: none; the tenant lets every user create apps/security groups",
    });
    expect(g(userGraph([], { allowedToCreateApps: false, allowedToCreateSecurityGroups: false })).detail).toBe(
      "user token; directory roles: none: cannot create app registrations or security groups",
    );
  });
  test("an app token passes with Application.ReadWrite.OwnedBy + Group.Create and fails with neither", () => {
    expect(g(spGraph(["Application.ReadWrite.OwnedBy", "Group.Create"]), config, sp)).toMatchObject({
      status: "pass",
      detail: "app token; Microsoft Graph application permissions: Application.ReadWrite.OwnedBy, Group.Create; directory roles: none",
    });
    expect(g(spGraph(["User.Read.All"]), config, sp)).toEqual({
      id: "graph",
      title: "deployer may create the MGDC app registration and group",
      status: "fail",
      detail:
        "app token; Microsoft Graph application permissions: User.Read.All; directory roles: none: cannot create app registrations or security groups",
      fix: "grant the service principal the Microsoft Graph application permission Application.ReadWrite.OwnedBy (or Application.ReadWrite.All) and Group.Create (or Group.ReadWrite.All), or set relmesh:allowedGroupObjectIds to existing groups, with admin consent",
    });
  });
  test("MGDC off: skipped, whatever the facts", () => {
    expect(checkGraphPermissions({ ...config, mgdcEnabled: false }, facts())).toMatchObject({
      status: "skipped",
      detail: "relmesh:mgdcEnabled is false: the program creates no Entra app or group",
    });
  });
  test("unreadable Graph fails with the error", () => {
    expect(checkGraphPermissions(config, facts({ graph: { error: "boom" } })).detail).toBe(
      "could not read the deployer's Microsoft Graph permissions: boom",
    );
  });
});

describe("region", () => {
  test("an MGDC region passes with its Office region", () => {
    expect(checkMgdcRegion(config)).toEqual({
      id: "region",
      title: "region served by Graph Data Connect",
      status: "pass",
      detail: "westeurope (Office region Europe)",
    });
  });
  test("a region MGDC does not serve fails (the table is config/azure-reference.ts's)", () => {
    const r = checkMgdcRegion({ ...config, location: "swedencentral" });
    expect(r.status).toBe("fail");
    expect(r.detail).toBe("swedencentral is not a region Graph Data Connect serves");
    expect(r.fix).toMatch(
      /^set relmesh:location in Pulumi.dev.yaml to the Azure region of your mailboxes' Office region \(eastasia, southeastasia, /,
    );
  });
  test("MGDC off: skipped", () => {
    expect(checkMgdcRegion({ ...config, location: "swedencentral", mgdcEnabled: false }).status).toBe("skipped");
  });
});

describe("global names", () => {
  const taken = {
    value: {
      available: false,
      reason: "AlreadyExists",
      message: "The storage account named x is already taken.",
      existsInResourceGroup: false,
    },
  };
  test("a taken name fails with the nameSuffix fix", () => {
    const r = checkGlobalNames(config, facts({ names: { ...facts().names, lakeAccount: taken } }));
    expect(r[0]).toEqual({
      id: "name.lakeAccount",
      title: "storage account name free (lakeAccount)",
      status: "fail",
      detail: `storage account name ${config.names.lakeAccount} is not available (AlreadyExists: The storage account named x is already taken.)`,
      fix: "set relmesh:nameSuffix in Pulumi.dev.yaml (1–8 lowercase letters and digits) to derive other global names",
    });
  });
  test("a taken name that exists in the target resource group is an update and passes", () => {
    const r = checkGlobalNames(
      config,
      facts({ names: { ...facts().names, keyVault: { value: { ...taken.value, existsInResourceGroup: true } } } }),
    );
    expect(r.find((x) => x.id === "name.keyVault")).toMatchObject({
      status: "pass",
      detail: `${config.names.keyVault} exists in ${config.names.resourceGroup}: pulumi up updates it`,
    });
  });
  test("the landing account is checked only with MGDC on", () => {
    expect(checkGlobalNames({ ...config, mgdcEnabled: false }, facts()).map((r) => r.id)).toEqual([
      "name.lakeAccount",
      "name.keyVault",
      "name.synapseWorkspace",
    ]);
  });
});
