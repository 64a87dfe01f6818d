/** The MGDC secret rotates on a schedule inside the workspace (synapse-artifacts/rotation.ts). */
import { readArtifactInputs, synapseArtifacts, type Artifact } from "../../synapse-artifacts";
import { rotationIntervalDays } from "../../synapse-artifacts/rotation";
import { devConfig } from "../stacks/harness";

const artifacts = synapseArtifacts(readArtifactInputs(devConfig()));
const find = (name: string) => artifacts.find((a) => a.name === name) as Artifact;

test("the rotation runs every third of the secret's lifetime, so a new version exists long before the 30-day expiry warning", () => {
  expect([rotationIntervalDays(90), rotationIntervalDays(7), rotationIntervalDays(180), rotationIntervalDays(2)]).toEqual([30, 2, 60, 1]);
  const trigger = find("tr_rm_rotate_mgdc_secret").body.properties as any;
  expect(trigger).toMatchObject({ type: "ScheduleTrigger", recurrence: { frequency: "Day", interval: 30, timeZone: "UTC" } });
  expect(trigger.pipelines).toEqual([{ pipelineReference: { type: "PipelineReference", referenceName: "pl_rm_rotate_mgdc_secret" } }]);
});

test("SEC-28 REL-02 the new password goes from Graph to Key Vault without appearing in run history, as the workspace identity, on the MGDC runtime", () => {
  const [add, store] = (find("pl_rm_rotate_mgdc_secret").body as any).activities;
  expect([add.name, store.name]).toEqual(["Add MGDC app credential", "Store it in Key Vault"]);
  for (const a of [add, store]) {
    expect(a.policy).toMatchObject({ secureInput: true, secureOutput: true, retry: 2, timeout: "0.01:00:00" });
    expect(a.connectVia).toEqual({ type: "IntegrationRuntimeReference", referenceName: "ir-rm-mgdc" });
    expect(a.authentication.type).toBe("MSI");
  }
  expect([add.method, add.url, add.authentication.resource]).toEqual([
    "POST",
    "https://graph.microsoft.com/v1.0/applications/<mgdcAppObjectId: object id of the Entra app relmesh-mgdc-dev, resolved at pulumi up>/addPassword",
    "https://graph.microsoft.com",
  ]);
  expect(add.body.value).toContain("addDays(utcNow(), 90)");
  expect([store.method, store.url, store.authentication.resource, store.dependsOn]).toEqual([
    "PUT",
    "https://relmesh-kv-8kmo0e.vault.azure.net/secrets/mgdc-sp-secret?api-version=7.4",
    "https://vault.azure.net",
    [{ activity: "Add MGDC app credential", dependencyConditions: ["Succeeded"] }],
  ]);
  expect(store.body.value).toContain("activity('Add MGDC app credential').output.secretText");
});

test("without MGDC there is nothing to rotate", () => {
  const crm = synapseArtifacts(readArtifactInputs(devConfig({ "relmesh:mgdcEnabled": false, "relmesh:location": "swedencentral" })));
  expect(crm.filter((a) => a.name.includes("rotate"))).toEqual([]);
});
