/** `relmesh preflight`: the no-credentials path, the --json shape, the exit code, the table, option errors. */
import { UsageError } from "../../cli/args";
import { preflightCommand, preflightTable, type PreflightDeps } from "../../cli/preflight";
import { loadRelmesh } from "../../config/load";
import { DEPLOYER_ROLE_IDS, DIRECTORY_ROLE_IDS } from "../../stacks/preflight/checks";
import { makeSelfSignedCert, type TestCert } from "../publish/tls";
import { emptyState, jwtCredential, startFakeAzure, type FakeAzure } from "./fake-azure";

const SUB = "00000000-0000-4000-8000-0000000000aa";
const USER = "aaaaaaaa-0000-4000-8000-000000000001";
const noCredential = {
  getToken: async () => {
    throw new Error("ChainedTokenCredential authentication failed.");
  },
};

async function run(argv: string[], deps: PreflightDeps = {}) {
  let stdout = "";
  let stderr = "";
  const code = await preflightCommand(argv, {
    env: {},
    credential: noCredential,
    ...deps,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
  });
  return { code, stdout, stderr };
}

let tls: TestCert;
let server: FakeAzure | undefined;
beforeAll(() => (tls = makeSelfSignedCert()));
afterEach(async () => server?.close());

test("without credentials: exit 0, every Azure check skipped with the reason, the offline checks run", async () => {
  const { code, stdout } = await run(["--json"]);
  expect(code).toBe(0);
  const report = JSON.parse(stdout);
  expect(Object.keys(report)).toEqual(["stack", "subscriptionId", "ok", "results"]);
  expect(report).toMatchObject({ stack: "dev", subscriptionId: null, ok: true });
  expect(report.results[0]).toEqual({
    id: "azure",
    title: "Azure credentials and subscription",
    status: "skipped",
    detail:
      "no Azure credentials (ChainedTokenCredential authentication failed.): sign in with az login, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, then rerun",
  });
  for (const r of report.results) {
    expect(Object.keys(r).sort()).toEqual(r.fix ? ["detail", "fix", "id", "status", "title"] : ["detail", "id", "status", "title"]);
    if (r.id !== "azure" && r.id !== "region" && !r.id.startsWith("datapath:"))
      expect([r.status, r.detail]).toEqual(["skipped", "no Azure credentials"]);
  }
  expect(report.results.find((r: { id: string }) => r.id === "region").status).toBe("pass");
  // The data-path model needs no credentials: every run-time path of the dev config is checked, and open.
  const paths = report.results.filter((r: { id: string }) => r.id.startsWith("datapath:"));
  expect(paths.map((r: { id: string; status: string }) => `${r.id} ${r.status}`)).toEqual([
    "datapath:mgdc-copy-to-landing pass",
    "datapath:mgdc-secret-lookup pass",
    "datapath:secret-rotation-store pass",
    "datapath:landing-to-lake-read pass",
    "datapath:pipeline-write-lake pass",
    "datapath:spark-lake pass",
    "datapath:serverless-lake pass",
    "datapath:publisher-dev-endpoint pass",
    "datapath:sql-executor-serverless pass",
    "datapath:power-bi-serverless pass",
  ]);
});

test("data-path results passed in are appended (and a failure among them exits 1)", async () => {
  const { code, stdout } = await run(["--json"], {
    extraResults: () => [{ id: "datapath.demo", title: "demo", status: "fail", detail: "d", fix: "f" }],
  });
  expect(code).toBe(1);
  expect(JSON.parse(stdout).results.at(-1).id).toBe("datapath.demo");
});

test("the table: a symbol per status, the fix under each failure, a summary", () => {
  const text = preflightTable({
    stack: "dev",
    subscriptionId: SUB,
    ok: false,
    results: [
      { id: "a", title: "first", status: "pass", detail: "fine" },
      { id: "b", title: "second one", status: "fail", detail: "broken", fix: "do this" },
      { id: "c", title: "third", status: "skipped", detail: "not applicable" },
    ],
  });
  expect(text).toBe(
    "✓ first       fine\n✗ second one  broken\n  fix: do this\n– third       not applicable\n\n1 passed, 1 failed, 1 skipped: this blocks pulumi up\n",
  );
});

test("with credentials against the fake: names derive from the subscription, a failure exits 1 and the table shows its fix", async () => {
  const state = emptyState();
  state.subscriptions = [SUB];
  state.providers = {
    "Microsoft.Synapse": "Registered",
    "Microsoft.Storage": "Registered",
    "Microsoft.KeyVault": "Registered",
    "Microsoft.OperationalInsights": "Registered",
    "Microsoft.Insights": "Registered",
    "Microsoft.Consumption": "Registered",
    "Microsoft.Authorization": "Registered",
  };
  state.roleAssignments = [{ principalId: USER, scope: `/subscriptions/${SUB}`, roleDefinitionGuid: DEPLOYER_ROLE_IDS.Contributor }];
  state.directoryRoles[USER] = [{ displayName: "Global Administrator", roleTemplateId: DIRECTORY_ROLE_IDS["Global Administrator"] }];
  server = await startFakeAzure(tls, state);
  const deps: PreflightDeps = {
    credential: jwtCredential({ oid: USER, sub: "pairwise", idtyp: "user", upn: "ada@contoso.com" }),
    azure: {
      endpoints: { arm: server.url, graph: server.url },
      tlsOptions: { ca: tls.cert },
      retryOptions: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    },
  };
  const json = await run(["--json", "--stack", "dev"], deps);
  expect(json.code).toBe(1);
  const report = JSON.parse(json.stdout);
  expect(report).toMatchObject({ subscriptionId: SUB, ok: false });
  expect(report.results.filter((r: { status: string }) => r.status === "fail").map((r: { id: string }) => r.id)).toEqual(["arm-role"]);
  // The names checked are the ones pulumi up derives for this subscription.
  const names = loadRelmesh("dev", { subscriptionId: SUB }).config.names;
  expect(report.results.find((r: { id: string }) => r.id === "name.keyVault").detail).toBe(`${names.keyVault} is available`);
  const table = await run([], deps);
  expect(table.code).toBe(1);
  expect(table.stdout).toContain(`✗ deployer may create resources and role assignments`);
  expect(table.stdout).toContain(
    `  fix: ask an Owner of the subscription: az role assignment create --assignee ${USER} --role Owner --scope /subscriptions/${SUB}`,
  );
  expect(table.stdout).toMatch(/\n\d+ passed, 1 failed, 0 skipped: this blocks pulumi up\n$/);
});

test("--subscription names the subscription; an unknown option is a usage error", async () => {
  await expect(run(["--bogus"])).rejects.toThrow(UsageError);
  await expect(run(["--bogus"])).rejects.toThrow(
    /^relmesh preflight: unknown option --bogus; known options: --stack, --subscription, --json, --help$/,
  );
  const { code, stdout } = await run(["--json", "--subscription", SUB]);
  expect(code).toBe(0);
  expect(JSON.parse(stdout).subscriptionId).toBeNull();
});
