/**
 * config/stack.ts: the default config, derived names, and invalid configs that each fail with their
 * own message before any resource is declared.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../config/errors";
import { loadRelmesh } from "../../config/load";
import { checkNames, firstOfMonth, deriveNames, deriveNameSuffix, MGDC_AZURE_REGIONS, parseCidr, validateConfig } from "../../config/stack";
import { relmeshMocks } from "../../stacks/plan-mocks";
import { createRelmesh } from "../../stacks/relmesh";
import { devConfig, devRaw, ROOT } from "../stacks/harness";

const registered: string[] = [];

beforeAll(async () => {
  const mocks = relmeshMocks();
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registered.push(`${a.type}::${a.name}`);
        return mocks.newResource(a);
      },
      call: (a) => mocks.call(a),
    },
    "relmesh",
    "dev",
    false,
  );
});

/** What `pulumi up` does: validate, then declare. */
function deploy(raw: Record<string, unknown>): void {
  createRelmesh(validateConfig(raw, { stack: "dev", rootDir: ROOT }), { now: new Date("2026-01-01T00:00:00Z") });
}

const groups11 = Array.from({ length: 11 }, (_, i) => `00000000-0000-4000-8000-0000000000${String(i).padStart(2, "0")}`);

const INVALID: Array<[string, Record<string, unknown>, string]> = [
  [
    "a CRM mapping that is neither shipped nor a file that exists",
    { "relmesh:crmMapping": "config/nope.yaml" },
    "relmesh:crmMapping must be dynamics365 or salesforce, or the path of a CRM column mapping YAML file that exists, got 'config/nope.yaml': set relmesh:crmMapping in Pulumi.dev.yaml to a shipped mapping, or to a path relative to the repository root (the default is dynamics365)",
  ],
  [
    "the key crmMapping replaced (a config written for an earlier release)",
    { "relmesh:crmMappingPath": "config/crm-mapping.yaml" },
    "relmesh:crmMappingPath is not a key Relationship Mesh reads: rename it to relmesh:crmMapping: dynamics365, salesforce (the former config/crm-mapping.yaml is config/crm-mappings/dynamics365.yaml), or the path of your own mapping",
  ],
  [
    "retention of 0 days",
    { "relmesh:rawRetentionDays": 0 },
    "relmesh:rawRetentionDays must be a whole number 1..3650, got 0: set relmesh:rawRetentionDays in Pulumi.dev.yaml",
  ],
  [
    "landing retention of 0 days",
    { "relmesh:landingRetentionDays": 0 },
    "relmesh:landingRetentionDays must be a whole number 1..30, got 0: set relmesh:landingRetentionDays in Pulumi.dev.yaml",
  ],
  [
    "retention as words",
    { "relmesh:rawRetentionDays": "thirty" },
    "relmesh:rawRetentionDays must be a whole number 1..3650, got 'thirty': set relmesh:rawRetentionDays in Pulumi.dev.yaml",
  ],
  [
    "an unknown region",
    { "relmesh:location": "moon-base-1" },
    "relmesh:location must be an Azure region name such as 'westeurope', got 'moon-base-1': set relmesh:location in Pulumi.dev.yaml",
  ],
  [
    "a region MGDC does not serve",
    { "relmesh:location": "westus3" },
    `relmesh:location must be a region Graph Data Connect serves while relmesh:mgdcEnabled is true (${MGDC_AZURE_REGIONS.join(", ")}), got 'westus3': pick the region matching your mailboxes' Office region in Pulumi.dev.yaml`,
  ],
  [
    "an upper-case prefix",
    { "relmesh:namePrefix": "RelMesh" },
    "relmesh:namePrefix must be 2–10 lowercase letters and digits starting with a letter (it prefixes global storage account names), got 'RelMesh': set relmesh:namePrefix in Pulumi.dev.yaml",
  ],
  [
    "a prefix too long for storage names",
    { "relmesh:namePrefix": "relationshipmesh" },
    "relmesh:namePrefix must be 2–10 lowercase letters and digits starting with a letter (it prefixes global storage account names), got 'relationshipmesh': set relmesh:namePrefix in Pulumi.dev.yaml",
  ],
  [
    "an admin group that is not a GUID",
    { "relmesh:adminGroupObjectId": "not-a-guid" },
    "relmesh:adminGroupObjectId must be an Entra object id (a GUID like 00000000-0000-0000-0000-000000000000), got 'not-a-guid': set relmesh:adminGroupObjectId in Pulumi.dev.yaml",
  ],
  [
    "no admin group",
    { "relmesh:adminGroupObjectId": undefined },
    "relmesh:adminGroupObjectId must be the object id of the Entra group that administers Synapse: set relmesh:adminGroupObjectId in Pulumi.dev.yaml",
  ],
  [
    "an allow-all firewall rule",
    { "relmesh:firewallRules": ["0.0.0.0-255.255.255.255"] },
    "relmesh:firewallRules[0] must be a narrow range, never allow-all 0.0.0.0-255.255.255.255 (SEC-22), got '0.0.0.0-255.255.255.255': remove it from relmesh:firewallRules in Pulumi.dev.yaml",
  ],
  [
    "the 'allow Azure services' rule",
    { "relmesh:firewallRules": [{ name: "AllowAllWindowsAzureIps", startIpAddress: "0.0.0.0", endIpAddress: "0.0.0.0" }] },
    "relmesh:firewallRules[0] must be a real address range, not 0.0.0.0-0.0.0.0 ('allow all Azure services' admits every Azure customer, SEC-22), got '0.0.0.0-0.0.0.0': remove it from relmesh:firewallRules in Pulumi.dev.yaml",
  ],
  [
    "a /8 firewall rule",
    { "relmesh:firewallRules": ["203.0.0.0/8"] },
    "relmesh:firewallRules[0] must be at most a /16 (65536 addresses), got '203.0.0.0/8': narrow it in relmesh:firewallRules in Pulumi.dev.yaml",
  ],
  [
    "a misaligned CIDR",
    { "relmesh:firewallRules": ["203.0.113.10/24"] },
    "relmesh:firewallRules[0] must be an IPv4 address or CIDR aligned to its prefix (e.g. 203.0.113.0/24), got '203.0.113.10/24': set relmesh:firewallRules[0] in Pulumi.dev.yaml",
  ],
  [
    "firewall rules without the deployer",
    { "relmesh:firewallRules": ["198.51.100.0/24"] },
    'relmesh:firewallRules must be a list that admits the deployer address 203.0.113.10 (publishing artifacts needs the workspace endpoints), got ["198.51.100.0-198.51.100.255"]: add 203.0.113.10/32 to relmesh:firewallRules in Pulumi.dev.yaml',
  ],
  [
    "a private deployer address",
    { "relmesh:deployerIpAddress": "192.168.1.20", "relmesh:firewallRules": [] },
    "relmesh:deployerIpAddress must be a public IPv4 address (Azure sees your public address, e.g. from https://ifconfig.me), got '192.168.1.20': set relmesh:deployerIpAddress in Pulumi.dev.yaml",
  ],
  [
    "a budget starting in a past month (Azure rejects a start outside the current time grain)",
    { "relmesh:budgetStartDate": "2020-01-01" },
    `relmesh:budgetStartDate must be the first day of the current month (${firstOfMonth(new Date())}) or later: Azure rejects a budget that starts in a past month, got '2020-01-01': remove relmesh:budgetStartDate from Pulumi.dev.yaml: the program then uses the month of the first deployment and keeps it`,
  ],
  [
    "an allowed-mailboxes group owned by an owner of the MGDC app (separation of duties)",
    { "relmesh:allowedGroupOwnerObjectIds": ["11111111-1111-4111-8111-111111111111"] },
    'relmesh:allowedGroupOwnerObjectIds must be principals who do not own the MGDC app: an app owner who also owns the group could widen whose mail is extracted without a Global Admin, got ["11111111-1111-4111-8111-111111111111"]: pick other owners for the group in Pulumi.dev.yaml',
  ],
  [
    "a group the program creates with nobody to own it",
    { "relmesh:allowedGroupOwnerObjectIds": [] },
    "relmesh:allowedGroupOwnerObjectIds must be at least one object id of who may change the allowed-mailboxes group the program creates, got []: set relmesh:allowedGroupOwnerObjectIds in Pulumi.dev.yaml (not an owner of the MGDC app), or name existing groups in relmesh:allowedGroupObjectIds",
  ],
  [
    "an initial load longer than one CalendarView_v0 extraction allows",
    { "relmesh:initialLoadDays": 2000 },
    "relmesh:initialLoadDays must be a whole number 0..1825, got 2000: set relmesh:initialLoadDays in Pulumi.dev.yaml",
  ],
  [
    "a Spark pool under 3 nodes",
    { "relmesh:sparkPool": { minNodes: 2 } },
    "relmesh:sparkPool.minNodes must be a whole number 3..200, got 2: set relmesh:sparkPool.minNodes in Pulumi.dev.yaml",
  ],
  [
    "a Spark max below its min",
    { "relmesh:sparkPool": { minNodes: 5, maxNodes: 4 } },
    "relmesh:sparkPool.maxNodes must be at least sparkPool.minNodes (5), got 4: set relmesh:sparkPool.maxNodes in Pulumi.dev.yaml",
  ],
  [
    "an unknown Spark node size",
    { "relmesh:sparkPool": { nodeSize: "Huge" } },
    "relmesh:sparkPool.nodeSize must be one of Small, Medium, Large, XLarge, XXLarge, XXXLarge, got 'Huge': set relmesh:sparkPool.nodeSize in Pulumi.dev.yaml",
  ],
  [
    "a Spark pool over 200 nodes",
    { "relmesh:sparkPool": { maxNodes: 250 } },
    "relmesh:sparkPool.maxNodes must be a whole number 3..200, got 250: set relmesh:sparkPool.maxNodes in Pulumi.dev.yaml",
  ],
  [
    "a driver bigger than its node",
    { "relmesh:sparkSession": { driverMemory: "64g", driverCores: 4, executorMemory: "28g", executorCores: 4, numExecutors: 2 } },
    "relmesh:sparkSession.driverMemory must be a size like '28g', at most the Small node's 32g, got '64g': set relmesh:sparkSession.driverMemory in Pulumi.dev.yaml",
  ],
  [
    "eleven allowed groups",
    { "relmesh:allowedGroupObjectIds": groups11 },
    "relmesh:allowedGroupObjectIds must be a list of at most 10 object ids, got 11: keep at most 10 ids in relmesh:allowedGroupObjectIds in Pulumi.dev.yaml (MGDC's allowedGroups limit; nest groups instead)",
  ],
  [
    "a missing ruleset",
    { "relmesh:rulesetPath": "config/missing.yaml" },
    "relmesh:rulesetPath must be a ruleset YAML file that exists, got 'config/missing.yaml': set relmesh:rulesetPath in Pulumi.dev.yaml to a path relative to the repository root (the default is config/ruleset.yaml)",
  ],
  [
    "a zero budget",
    { "relmesh:budgetAmount": 0 },
    "relmesh:budgetAmount must be a number greater than 0 and at most 10000000, got 0: set relmesh:budgetAmount in Pulumi.dev.yaml",
  ],
  [
    "decreasing budget thresholds",
    { "relmesh:budgetThresholds": [80, 50] },
    "relmesh:budgetThresholds must be a strictly increasing list, got [80,50]: set relmesh:budgetThresholds in Pulumi.dev.yaml",
  ],
  [
    "a year-long MGDC secret",
    { "relmesh:mgdcSecretLifetimeDays": 365 },
    "relmesh:mgdcSecretLifetimeDays must be a whole number 7..180, got 365: set relmesh:mgdcSecretLifetimeDays in Pulumi.dev.yaml",
  ],
  [
    "an impossible backfill date",
    { "relmesh:pipelineStartDate": "2026-02-30" },
    "relmesh:pipelineStartDate must be an ISO date YYYY-MM-DD, got '2026-02-30': set relmesh:pipelineStartDate in Pulumi.dev.yaml",
  ],
  [
    "an MGDC app without owners",
    { "relmesh:mgdcAppOwnerObjectIds": [] },
    "relmesh:mgdcAppOwnerObjectIds must be at least one object id of a licensed, non-guest user who owns the MGDC app, got []: set relmesh:mgdcAppOwnerObjectIds in Pulumi.dev.yaml, or set relmesh:mgdcEnabled to false",
  ],
  [
    "a malformed alert e-mail",
    { "relmesh:alertEmails": ["ops-at-example"] },
    "relmesh:alertEmails[0] must be an e-mail address, got 'ops-at-example': set relmesh:alertEmails[0] in Pulumi.dev.yaml",
  ],
  [
    "a misspelt key",
    { "relmesh:rawRetentionDay": 30 },
    "relmesh:rawRetentionDay is not a key Relationship Mesh reads: rename it to relmesh:rawRetentionDays",
  ],
  [
    "a premium lake SKU",
    { "relmesh:lakeSku": "Premium_LRS" },
    "relmesh:lakeSku must be one of Standard_LRS, Standard_ZRS, Standard_GRS, Standard_RAGRS, Standard_GZRS, Standard_RAGZRS, got 'Premium_LRS': set relmesh:lakeSku in Pulumi.dev.yaml",
  ],
  [
    "a budget starting mid-month",
    { "relmesh:budgetStartDate": "2026-01-15" },
    "relmesh:budgetStartDate must be the first day of a month, on or after 2017-06-01, got '2026-01-15': set relmesh:budgetStartDate in Pulumi.dev.yaml",
  ],
  [
    "an open Key Vault CIDR",
    { "relmesh:keyVaultAllowedCidrs": ["0.0.0.0/0"] },
    "relmesh:keyVaultAllowedCidrs[0] must be an IPv4 address or CIDR of at most a /16, aligned to its prefix, got '0.0.0.0/0': set relmesh:keyVaultAllowedCidrs[0] in Pulumi.dev.yaml",
  ],
  [
    "a malformed approval fingerprint",
    { "relmesh:mgdcApprovedFingerprint": "abc" },
    "relmesh:mgdcApprovedFingerprint must be the 64-hex fingerprint printed by the consent checklist, got 'abc': set relmesh:mgdcApprovedFingerprint in Pulumi.dev.yaml",
  ],
];

describe("invalid configs fail before any resource is declared", () => {
  test("the invalid cases each have their own message", () => {
    expect(new Set(INVALID.map(([, , m]) => m)).size).toBe(INVALID.length);
    expect(INVALID.length).toBeGreaterThanOrEqual(15);
  });

  test.each(INVALID)("%s", async (_name, overrides, message) => {
    expect(() => deploy(devRaw(overrides))).toThrow(new ConfigError(message));
    await new Promise((resolve) => setImmediate(resolve));
    expect(registered).toEqual([]);
  });

  test("a bad ruleset file fails through the ruleset loader before any resource", () => {
    expect(() => deploy(devRaw({ "relmesh:rulesetPath": "Pulumi.yaml" }))).toThrow(ConfigError);
    expect(registered).toEqual([]);
  });
});

describe("valid config", () => {
  test("Pulumi.dev.yaml on a fresh clone validates with its documented defaults", () => {
    const c = loadRelmesh("dev", { rootDir: ROOT }).config;
    expect([c.location, c.rawRetentionDays, c.keepSubjects, c.rulesetPath, c.pipelineStartDate, c.managedVirtualNetwork]).toEqual([
      "westeurope",
      30,
      false,
      "config/ruleset.yaml",
      "2027-01-04",
      true,
    ]);
    expect(c.sparkSession).toEqual({ driverMemory: "28g", driverCores: 4, executorMemory: "28g", executorCores: 4, numExecutors: 2 });
  });

  test("values from the Pulumi engine (JSON strings, text numbers and booleans) validate like YAML values", () => {
    const yamlTyped = validateConfig(devRaw(), { rootDir: ROOT });
    const asEngine = Object.fromEntries(Object.entries(devRaw()).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    expect(validateConfig(asEngine, { rootDir: ROOT })).toEqual(yamlTyped);
  });

  test("one key chooses the CRM mapping: a shipped one by name, or a path", () => {
    expect(devConfig().crmColumnMapping.tables.contacts.columns.email).toBe("emailaddress1");
    const salesforce = devConfig({ "relmesh:crmMapping": "salesforce" });
    expect([salesforce.crmMapping, salesforce.crmColumnMapping.tables.contacts.columns.email]).toEqual(["salesforce", "Email"]);
    const byPath = devConfig({ "relmesh:crmMapping": "config/crm-mappings/salesforce.yaml" });
    expect(byPath.crmColumnMapping).toEqual(salesforce.crmColumnMapping);
  });

  test("display-form region names are accepted (West Europe)", () => {
    expect(validateConfig(devRaw({ "relmesh:location": "West Europe" }), { rootDir: ROOT }).location).toBe("westeurope");
  });

  test("omitted optional keys take their documented defaults", () => {
    const minimal = {
      "relmesh:adminGroupObjectId": "22222222-2222-4222-8222-222222222222",
      "relmesh:deployerIpAddress": "203.0.113.10",
      "relmesh:mgdcAppOwnerObjectIds": ["11111111-1111-4111-8111-111111111111"],
      "relmesh:alertEmails": ["a@example.com"],
      "relmesh:allowedGroupOwnerObjectIds": ["66666666-6666-4666-8666-666666666666"],
    };
    const c = validateConfig(minimal, { rootDir: ROOT });
    expect(c.firewallRules).toEqual([{ name: "deployer", startIpAddress: "203.0.113.10", endIpAddress: "203.0.113.10" }]);
    expect([c.lakeSku, c.lockResources, c.mgdcEnabled, c.mgdcSecretLifetimeDays, c.budgetThresholds, c.budgetStartDate]).toEqual([
      "Standard_GZRS",
      true,
      true,
      90,
      [50, 80, 100],
      undefined,
    ]);
    // No schedule until a start date is set; 90 days of history; calendar windows reach 12 h back; managed VNet on.
    expect([c.pipelineStartDate, c.initialLoadDays, c.calendarOverlapHours, c.managedVirtualNetwork]).toEqual([undefined, 90, 12, true]);
    expect(c.sparkPool).toEqual({ name: "spark35", nodeSize: "Small", minNodes: 3, maxNodes: 6, autoPauseMinutes: 15 });
  });
});

describe("names", () => {
  test("storage account names are 3–24 lowercase alphanumerics with a stable derived suffix", () => {
    const n = deriveNames("relmesh", "dev", deriveNameSuffix("relmesh", "dev"));
    expect(n.lakeAccount).toMatch(/^[a-z0-9]{3,24}$/);
    expect(n.landingAccount).toMatch(/^[a-z0-9]{3,24}$/);
    expect(deriveNameSuffix("relmesh", "dev")).toBe(deriveNameSuffix("relmesh", "dev"));
    expect(checkNames(n)).toBeUndefined();
  });

  test("the suffix differs per subscription and per stack", () => {
    const s = new Set([
      deriveNameSuffix("relmesh", "dev", "a"),
      deriveNameSuffix("relmesh", "dev", "b"),
      deriveNameSuffix("relmesh", "prod", "a"),
    ]);
    expect(s.size).toBe(3);
  });

  test("the longest allowed prefix still fits every Azure naming rule", () => {
    expect(checkNames(deriveNames("abcdefghij", "a-very-long-stack-name-indeed", "zzzzzz"))).toBeUndefined();
  });

  test("checkNames rejects a storage name over 24 characters", () => {
    expect(checkNames({ ...deriveNames("relmesh", "dev", "abc123"), lakeAccount: "x".repeat(25) })).toMatch(
      /^lakeAccount 'x{25}' breaks the Azure naming rule/,
    );
  });

  test("parseCidr reads ranges and rejects misaligned prefixes", () => {
    expect(parseCidr("203.0.113.0/24")).toEqual({ start: 3405803776, end: 3405804031, prefix: 24 });
    expect(parseCidr("203.0.113.7")).toEqual({ start: 3405803783, end: 3405803783, prefix: 32 });
    expect(parseCidr("203.0.113.7/24")).toBeUndefined();
    expect(parseCidr("256.0.0.1")).toBeUndefined();
  });
});

describe("control", () => {
  test("the same validate-then-declare path registers resources for a valid config (so the checks above are meaningful)", async () => {
    deploy(devRaw());
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(registered).toEqual(
      expect.arrayContaining(["azure-native:storage:StorageAccount::lake", "azure-native:synapse:Workspace::synapse"]),
    );
  });
});
