/** The typed model of a synthetic tenant: options, people, CRM records and the manifest. */

export interface SampleOptions {
  /** Internal mailbox users; about 60% are sellers. @default 60 */
  users: number;
  /** CRM accounts. @default 40 */
  accounts: number;
  /** Days of activity, ending on `endDate` inclusive. @default 120 */
  days: number;
  /** @default 42 */
  seed: number;
  /** Last day of activity (UTC, YYYY-MM-DD); fixed so that output never depends on today. @default "2026-11-15" */
  endDate: string;
  /** Target number of message rows (mailbox copies); reached within ±10%. @default 20000 */
  messages: number;
  /** Target number of calendar rows (calendar copies); reached within ±10%. @default 4000 */
  events: number;
  /** Inject the malformed and awkward rows recorded under `dirty` in tenant.json. @default true */
  dirty: boolean;
  /** Write ERP sales orders and service cases where their copies land (sample/sources.ts). @default true */
  sources: boolean;
  /**
   * How strongly a closed opportunity's outcome (won or lost) follows its account's planned engagement
   * (sample/outcome.ts). Absent or 0: independent of engagement, and the tenant is exactly as without it.
   */
  outcomeSignal?: number;
}

export const DEFAULT_OPTIONS: SampleOptions = {
  users: 60,
  accounts: 40,
  days: 120,
  seed: 42,
  endDate: "2026-11-15",
  messages: 20000,
  events: 4000,
  dirty: true,
  sources: true,
};

export const MESSAGE_DATASET = "BasicDataSet_v0.Message_v1";
export const EVENT_DATASET = "BasicDataSet_v0.CalendarView_v0";

export interface Address {
  name: string;
  address: string;
}

export interface User extends Address {
  index: number;
  objectId: string;
  isSeller: boolean;
  /** CRM systemuserid; sellers only. */
  sellerId: string | null;
  title: string;
  /** Windows time zone the user's meetings are created in. */
  timeZone: string;
  inboxFolderId: string;
  sentFolderId: string;
}

export interface Contact extends Address {
  contactId: string;
  accountIndex: number;
  jobTitle: string;
  isCeo: boolean;
  optedOut: boolean;
  /** The address as typed into CRM: sometimes differs in case from the mailbox address. */
  crmEmail: string;
}

export type AccountState = "active" | "cold" | "untouched";

export interface Account {
  index: number;
  accountId: string;
  name: string;
  domains: string[];
  tier: 1 | 2 | 3;
  industry: string;
  ownerSellerIndex: number;
  state: AccountState;
  /** Sellers (user indexes) who work the account; one for single-threaded accounts. */
  team: number[];
  contacts: Contact[];
  /**
   * People at the account the CRM does not list (a new hire, an assistant). Sellers copy them now and
   * then, so a run has discovered contacts to show (notebooks/rm_serving.py discovered_list).
   */
  notInCrm: Address[];
  /** Day index (0-based) after which a cold account gets no more activity. */
  lastActiveDay: number;
  /** Day index of the one meeting with the CEO contact, or null. */
  execMeetingDay: number | null;
}

export interface Opportunity {
  opportunityId: string;
  accountIndex: number;
  name: string;
  amount: number;
  statecode: 0 | 1 | 2;
  closeDate: string;
}

/** What `outcomeSignal` planted, recorded in tenant.json as `outcome`. */
export interface PlantedOutcome {
  signal: number;
  /** Share of won among closed opportunities at average engagement (and everywhere with signal 0). */
  baseWonShare: number;
  /** The engagement measure the outcome follows, in words. */
  engagement: string;
  closed: number;
  won: number;
  lost: number;
}

/** A seller↔contact pair with its heavy-tailed share of the activity. */
export interface Pair {
  seller: number;
  account: number;
  contact: number;
  weight: number;
}

export interface World {
  tenantId: string;
  domain: string;
  users: User[];
  sellers: User[];
  accounts: Account[];
  opportunities: Opportunity[];
  pairs: Pair[];
  /** Running sum of pair weights, for drawing a pair in O(log n). */
  pairCumulative: number[];
  /** Addresses outside CRM: newsletters, vendors, personal mail. */
  unknownSenders: Address[];
  /** Weekly internal meeting series: organizer, attendees and ids shared by every occurrence. */
  series: { organizer: number; attendees: number[]; subject: string; masterId: string; hourUtc: number }[];
  /** Present only when an outcome signal was planted. */
  plantedOutcome?: PlantedOutcome;
}

export interface DirtyEntry {
  count: number;
  /** Files (relative to the tenant folder) the rows are in. */
  files: string[];
  /** Row ids (`id`), internetMessageIds or CRM ids involved, for tests and quarantine checks. */
  ids: string[];
  description: string;
}

export interface TenantManifest {
  generator: "relmesh-sample";
  version: 1;
  seed: number;
  options: SampleOptions;
  startDate: string;
  endDate: string;
  /** endDate + 1 day: the as-of date for scoring. */
  asOf: string;
  tenantId: string;
  counts: Record<string, number>;
  /** Which accounts exercise which scoring rule (account ids). */
  scenarios: Record<string, string[] | number>;
  files: { messages: number; events: number; crm: string[]; sources: number };
  dirty: Record<string, DirtyEntry>;
  /** Present only with `outcomeSignal` > 0: the relationship planted between engagement and outcome. */
  outcome?: PlantedOutcome;
}

/** Where generated files go. The generator hands over one file at a time and keeps at most one day. */
export interface TenantSink {
  /** Writes (or replaces) a file; `content` is either whole text or lines joined with "\n". */
  write(path: string, content: string | readonly string[]): void;
}
