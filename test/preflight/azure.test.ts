/**
 * stacks/preflight/azure.ts against a local HTTPS fake of ARM and Graph, through the real
 * core-rest-pipeline (bearer policy, retry policy), with injected 429 and 503.
 */
import { loadRelmesh } from "../../config/load";
import { connect, readAzureFacts, resolveSubscription, type AzureSession } from "../../stacks/preflight/azure";
import { DEPLOYER_ROLE_IDS, DIRECTORY_ROLE_IDS, runChecks } from "../../stacks/preflight/checks";
import { makeSelfSignedCert, type TestCert } from "../publish/tls";
import { emptyState, GRAPH_APP_ROLES, GRAPH_SP_ID, jwtCredential, startFakeAzure, type AzureState, type FakeAzure } from "./fake-azure";

const SUB = "00000000-0000-4000-8000-0000000000aa";
const USER = "aaaaaaaa-0000-4000-8000-000000000001";
const SP = "bbbbbbbb-0000-4000-8000-000000000002";
const config = loadRelmesh("dev", { subscriptionId: SUB }).config;
const rg = config.names.resourceGroup;

let tls: TestCert;
let server: FakeAzure;
beforeAll(() => (tls = makeSelfSignedCert()));
afterEach(async () => server?.close());

function healthy(): AzureState {
  const s = emptyState();
  s.subscriptions = [SUB];
  s.providers = Object.fromEntries(
    [
      "Microsoft.Synapse",
      "Microsoft.Storage",
      "Microsoft.KeyVault",
      "Microsoft.OperationalInsights",
      "Microsoft.Insights",
      "Microsoft.Consumption",
      "Microsoft.Authorization",
      "Microsoft.Web",
    ].map((p) => [p, "Registered"]),
  );
  s.roleAssignments = [{ principalId: USER, scope: `/subscriptions/${SUB}`, roleDefinitionGuid: DEPLOYER_ROLE_IDS.Owner }];
  s.directoryRoles[USER] = [{ displayName: "Application Administrator", roleTemplateId: DIRECTORY_ROLE_IDS["Application Administrator"] }];
  s.authorizationPolicy = { allowedToCreateApps: false, allowedToCreateSecurityGroups: true };
  return s;
}
const userCred = jwtCredential({ oid: USER, sub: "pairwise-xyz", idtyp: "user", scp: "user_impersonation", upn: "ada@contoso.com" });
const spCred = jwtCredential({ oid: SP, sub: SP, idtyp: "app", appid: "app-1", app_displayname: "relmesh-ci" });

/** Short pipeline delays; a 429's Retry-After is still honoured exactly. */
async function session(credential = userCred): Promise<AzureSession> {
  const c = await connect({
    credential,
    endpoints: { arm: server.url, graph: server.url },
    tlsOptions: { ca: tls.cert },
    retryOptions: { maxRetries: 3, retryDelayInMs: 20, maxRetryDelayInMs: 100 },
  });
  if (!("session" in c)) throw new Error(c.unavailable);
  return c.session;
}

test("a healthy subscription and a user with the right roles: every check passes", async () => {
  server = await startFakeAzure(tls, healthy(), { pageSize: 3 });
  const s = await session();
  expect(s.deployer).toEqual({ objectId: USER, kind: "user", name: "ada@contoso.com" });
  expect(await resolveSubscription(s)).toEqual({ subscriptionId: SUB });
  const facts = await readAzureFacts(s, config, SUB);
  expect(facts.graph).toEqual({
    value: {
      tokenKind: "user",
      directoryRoles: [{ displayName: "Application Administrator", roleTemplateId: DIRECTORY_ROLE_IDS["Application Administrator"] }],
      graphAppPermissions: [],
      defaultUserPermissions: { allowedToCreateApps: false, allowedToCreateSecurityGroups: true },
    },
  });
  // The providers list came in three pages (nextLink followed).
  expect(Object.keys((facts.providers as { value: object }).value)).toHaveLength(8);
  expect(server.requests.filter((r) => r.path === `/subscriptions/${SUB}/providers`)).toHaveLength(3);
  const results = runChecks(config, facts);
  expect(results.filter((r) => r.status !== "pass")).toEqual([]);
  // Every request carried the api-version the brief names.
  const q = (p: RegExp) => server.requests.find((r) => p.test(r.path))!.query;
  expect(q(/Microsoft.Storage\/checkNameAvailability$/)).toBe("?api-version=2023-05-01");
  expect(q(/Microsoft.KeyVault\/checkNameAvailability$/)).toBe("?api-version=2022-07-01");
  expect(q(/Microsoft.Synapse\/checkNameAvailability$/)).toBe("?api-version=2021-06-01");
  expect(decodeURIComponent(q(/roleAssignments$/))).toBe(`?$filter=assignedTo('${USER}')&api-version=2022-04-01`);
});

test("an app token: Graph app role assignments are resolved to permission names", async () => {
  const state = healthy();
  state.roleAssignments = [
    { principalId: SP, scope: `/subscriptions/${SUB}`, roleDefinitionGuid: DEPLOYER_ROLE_IDS.Contributor },
    { principalId: SP, scope: `/subscriptions/${SUB}`, roleDefinitionGuid: "c0ffee00-0000-4000-8000-000000000000" },
  ];
  state.roleDefinitions["c0ffee00-0000-4000-8000-000000000000"] = {
    roleName: "Role Assigner",
    actions: ["Microsoft.Authorization/roleAssignments/*"],
    notActions: [],
  };
  state.servicePrincipals.push({ id: SP, appId: "app-1", displayName: "relmesh-ci" });
  state.appRoleAssignments[SP] = [
    { appRoleId: GRAPH_APP_ROLES[1].id, resourceId: GRAPH_SP_ID },
    { appRoleId: GRAPH_APP_ROLES[3].id, resourceId: GRAPH_SP_ID },
    { appRoleId: GRAPH_APP_ROLES[0].id, resourceId: "some-other-api" },
  ];
  server = await startFakeAzure(tls, state);
  const s = await session(spCred);
  expect(s.deployer).toEqual({ objectId: SP, kind: "servicePrincipal", appId: "app-1", name: "relmesh-ci" });
  const facts = await readAzureFacts(s, config, SUB);
  expect(facts.graph).toEqual({
    value: { tokenKind: "servicePrincipal", directoryRoles: [], graphAppPermissions: ["Application.ReadWrite.OwnedBy", "Group.Create"] },
  });
  const results = runChecks(config, facts);
  expect(results.find((r) => r.id === "arm-role")!.detail).toBe(
    `service principal relmesh-ci (object id ${SP}) holds Contributor at /subscriptions/${SUB}, Role Assigner at /subscriptions/${SUB}`,
  );
  expect(results.filter((r) => r.status !== "pass")).toEqual([]);
});

test("a 429 with Retry-After is waited out exactly, and a 503 is retried, then both succeed", async () => {
  server = await startFakeAzure(tls, healthy());
  server.faults.push({ method: "GET", path: /\/providers$/, times: 1, status: 429, retryAfter: "1" });
  server.faults.push({ method: "POST", path: /Microsoft.KeyVault\/checkNameAvailability$/, times: 1, status: 503 });
  const facts = await readAzureFacts(await session(), config, SUB);
  expect(facts.providers).toHaveProperty("value");
  expect(facts.names.keyVault).toEqual({ value: { available: true, existsInResourceGroup: false } });
  const providers = server.requests.filter((r) => r.path === `/subscriptions/${SUB}/providers`);
  expect(providers.map((r) => r.status)).toEqual([429, 200]);
  expect(providers[1].at - providers[0].at).toBeGreaterThanOrEqual(950);
  expect(server.requests.filter((r) => r.path.endsWith("Microsoft.KeyVault/checkNameAvailability")).map((r) => r.status)).toEqual([
    503, 200,
  ]);
});

test("refusals fail only their own check; a taken name in our resource group is an update", async () => {
  const state = healthy();
  state.providers["Microsoft.Consumption"] = "NotRegistered";
  state.takenNames = new Set([config.names.lakeAccount, config.names.synapseWorkspace]);
  state.resourceGroups.add(`${SUB}/${rg}`.toLowerCase());
  state.resources.add(
    `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Synapse/workspaces/${config.names.synapseWorkspace}`.toLowerCase(),
  );
  server = await startFakeAzure(tls, state);
  server.faults.push({ method: "GET", path: /roleAssignments$/, times: 10, status: 403 });
  const results = runChecks(config, await readAzureFacts(await session(), config, SUB));
  expect(results.filter((r) => r.status === "fail").map((r) => [r.id, r.detail])).toEqual([
    ["provider.Microsoft.Consumption", `Microsoft.Consumption is NotRegistered in subscription ${SUB}`],
    [
      "arm-role",
      `could not list the role assignments of user ada@contoso.com (object id ${USER}): GET /subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments answered 403 Injected: injected 403`,
    ],
    [
      "name.lakeAccount",
      `storage account name ${config.names.lakeAccount} is not available (AlreadyExists: The Microsoft.Storage/storageAccounts name ${config.names.lakeAccount} is already taken.)`,
    ],
  ]);
  expect(results.find((r) => r.id === "name.synapseWorkspace")!.detail).toBe(
    `${config.names.synapseWorkspace} exists in ${rg}: pulumi up updates it`,
  );
});

test("no token within the timeout, or a credential that fails: unavailable, with the reason", async () => {
  const hangs = { getToken: () => new Promise<never>(() => undefined) };
  expect(await connect({ credential: hangs, tokenTimeoutMs: 100 })).toEqual({ unavailable: "no token within 0.1 s" });
  const fails = {
    getToken: async () => {
      throw new Error("EnvironmentCredential is unavailable.\nmore");
    },
  };
  expect(await connect({ credential: fails })).toEqual({ unavailable: "EnvironmentCredential is unavailable." });
});

test("several subscriptions and none named: an error that lists them", async () => {
  const state = healthy();
  state.subscriptions = [SUB, "00000000-0000-4000-8000-0000000000bb"];
  server = await startFakeAzure(tls, state);
  expect(await resolveSubscription(await session())).toEqual({
    error: `the deployer sees 2 subscriptions (${SUB}, 00000000-0000-4000-8000-0000000000bb) and none was named`,
  });
});
