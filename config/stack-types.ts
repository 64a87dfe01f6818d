/**
 * The shape of the validated configuration. The keys a stack config may set, their ranges and
 * static defaults are config/stack.schema.json; test/config/schema.test.ts fails when this type and
 * the schema's property list differ. config/stack.ts holds the rules a schema cannot say (the ones
 * on a single key in config/stack-rules.ts and config/stack-firewall.ts).
 */
import type { CrmMapping } from "./crm-mapping";
import type { ErpSource, ServiceCasesSource } from "./sources";
import type { Ruleset } from "./ruleset";
import type schema from "./stack.schema.json";

/** A key of the stack config, without the `relmesh:` prefix: a property of config/stack.schema.json. */
export type ConfigKey = keyof typeof schema.properties;

/** Values derived or loaded by the validation, not set as keys. */
export type DerivedConfigKey =
  "stack" | "names" | "fileSystems" | "rawM365Folder" | "landingContainer" | "mgdcSecretName" | "ruleset" | "crmColumnMapping";

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

/** Storage redundancy of the private lake (`sku.name` of the account). */
export type LakeSku = "Standard_LRS" | "Standard_ZRS" | "Standard_GRS" | "Standard_RAGRS" | "Standard_GZRS" | "Standard_RAGZRS";
/** Synapse Spark node sizes (azure-native `NodeSize`, without `None`). */
export type SparkNodeSize = "Small" | "Medium" | "Large" | "XLarge" | "XXLarge" | "XXXLarge";

/** One Synapse workspace IP firewall rule (IPv4, inclusive range). */
export interface FirewallRule {
  name: string;
  startIpAddress: string;
  endIpAddress: string;
}

/** The Spark pool the notebooks run on (`relmesh:sparkPool`). */
export interface SparkPoolConfig {
  /** Pool name: letters and digits, starting with a letter, at most 15. @default - `spark35` */
  name: string;
  /** Node size. @default - `Small` (4 vCores, 32 GB per node) */
  nodeSize: SparkNodeSize;
  /** Autoscale floor; Synapse needs at least 3 nodes (1 head + 2 workers). @default - 3 */
  minNodes: number;
  /** Autoscale ceiling, at most 200. @default - 6 */
  maxNodes: number;
  /** Idle minutes before the pool pauses and stops billing (5..10080). @default - 15 */
  autoPauseMinutes: number;
}

/** Spark session sizes the notebooks request (`relmesh:sparkSession`); must fit the node size. */
export interface SparkSessionConfig {
  /** @default - `28g` */
  driverMemory: string;
  /** @default - 4 */
  driverCores: number;
  /** @default - `28g` */
  executorMemory: string;
  /** @default - 4 */
  executorCores: number;
  /** @default - 2 */
  numExecutors: number;
}

/** An optional dedicated SQL pool (`relmesh:dedicatedSqlPool`). */
export interface DedicatedSqlPoolConfig {
  /** Pool name: letters, digits and underscores, at most 60. */
  name: string;
  /** Performance level, `DW100c` .. `DW30000c`. */
  sku: string;
}

/** Every physical name the program gives a resource, derived once from prefix, stack and suffix. */
export interface ResourceNames {
  resourceGroup: string;
  /** Private ADLS Gen2 lake (global name, 3–24 lowercase alphanumerics). */
  lakeAccount: string;
  /** MGDC landing account (global name, 3–24 lowercase alphanumerics). */
  landingAccount: string;
  /** Key Vault (global name, 3–24 alphanumerics and hyphens). */
  keyVault: string;
  /** Synapse workspace (global name, 1–50 lowercase alphanumerics and hyphens). */
  synapseWorkspace: string;
  logAnalytics: string;
  actionGroup: string;
  /** Action group short name shown in SMS/e-mail (at most 12 characters). */
  actionGroupShort: string;
  budget: string;
  mgdcApplication: string;
}

export interface RelmeshConfig {
  /** Pulumi stack name the config belongs to (names and messages use it). */
  stack: string;
  /**
   * Azure region of every resource, canonical form (`westeurope`). With MGDC extraction on it must
   * be a region MGDC serves (docs/platform-facts.md §1.5), matching the Office region of the mailboxes.
   * @default - `westeurope`
   */
  location: string;
  /** Prefix of every resource name: 2–10 lowercase letters/digits, starting with a letter. @default - `relmesh` */
  namePrefix: string;
  /**
   * Suffix that makes the global names (storage, Key Vault, Synapse) unique. Set it only when a
   * derived name is taken.
   * @default - 6 characters derived from a SHA-256 of subscription id, stack and prefix: stable across runs
   */
  nameSuffix: string;
  /** Derived physical names. */
  names: ResourceNames;
  /** Tags put on every Azure resource that takes tags. @default - `{ app: "relmesh", stack: <stack> }` only */
  tags: Record<string, string>;

  /**
   * Redundancy of the private lake. Anything but GZRS/RAGZRS/GRS/RAGRS is listed as a SEC-08 exception.
   * @default - `Standard_GZRS` (zone- and geo-redundant)
   */
  lakeSku: LakeSku;
  /** Days raw M365 data stays in the lake `raw` file system before the lifecycle policy deletes it (1..3650). @default - 30 */
  rawRetentionDays: number;
  /** Days deleted blobs and containers stay recoverable (soft delete, 7..365). @default - 14 */
  softDeleteRetentionDays: number;
  /**
   * Days MGDC output stays in the landing account before the lifecycle policy deletes it (1..30). The
   * same pipeline run copies it to the lake at once, so the shortest safe retention is the default.
   * @default - 1
   */
  landingRetentionDays: number;
  /** File systems (containers) of the private lake. Fixed names, listed here for the later stages. */
  fileSystems: { raw: string; curated: string; workspace: string };
  /** Folder in `raw` for M365 data (`raw/m365/...`), the path the lifecycle policy expires. */
  rawM365Folder: string;
  /** Container of the landing account MGDC writes into. */
  landingContainer: string;

  /**
   * Whether the program provisions Graph Data Connect extraction (landing account, Entra app and
   * secret, consent checklist). Off means CRM-only and allows the managed VNet.
   * @default - true
   */
  mgdcEnabled: boolean;
  /** Owners of the MGDC Entra app: licensed, non-guest users with a mailbox (docs/platform-facts.md §1.4). Required when MGDC is on. */
  mgdcAppOwnerObjectIds: string[];
  /**
   * Entra groups whose mailboxes MGDC may read (at most 10, docs/platform-facts.md §2.5).
   * @default - empty: the program creates one security group (`allowedGroupName`) and scopes MGDC to it
   */
  allowedGroupObjectIds: string[];
  /** Display name of the group the program creates when `allowedGroupObjectIds` is empty. @default - `<prefix>-mgdc-allowed-users` */
  allowedGroupName: string;
  /**
   * Owners of the allowed-mailboxes group the program creates: who may change whose mail MGDC reads.
   * Never an owner of the MGDC app (separation of duties). Required when the program creates the group.
   */
  allowedGroupOwnerObjectIds: string[];
  /** Lifetime of the MGDC client secret in days (7..180); it rotates halfway through. @default - 90 */
  mgdcSecretLifetimeDays: number;
  /**
   * Fingerprint of the MGDC values the Global Admin approved (printed by the consent checklist).
   * @default - unset: the checklist reports "not yet approved"
   */
  mgdcApprovedFingerprint?: string;
  /** Key Vault secret holding the MGDC client secret (the linked service references it by name). */
  mgdcSecretName: string;

  /** Object id of the Entra group that administers Synapse (workspace and SQL Entra admin). Required. */
  adminGroupObjectId: string;
  /** Display name of that group (the admin `login`). @default - `relmesh-admins` */
  adminGroupName: string;
  /**
   * Entra group of report readers; it gets Storage Blob Data Reader on the `curated` file system so
   * serverless SQL can read lake tables with their identity.
   * @default - unset: no reader role assignment
   */
  sqlReadersGroupObjectId?: string;
  /** Public IPv4 address of the machine or agent that runs `pulumi up` and publishes artifacts. Required. */
  deployerIpAddress: string;
  /**
   * Synapse IP firewall rules (strings `a.b.c.d`, `a.b.c.d/nn`, `a.b.c.d-e.f.g.h`, or objects
   * `{ name, cidr }` / `{ name, startIpAddress, endIpAddress }`). Never allow-all; at most a /16 each;
   * the deployer address must be inside one of them.
   * @default - one rule admitting only `deployerIpAddress`
   */
  firewallRules: FirewallRule[];
  /** Extra IPv4 CIDRs admitted by the Key Vault firewall (default action stays Deny). @default - none */
  keyVaultAllowedCidrs: string[];
  /**
   * Synapse managed virtual network (creation-only): Spark and the pipelines reach the lake, the
   * landing account and Key Vault only through managed private endpoints the stack approves. The
   * MGDC copy runs on its own Azure IR outside it (docs/network-design.md). False is the fallback
   * for workspaces created without one: the lake must then accept public networks (listed exception).
   * @default - true
   */
  managedVirtualNetwork: boolean;
  /** The Spark 3.5 pool. @default - see {@link SparkPoolConfig} */
  sparkPool: SparkPoolConfig;
  /** Spark session sizes for the notebooks. @default - see {@link SparkSessionConfig} */
  sparkSession: SparkSessionConfig;
  /** A dedicated SQL pool. @default - none: serverless SQL is the serving endpoint */
  dedicatedSqlPool?: DedicatedSqlPoolConfig;

  /** Log Analytics retention in days (30..730). @default - 90 */
  logRetentionDays: number;
  /** E-mail receivers of the failed-pipeline alert (1..10). Required. */
  alertEmails: string[];
  /** Monthly budget of the resource group, in the billing currency (> 0). @default - 500 */
  budgetAmount: number;
  /** Budget notification thresholds, percent of the amount, increasing, 1..5 of them. @default - [50, 80, 100] */
  budgetThresholds: number[];
  /**
   * First day of the budget (`YYYY-MM-01`), not in a past month (Azure rejects a start outside the
   * current time grain).
   * @default - unset: the month of the first deployment, kept across later updates
   */
  budgetStartDate?: string;
  /** Who the budget notifies. @default - `alertEmails` */
  budgetContactEmails: string[];
  /**
   * CanNotDelete locks on the lake, landing account and Key Vault (SEC-11). Dev stacks may turn this
   * off to allow teardown; the exceptions list then names it.
   * @default - true
   */
  lockResources: boolean;

  /** Scoring ruleset YAML, absolute or relative to the repository root. @default - `config/ruleset.yaml` */
  rulesetPath: string;
  /** The validated scoring ruleset {@link rulesetPath} names, which the scoring notebooks receive. */
  ruleset: Ruleset;
  /**
   * The first daily window (`YYYY-MM-DD`), normally the day after the Global Admin approved MGDC.
   * History before it comes from the one-off initial load ({@link initialLoadDays}), not from a
   * tumbling-window backfill.
   * @default - unset: no trigger is published and nothing runs until it is set
   */
  pipelineStartDate?: string;
  /**
   * Days of history the one-off initial load extracts in one MGDC run per dataset, ending where the
   * daily windows start (0..1825, CalendarView_v0's limit per extraction). 0 means no history.
   * @default - 90
   */
  initialLoadDays: number;
  /**
   * Hours each calendar window reaches back before its start, so a meeting that crosses the window
   * boundary is extracted (CalendarView_v0 returns only events that start and end inside the
   * window). The overlap is deduplicated by iCalUId. 0..48.
   * @default - 12
   */
  calendarOverlapHours: number;
  /** Whether e-mail and meeting subjects are stored in silver. @default - false: subjects are dropped at ingestion */
  keepSubjects: boolean;
  /**
   * The CRM column mapping: `dynamics365` or `salesforce` (config/crm-mappings/), or the path of a
   * mapping YAML, absolute or relative to the repository root. @default - `dynamics365`
   */
  crmMapping: string;
  /** The validated CRM column mapping {@link crmMapping} names, which the CRM notebook receives. */
  crmColumnMapping: CrmMapping;
  /**
   * Display name of the report readers group, for `CREATE USER … FROM EXTERNAL PROVIDER` in the
   * serving database (used only with sqlReadersGroupObjectId). @default - `relmesh-readers`
   */
  sqlReadersGroupName: string;

  /**
   * ERP orders on Azure SQL Database (config/sources.ts). `existing` points at the customer's server
   * (the common case); `create` provisions an Entra-only server and a Hyperscale database.
   * @default - unset: no ERP source, nothing is created or granted
   */
  erp?: ErpSource;
  /**
   * Customer-service cases on Azure Cosmos DB for NoSQL (config/sources.ts). `existing` points at
   * the customer's account (the common case); `create` provisions a key-less, private account.
   * @default - unset: no service-case source, nothing is created or granted
   */
  serviceCases?: ServiceCasesSource;
}
