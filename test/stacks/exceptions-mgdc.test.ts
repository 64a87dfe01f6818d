/** The security exceptions list, the MGDC datasets and the consent checklist. */
import { securityExceptions, SECURITY_EXCEPTIONS } from "../../stacks/exceptions";
import { approvalFingerprint, approvalValues, consentChecklist, secretSchedule, type ConsentInputs } from "../../stacks/mgdc-consent";
import { CALENDAR_DATASET, MESSAGE_DATASET, MGDC_DATASET_COLUMNS, MGDC_DATASETS, MGDC_FORBIDDEN_COLUMNS } from "../../config/mgdc-datasets";
import { runPlan, type PlanResult } from "../../stacks/plan";
import { devConfig, ofType, T } from "./harness";

const config = devConfig();
let plan: PlanResult;

beforeAll(async () => {
  plan = await runPlan(config);
});

describe("security exceptions", () => {
  test("every exception names a SEC control, a resource that exists in the plan and a reason", () => {
    const names = new Set(plan.resources.map((r) => r.name));
    const list = plan.outputs.securityExceptions as Array<{ control: string; resource: string; reason: string }>;
    expect(list.length).toBeGreaterThan(0);
    for (const e of list) {
      expect(e.control).toMatch(/^SEC-\d{2}$/);
      expect(names.has(e.resource)).toBe(true);
      expect(e.reason.length).toBeGreaterThan(40);
    }
  });

  test("SEC-05 the landing account is the only storage open to public networks, and it is a listed exception", () => {
    const open = ofType(plan, T.storageAccount).filter(
      (a) => (a.inputs.networkRuleSet as { defaultAction?: string } | undefined)?.defaultAction !== "Deny",
    );
    expect(open.map((a) => a.name)).toEqual(["mgdc-landing"]);
    expect(securityExceptions(config)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ control: "SEC-05", resource: "mgdc-landing" }),
        expect.objectContaining({ control: "SEC-06", resource: "mgdc-landing" }),
      ]),
    );
  });

  test("SEC-05 the landing exception cites docs/security-controls.md caveat 4 and its containment", () => {
    const e = SECURITY_EXCEPTIONS.find((x) => x.control === "SEC-05" && x.resource === "mgdc-landing")!;
    expect(e.reason).toMatch(/caveat 4/);
    expect(e.reason).toMatch(/no shared keys/);
  });

  test("SEC-11 the dev stack lists its missing delete locks, and a stack with locks lists none", () => {
    expect(
      securityExceptions(config)
        .filter((e) => e.control === "SEC-11")
        .map((e) => e.resource),
    ).toEqual(["key-vault", "lake"]);
    expect(ofType(plan, T.lock)).toEqual([]);
    expect(securityExceptions(devConfig({ "relmesh:lockResources": true })).filter((e) => e.control === "SEC-11")).toEqual([]);
  });

  test("SEC-19 and SEC-20 are listed (and the lake opens, SEC-06) only in the fallback without a managed VNet", () => {
    expect(securityExceptions(config).filter((e) => ["SEC-19", "SEC-20"].includes(e.control))).toEqual([]);
    const fallback = devConfig({ "relmesh:managedVirtualNetwork": false });
    expect(
      securityExceptions(fallback)
        .filter((e) => ["SEC-06", "SEC-19", "SEC-20"].includes(e.control))
        .map((e) => `${e.control} ${e.resource}`),
    ).toEqual(["SEC-06 lake", "SEC-06 mgdc-landing", "SEC-19 synapse", "SEC-20 synapse"]);
  });

  test("SEC-15 the vault is a listed exception exactly while MGDC is on, with the reason the model proves", () => {
    expect(
      securityExceptions(config)
        .filter((e) => e.control === "SEC-15")
        .map((e) => e.resource),
    ).toEqual(["key-vault"]);
    expect(securityExceptions(config).find((e) => e.control === "SEC-15")!.reason).toMatch(
      /trusted services cover Synapse only for customer-managed keys/,
    );
    expect(
      securityExceptions(devConfig({ "relmesh:mgdcEnabled": false, "relmesh:location": "swedencentral" })).filter(
        (e) => e.control === "SEC-15",
      ),
    ).toEqual([]);
  });

  test("SEC-08 a non-geo-redundant lake SKU becomes a listed exception", () => {
    expect(securityExceptions(devConfig({ "relmesh:lakeSku": "Standard_LRS" }))).toEqual(
      expect.arrayContaining([expect.objectContaining({ control: "SEC-08", resource: "lake" })]),
    );
    expect(
      securityExceptions(config)
        .filter((e) => e.control === "SEC-08")
        .map((e) => e.resource),
    ).toEqual(["mgdc-landing"]);
  });

  test("without MGDC no landing exception is listed", () => {
    expect(securityExceptions(devConfig({ "relmesh:mgdcEnabled": false })).filter((e) => e.resource === "mgdc-landing")).toEqual([]);
  });
});

describe("MGDC datasets", () => {
  test("only Message_v1 and CalendarView_v0 are extracted", () => {
    expect(MGDC_DATASETS.map((d) => d.name)).toEqual(["BasicDataSet_v0.Message_v1", "BasicDataSet_v0.CalendarView_v0"]);
  });

  test("no dataset extracts message bodies, previews, attachments or headers", () => {
    for (const columns of Object.values(MGDC_DATASET_COLUMNS)) {
      for (const forbidden of MGDC_FORBIDDEN_COLUMNS) expect(columns).not.toContain(forbidden);
    }
  });

  test("the message columns are exactly those scoring needs", () => {
    expect(MGDC_DATASET_COLUMNS[MESSAGE_DATASET]).toEqual([
      "puser",
      "id",
      "internetMessageId",
      "conversationId",
      "subject",
      "sender",
      "from",
      "toRecipients",
      "ccRecipients",
      "bccRecipients",
      "sentDateTime",
      "receivedDateTime",
      "createdDateTime",
      "isDraft",
    ]);
  });

  test("the calendar columns are exactly those scoring needs, with no date filter column", () => {
    expect(MGDC_DATASET_COLUMNS[CALENDAR_DATASET]).toEqual([
      "puser",
      "id",
      "iCalUId",
      "subject",
      "organizer",
      "attendees",
      "start",
      "end",
      "isAllDay",
      "isCancelled",
      "isOnlineMeeting",
      "onlineMeetingProvider",
      "location",
      "isOrganizer",
      "lastModifiedDateTime",
    ]);
    expect(MGDC_DATASETS[1].dateFilterColumn).toBeUndefined();
  });
});

describe("consent checklist", () => {
  const inputs: ConsentInputs = {
    tenantId: "t",
    applicationClientId: "app",
    subscriptionId: "s",
    resourceGroupName: "rg",
    storageAccountName: "acct",
    storageDfsUri: "https://acct.dfs.core.windows.net/",
    container: "mgdc",
    allowedGroupObjectIds: ["B", "a"],
    synapseWorkspaceName: "ws",
    stackConfigFile: "Pulumi.dev.yaml",
  };

  test("the checklist in the stack outputs names the app, tenant, DFS URI, datasets, columns and user scope", () => {
    const c = plan.outputs.mgdcConsentChecklist as { steps: string[]; status: string; fingerprint: string; values: any };
    const text = c.steps.join("\n");
    expect(text).toContain(c.values.applicationClientId);
    expect(text).toContain(c.values.tenantId);
    expect(text).toContain(`https://${config.names.landingAccount}.dfs.core.windows.net/`);
    expect(text).toContain("BasicDataSet_v0.Message_v1");
    expect(text).toContain(MGDC_DATASET_COLUMNS[CALENDAR_DATASET].join(", "));
    expect(text).toContain(c.values.datasets[0].scope.allowedGroups[0]);
    expect(c.status).toBe("not-approved");
    expect(c.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  test("the fingerprint ignores the order and case of group ids", () => {
    expect(approvalFingerprint(approvalValues(inputs))).toBe(
      approvalFingerprint(approvalValues({ ...inputs, allowedGroupObjectIds: ["a", "b"] })),
    );
  });

  test.each([
    ["the app", { applicationClientId: "other" }],
    ["the destination storage", { storageDfsUri: "https://other.dfs.core.windows.net/" }],
    ["the user scope", { allowedGroupObjectIds: ["a"] }],
  ])("a change of %s invalidates the recorded approval", (_what, change) => {
    const approved = consentChecklist(inputs).fingerprint;
    expect(consentChecklist(inputs, approved).status).toBe("approved");
    const changed = consentChecklist({ ...inputs, ...change }, approved);
    expect(changed.status).toBe("changed");
    expect(changed.statusMessage).toMatch(/^APPROVAL INVALIDATED/);
    expect(changed.statusMessage).toContain(changed.fingerprint);
  });

  test("values that are not approved (workspace, resource group) do not change the fingerprint", () => {
    expect(consentChecklist({ ...inputs, synapseWorkspaceName: "other", resourceGroupName: "rg2" }).fingerprint).toBe(
      consentChecklist(inputs).fingerprint,
    );
  });
});

describe("MGDC secret schedule", () => {
  test("the secret stays the same within a rotation window and expires lifetime days after it starts", () => {
    const a = secretSchedule(new Date("2026-01-01T00:00:00Z"), 90);
    const b = secretSchedule(new Date("2026-01-20T12:00:00Z"), 90);
    expect(b).toEqual(a);
    expect((Date.parse(a.endDate) - Date.parse(a.rotationKey)) / 86_400_000).toBe(90);
    expect(a.expiresEpochSeconds).toBe(Date.parse(a.endDate) / 1000);
  });

  test("a deployment in the next window rotates the secret, leaving at least half the lifetime", () => {
    const now = new Date("2026-03-01T00:00:00Z");
    const s = secretSchedule(now, 90);
    expect(s.rotationKey).not.toBe(secretSchedule(new Date("2026-01-01T00:00:00Z"), 90).rotationKey);
    expect(Date.parse(s.endDate) - now.getTime()).toBeGreaterThanOrEqual(45 * 86_400_000);
  });
});
