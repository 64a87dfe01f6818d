import { parse as parseYaml } from "yaml";
import { camel, csvObjects, parseCsv, readRows, Row, tenant } from "./helpers";
import { EVENT_DATASET, MESSAGE_DATASET, WINDOWS_ZONES } from "../../sample";

const t = () => tenant();
const internal = (address: string) => address.toLowerCase().endsWith("@contoso.com");
const addressesOf = (r: Row): string[] =>
  [r.sender, ...(r.toRecipients ?? []), ...(r.ccRecipients ?? []), ...(r.bccRecipients ?? [])]
    .filter(Boolean)
    .map((a: Row) => a.emailAddress.address);

describe("mailbox copies", () => {
  it("every internal participant of a message holds a copy with the same internetMessageId", () => {
    const rows = readRows(t(), MESSAGE_DATASET).rows.map(camel);
    const users = new Map(
      csvObjects(t().files.get("crm/employees.csv")!).map((e) => [e.internalemailaddress.toLowerCase(), e.azureactivedirectoryobjectid]),
    );
    const copies = new Map<string, { owners: Set<string>; participants: Set<string>; ids: Set<string> }>();
    for (const r of rows) {
      const c = copies.get(r.internetMessageId) ?? { owners: new Set(), participants: new Set(), ids: new Set() };
      c.owners.add(r.puser);
      c.ids.add(r.id);
      for (const a of addressesOf(r)) if (internal(a) && users.has(a.toLowerCase())) c.participants.add(users.get(a.toLowerCase())!);
      copies.set(r.internetMessageId, c);
    }
    const missing = [...copies.entries()].flatMap(([id, c]) =>
      [...c.participants].filter((p) => !c.owners.has(p)).map((p) => `${id} not in ${p}`),
    );
    expect(missing).toEqual([]);
    const multi = [...copies.values()].filter((c) => c.owners.size > 1);
    expect(multi.length).toBeGreaterThan(100);
    expect(multi.every((c) => c.ids.size === c.owners.size)).toBe(true);
    expect(copies.size).toBe(t().manifest.counts.distinctInternetMessageIds);
  });

  it("a reply shares the conversationId of the mail that started its thread, as response times need", () => {
    const rows = readRows(t(), MESSAGE_DATASET).rows.map(camel);
    expect(rows.filter((r) => !r.conversationId)).toEqual([]);
    const base = (subject: string) => subject.replace(/^(RE|Automatic reply|Out of Office): /, "");
    const threads = new Map<string, Row[]>();
    for (const r of rows) threads.set(r.conversationId, [...(threads.get(r.conversationId) ?? []), r]);
    const replied = [...threads.values()].filter((mails) => mails.some((m) => m.subject.startsWith("RE: ")));
    // One topic per conversation, and many replied threads hold the mail that started them (others began
    // before the sample's first day).
    expect([...threads.values()].filter((mails) => new Set(mails.map((m) => base(m.subject))).size > 1)).toEqual([]);
    expect(replied.filter((mails) => mails.some((m) => m.subject === base(m.subject))).length).toBeGreaterThan(100);
  });

  it("every mail of a thread is sent after the one before it (its conversationIndex one block longer)", () => {
    const rows = readRows(t(), MESSAGE_DATASET).rows.map(camel);
    const full = (stamp: string) => /T/.test(stamp); // the dirty kind that cuts stamps to a bare date is a parser test
    const sent = new Map<string, Map<number, number>>(); // conversation → position → sent
    for (const r of rows.filter((r) => full(r.sentDateTime))) {
      const position = Buffer.from(r.conversationIndex, "base64").length;
      const positions = sent.get(r.conversationId) ?? new Map<number, number>();
      positions.set(position, Date.parse(r.sentDateTime));
      sent.set(r.conversationId, positions);
    }
    const outOfOrder: string[] = [];
    let answers = 0;
    let sameDay = 0;
    for (const [conversation, positions] of sent) {
      const ordered = [...positions.entries()].sort(([a], [b]) => a - b);
      for (let i = 1; i < ordered.length; i++) {
        answers++;
        const [previous, current] = [ordered[i - 1][1], ordered[i][1]];
        if (current <= previous) outOfOrder.push(`${conversation} #${i}`);
        if (Math.floor(current / 86_400_000) === Math.floor(previous / 86_400_000)) sameDay++;
      }
    }
    expect(outOfOrder).toEqual([]);
    expect(answers).toBeGreaterThan(500);
    expect(sameDay).toBeGreaterThan(20); // the case that once came out of order is exercised
  });

  it("every event copy sits in an internal attendee's or the organizer's calendar, and only the organizer's says isOrganizer", () => {
    const rows = readRows(t(), EVENT_DATASET).rows.map(camel);
    const byUid = new Map<string, Row[]>();
    for (const r of rows) byUid.set(r.iCalUId, [...(byUid.get(r.iCalUId) ?? []), r]);
    for (const group of byUid.values()) {
      const organizers = group.filter((r) => r.isOrganizer);
      const internalOrganizer = internal(group[0].organizer.emailAddress.address);
      expect(organizers.length).toBe(internalOrganizer ? 1 : 0);
      const internalAttendees = group[0].attendees.filter((a: Row) => internal(a.emailAddress.address)).length;
      expect(group.length).toBe(internalAttendees + (internalOrganizer ? 1 : 0));
      expect(new Set(group.map((r) => r.id)).size).toBe(group.length);
    }
    expect(byUid.size).toBe(t().manifest.counts.distinctICalUIds);
  });

  it("rows land in the day folder of their receivedDateTime or start (UTC)", () => {
    const utcStart = (r: Row) => (r.start.timeZone === "UTC" ? r.start.dateTime : null);
    for (const [dataset, when] of [
      [MESSAGE_DATASET, (r: Row) => r.receivedDateTime],
      [EVENT_DATASET, utcStart],
    ] as const) {
      for (const [path, rows] of readRows(t(), dataset).byFile) {
        const day = path.split("/").slice(2, 5).join("-");
        for (const r of rows.map(camel)) {
          const stamp = when(r);
          if (stamp) expect(stamp.slice(0, 10)).toBe(day);
        }
      }
    }
  });
});

describe("targets and time zones", () => {
  it("hits the row targets within 10%", () => {
    const { counts } = t().manifest;
    expect(Math.abs(counts.messageRows - 20000)).toBeLessThan(2000);
    expect(Math.abs(counts.eventRows - 4000)).toBeLessThan(400);
    expect(readRows(t(), MESSAGE_DATASET).rows.length).toBeGreaterThanOrEqual(counts.messageRows);
  });

  it("writes local wall-clock times that convert back to the UTC day folder, DST included", () => {
    const rows = readRows(t(), EVENT_DATASET);
    let checked = 0;
    for (const [path, list] of rows.byFile) {
      const day = path.split("/").slice(2, 5).join("-");
      for (const r of list.map(camel)) {
        if (r.start.timeZone === "UTC") continue;
        const zone = WINDOWS_ZONES[r.start.timeZone];
        const local = r.start.dateTime.slice(0, 19);
        // Find the UTC instant whose wall clock in `zone` is `local`, within ±14 h of the day folder.
        // Read the wall clock as if it were UTC, then shift by the zone's offset at that moment and check the round trip.
        const fmt = new Intl.DateTimeFormat("sv-SE", {
          timeZone: zone,
          hourCycle: "h23",
          year: "numeric",
          month: "2-digit",
          day: "2-digit",
          hour: "2-digit",
          minute: "2-digit",
          second: "2-digit",
        });
        const wall = (ms: number) => fmt.format(new Date(ms)).replace(" ", "T");
        const asUtc = Date.parse(`${local}Z`);
        const instant = asUtc - (Date.parse(`${wall(asUtc)}Z`) - asUtc);
        const found = wall(instant) === local && new Date(instant).toISOString().slice(0, 10) === day;
        expect(found).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });
});

describe("CRM files", () => {
  const mapping = parseYaml(t().files.get("crm/column-mapping.yaml")!);

  it("parse as CSV and carry every column the mapping names", () => {
    for (const table of Object.values(mapping.tables) as { file: string; columns: Record<string, string> }[]) {
      const text = t().files.get(`crm/${table.file}`)!;
      const [header, ...rows] = parseCsv(text);
      expect(header).toEqual(expect.arrayContaining(Object.values(table.columns)));
      expect(rows.every((r: string[]) => r.length === header.length)).toBe(true);
    }
    expect(Object.keys(mapping.tables)).toEqual(["accounts", "contacts", "opportunities", "sellers"]);
    expect(mapping.tables.opportunities.values.status).toEqual({ "0": "open", "1": "won", "2": "lost" });
  });

  it("uses Dynamics value formats: ';'-separated domains, tiers 1..3, true/false opt-outs, quoted commas", () => {
    const accounts = csvObjects(t().files.get("crm/accounts.csv")!);
    expect(accounts.every((a) => ["1", "2", "3"].includes(a.rm_tier))).toBe(true);
    expect(accounts.some((a) => a.rm_emaildomains.includes(";"))).toBe(true);
    expect(accounts.some((a) => a.name.includes(","))).toBe(true);
    const contacts = csvObjects(t().files.get("crm/contacts.csv")!);
    expect(new Set(contacts.map((c) => c.donotemail))).toEqual(new Set(["true", "false"]));
    expect(contacts.some((c) => /[A-Z]/.test(c.emailaddress1) && c.emailaddress1.includes("@"))).toBe(true);
  });
});
