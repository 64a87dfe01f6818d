/**
 * The one typed, validated configuration of Relationship Mesh.
 *
 * Read from the `config:` map of `Pulumi.<stack>.yaml` (keys prefixed `relmesh:`), or from the
 * engine's config at `pulumi up` (same keys, values JSON-encoded). The shape, ranges and static
 * defaults are config/stack.schema.json (validated with Ajv); what a schema cannot say — regions,
 * derived names, firewall ranges, the budget month, separation of duties — are the small rules
 * below, run after it. A bad value fails once, here, before any resource is declared, with the key,
 * what was received and the fix (config/problems.ts words every message).
 */
import {
  MGDC_AZURE_REGIONS,
  AZURE_REGIONS,
  SPARK_NODE_SIZES,
  LAKE_FILE_SYSTEMS,
  RAW_M365_FOLDER,
  LANDING_CONTAINER,
  MGDC_SECRET_NAME,
  canonicalRegion,
  parseIpv4,
  formatIpv4,
  parseCidr,
  MAX_FIREWALL_RANGE,
  deriveNameSuffix,
  deriveNames,
  checkNames,
  ISO_DATE,
  isPrivateIpv4,
} from "./azure-reference";
import { crmMappingFile, loadCrmMapping, SHIPPED_CRM_MAPPINGS } from "./crm-mapping";
import { existsSync } from "node:fs";
import { REPO_ROOT, repoPath } from "./files";
import { configAjv, nearestKey, raise, schemaProblems, type Problem, type Wording } from "./problems";
import { loadRuleset } from "./ruleset";
import { erpSource, serviceCasesSource, type SourceContext } from "./sources";
import schema from "./stack.schema.json";
import type {
  LakeSku,
  SparkNodeSize,
  FirewallRule,
  SparkPoolConfig,
  SparkSessionConfig,
  DedicatedSqlPoolConfig,
  RelmeshConfig,
  ConfigKey,
} from "./stack-types";
export { REPO_ROOT, repoPath } from "./files";

// One import site for every stage: the types and reference tables live in their own files.
export * from "./stack-types";
export * from "./azure-reference";

export interface ValidateOptions {
  /** Stack name; used in derived names and in the fix of each message. @default - `dev` */
  stack?: string;
  /** Repository root the ruleset and CRM mapping paths are resolved against. @default - the repository root */
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

/** `YYYY-MM-01` of a date, in UTC. Pure. */
export function firstOfMonth(d: Date): string {
  return `${d.toISOString().slice(0, 7)}-01`;
}

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const PROPERTIES = schema.properties as Record<string, { type?: string }>;
/** Every key this project reads, without the `relmesh:` prefix: the schema's properties. */
const CONFIG_KEYS = Object.keys(schema.properties);

// Engine values arrive as text ("30", "true"): coerceTypes reads them like YAML values.
const validateSchema = configAjv({ coerceTypes: true, useDefaults: true }).compile(schema);

/** Keys an earlier release read, with the fix that replaces each. */
const REPLACED_KEYS: Record<string, string> = {
  crmMappingPath: `rename it to relmesh:crmMapping: ${Object.keys(SHIPPED_CRM_MAPPINGS).join(", ")} (the former config/crm-mapping.yaml is ${SHIPPED_CRM_MAPPINGS.dynamics365}), or the path of your own mapping`,
};

function wording(stack: string): Wording {
  const file = `Pulumi.${stack}.yaml`;
  return {
    prefix: "relmesh:",
    describe: true,
    fix: (key) => `set relmesh:${key} in ${file}`,
    expand: (text) => text.replace(/\{file\}/g, file),
    unknown: (key, known) => {
      if (key.includes(".")) return { rule: "not a known setting", fix: `use one of ${known.join(", ")}` };
      if (key in REPLACED_KEYS) return { rule: "not a key Relationship Mesh reads any more", fix: REPLACED_KEYS[key] };
      const near = nearestKey(key, CONFIG_KEYS);
      return {
        rule: "not a key Relationship Mesh reads",
        fix: near ? `rename it to relmesh:${near}` : "remove it (known keys are documented in Pulumi.dev.yaml)",
      };
    },
  };
}

/**
 * The `relmesh:` keys of a raw config map as the schema validates them: prefix removed, other
 * providers' keys left out, empty values absent, strings trimmed, and the JSON text the engine
 * passes for lists and maps decoded.
 */
function schemaInput(raw: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const key = name.startsWith("relmesh:") ? name.slice("relmesh:".length) : name.includes(":") ? undefined : name;
    if (key === undefined || value === undefined || value === null || value === "") continue;
    let v = typeof value === "string" ? value.trim() : value;
    const type = PROPERTIES[key]?.type;
    if ((type === "array" || type === "object") && typeof v === "string" && /^[[{]/.test(v)) {
      try {
        v = JSON.parse(v);
      } catch {
        /* the schema names the key */
      }
    }
    if (Array.isArray(v)) v = v.map((item) => (typeof item === "string" ? item.trim() : item));
    input[key] = v;
  }
  return input;
}

/**
 * What the schema guarantees: each key has its type, and its static default when the schema has
 * one. (`Pick` also fails to compile when the schema has a key {@link RelmeshConfig} lacks.)
 */
type Derived = "nameSuffix" | "allowedGroupName" | "budgetContactEmails";
type Loose = "tags" | "lakeSku" | "firewallRules" | "sparkPool" | "sparkSession" | "dedicatedSqlPool" | "erp" | "serviceCases";
type Input = Omit<Pick<RelmeshConfig, ConfigKey>, Derived | Loose> &
  Partial<Pick<RelmeshConfig, Derived>> & {
    tags: Record<string, string>;
    lakeSku: string;
    firewallRules: Array<string | Record<string, string>>;
    sparkPool: Record<string, any>;
    sparkSession: Record<string, any>;
    dedicatedSqlPool?: Record<string, any>;
    erp?: Record<string, any>;
    serviceCases?: Record<string, any>;
  };

// ---------------------------------------------------------------------------------------------
// Rules after the schema
// ---------------------------------------------------------------------------------------------

class Rules {
  readonly file: string;
  constructor(
    readonly stack: string,
    private readonly words: Wording,
  ) {
    this.file = `Pulumi.${stack}.yaml`;
  }

  /** `relmesh:key must be …, got …: set relmesh:key in Pulumi.<stack>.yaml`. The value is shown when passed. */
  fail(key: string, rule: string, ...rest: [got?: unknown, fix?: string]): never {
    const [got, fix] = rest;
    const problem: Problem = { key, rule, ...(rest.length >= 1 ? { got } : {}), ...(fix ? { fix } : {}) };
    raise([problem], this.words);
    throw new Error("unreachable");
  }
}

function isoDate(r: Rules, key: string, value: string): string {
  const m = ISO_DATE.exec(value)!;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) r.fail(key, "an ISO date YYYY-MM-DD", value);
  return value;
}

/** Lower-case ids, each once. */
function guidList(r: Rules, key: string, ids: string[]): string[] {
  const lower = ids.map((id) => id.toLowerCase());
  const dup = lower.find((id, i) => lower.indexOf(id) !== i);
  if (dup) r.fail(key, "a list without duplicates", dup, `remove the repeated id from relmesh:${key} in ${r.file}`);
  return lower;
}

function firewallRules(r: Rules, items: Input["firewallRules"], deployerIp: string): FirewallRule[] {
  const file = r.file;
  const rules: FirewallRule[] = items.map((item, i) => {
    const key = `firewallRules[${i}]`;
    const name = typeof item === "string" ? undefined : item.name;
    const text = typeof item === "string" ? item : item.cidr !== undefined ? item.cidr : `${item.startIpAddress}-${item.endIpAddress}`;
    let start: number | undefined;
    let end: number | undefined;
    if (text.includes("-")) {
      const [a, b] = text.split("-", 2).map((s) => s.trim());
      start = parseIpv4(a);
      end = parseIpv4(b);
      if (start === undefined || end === undefined) r.fail(key, "an IPv4 range a.b.c.d-e.f.g.h", text);
    } else {
      const c = parseCidr(text.trim());
      if (!c) r.fail(key, "an IPv4 address or CIDR aligned to its prefix (e.g. 203.0.113.0/24)", text);
      start = c.start;
      end = c.end;
    }
    const s = start!;
    const e = end!;
    if (s > e) r.fail(key, "a range whose start is not after its end", text);
    if (s === 0 && e === 0)
      r.fail(
        key,
        "a real address range, not 0.0.0.0-0.0.0.0 ('allow all Azure services' admits every Azure customer, SEC-22)",
        text,
        `remove it from relmesh:firewallRules in ${file}`,
      );
    if (s === 0 && e === 0xffffffff)
      r.fail(
        key,
        "a narrow range, never allow-all 0.0.0.0-255.255.255.255 (SEC-22)",
        text,
        `remove it from relmesh:firewallRules in ${file}`,
      );
    if (e - s + 1 > MAX_FIREWALL_RANGE)
      r.fail(key, `at most a /16 (${MAX_FIREWALL_RANGE} addresses)`, text, `narrow it in relmesh:firewallRules in ${file}`);
    const ruleName = name ?? `allow-${formatIpv4(s).replace(/\./g, "-")}${s === e ? "" : `-to-${formatIpv4(e).replace(/\./g, "-")}`}`;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/.test(ruleName)) r.fail(`${key}.name`, "1–80 letters, digits, '_', '.' or '-'", ruleName);
    return { name: ruleName, startIpAddress: formatIpv4(s), endIpAddress: formatIpv4(e) };
  });
  if (rules.length === 0) return [{ name: "deployer", startIpAddress: deployerIp, endIpAddress: deployerIp }];
  const names = rules.map((x) => x.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) r.fail("firewallRules", "a list of rules with distinct names", dup);
  const deployer = parseIpv4(deployerIp)!;
  if (!rules.some((x) => parseIpv4(x.startIpAddress)! <= deployer && deployer <= parseIpv4(x.endIpAddress)!)) {
    r.fail(
      "firewallRules",
      `a list that admits the deployer address ${deployerIp} (publishing artifacts needs the workspace endpoints)`,
      rules.map((x) => `${x.startIpAddress}-${x.endIpAddress}`),
      `add ${deployerIp}/32 to relmesh:firewallRules in ${file}`,
    );
  }
  return rules;
}

function sparkPool(r: Rules, o: Record<string, any>): SparkPoolConfig {
  // Static defaults come from the schema; the ceiling's default follows the floor.
  const maxNodes: number = o.maxNodes ?? Math.max(6, o.minNodes as number);
  if (maxNodes < o.minNodes) r.fail("sparkPool.maxNodes", `at least sparkPool.minNodes (${o.minNodes})`, maxNodes);
  return { name: o.name, nodeSize: o.nodeSize as SparkNodeSize, minNodes: o.minNodes, maxNodes, autoPauseMinutes: o.autoPauseMinutes };
}

function sparkSession(r: Rules, o: Record<string, any>, pool: SparkPoolConfig): SparkSessionConfig {
  const node = SPARK_NODE_SIZES[pool.nodeSize];
  const memory = (k: string): string => {
    const v: string = o[k] ?? `${node.memoryGb - 4}g`;
    const m = /^(\d+)g$/.exec(v);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > node.memoryGb)
      r.fail(`sparkSession.${k}`, `a size like '28g', at most the ${pool.nodeSize} node's ${node.memoryGb}g`, v);
    return v;
  };
  const cores = (k: string, fallback: number, max: number, what: string): number => {
    const v: number = o[k] ?? fallback;
    if (v < 1 || v > max) r.fail(`sparkSession.${k}`, `a whole number 1..${max} (${what})`, v);
    return v;
  };
  return {
    driverMemory: memory("driverMemory"),
    driverCores: cores("driverCores", node.vCores, node.vCores, `vCores of a ${pool.nodeSize} node`),
    executorMemory: memory("executorMemory"),
    executorCores: cores("executorCores", node.vCores, node.vCores, `vCores of a ${pool.nodeSize} node`),
    numExecutors: cores("numExecutors", Math.min(2, pool.maxNodes - 1), pool.maxNodes - 1, "sparkPool.maxNodes minus the driver"),
  };
}

/** A file the config names: it must exist (resolved with {@link repoPath}), then its own loader validates it. */
function configFile(r: Rules, key: "rulesetPath", path: string, what: string, rootDir: string): string {
  const file = repoPath(path, rootDir);
  if (!existsSync(file))
    r.fail(
      key,
      `a ${what} YAML file that exists`,
      path,
      `set relmesh:${key} in ${r.file} to a path relative to the repository root (the default is ${schema.properties[key].default})`,
    );
  return file;
}

/** The CRM mapping file relmesh:crmMapping names: a shipped mapping, or a path that must exist. */
function crmMappingChoice(r: Rules, choice: string, rootDir: string): string {
  const file = crmMappingFile(choice, rootDir);
  if (!existsSync(file))
    r.fail(
      "crmMapping",
      `${Object.keys(SHIPPED_CRM_MAPPINGS).join(" or ")}, or the path of a CRM column mapping YAML file that exists`,
      choice,
      `set relmesh:crmMapping in ${r.file} to a shipped mapping, or to a path relative to the repository root (the default is ${schema.properties.crmMapping.default})`,
    );
  return file;
}

/**
 * Validates the raw stack config and returns the typed config, with the ruleset and CRM mapping it
 * names loaded and validated. Throws {@link ConfigError} naming the key, the value received and the
 * fix. Pure apart from reading those two files.
 */
export function validateConfig(raw: Record<string, unknown>, opts: ValidateOptions = {}): RelmeshConfig {
  const stack = opts.stack ?? "dev";
  const rootDir = opts.rootDir ?? REPO_ROOT;
  const words = wording(stack);
  const c = schemaInput(raw ?? {}) as Input;
  if (!validateSchema(c)) raise(schemaProblems(validateSchema.errors ?? [], c, words).slice(0, 1), words);
  const r: Rules = new Rules(stack, words);
  const file = r.file;

  const location = canonicalRegion(c.location);
  if (!AZURE_REGIONS.includes(location)) r.fail("location", "an Azure region name such as 'westeurope'", c.location);
  if (c.mgdcEnabled && !MGDC_AZURE_REGIONS.includes(location)) {
    r.fail(
      "location",
      `a region Graph Data Connect serves while relmesh:mgdcEnabled is true (${MGDC_AZURE_REGIONS.join(", ")})`,
      c.location,
      `pick the region matching your mailboxes' Office region in ${file}`,
    );
  }

  const namePrefix = c.namePrefix;
  const subscriptionId =
    typeof raw?.["azure-native:subscriptionId"] === "string" ? (raw["azure-native:subscriptionId"] as string) : (opts.subscriptionId ?? "");
  const nameSuffix = c.nameSuffix ?? deriveNameSuffix(namePrefix, stack, subscriptionId);
  const names = deriveNames(namePrefix, stack, nameSuffix);
  const badName = checkNames(names);
  if (badName) r.fail("namePrefix", `a prefix whose derived names follow Azure rules (${badName})`, namePrefix);
  for (const k of Object.keys(c.tags)) {
    if (k.length > 512 || /[<>%&\\?/]/.test(k)) r.fail(`tags.${k}`, "a string value under a name without < > % & \\ ? /", c.tags[k]);
  }

  const mgdcAppOwnerObjectIds = guidList(r, "mgdcAppOwnerObjectIds", c.mgdcAppOwnerObjectIds);
  if (c.mgdcEnabled && mgdcAppOwnerObjectIds.length === 0) {
    r.fail(
      "mgdcAppOwnerObjectIds",
      "at least one object id of a licensed, non-guest user who owns the MGDC app",
      [],
      `set relmesh:mgdcAppOwnerObjectIds in ${file}, or set relmesh:mgdcEnabled to false`,
    );
  }
  const allowedGroupObjectIds = guidList(r, "allowedGroupObjectIds", c.allowedGroupObjectIds);
  // Separation of duties: whoever owns the MGDC app must not also decide whose mail it reads.
  const allowedGroupOwnerObjectIds = guidList(r, "allowedGroupOwnerObjectIds", c.allowedGroupOwnerObjectIds);
  if (c.mgdcEnabled && allowedGroupObjectIds.length === 0 && allowedGroupOwnerObjectIds.length === 0) {
    r.fail(
      "allowedGroupOwnerObjectIds",
      "at least one object id of who may change the allowed-mailboxes group the program creates",
      [],
      `set relmesh:allowedGroupOwnerObjectIds in ${file} (not an owner of the MGDC app), or name existing groups in relmesh:allowedGroupObjectIds`,
    );
  }
  const overlap = allowedGroupOwnerObjectIds.filter((id) => mgdcAppOwnerObjectIds.includes(id));
  if (overlap.length > 0) {
    r.fail(
      "allowedGroupOwnerObjectIds",
      "principals who do not own the MGDC app: an app owner who also owns the group could widen whose mail is extracted without a Global Admin",
      overlap,
      `pick other owners for the group in ${file}`,
    );
  }

  const deployerIpAddress = c.deployerIpAddress;
  const deployerN = parseIpv4(deployerIpAddress);
  if (deployerN === undefined) r.fail("deployerIpAddress", "an IPv4 address a.b.c.d", deployerIpAddress);
  if (isPrivateIpv4(deployerN))
    r.fail("deployerIpAddress", "a public IPv4 address (Azure sees your public address, e.g. from https://ifconfig.me)", deployerIpAddress);
  const rules = firewallRules(r, c.firewallRules, deployerIpAddress);
  c.keyVaultAllowedCidrs.forEach((cidr, i) => {
    const p = parseCidr(cidr);
    if (!p || p.prefix < 16) r.fail(`keyVaultAllowedCidrs[${i}]`, "an IPv4 address or CIDR of at most a /16, aligned to its prefix", cidr);
  });

  // MGDC's copy runs on its own Azure IR outside the managed VNet (docs/network-design.md), so the
  // managed VNet and MGDC no longer exclude each other.
  const pool = sparkPool(r, c.sparkPool);
  const session = sparkSession(r, c.sparkSession, pool);
  const dedicatedSqlPool = c.dedicatedSqlPool as DedicatedSqlPoolConfig | undefined;

  const budgetThresholds = c.budgetThresholds.length ? c.budgetThresholds : schema.properties.budgetThresholds.default;
  budgetThresholds.forEach((n, i) => {
    if (i > 0 && n <= budgetThresholds[i - 1]) r.fail("budgetThresholds", "a strictly increasing list", budgetThresholds);
  });
  const pipelineStartDate = c.pipelineStartDate === undefined ? undefined : isoDate(r, "pipelineStartDate", c.pipelineStartDate);
  const budgetStartDate = c.budgetStartDate === undefined ? undefined : isoDate(r, "budgetStartDate", c.budgetStartDate);
  if (budgetStartDate !== undefined) {
    if (!budgetStartDate.endsWith("-01") || budgetStartDate < "2017-06-01")
      r.fail("budgetStartDate", "the first day of a month, on or after 2017-06-01", budgetStartDate);
    // Azure rejects a start "not within the time grain period": a month before the current one.
    const thisMonth = firstOfMonth(opts.now ?? new Date());
    if (budgetStartDate < thisMonth) {
      r.fail(
        "budgetStartDate",
        `the first day of the current month (${thisMonth}) or later: Azure rejects a budget that starts in a past month`,
        budgetStartDate,
        `remove relmesh:budgetStartDate from ${file}: the program then uses the month of the first deployment and keeps it`,
      );
    }
  }

  const sourceContext: SourceContext = {
    fail: (key, rule, ...rest) => r.fail(key, rule, ...rest),
    file,
    namePrefix,
    stack,
    nameSuffix,
    subscriptionId,
    adminGroupName: c.adminGroupName,
    adminGroupObjectId: c.adminGroupObjectId.toLowerCase(),
  };
  const erp = erpSource(sourceContext, c.erp);
  const serviceCases = serviceCasesSource(sourceContext, c.serviceCases);

  const ruleset = loadRuleset(configFile(r, "rulesetPath", c.rulesetPath, "ruleset", rootDir));
  const crmColumnMapping = loadCrmMapping(crmMappingChoice(r, c.crmMapping, rootDir));

  return {
    stack,
    location,
    namePrefix,
    nameSuffix,
    names,
    tags: { app: "relmesh", stack, ...c.tags },
    lakeSku: c.lakeSku as LakeSku,
    rawRetentionDays: c.rawRetentionDays,
    softDeleteRetentionDays: c.softDeleteRetentionDays,
    landingRetentionDays: c.landingRetentionDays,
    fileSystems: { ...LAKE_FILE_SYSTEMS },
    rawM365Folder: RAW_M365_FOLDER,
    landingContainer: LANDING_CONTAINER,
    mgdcEnabled: c.mgdcEnabled,
    mgdcAppOwnerObjectIds,
    allowedGroupObjectIds,
    allowedGroupName: c.allowedGroupName ?? `${namePrefix}-mgdc-allowed-users`,
    allowedGroupOwnerObjectIds,
    mgdcSecretLifetimeDays: c.mgdcSecretLifetimeDays,
    ...(c.mgdcApprovedFingerprint !== undefined ? { mgdcApprovedFingerprint: c.mgdcApprovedFingerprint } : {}),
    mgdcSecretName: MGDC_SECRET_NAME,
    adminGroupObjectId: c.adminGroupObjectId.toLowerCase(),
    adminGroupName: c.adminGroupName,
    ...(c.sqlReadersGroupObjectId !== undefined ? { sqlReadersGroupObjectId: c.sqlReadersGroupObjectId.toLowerCase() } : {}),
    deployerIpAddress,
    firewallRules: rules,
    keyVaultAllowedCidrs: c.keyVaultAllowedCidrs,
    managedVirtualNetwork: c.managedVirtualNetwork,
    sparkPool: pool,
    sparkSession: session,
    ...(dedicatedSqlPool ? { dedicatedSqlPool: { name: dedicatedSqlPool.name, sku: dedicatedSqlPool.sku } } : {}),
    logRetentionDays: c.logRetentionDays,
    alertEmails: c.alertEmails,
    budgetAmount: c.budgetAmount,
    budgetThresholds: [...budgetThresholds],
    ...(budgetStartDate !== undefined ? { budgetStartDate } : {}),
    budgetContactEmails: c.budgetContactEmails ?? c.alertEmails,
    lockResources: c.lockResources,
    rulesetPath: c.rulesetPath,
    ruleset,
    ...(pipelineStartDate !== undefined ? { pipelineStartDate } : {}),
    initialLoadDays: c.initialLoadDays,
    calendarOverlapHours: c.calendarOverlapHours,
    keepSubjects: c.keepSubjects,
    crmMapping: c.crmMapping,
    crmColumnMapping,
    sqlReadersGroupName: c.sqlReadersGroupName,
    ...(erp ? { erp } : {}),
    ...(serviceCases ? { serviceCases } : {}),
  };
}
