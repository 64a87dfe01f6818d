/** stacks/index.ts, the program `pulumi up` runs: engine config in, validated, resources and outputs out. */
import * as pulumi from "@pulumi/pulumi";
import { relmeshMocks } from "../../stacks/plan-mocks";
import { isSecretInputName, sanitizeInputs } from "../../stacks/plan";
import { devRaw } from "./harness";

const registered: string[] = [];

beforeAll(async () => {
  // The engine hands config to the program as JSON-encoded strings.
  const engineConfig = Object.fromEntries(Object.entries(devRaw()).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
  pulumi.runtime.setAllConfig(engineConfig);
  const mocks = relmeshMocks();
  await pulumi.runtime.setMocks(
    { newResource: (a) => (registered.push(a.name), mocks.newResource(a)), call: (a) => mocks.call(a) },
    "relmesh",
    "dev",
    false,
  );
});

// Dynamic resources serialize their provider code asynchronously; let every registration finish
// before jest tears the module system down.
afterAll(() => pulumi.runtime.disconnect());

test("the program entry validates the engine's config and exports what a user needs next", async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const outputs = (await require("../../stacks/index")) as Record<string, unknown>;
  for (const key of [
    "synapseWebUrl",
    "synapseDevEndpoint",
    "sqlServerlessEndpoint",
    "sqlDedicatedEndpoint",
    "lakeDfsUrl",
    "landingDfsUrl",
    "keyVaultName",
    "mgdcApplicationClientId",
    "mgdcConsentChecklist",
    "securityExceptions",
  ]) {
    expect(outputs).toHaveProperty(key);
  }
  expect(outputs).not.toHaveProperty("dedicatedSqlPoolName");
  const value = (o: unknown) => new Promise<unknown>((resolve) => (o as pulumi.Output<unknown>).apply(resolve));
  expect(await value(outputs.lakeDfsUrl)).toMatch(/^https:\/\/relmeshlake[a-z0-9]{6}\.dfs\.core\.windows\.net\/$/);
  expect(await value(outputs.synapseWebUrl)).toMatch(/^https:\/\/web\.azuresynapse\.net\?workspace=/);
  await value(outputs.mgdcApplicationClientId);
  await value(outputs.keyVaultUri);
  expect(registered).toEqual(expect.arrayContaining(["lake", "synapse", "key-vault", "mgdc-app"]));
});

test("SEC-17 the plan masks values wrapped by pulumi.secret at any depth", () => {
  const wrapped = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "hunter2" };
  expect(sanitizeInputs({ properties: { value: wrapped, contentType: "t" } }, "azure-native:keyvault:Secret")).toEqual({
    properties: { value: "[secret]", contentType: "t" },
  });
});

test("SEC-17 the plan masks inputs named like passwords, secrets and keys even when not marked secret", () => {
  expect(sanitizeInputs({ sqlAdministratorLoginPassword: "p", servicePrincipalKey: "k", secretName: "mgdc-sp-secret" }, "x:y:Z")).toEqual({
    sqlAdministratorLoginPassword: "[secret]",
    servicePrincipalKey: "[secret]",
    secretName: "mgdc-sp-secret",
  });
  expect(isSecretInputName("value", "azure-native:keyvault:Secret")).toBe(true);
  expect(isSecretInputName("value", "azure-native:storage:BlobContainer")).toBe(false);
});
