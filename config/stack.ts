/**
 * The one typed, validated configuration of Relationship Mesh.
 *
 * Read from the `config:` map of `Pulumi.<stack>.yaml` (keys prefixed `relmesh:`), or from the
 * engine's config at `pulumi up` (same keys, values JSON-encoded). The infrastructure program, the
 * Synapse artifact generator, the notebook parameters and the local runner all read this object, so
 * a bad value fails once, here, before any resource is declared — with the key, what was received
 * and the fix in the message.
 */
import { DEFAULT_CRM_MAPPING_PATH, loadCrmMapping } from "./crm-mapping";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./errors";
import { loadRuleset } from "./ruleset";
import type { LakeSku, SparkNodeSize, FirewallRule, SparkPoolConfig, SparkSessionConfig, DedicatedSqlPoolConfig, RelmeshConfig } from "./stack-types";
import { CALENDAR_VIEW_MAX_DAYS, MGDC_AZURE_REGIONS, AZURE_REGIONS, SPARK_NODE_SIZES, LAKE_FILE_SYSTEMS, RAW_M365_FOLDER, LANDING_CONTAINER, MGDC_SECRET_NAME, CONFIG_KEYS, REPO_ROOT, isGuid, canonicalRegion, parseIpv4, formatIpv4, parseCidr, MAX_FIREWALL_RANGE, deriveNameSuffix, deriveNames, checkNames, LAKE_SKUS, DW_SKUS, EMAIL, ISO_DATE, isPrivateIpv4 } from "./azure-reference";
import type { ConfigKey } from "./azure-reference";

// One import site for every stage: the types and reference tables live in their own files.
export * from "./stack-types";
export * from "./azure-reference";

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

export interface ValidateOptions {
  /** Stack name; used in derived names and in the fix of each message. @default - `dev` */
  stack?: string;
  /** Repository root the ruleset path is resolved against. @default - the repository root */
  rootDir?: string;
  /**
   * Subscription the stack deploys to; part of the name suffix so two subscriptions never race for
   * the same global names. `pulumi up` passes the deploying subscription.
   * @default - `azure-native:subscriptionId` from the stack config, else none (offline tools)
   */
  subscriptionId?: string;
  /** The clock rules about "now" use (a budget may not start in a past month). @default - the current time */
  now?: Date;
}

function show(value: unknown): string {
  if (typeof value === "string") return `'${value}'`;
  if (value === undefined) return "nothing";
  return JSON.stringify(value);
}

class Reader {
  private readonly values = new Map<string, unknown>();
  constructor(raw: Record<string, unknown>, readonly stack: string) {
    for (const [key, value] of Object.entries(raw)) {
      if (key.startsWith("relmesh:")) this.values.set(key.slice("relmesh:".length), value);
      else if (!key.includes(":")) this.values.set(key, value);
    }
    const known = new Set<string>(CONFIG_KEYS);
    for (const key of [...this.values.keys()].sort()) {
      if (!known.has(key)) {
        const near = CONFIG_KEYS.find((k) => k.toLowerCase() === key.toLowerCase() || editDistance(k, key) <= 2);
        this.fail(key, "not a key Relationship Mesh reads", undefined, near ? `rename it to relmesh:${near}` : `remove it (known keys are documented in Pulumi.dev.yaml)`);
      }
    }
  }

  /** `relmesh:key must be …, got …: set relmesh:key in Pulumi.<stack>.yaml` */
  fail(key: string, rule: string, got: unknown, fix?: string): never {
    const received = arguments.length >= 3 && got !== undefined ? `, got ${show(got)}` : "";
    throw new ConfigError(`relmesh:${key} ${rule.startsWith("not ") ? "is " : "must be "}${rule}${received}: ${fix ?? `set relmesh:${key} in Pulumi.${this.stack}.yaml`}`);
  }

  has(key: ConfigKey): boolean {
    const v = this.values.get(key);
    return v !== undefined && v !== null && v !== "";
  }

  private raw(key: ConfigKey): unknown {
    return this.values.get(key);
  }

  /** Values from the engine arrive JSON-encoded; YAML values arrive typed. */
  private decoded(key: ConfigKey): unknown {
    const v = this.raw(key);
    if (typeof v === "string" && /^\s*[[{]/.test(v)) {
      try {
        return JSON.parse(v);
      } catch {
        return v;
      }
    }
    return v;
  }

  string(key: ConfigKey, fallback: string): string {
    if (!this.has(key)) return fallback;
    const v = this.raw(key);
    if (typeof v !== "string") this.fail(key, "a string", v);
    return v.trim();
  }

  optionalString(key: ConfigKey): string | undefined {
    return this.has(key) ? this.string(key, "") : undefined;
  }

  int(key: ConfigKey, fallback: number, min: number, max: number, unit = ""): number {
    if (!this.has(key)) return fallback;
    const v = this.raw(key);
    const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) this.fail(key, `a whole number ${min}..${max}${unit}`, v);
    return n;
  }

  number(key: ConfigKey, fallback: number, min: number, max: number): number {
    if (!this.has(key)) return fallback;
    const v = this.raw(key);
    const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
    if (!Number.isFinite(n) || n <= min || n > max) this.fail(key, `a number greater than ${min} and at most ${max}`, v);
    return n;
  }

  bool(key: ConfigKey, fallback: boolean): boolean {
    if (!this.has(key)) return fallback;
    const v = this.raw(key);
    if (v === true || v === "true") return true;
    if (v === false || v === "false") return false;
    return this.fail(key, "true or false", v);
  }

  list(key: ConfigKey): unknown[] {
    if (!this.has(key)) return [];
    const v = this.decoded(key);
    if (!Array.isArray(v)) this.fail(key, "a list", v);
    return v as unknown[];
  }

  stringList(key: ConfigKey): string[] {
    return this.list(key).map((item, i) => {
      if (typeof item !== "string" || item.trim() === "") this.fail(`${key}[${i}]`, "a non-empty string", item);
      return (item as string).trim();
    });
  }

  object(key: ConfigKey): Record<string, unknown> | undefined {
    if (!this.has(key)) return undefined;
    const v = this.decoded(key);
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(key, "a map of keys to values", v);
    return v as Record<string, unknown>;
  }
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** `YYYY-MM-01` of a date, in UTC. Pure. */
export function firstOfMonth(d: Date): string {
  return `${d.toISOString().slice(0, 7)}-01`;
}

function isoDate(r: Reader, key: ConfigKey, value: string): string {
  const m = ISO_DATE.exec(value);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) r.fail(key, "an ISO date YYYY-MM-DD", value);
  return value;
}

function guid(r: Reader, key: string, value: unknown): string {
  if (typeof value !== "string" || !isGuid(value.trim())) r.fail(key, "an Entra object id (a GUID like 00000000-0000-0000-0000-000000000000)", value);
  return (value as string).trim().toLowerCase();
}

function guidList(r: Reader, key: ConfigKey, max: number): string[] {
  const items = r.list(key);
  if (items.length > max) r.fail(key, `a list of at most ${max} object ids`, items.length, `keep at most ${max} ids in relmesh:${key} in Pulumi.${r.stack}.yaml (MGDC's allowedGroups limit; nest groups instead)`);
  const ids = items.map((v, i) => guid(r, `${key}[${i}]`, v));
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) r.fail(key, "a list without duplicates", dup, `remove the repeated id from relmesh:${key} in Pulumi.${r.stack}.yaml`);
  return ids;
}

function emails(r: Reader, key: ConfigKey, list: string[]): string[] {
  list.forEach((e, i) => {
    if (!EMAIL.test(e)) r.fail(`${key}[${i}]`, "an e-mail address", e);
  });
  return list;
}

function firewallRules(r: Reader, deployerIp: string, stack: string): FirewallRule[] {
  const items = r.list("firewallRules");
  const rules: FirewallRule[] = items.map((item, i) => {
    const key = `firewallRules[${i}]`;
    let name: string | undefined;
    let start: number | undefined;
    let end: number | undefined;
    let text: string;
    if (typeof item === "string") {
      text = item.trim();
    } else if (item && typeof item === "object" && !Array.isArray(item)) {
      const o = item as Record<string, unknown>;
      name = typeof o.name === "string" ? o.name : undefined;
      text = typeof o.cidr === "string" ? o.cidr : `${String(o.startIpAddress)}-${String(o.endIpAddress)}`;
    } else {
      return r.fail(key, "a CIDR string or { name, cidr } / { name, startIpAddress, endIpAddress }", item);
    }
    if (text.includes("-")) {
      const [a, b] = text.split("-", 2).map((s) => s.trim());
      start = parseIpv4(a);
      end = parseIpv4(b);
      if (start === undefined || end === undefined) r.fail(key, "an IPv4 range a.b.c.d-e.f.g.h", text);
    } else {
      const c = parseCidr(text);
      if (!c) r.fail(key, "an IPv4 address or CIDR aligned to its prefix (e.g. 203.0.113.0/24)", text);
      start = c!.start;
      end = c!.end;
    }
    const s = start!;
    const e = end!;
    if (s > e) r.fail(key, "a range whose start is not after its end", text);
    if (s === 0 && e === 0) r.fail(key, "a real address range, not 0.0.0.0-0.0.0.0 ('allow all Azure services' admits every Azure customer, SEC-22)", text, `remove it from relmesh:firewallRules in Pulumi.${stack}.yaml`);
    if (s === 0 && e === 0xffffffff) r.fail(key, "a narrow range, never allow-all 0.0.0.0-255.255.255.255 (SEC-22)", text, `remove it from relmesh:firewallRules in Pulumi.${stack}.yaml`);
    if (e - s + 1 > MAX_FIREWALL_RANGE) r.fail(key, `at most a /16 (${MAX_FIREWALL_RANGE} addresses)`, text, `narrow it in relmesh:firewallRules in Pulumi.${stack}.yaml`);
    const ruleName = name ?? `allow-${formatIpv4(s).replace(/\./g, "-")}${s === e ? "" : `-to-${formatIpv4(e).replace(/\./g, "-")}`}`;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/.test(ruleName)) r.fail(`${key}.name`, "1–80 letters, digits, '_', '.' or '-'", ruleName);
    return { name: ruleName, startIpAddress: formatIpv4(s), endIpAddress: formatIpv4(e) };
  });
  const deployer = parseIpv4(deployerIp)!;
  if (rules.length === 0) {
    return [{ name: "deployer", startIpAddress: deployerIp, endIpAddress: deployerIp }];
  }
  const names = rules.map((x) => x.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) r.fail("firewallRules", "a list of rules with distinct names", dup);
  if (!rules.some((x) => parseIpv4(x.startIpAddress)! <= deployer && deployer <= parseIpv4(x.endIpAddress)!)) {
    r.fail("firewallRules", `a list that admits the deployer address ${deployerIp} (publishing artifacts needs the workspace endpoints)`, rules.map((x) => `${x.startIpAddress}-${x.endIpAddress}`), `add ${deployerIp}/32 to relmesh:firewallRules in Pulumi.${stack}.yaml`);
  }
  return rules;
}

function sparkPool(r: Reader): SparkPoolConfig {
  const o = r.object("sparkPool") ?? {};
  const known = ["name", "nodeSize", "minNodes", "maxNodes", "autoPauseMinutes"];
  for (const k of Object.keys(o).sort()) if (!known.includes(k)) r.fail(`sparkPool.${k}`, "not a Spark pool setting", undefined, `use one of ${known.join(", ")}`);
  const int = (k: string, fallback: number, min: number, max: number): number => {
    const v = o[k];
    if (v === undefined) return fallback;
    const n = typeof v === "string" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) r.fail(`sparkPool.${k}`, `a whole number ${min}..${max}`, v);
    return n as number;
  };
  const name = o.name === undefined ? "spark35" : o.name;
  if (typeof name !== "string" || !/^[A-Za-z][A-Za-z0-9]{0,14}$/.test(name)) r.fail("sparkPool.name", "1–15 letters and digits starting with a letter", name);
  const nodeSize = o.nodeSize === undefined ? "Small" : o.nodeSize;
  if (typeof nodeSize !== "string" || !(nodeSize in SPARK_NODE_SIZES)) r.fail("sparkPool.nodeSize", `one of ${Object.keys(SPARK_NODE_SIZES).join(", ")}`, nodeSize);
  const minNodes = int("minNodes", 3, 3, 200);
  const maxNodes = int("maxNodes", Math.max(6, minNodes), 3, 200);
  if (maxNodes < minNodes) r.fail("sparkPool.maxNodes", `at least sparkPool.minNodes (${minNodes})`, maxNodes);
  const autoPauseMinutes = int("autoPauseMinutes", 15, 5, 10080);
  return { name: name as string, nodeSize: nodeSize as SparkNodeSize, minNodes, maxNodes, autoPauseMinutes };
}

function sparkSession(r: Reader, pool: SparkPoolConfig): SparkSessionConfig {
  const o = r.object("sparkSession") ?? {};
  const known = ["driverMemory", "driverCores", "executorMemory", "executorCores", "numExecutors"];
  for (const k of Object.keys(o).sort()) if (!known.includes(k)) r.fail(`sparkSession.${k}`, "not a Spark session setting", undefined, `use one of ${known.join(", ")}`);
  const node = SPARK_NODE_SIZES[pool.nodeSize];
  const memory = (k: string): string => {
    const v = o[k] === undefined ? `${node.memoryGb - 4}g` : o[k];
    const m = typeof v === "string" ? /^(\d+)g$/.exec(v) : null;
    if (!m || Number(m[1]) < 1 || Number(m[1]) > node.memoryGb) r.fail(`sparkSession.${k}`, `a size like '28g', at most the ${pool.nodeSize} node's ${node.memoryGb}g`, v);
    return v as string;
  };
  const cores = (k: string, fallback: number, max: number, what: string): number => {
    const v = o[k] === undefined ? fallback : o[k];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > max) r.fail(`sparkSession.${k}`, `a whole number 1..${max} (${what})`, v);
    return v as number;
  };
  return {
    driverMemory: memory("driverMemory"),
    driverCores: cores("driverCores", node.vCores, node.vCores, `vCores of a ${pool.nodeSize} node`),
    executorMemory: memory("executorMemory"),
    executorCores: cores("executorCores", node.vCores, node.vCores, `vCores of a ${pool.nodeSize} node`),
    numExecutors: cores("numExecutors", Math.min(2, pool.maxNodes - 1), pool.maxNodes - 1, "sparkPool.maxNodes minus the driver"),
  };
}

function dedicatedPool(r: Reader): DedicatedSqlPoolConfig | undefined {
  const o = r.object("dedicatedSqlPool");
  if (!o) return undefined;
  const name = o.name ?? "relmeshdw";
  if (typeof name !== "string" || !/^[A-Za-z][A-Za-z0-9_]{0,59}$/.test(name)) r.fail("dedicatedSqlPool.name", "1–60 letters, digits and underscores starting with a letter", name);
  const sku = o.sku ?? "DW100c";
  if (typeof sku !== "string" || !DW_SKUS.includes(sku)) r.fail("dedicatedSqlPool.sku", `one of ${DW_SKUS.join(", ")}`, sku);
  return { name: name as string, sku: sku as string };
}

/**
 * Validates the raw stack config and returns the typed config. Throws {@link ConfigError} naming the
 * key, the value received and the fix. Pure apart from reading the ruleset file.
 */
export function validateConfig(raw: Record<string, unknown>, opts: ValidateOptions = {}): RelmeshConfig {
  const stack = opts.stack ?? "dev";
  const rootDir = opts.rootDir ?? REPO_ROOT;
  const r = new Reader(raw ?? {}, stack);
  const file = `Pulumi.${stack}.yaml`;

  // Scalars first, in the order a reader of Pulumi.dev.yaml meets them.
  const mgdcEnabled = r.bool("mgdcEnabled", true);
  const locationRaw = r.string("location", "westeurope");
  const location = canonicalRegion(locationRaw);
  if (!AZURE_REGIONS.includes(location)) r.fail("location", "an Azure region name such as 'westeurope'", locationRaw);
  if (mgdcEnabled && !MGDC_AZURE_REGIONS.includes(location)) {
    r.fail("location", `a region Graph Data Connect serves while relmesh:mgdcEnabled is true (${MGDC_AZURE_REGIONS.join(", ")})`, locationRaw, `pick the region matching your mailboxes' Office region in ${file}`);
  }

  const namePrefix = r.string("namePrefix", "relmesh");
  if (!/^[a-z][a-z0-9]{1,9}$/.test(namePrefix)) r.fail("namePrefix", "2–10 lowercase letters and digits starting with a letter (it prefixes global storage account names)", namePrefix);
  const subscriptionId = typeof raw?.["azure-native:subscriptionId"] === "string" ? (raw["azure-native:subscriptionId"] as string) : (opts.subscriptionId ?? "");
  const nameSuffix = r.string("nameSuffix", deriveNameSuffix(namePrefix, stack, subscriptionId));
  if (!/^[a-z0-9]{1,8}$/.test(nameSuffix)) r.fail("nameSuffix", "1–8 lowercase letters and digits", nameSuffix);
  const names = deriveNames(namePrefix, stack, nameSuffix);
  const badName = checkNames(names);
  if (badName) r.fail("namePrefix", `a prefix whose derived names follow Azure rules (${badName})`, namePrefix);

  const tagsRaw = r.object("tags") ?? {};
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(tagsRaw)) {
    if (typeof v !== "string" || k.length > 512 || /[<>%&\\?/]/.test(k)) r.fail(`tags.${k}`, "a string value under a name without < > % & \\ ? /", v);
    tags[k] = v as string;
  }

  const lakeSku = r.string("lakeSku", "Standard_GZRS") as LakeSku;
  if (!LAKE_SKUS.includes(lakeSku)) r.fail("lakeSku", `one of ${LAKE_SKUS.join(", ")}`, lakeSku);
  const rawRetentionDays = r.int("rawRetentionDays", 30, 1, 3650);
  const softDeleteRetentionDays = r.int("softDeleteRetentionDays", 14, 7, 365);
  const landingRetentionDays = r.int("landingRetentionDays", 1, 1, 30);

  const mgdcAppOwnerObjectIds = guidList(r, "mgdcAppOwnerObjectIds", 5);
  if (mgdcEnabled && mgdcAppOwnerObjectIds.length === 0) {
    r.fail("mgdcAppOwnerObjectIds", "at least one object id of a licensed, non-guest user who owns the MGDC app", [], `set relmesh:mgdcAppOwnerObjectIds in ${file}, or set relmesh:mgdcEnabled to false`);
  }
  const allowedGroupObjectIds = guidList(r, "allowedGroupObjectIds", 10);
  const allowedGroupName = r.string("allowedGroupName", `${namePrefix}-mgdc-allowed-users`);
  // Separation of duties: whoever owns the MGDC app must not also decide whose mail it reads.
  const allowedGroupOwnerObjectIds = guidList(r, "allowedGroupOwnerObjectIds", 5);
  if (mgdcEnabled && allowedGroupObjectIds.length === 0 && allowedGroupOwnerObjectIds.length === 0) {
    r.fail("allowedGroupOwnerObjectIds", "at least one object id of who may change the allowed-mailboxes group the program creates", [], `set relmesh:allowedGroupOwnerObjectIds in ${file} (not an owner of the MGDC app), or name existing groups in relmesh:allowedGroupObjectIds`);
  }
  const overlap = allowedGroupOwnerObjectIds.filter((id) => mgdcAppOwnerObjectIds.includes(id));
  if (overlap.length > 0) {
    r.fail("allowedGroupOwnerObjectIds", "principals who do not own the MGDC app: an app owner who also owns the group could widen whose mail is extracted without a Global Admin", overlap, `pick other owners for the group in ${file}`);
  }
  const mgdcSecretLifetimeDays = r.int("mgdcSecretLifetimeDays", 90, 7, 180);
  const mgdcApprovedFingerprint = r.optionalString("mgdcApprovedFingerprint");
  if (mgdcApprovedFingerprint !== undefined && !/^[0-9a-f]{64}$/.test(mgdcApprovedFingerprint)) {
    r.fail("mgdcApprovedFingerprint", "the 64-hex fingerprint printed by the consent checklist", mgdcApprovedFingerprint);
  }

  if (!r.has("adminGroupObjectId")) r.fail("adminGroupObjectId", "the object id of the Entra group that administers Synapse", undefined);
  const adminGroupObjectId = guid(r, "adminGroupObjectId", r.string("adminGroupObjectId", ""));
  const adminGroupName = r.string("adminGroupName", "relmesh-admins");
  const sqlReadersRaw = r.optionalString("sqlReadersGroupObjectId");
  const sqlReadersGroupObjectId = sqlReadersRaw === undefined ? undefined : guid(r, "sqlReadersGroupObjectId", sqlReadersRaw);

  if (!r.has("deployerIpAddress")) r.fail("deployerIpAddress", "the public IPv4 address `pulumi up` runs from", undefined);
  const deployerIpAddress = r.string("deployerIpAddress", "");
  const deployerN = parseIpv4(deployerIpAddress);
  if (deployerN === undefined) r.fail("deployerIpAddress", "an IPv4 address a.b.c.d", deployerIpAddress);
  if (isPrivateIpv4(deployerN!)) r.fail("deployerIpAddress", "a public IPv4 address (Azure sees your public address, e.g. from https://ifconfig.me)", deployerIpAddress);
  const rules = firewallRules(r, deployerIpAddress, stack);
  const keyVaultAllowedCidrs = r.stringList("keyVaultAllowedCidrs").map((c, i) => {
    const p = parseCidr(c);
    if (!p || p.prefix < 16) r.fail(`keyVaultAllowedCidrs[${i}]`, "an IPv4 address or CIDR of at most a /16, aligned to its prefix", c);
    return c;
  });

  // MGDC's copy runs on its own Azure IR outside the managed VNet (docs/network-design.md), so the
  // managed VNet and MGDC no longer exclude each other.
  const managedVirtualNetwork = r.bool("managedVirtualNetwork", true);
  const pool = sparkPool(r);
  const session = sparkSession(r, pool);
  const dedicatedSqlPool = dedicatedPool(r);

  const logRetentionDays = r.int("logRetentionDays", 90, 30, 730);
  if (!r.has("alertEmails")) r.fail("alertEmails", "a list of 1..10 e-mail addresses for the failed-pipeline alert", undefined);
  const alertEmails = emails(r, "alertEmails", r.stringList("alertEmails"));
  if (alertEmails.length < 1 || alertEmails.length > 10) r.fail("alertEmails", "a list of 1..10 e-mail addresses", alertEmails.length);
  const budgetAmount = r.number("budgetAmount", 500, 0, 10_000_000);
  const budgetThresholds = r.list("budgetThresholds").length ? r.list("budgetThresholds") : [50, 80, 100];
  if (budgetThresholds.length > 5) r.fail("budgetThresholds", "a list of at most 5 percentages (Azure budgets hold 5 notifications)", budgetThresholds);
  budgetThresholds.forEach((t, i) => {
    const n = typeof t === "string" ? Number(t) : t;
    if (typeof n !== "number" || !Number.isFinite(n) || n <= 0 || n > 1000) r.fail(`budgetThresholds[${i}]`, "a percentage greater than 0 and at most 1000", t);
    if (i > 0 && (n as number) <= Number(budgetThresholds[i - 1])) r.fail("budgetThresholds", "a strictly increasing list", budgetThresholds);
  });
  const pipelineStartRaw = r.optionalString("pipelineStartDate");
  const pipelineStartDate = pipelineStartRaw === undefined ? undefined : isoDate(r, "pipelineStartDate", pipelineStartRaw);
  const initialLoadDays = r.int("initialLoadDays", 90, 0, CALENDAR_VIEW_MAX_DAYS);
  const calendarOverlapHours = r.int("calendarOverlapHours", 12, 0, 48);
  const budgetStartRaw = r.optionalString("budgetStartDate");
  const budgetStartDate = budgetStartRaw === undefined ? undefined : isoDate(r, "budgetStartDate", budgetStartRaw);
  if (budgetStartDate !== undefined) {
    if (!budgetStartDate.endsWith("-01") || budgetStartDate < "2017-06-01") r.fail("budgetStartDate", "the first day of a month, on or after 2017-06-01", budgetStartDate);
    // Azure rejects a start "not within the time grain period": a month before the current one.
    const thisMonth = firstOfMonth(opts.now ?? new Date());
    if (budgetStartDate < thisMonth) {
      r.fail("budgetStartDate", `the first day of the current month (${thisMonth}) or later: Azure rejects a budget that starts in a past month`, budgetStartDate, `remove relmesh:budgetStartDate from ${file}: the program then uses the month of the first deployment and keeps it`);
    }
  }
  const budgetContactEmails = r.has("budgetContactEmails") ? emails(r, "budgetContactEmails", r.stringList("budgetContactEmails")) : alertEmails;
  const lockResources = r.bool("lockResources", true);

  const rulesetPath = r.string("rulesetPath", "config/ruleset.yaml");
  const rulesetFile = isAbsolute(rulesetPath) ? rulesetPath : join(rootDir, rulesetPath);
  if (!existsSync(rulesetFile)) r.fail("rulesetPath", "a ruleset YAML file that exists", rulesetPath, `set relmesh:rulesetPath in ${file} to a path relative to the repository root (the default is config/ruleset.yaml)`);
  loadRuleset(rulesetFile);
  const keepSubjects = r.bool("keepSubjects", false);
  const crmMappingPath = r.string("crmMappingPath", DEFAULT_CRM_MAPPING_PATH);
  const crmMappingFile = isAbsolute(crmMappingPath) ? crmMappingPath : join(rootDir, crmMappingPath);
  if (!existsSync(crmMappingFile)) r.fail("crmMappingPath", "a CRM column mapping YAML file that exists", crmMappingPath, `set relmesh:crmMappingPath in ${file} to a path relative to the repository root (the default is ${DEFAULT_CRM_MAPPING_PATH})`);
  const crmMapping = loadCrmMapping(crmMappingFile);
  const sqlReadersGroupName = r.string("sqlReadersGroupName", "relmesh-readers");

  return {
    stack,
    location,
    namePrefix,
    nameSuffix,
    names,
    tags: { app: "relmesh", stack, ...tags },
    lakeSku,
    rawRetentionDays,
    softDeleteRetentionDays,
    landingRetentionDays,
    fileSystems: { ...LAKE_FILE_SYSTEMS },
    rawM365Folder: RAW_M365_FOLDER,
    landingContainer: LANDING_CONTAINER,
    mgdcEnabled,
    mgdcAppOwnerObjectIds,
    allowedGroupObjectIds,
    allowedGroupName,
    allowedGroupOwnerObjectIds,
    mgdcSecretLifetimeDays,
    ...(mgdcApprovedFingerprint !== undefined ? { mgdcApprovedFingerprint } : {}),
    mgdcSecretName: MGDC_SECRET_NAME,
    adminGroupObjectId,
    adminGroupName,
    ...(sqlReadersGroupObjectId !== undefined ? { sqlReadersGroupObjectId } : {}),
    deployerIpAddress,
    firewallRules: rules,
    keyVaultAllowedCidrs,
    managedVirtualNetwork,
    sparkPool: pool,
    sparkSession: session,
    ...(dedicatedSqlPool ? { dedicatedSqlPool } : {}),
    logRetentionDays,
    alertEmails,
    budgetAmount,
    budgetThresholds: budgetThresholds.map(Number),
    ...(budgetStartDate !== undefined ? { budgetStartDate } : {}),
    budgetContactEmails,
    lockResources,
    rulesetPath,
    ...(pipelineStartDate !== undefined ? { pipelineStartDate } : {}),
    initialLoadDays,
    calendarOverlapHours,
    keepSubjects,
    crmMappingPath,
    crmMapping,
    sqlReadersGroupName,
  };
}

/** The raw `config:` map of `Pulumi.<stack>.yaml` under `rootDir`, unvalidated. */
export function readStackConfigFile(stack = "dev", rootDir = REPO_ROOT): Record<string, unknown> {
  const file = join(rootDir, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    throw new ConfigError(`stack config ${file} does not exist: create Pulumi.${stack}.yaml (copy Pulumi.dev.yaml) or pass another --stack`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`Pulumi.${stack}.yaml is not valid YAML: ${(error as Error).message.split("\n")[0]}: fix the syntax at that line`);
  }
  const map = doc && typeof doc === "object" ? (doc as Record<string, unknown>).config : undefined;
  if (map !== undefined && (typeof map !== "object" || map === null || Array.isArray(map))) {
    throw new ConfigError(`Pulumi.${stack}.yaml 'config' must be a map of relmesh: keys: fix the file's config: section`);
  }
  return (map ?? {}) as Record<string, unknown>;
}

/**
 * Reads `Pulumi.<stack>.yaml` under `rootDir` and validates its `config:` map. `subscriptionId` is
 * the deploying subscription when known (it is part of the global-name suffix, as at `pulumi up`).
 */
export function loadStackConfig(stack = "dev", rootDir = REPO_ROOT, subscriptionId?: string): RelmeshConfig {
  return validateConfig(readStackConfigFile(stack, rootDir), { stack, rootDir, ...(subscriptionId ? { subscriptionId } : {}) });
}

/** The raw config a fresh clone's Pulumi.dev.yaml holds, for tests and docs. */
export function defaultConfig(stack = "dev", rootDir = REPO_ROOT): RelmeshConfig {
  return loadStackConfig(stack, rootDir);
}
