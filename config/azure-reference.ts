/** Azure and MGDC reference tables and the pure naming/address helpers the config validation uses. */
import { createHash } from "node:crypto";
import type { LakeSku, SparkNodeSize, ResourceNames } from "./stack-types";
import schema from "./stack.schema.json";

// ---------------------------------------------------------------------------------------------
// Reference tables
// ---------------------------------------------------------------------------------------------

/** MGDC region table (docs/platform-facts.md §1.5): Office region → Azure regions (canonical names). */
export const MGDC_REGIONS: Readonly<Record<string, readonly string[]>> = {
  "Asia-Pacific": ["eastasia", "southeastasia"],
  Australia: ["australiaeast", "australiasoutheast"],
  Europe: ["northeurope", "westeurope"],
  "North America": ["centralus", "eastus", "eastus2", "northcentralus", "southcentralus", "westcentralus", "westus", "westus2"],
  Brazil: ["brazilsouth"],
  UK: ["uksouth", "ukwest"],
  Canada: ["canadacentral", "canadaeast"],
  Japan: ["japanwest", "japaneast"],
  India: ["southindia", "centralindia"],
  Korea: ["koreacentral", "koreasouth"],
  Switzerland: ["switzerlandnorth"],
  Germany: ["germanywestcentral"],
  Norway: ["norwayeast"],
  France: ["francecentral"],
  UAE: ["uaenorth"],
};

/** Every Azure region MGDC serves. */
export const MGDC_AZURE_REGIONS: readonly string[] = Object.values(MGDC_REGIONS).flat();

/** Public Azure regions (canonical names) accepted for `relmesh:location`. */
export const AZURE_REGIONS: readonly string[] = [
  ...MGDC_AZURE_REGIONS,
  "westus3",
  "swedencentral",
  "swedensouth",
  "italynorth",
  "polandcentral",
  "spaincentral",
  "israelcentral",
  "qatarcentral",
  "mexicocentral",
  "newzealandnorth",
  "southafricanorth",
  "southafricawest",
  "uaecentral",
  "switzerlandwest",
  "germanynorth",
  "norwaywest",
  "francesouth",
  "australiacentral",
  "australiacentral2",
  "westindia",
  "jioindiawest",
  "jioindiacentral",
  "brazilsoutheast",
  "eastus2euap",
  "centraluseuap",
  "austriaeast",
  "belgiumcentral",
  "chilecentral",
  "indonesiacentral",
  "malaysiawest",
];

/** vCores and memory (GB) per Spark node size (docs/platform-facts.md §4). */
export const SPARK_NODE_SIZES: Readonly<Record<SparkNodeSize, { vCores: number; memoryGb: number }>> = {
  Small: { vCores: 4, memoryGb: 32 },
  Medium: { vCores: 8, memoryGb: 64 },
  Large: { vCores: 16, memoryGb: 128 },
  XLarge: { vCores: 32, memoryGb: 256 },
  XXLarge: { vCores: 64, memoryGb: 432 },
  XXXLarge: { vCores: 80, memoryGb: 504 },
};

/** Lake SKUs and dedicated SQL pool levels relmesh:lakeSku and relmesh:dedicatedSqlPool accept (the schema's enums). */
export const LAKE_SKUS: readonly LakeSku[] = schema.properties.lakeSku.enum as LakeSku[];
export const DW_SKUS: readonly string[] = schema.properties.dedicatedSqlPool.properties.sku.enum;

/** Lake file systems; fixed so notebooks, SQL and artifacts agree. */
export const LAKE_FILE_SYSTEMS = { raw: "raw", curated: "curated", workspace: "workspace" } as const;
/** Folder of the lake's raw file system that holds M365 data (`raw/m365/...`); the lifecycle policy expires it. */
export const RAW_M365_FOLDER = "m365";
/** The landing container MGDC writes into. */
export const LANDING_CONTAINER = "mgdc";
/** The Key Vault secret name the Office 365 / ADLS linked services reference (docs/platform-facts.md §1.6). */
export const MGDC_SECRET_NAME = "mgdc-sp-secret";

/** The repository root. */
export { REPO_ROOT } from "./files";

// ---------------------------------------------------------------------------------------------
// Pure helpers (exported for tests and for the other stages)
// ---------------------------------------------------------------------------------------------

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
/**
 * "The maximum input date range supported for this dataset for an extraction cannot exceed 1825
 * days" (Graph Data Connect, BasicDataSet_v0.CalendarView_v0 dataset page,
 * microsoftgraph/dataconnect-solutions): the longest initial load one MGDC run can take, the
 * schema's maximum of relmesh:initialLoadDays.
 */
export const CALENDAR_VIEW_MAX_DAYS: number = schema.properties.initialLoadDays.maximum;

export const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** `West Europe` → `westeurope`. */
export function canonicalRegion(value: string): string {
  return value.toLowerCase().replace(/[\s_-]/g, "");
}

/** Parses a dotted IPv4 address to an unsigned 32-bit number, or undefined. */
export function parseIpv4(value: string): number | undefined {
  const parts = value.split(".");
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255 || (p.length > 1 && p.startsWith("0"))) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
}

/** `a.b.c.d/nn` → inclusive range, or undefined when malformed or not aligned to the prefix. */
export function parseCidr(value: string): { start: number; end: number; prefix: number } | undefined {
  const m = /^([^/]+)\/(\d{1,2})$/.exec(value);
  const ip = m ? parseIpv4(m[1]) : parseIpv4(value);
  const prefix = m ? Number(m[2]) : 32;
  if (ip === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  if (ip % size !== 0) return undefined;
  return { start: ip, end: ip + size - 1, prefix };
}

export function isPrivateIpv4(n: number): boolean {
  const inRange = (cidr: string) => {
    const r = parseCidr(cidr)!;
    return n >= r.start && n <= r.end;
  };
  return ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16", "0.0.0.0/8"].some(inRange);
}

/** Largest range one firewall rule may open (a /16). */
export const MAX_FIREWALL_RANGE = 65536;

/**
 * Stable 6-character suffix for global names: base-36 of a SHA-256 over subscription id, stack and
 * prefix. Same inputs, same suffix, on every machine.
 */
export function deriveNameSuffix(prefix: string, stack: string, subscriptionId = ""): string {
  const digest = createHash("sha256").update(`${subscriptionId}|${stack}|${prefix}`).digest();
  return (digest.readUInt32BE(0) % 36 ** 6).toString(36).padStart(6, "0");
}

function slug(value: string, max: number): string {
  return (
    value
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, max)
      .replace(/-+$/, "") || "stack"
  );
}

/** Every physical name, from prefix, stack and suffix. Pure. */
export function deriveNames(prefix: string, stack: string, suffix: string): ResourceNames {
  const s = slug(stack, 20);
  return {
    resourceGroup: `rg-${prefix}-${s}`,
    lakeAccount: `${prefix}lake${suffix}`,
    landingAccount: `${prefix}mgdc${suffix}`,
    keyVault: `${prefix}-kv-${suffix}`,
    synapseWorkspace: `${prefix}-syn-${suffix}`,
    logAnalytics: `${prefix}-log-${s}`,
    actionGroup: `${prefix}-alerts-${s}`,
    actionGroupShort: `${prefix}ops`.slice(0, 12),
    budget: `${prefix}-budget-${s}`,
    mgdcApplication: `${prefix}-mgdc-${s}`,
  };
}

/**
 * The serverless SQL endpoint of a Synapse workspace: `<workspace>-ondemand.sql.azuresynapse.net`.
 * Azure derives it from the workspace name (hence the naming rule below forbids "-ondemand" in the
 * name); the Power BI model's SqlEndpoint parameter is filled from it before the workspace exists.
 * The deployed workspace reports the same value as `connectivityEndpoints.sqlOnDemand`. Pure.
 */
export function serverlessSqlEndpoint(workspaceName: string): string {
  return `${workspaceName}-ondemand.sql.azuresynapse.net`;
}

/** Azure naming rules for the derived names; returns the first violation as text, or undefined. */
export function checkNames(names: ResourceNames): string | undefined {
  const rules: Array<[keyof ResourceNames, RegExp, string]> = [
    ["lakeAccount", /^[a-z0-9]{3,24}$/, "3–24 lowercase letters and digits (storage account names are global)"],
    ["landingAccount", /^[a-z0-9]{3,24}$/, "3–24 lowercase letters and digits (storage account names are global)"],
    ["keyVault", /^[a-zA-Z](?!.*--)[a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/, "3–24 letters, digits and single hyphens, starting with a letter"],
    [
      "synapseWorkspace",
      /^[a-z0-9](?!.*-ondemand)[a-z0-9-]{0,48}[a-z0-9]$/,
      "1–50 lowercase letters, digits and hyphens, not containing '-ondemand'",
    ],
    ["resourceGroup", /^[-\w.()]{1,89}[-\w()]$/, "1–90 letters, digits, '-', '_', '.', '(' and ')'"],
    ["logAnalytics", /^[A-Za-z0-9][A-Za-z0-9-]{2,61}[A-Za-z0-9]$/, "4–63 letters, digits and hyphens"],
  ];
  for (const [key, re, rule] of rules) {
    if (!re.test(names[key])) return `${key} '${names[key]}' breaks the Azure naming rule: ${rule}`;
  }
  return undefined;
}
