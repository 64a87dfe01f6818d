/** SEC- and REL- controls on the generated artifacts (docs/security-controls.md), and the MGDC source rules (docs/platform-facts.md §2.5). */
import { CALENDAR_DATASET, MESSAGE_DATASET, MGDC_FORBIDDEN_COLUMNS } from "../../config/mgdc-datasets";
import { synapseArtifacts } from "../../synapse-artifacts";
import { activitiesOf, artifactsFor, byKind, devConfig, devWire, inputsFor, objects, strings } from "./helpers";

const config = devConfig();
const artifacts = artifactsFor(config);
const allActivities = byKind(artifacts, "pipeline").flatMap((p) => activitiesOf(p).map((a) => ({ pipeline: p.name, ...a })));
const copies = allActivities.filter((a) => a.type === "Copy");
const sourceOf = (table: string) =>
  copies.find((a) => a.source.type === "Office365Source" && a.inputs[0].referenceName.endsWith(table.split(".")[1].toLowerCase()))!.source;
// Control activities have no retry/timeout in the service model: ExecutePipeline waits on a child
// whose activities carry them; Fail ends the run at once.
const CONTROL = new Set(["ExecutePipeline", "Fail"]);
const hours = (span: string) => {
  const [d, rest] = span.split(".");
  const [h, m, s] = rest.split(":").map(Number);
  return Number(d) * 24 + h + m / 60 + s / 3600;
};

test("SEC-28 no generated JSON holds a SecureString, a key, a password or a connection string", async () => {
  for (const w of await devWire()) {
    const text = JSON.stringify(w.wire);
    expect(text).not.toMatch(/SecureString/);
    // The rotation pipeline names Graph's addPassword route and carries the new password only as an
    // expression over its secure output; no value, in any artifact.
    expect(text.replace(/addPassword|passwordCredential/g, "")).not.toMatch(/AccountKey=|SharedAccessSignature|[?&]sig=|password/i);
    const keys = objects(w.wire).flatMap(([, o]) => Object.keys(o));
    expect(keys.filter((k) => /^(accountKey|connectionString|sasUri|sasToken|password|encryptedCredential)$/i.test(k))).toEqual([]);
  }
});

test("SEC-28 every secret-bearing property is an AzureKeyVaultSecret reference to the Key Vault linked service", async () => {
  const refs = (await devWire()).flatMap((w) =>
    objects(w.wire)
      .filter(([path]) => /\.(servicePrincipalKey|servicePrincipalCredential)$/.test(path))
      .map(([, o]) => o),
  );
  expect(refs).toHaveLength(2);
  for (const ref of refs) {
    expect(ref).toEqual({
      type: "AzureKeyVaultSecret",
      store: { type: "LinkedServiceReference", referenceName: "ls_rm_keyvault" },
      secretName: config.mgdcSecretName,
    });
  }
});

test("SEC-28 the MGDC secret name appears only as a Key Vault secretName", async () => {
  for (const w of await devWire()) {
    const uses = objects(w.wire).flatMap(([, o]) =>
      Object.entries(o)
        .filter(([, v]) => v === config.mgdcSecretName)
        .map(([k]) => `${k}@${o.type}`),
    );
    for (const use of uses) expect(use).toBe("secretName@AzureKeyVaultSecret");
  }
});

test("SEC-24 the lake and Key Vault linked services use the workspace identity: no credential property at all", () => {
  for (const name of ["ls_rm_lake", "ls_rm_keyvault", "ls_rm_landing_reader"]) {
    const props = byKind(artifacts, "linkedService").find((a) => a.name === name)!.body as any;
    expect(Object.keys(props.properties).sort()).toEqual(
      ["baseUrl", "description", "type", "url"].filter((k) => k in props.properties).sort(),
    );
    expect(props.properties.servicePrincipalId).toBeUndefined();
  }
});

test("the MGDC sink and Office 365 linked services use service-principal auth (the only kind MGDC accepts)", () => {
  const landing = byKind(artifacts, "linkedService").find((a) => a.name === "ls_rm_landing_mgdc")!.body.properties as any;
  expect(landing).toMatchObject({
    type: "AzureBlobFS",
    url: `https://${config.names.landingAccount}.dfs.core.windows.net/`,
    servicePrincipalKey: { type: "AzureKeyVaultSecret" },
  });
  const o365 = byKind(artifacts, "linkedService").find((a) => a.name === "ls_rm_office365")!.body.properties as any;
  expect(o365.office365TenantId).toBe(o365.servicePrincipalTenantId);
  // Both ends of the MGDC copy run on the Azure IR outside the managed VNet (the Office 365 connector supports no other).
  const sink = byKind(artifacts, "linkedService").find((a) => a.name === "ls_rm_landing_mgdc")!.body.properties as any;
  expect([o365.connectVia, sink.connectVia]).toEqual([
    { type: "IntegrationRuntimeReference", referenceName: "ir-rm-mgdc" },
    { type: "IntegrationRuntimeReference", referenceName: "ir-rm-mgdc" },
  ]);
});

test("REL-01 every execution activity sets retry, retry interval and a timeout sized below one day (never the 7-day default)", () => {
  const execution = allActivities.filter((a) => !CONTROL.has(a.type));
  expect(execution.length).toBeGreaterThanOrEqual(8);
  for (const a of execution) {
    expect({
      activity: a.name,
      retry: typeof a.policy?.retry,
      interval: typeof a.policy?.retryIntervalInSeconds,
      timeout: typeof a.policy?.timeout,
    }).toEqual({
      activity: a.name,
      retry: "number",
      interval: "number",
      timeout: "string",
    });
    expect(a.policy.timeout).not.toBe("7.00:00:00");
    expect(hours(a.policy.timeout)).toBeLessThanOrEqual(12);
    expect(a.policy.retry).toBeGreaterThanOrEqual(1);
  }
  expect(allActivities.filter((a) => CONTROL.has(a.type)).every((a) => a.policy === undefined)).toBe(true);
});

test("REL-02 SEC-28 the MGDC extraction copies hide their inputs and outputs from run history; secureInput/secureOutput are explicit everywhere", () => {
  for (const a of allActivities.filter((x) => !CONTROL.has(x.type))) {
    // The MGDC copies (errors can quote mailbox data) and the secret rotation (its output is the new password).
    const mgdc = a.source?.type === "Office365Source" || a.pipeline === "pl_rm_rotate_mgdc_secret";
    expect({ a: a.name, secureInput: a.policy.secureInput, secureOutput: a.policy.secureOutput }).toEqual({
      a: a.name,
      secureInput: mgdc,
      secureOutput: mgdc,
    });
  }
});

test("REL-03 every pipeline runs one at a time (concurrency 1)", () => {
  for (const p of byKind(artifacts, "pipeline"))
    expect({ p: p.name, concurrency: (p.body as any).concurrency }).toEqual({ p: p.name, concurrency: 1 });
});

test("REL-04 a failed MGDC extraction ends in a Fail activity that explains consent", () => {
  const fails = allActivities.filter((a) => a.type === "Fail");
  expect(fails.map((f) => f.dependsOn[0])).toEqual([
    { activity: "Extract Message_v1", dependencyConditions: ["Failed"] },
    { activity: "Extract CalendarView_v0", dependencyConditions: ["Failed"] },
  ]);
  for (const f of fails) expect(f.message.value).toContain("mgdcConsentChecklist");
});

test("REL-06 MGDC output lands under the window start's day folder, and nothing reads the wall clock", () => {
  const m365 = copies.filter((a) => a.pipeline === "pl_rm_extract_m365");
  expect(m365).toHaveLength(4);
  for (const a of m365) {
    for (const ref of [...a.inputs, ...a.outputs].filter((r: any) => r.parameters)) {
      expect(ref.parameters.folderPath.value).toMatch(
        /^@concat\('m365\/BasicDataSet_v0\.\w+\/', formatDateTime\(pipeline\(\)\.parameters\.windowStart, 'yyyy\/MM\/dd'\)\)$/,
      );
    }
  }
  // Only the secret rotation reads the clock (a password's expiry), never a window's data.
  const windowed = artifacts.filter((a) => !a.name.includes("rotate_mgdc_secret"));
  expect(windowed.flatMap((a) => strings(a.body)).filter((s) => /utcnow|utcNow|now\(\)/.test(s))).toEqual([]);
});

test("REL-13 copies fail fast: no incompatible-row skipping anywhere", () => {
  for (const a of copies)
    expect({ a: a.name, skip: a.enableSkipIncompatibleRow, skipErrorFile: a.skipErrorFile }).toEqual({
      a: a.name,
      skip: false,
      skipErrorFile: undefined,
    });
});

test("REL-05 the trigger is Hour × 24 from the start date, one window at a time, depending on its own previous window", () => {
  const [trigger] = byKind(artifacts, "trigger");
  const t = trigger.body.properties as any;
  expect(t).toMatchObject({
    type: "TumblingWindowTrigger",
    frequency: "Hour",
    interval: 24,
    maxConcurrency: 1,
    startTime: new Date(`${config.pipelineStartDate}T00:00:00Z`),
  });
  expect(t.dependsOn).toEqual([{ type: "SelfDependencyTumblingWindowTriggerReference", offset: "-1.00:00:00", size: "1.00:00:00" }]);
  expect(t.retryPolicy.count).toBeGreaterThanOrEqual(1);
  expect(t.pipeline.parameters).toEqual({
    windowStart: "@trigger().outputs.windowStartTime",
    windowEnd: "@trigger().outputs.windowEndTime",
  });
});

test("Office365Source for CalendarView_v0 has start and end times but no dateFilterColumn (docs/platform-facts.md §2.5)", () => {
  const source = sourceOf(CALENDAR_DATASET);
  expect(source.dateFilterColumn).toBeUndefined();
  expect(source.startTime.value).toContain("windowStart");
  expect(source.endTime.value).toContain("windowEnd");
});

test("Office365Source for Message_v1 filters on an allowed date column within the window", () => {
  const source = sourceOf(MESSAGE_DATASET);
  expect(["CreatedDateTime", "LastModifiedDateTime", "ReceivedDateTime", "SentDateTime"]).toContain(source.dateFilterColumn);
  expect(source.startTime.value).toBe("@formatDateTime(pipeline().parameters.windowStart, 'yyyy-MM-ddTHH:mm:ssZ')");
});

test("outputColumns never include a forbidden column (bodies, previews, attachments, headers), in any casing", () => {
  const forbidden = MGDC_FORBIDDEN_COLUMNS.map((c) => c.toLowerCase());
  const requested = copies
    .filter((a) => a.source.type === "Office365Source")
    .flatMap((a) => a.source.outputColumns.map((c: { name: string }) => c.name.toLowerCase()));
  expect(requested.length).toBeGreaterThan(20);
  expect(requested.filter((c: string) => forbidden.includes(c))).toEqual([]);
});

test("Office365 datasets carry only the table name: window, scope and columns belong on the source", () => {
  for (const d of byKind(artifacts, "dataset").filter((x) => (x.body.properties as any).type === "Office365Table")) {
    const p = d.body.properties as any;
    expect([p.dateFilterColumn, p.startTime, p.endTime, p.userScopeFilterUri, p.predicate]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect([MESSAGE_DATASET, CALENDAR_DATASET]).toContain(p.tableName);
  }
});

test("the MGDC scope is the configured groups when given, else the one group the program creates", () => {
  const groups = ["44444444-4444-4444-8444-444444444444", "55555555-5555-4555-8555-555555555555"];
  const withGroups = artifactsFor(devConfig({ "relmesh:allowedGroupObjectIds": groups }));
  const sources = byKind(withGroups, "pipeline")
    .flatMap(activitiesOf)
    .filter((a) => a.source?.type === "Office365Source");
  for (const s of sources) expect(s.source.allowedGroups).toEqual(groups);
  expect(sourceOf(MESSAGE_DATASET).allowedGroups).toEqual([expect.stringContaining(config.allowedGroupName)]);
});

test("a ruleset containing '@{' is refused: Synapse would evaluate it inside the notebook parameter", () => {
  const inputs = inputsFor(config);
  const bad = {
    ...inputs,
    ruleset: { ...inputs.ruleset, exclusions: { ...inputs.ruleset.exclusions, ignore_addresses: ["@{pipeline().RunId}"] } },
  };
  expect(() => synapseArtifacts(bad)).toThrow(
    "the ruleset contains '@{', which Synapse would evaluate as an expression inside the notebook parameter",
  );
});

test("with MGDC off nothing reads Microsoft 365: no Office 365 or landing artifacts, the daily run starts with CRM", () => {
  const off = artifactsFor(
    devConfig({ "relmesh:mgdcEnabled": false, "relmesh:managedVirtualNetwork": true, "relmesh:location": "swedencentral" }),
  );
  const infra = off.filter((a) => a.kind !== "notebook").map((a) => a.name);
  expect(infra.filter((n) => /office365|m365|landing/.test(n) && !n.includes("lake_raw"))).toEqual([]);
  const daily = byKind(off, "pipeline").find((p) => p.name === "pl_rm_run_window")!;
  expect(activitiesOf(daily).map((a) => a.name)).toEqual(["Copy CRM", "Process"]);
});
