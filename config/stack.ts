/**
 * The one typed, validated configuration of Relationship Mesh.
 *
 * Read from the `config:` map of `Pulumi.<stack>.yaml` (keys prefixed `relmesh:`), or from the
 * engine's config at `pulumi up` (same keys, values JSON-encoded). The shape, ranges and static
 * defaults are config/stack.schema.json (validated with Ajv, on the input config/stack-input.ts
 * shapes); what a schema cannot say — regions, derived names, firewall ranges, the budget month,
 * separation of duties — are the small rules below and, one key at a time, in config/stack-rules.ts
 * and config/stack-firewall.ts, run after it. A bad value fails once, here, before any resource is
 * declared, with the key, what was received and the fix (config/problems.ts words every message).
 */
import {
  MGDC_AZURE_REGIONS,
  AZURE_REGIONS,
  LAKE_FILE_SYSTEMS,
  RAW_M365_FOLDER,
  LANDING_CONTAINER,
  MGDC_SECRET_NAME,
  canonicalRegion,
  parseIpv4,
  parseCidr,
  deriveNameSuffix,
  deriveNames,
  checkNames,
  isPrivateIpv4,
} from "./azure-reference";
import { loadCrmMapping } from "./crm-mapping";
import { REPO_ROOT } from "./files";
import { raise, schemaProblems } from "./problems";
import { loadRuleset } from "./ruleset";
import { erpSource, serviceCasesSource, type SourceContext } from "./sources";
import schema from "./stack.schema.json";
import { firewallRules } from "./stack-firewall";
import { schemaInput, validateSchema, wording, type Input } from "./stack-input";
import { Rules, configFile, crmMappingChoice, firstOfMonth, guidList, isoDate, sparkPool, sparkSession } from "./stack-rules";
import type { LakeSku, DedicatedSqlPoolConfig, RelmeshConfig } from "./stack-types";
export { REPO_ROOT, repoPath } from "./files";
export { firstOfMonth } from "./stack-rules";

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
