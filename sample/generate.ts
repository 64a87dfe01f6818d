/** Streams a synthetic tenant day by day into a sink: nothing is kept beyond the day being written. */
import { Rng } from "./rng";
import { Address, DEFAULT_OPTIONS, EVENT_DATASET, MESSAGE_DATASET, SampleOptions, TenantManifest, TenantSink, World } from "./model";
import { buildWorld } from "./world";
import { addDays, DAY_MS, isWeekend, parseDate } from "./time";
import { MailPlanner } from "./mailplan";
import { mailCopies, RowCopy } from "./mailrows";
import { EventPlanner } from "./eventplan";
import { EventItem, eventCopies } from "./eventrows";
import { dayFolder, DayFile, fileLines, layoutDay, metadataFor } from "./layout";
import { DirtyInjector } from "./dirty";
import { CRM_FILES, writeCrm } from "./crm";
import { SourcePlanner, type SourceTotals } from "./sources";

export interface Progress {
  day: number;
  days: number;
  messageRows: number;
  eventRows: number;
}

export interface GenerateHooks {
  /** Called after each day is written. */
  onProgress?: (progress: Progress) => void;
}

/** Weekend days get a sliver of the traffic. */
function dayWeights(start: number, days: number): number[] {
  const cumulative: number[] = [];
  let sum = 0;
  for (let d = 0; d < days; d++) cumulative.push((sum += isWeekend(start + d * DAY_MS) ? 0.12 : 1));
  return cumulative.map((c) => c / sum);
}

function tally(counts: Record<string, number>, key: string, n = 1) {
  counts[key] = (counts[key] ?? 0) + n;
}

function eventStats(counts: Record<string, number>, e: EventItem) {
  tally(counts, `events.${e.kind}`);
  if (e.isCancelled) tally(counts, "events.cancelled");
  if (e.isAllDay) tally(counts, "events.allDayFlag");
  tally(counts, e.isOnline ? "events.online" : "events.inPerson");
  if (e.timeZone !== "UTC") tally(counts, "events.localTimeZone");
  if (e.type !== "singleInstance") tally(counts, `events.type.${e.type}`);
  for (const a of e.attendees) if (a.response === "declined") tally(counts, "events.declinedAttendees");
}

export function generateTenant(partial: Partial<SampleOptions>, sink: TenantSink, hooks: GenerateHooks = {}): TenantManifest {
  const { outcomeSignal, ...rest } = { ...DEFAULT_OPTIONS, ...partial };
  // Signal 0 is no signal: left out of the options so that tenant.json is exactly as without it.
  const options: SampleOptions = outcomeSignal ? { ...rest, outcomeSignal } : rest;
  const world = buildWorld(options);
  const startDate = addDays(options.endDate, -(options.days - 1));
  const start = parseDate(startDate);
  const share = dayWeights(start, options.days);
  const dirty = new DirtyInjector(options.dirty, options.days);
  const crmDirty = writeCrm(world, options, sink);
  const mails = new MailPlanner(world, options.seed);
  const meetings = new EventPlanner(world);
  const sources = options.sources ? new SourcePlanner(world, options) : null;
  const counts: Record<string, number> = {};
  const files = { messages: 0, events: 0 };
  let messageRows = 0;
  let eventRows = 0;
  const execAccounts = new Set<string>();
  // The scenario labels in tenant.json name only accounts the data actually touches: at small sizes a
  // cold or single-seller account may get no row at all, and a label it does not live up to misleads.
  const accountByDomain = new Map(world.accounts.flatMap((a) => a.domains.map((d) => [d.toLowerCase(), a.accountId] as const)));
  const touched = new Set<string>();
  const touch = (addresses: Address[]) => {
    for (const a of addresses) {
      const account = accountByDomain.get(a.address.split("@")[1]?.toLowerCase() ?? "");
      if (account) touched.add(account);
    }
  };

  const writeDay = (dataset: string, key: "messages" | "events", day: number, dayStart: number, copies: RowCopy[]) => {
    const rng = new Rng(options.seed, `layout:${key}:${day}`);
    const folder = dayFolder(dataset, dayStart);
    const dayFiles: DayFile[] = layoutDay(rng, folder, copies);
    if (dayFiles.length === 0) return;
    const meta = metadataFor(rng, dataset, folder, dayStart, dayFiles);
    dirty.apply(key, day, dayFiles, new Rng(options.seed, `dirty:${key}:${day}`));
    for (const f of dayFiles) {
      sink.write(f.path, fileLines(f));
      // Let the day's row objects go as soon as their file is out.
      f.rows = [];
      f.content = undefined;
    }
    sink.write(meta.path, meta.content);
    files[key] += dayFiles.length;
  };

  for (let day = 0; day < options.days; day++) {
    const dayStart = start + day * DAY_MS;
    const rng = new Rng(options.seed, `day:${day}`);
    // Quotas follow the cumulative target, so rounding and big items even out over the run.
    const messageQuota = Math.round(options.messages * share[day]);
    const mailCopiesToday: RowCopy[] = [];
    while (messageRows < messageQuota) {
      const item = mails.next(rng, day, dayStart);
      const copies = mailCopies(world, item, rng);
      touch([item.sender, ...item.to, ...item.cc, ...item.bcc]);
      tally(counts, `messages.${item.kind}`);
      tally(counts, "distinctInternetMessageIds");
      messageRows += copies.length;
      for (const c of copies) mailCopiesToday.push(c);
    }
    writeDay(MESSAGE_DATASET, "messages", day, dayStart, mailCopiesToday);

    const eventCopiesToday: RowCopy[] = [];
    const addEvent = (e: EventItem) => {
      const copies = eventCopies(world, e, rng);
      touch([e.organizer, ...e.attendees.map((a) => a.who)]);
      eventStats(counts, e);
      tally(counts, "distinctICalUIds");
      eventRows += copies.length;
      for (const c of copies) eventCopiesToday.push(c);
    };
    for (const account of world.accounts) {
      if (account.execMeetingDay === day && account.state === "active") {
        addEvent(meetings.exec(rng, account, dayStart));
        execAccounts.add(account.accountId);
      }
    }
    const eventQuota = Math.round(options.events * share[day]);
    while (eventRows < eventQuota) addEvent(meetings.next(rng, day, dayStart));
    writeDay(EVENT_DATASET, "events", day, dayStart, eventCopiesToday);
    for (const f of sources?.day(day, dayStart) ?? []) sink.write(f.path, f.lines);

    hooks.onProgress?.({ day, days: options.days, messageRows, eventRows });
  }

  const sourceTotals = sources?.finish();
  return manifestOf(
    world,
    options,
    startDate,
    { ...counts, ...sourceTotals?.counts, messageRows, eventRows },
    { ...files, sources: sourceTotals?.files ?? 0 },
    execAccounts,
    touched,
    { ...dirty.entries, ...crmDirty, ...sourceTotals?.dirty },
    sourceTotals,
  );
}

function manifestOf(
  world: World,
  options: SampleOptions,
  startDate: string,
  counts: Record<string, number>,
  files: { messages: number; events: number; sources: number },
  execAccounts: Set<string>,
  touched: Set<string>,
  dirty: TenantManifest["dirty"],
  sources: SourceTotals | undefined,
): TenantManifest {
  const ids = (pred: (a: World["accounts"][number]) => boolean) => world.accounts.filter(pred).map((a) => a.accountId);
  const contacts = world.accounts.flatMap((a) => a.contacts);
  return {
    generator: "relmesh-sample",
    version: 1,
    seed: options.seed,
    options,
    startDate,
    endDate: options.endDate,
    asOf: addDays(options.endDate, 1),
    tenantId: world.tenantId,
    counts: {
      ...Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))),
      users: world.users.length,
      sellers: world.sellers.length,
      accounts: world.accounts.length,
      contacts: contacts.length,
      opportunities: world.opportunities.length,
    },
    scenarios: {
      untouchedAccounts: ids((a) => a.state === "untouched"),
      coldAccounts: ids((a) => a.state === "cold" && touched.has(a.accountId)),
      singleSellerAccounts: ids((a) => a.state !== "untouched" && a.team.length === 1 && touched.has(a.accountId)),
      execMeetingAccounts: ids((a) => execAccounts.has(a.accountId)),
      noExecMeetingAccounts: ids((a) => a.state !== "untouched" && touched.has(a.accountId) && !execAccounts.has(a.accountId)),
      optedOutContacts: contacts.filter((c) => c.optedOut).map((c) => c.contactId),
      ...(sources ? { orderDropAccounts: sources.orderDropAccounts, openEscalationAccounts: sources.openEscalationAccounts } : {}),
    },
    files: { messages: files.messages, events: files.events, crm: CRM_FILES, sources: files.sources },
    dirty,
    ...(world.plantedOutcome ? { outcome: world.plantedOutcome } : {}),
  };
}
