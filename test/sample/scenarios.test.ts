import { camel, csvObjects, readRows, Row, tenant } from "./helpers";
import { EVENT_DATASET, MESSAGE_DATASET } from "../../sample";

const t = () => tenant();
const messages = () => readRows(t(), MESSAGE_DATASET).rows.map(camel);
const events = () => readRows(t(), EVENT_DATASET).rows.map(camel);
const domainOf = (address: string) => address.split("@")[1].toLowerCase();
const accountsByDomain = () => {
  const map = new Map<string, string>();
  for (const a of csvObjects(t().files.get("crm/accounts.csv")!)) for (const d of a.rm_emaildomains.split(";")) map.set(d, a.accountid);
  return map;
};
const externals = (r: Row) =>
  [r.sender, ...r.toRecipients, ...r.ccRecipients, ...r.bccRecipients, r.organizer, ...(r.attendees ?? [])]
    .filter(Boolean)
    .map((a: Row) => a.emailAddress.address.toLowerCase())
    .filter((a: string) => !a.endsWith("@contoso.com"));

test("at small sizes every account a scenario label names has rows: the labels say what the data shows (issue 11)", () => {
  for (const size of [
    { messages: 120, events: 20, days: 30 },
    { messages: 400, events: 60, days: 60 },
  ]) {
    const small = tenant(size);
    const byDomain = new Map<string, string>();
    for (const a of csvObjects(small.files.get("crm/accounts.csv")!))
      for (const d of a.rm_emaildomains.split(";")) byDomain.set(d, a.accountid);
    const seen = new Set<string>();
    for (const dataset of [MESSAGE_DATASET, EVENT_DATASET]) {
      for (const r of readRows(small, dataset).rows.map(camel)) {
        // Events have no recipient lists, and dirty rows may lack any field: read whatever parties a row has.
        const parties = [
          r.sender,
          r.organizer,
          ...[r.toRecipients, r.ccRecipients, r.bccRecipients, r.attendees].flatMap((l) => (Array.isArray(l) ? l : [])),
        ];
        for (const a of parties
          .map((p: Row) => p?.emailAddress?.address)
          .filter((x): x is string => typeof x === "string" && x.includes("@"))) {
          const account = byDomain.get(domainOf(a));
          if (account) seen.add(account);
        }
      }
    }
    const { scenarios } = small.manifest;
    for (const label of ["coldAccounts", "singleSellerAccounts", "noExecMeetingAccounts", "execMeetingAccounts"]) {
      const unseen = (scenarios[label] as string[]).filter((id) => !seen.has(id));
      expect({ size, label, unseen }).toEqual({ size, label, unseen: [] });
    }
  }
});

describe("the default tenant exercises every scoring rule", () => {
  it("has cold, untouched and single-threaded accounts, as the data shows them", () => {
    const byDomain = accountsByDomain();
    const last = new Map<string, string>();
    const sellers = new Map<string, Set<string>>();
    const employees = new Set(csvObjects(t().files.get("crm/employees.csv")!).map((e) => e.azureactivedirectoryobjectid));
    for (const r of messages()) {
      if (!r.sender || !r.receivedDateTime) continue;
      for (const a of externals({ ...r, organizer: null })) {
        const account = byDomain.get(domainOf(a));
        if (!account) continue;
        if ((last.get(account) ?? "") < r.receivedDateTime) last.set(account, r.receivedDateTime);
        if (employees.has(r.puser)) sellers.set(account, (sellers.get(account) ?? new Set()).add(r.puser));
      }
    }
    const { scenarios, endDate } = t().manifest;
    const untouched = scenarios.untouchedAccounts as string[];
    const cold = scenarios.coldAccounts as string[];
    expect(untouched.length).toBeGreaterThan(0);
    for (const id of untouched) expect(last.has(id)).toBe(false);
    expect(cold.length).toBeGreaterThan(0);
    const endMs = Date.parse(`${endDate}T23:59:59Z`);
    for (const id of cold) {
      const quiet = (endMs - Date.parse(last.get(id)!)) / 86_400_000;
      expect(quiet).toBeGreaterThanOrEqual(45);
      expect(quiet).toBeLessThanOrEqual(101);
    }
    const single = (scenarios.singleSellerAccounts as string[]).filter((id) => sellers.has(id));
    expect(single.length).toBeGreaterThan(0);
    for (const id of single) expect(sellers.get(id)!.size).toBe(1);
    expect([...sellers.values()].some((s) => s.size >= 3)).toBe(true);
  });

  it("has mass mails, auto-replies, replies both ways, internal-only mail and unknown domains", () => {
    const rows = messages();
    const byDomain = accountsByDomain();
    expect(rows.some((r) => externals({ ...r, organizer: null }).length >= 30)).toBe(true);
    const auto = rows.filter((r) => r.internetMessageHeaders.some((h: Row) => h.name === "Auto-Submitted" && h.value === "auto-replied"));
    expect(auto.length).toBeGreaterThan(10);
    expect(
      auto.every((r) => /^(Automatic reply|Out of Office): /.test(r.subject) && !r.sender.emailAddress.address.endsWith("@contoso.com")),
    ).toBe(true);
    const replies = rows.filter((r) => r.subject.startsWith("RE: ") && r.sender && externals({ ...r, organizer: null }).length > 0);
    expect(replies.some((r) => r.sender.emailAddress.address.endsWith("@contoso.com"))).toBe(true);
    expect(replies.some((r) => !r.sender.emailAddress.address.endsWith("@contoso.com"))).toBe(true);
    const internalOnly = rows.filter((r) => r.sender && externals({ ...r, organizer: null }).length === 0);
    expect(internalOnly.length / rows.length).toBeGreaterThan(0.25);
    expect(rows.some((r) => externals({ ...r, organizer: null }).some((a) => !byDomain.has(domainOf(a))))).toBe(true);
    expect(rows.some((r) => r.sender?.emailAddress.address === "noreply@news.example.org")).toBe(true);
  });

  it("mails contacts who opted out", () => {
    const optedOut = new Set(
      csvObjects(t().files.get("crm/contacts.csv")!)
        .filter((c) => c.donotemail === "true")
        .map((c) => c.emailaddress1.toLowerCase()),
    );
    expect(messages().some((r) => externals({ ...r, organizer: null }).some((a) => optedOut.has(a)))).toBe(true);
  });

  it("has cancelled, declined, tentative, all-day, online, in-person, large and local-time-zone meetings", () => {
    const rows = events();
    const responses = new Set(rows.flatMap((r) => r.attendees.map((a: Row) => a.status.response)));
    expect(responses).toEqual(expect.objectContaining(new Set()));
    for (const r of ["accepted", "tentativelyAccepted", "declined", "none"])
      expect(responses.has(`microsoft.graph.responseType'${r}'`)).toBe(true);
    expect(rows.some((r) => r.isCancelled && r.subject.startsWith("Canceled: "))).toBe(true);
    expect(rows.some((r) => r.isAllDay)).toBe(true);
    expect(rows.some((r) => r.isOnlineMeeting && r.onlineMeetingProvider === "teamsForBusiness")).toBe(true);
    expect(rows.some((r) => !r.isOnlineMeeting && r.location.displayName.startsWith("Contoso"))).toBe(true);
    expect(rows.some((r) => r.attendees.length >= 20)).toBe(true);
    expect(new Set(rows.map((r) => r.originalStartTimeZone)).size).toBeGreaterThanOrEqual(5);
    expect(rows.some((r) => r.start.timeZone !== "UTC")).toBe(true);
  });

  it("has executive titles, and a CEO meeting in the last 180 days for some accounts but not others", () => {
    const contacts = csvObjects(t().files.get("crm/contacts.csv")!);
    const titles = new Set(contacts.map((c) => c.jobtitle));
    for (const title of [
      "Chief Executive Officer",
      "CEO",
      "VP Sales",
      "Chief Financial Officer",
      "Director of IT",
      "Procurement Manager",
    ]) {
      expect([...titles].some((x) => x.toLowerCase() === title.toLowerCase())).toBe(true);
    }
    const ceos = new Map(
      contacts.filter((c) => /chief executive|\bceo\b/i.test(c.jobtitle)).map((c) => [c.emailaddress1.toLowerCase(), c.parentcustomerid]),
    );
    const met = new Set<string>();
    for (const r of events())
      for (const a of r.attendees)
        if (ceos.has(a.emailAddress.address.toLowerCase())) met.add(ceos.get(a.emailAddress.address.toLowerCase())!);
    const { scenarios } = t().manifest;
    expect([...met].sort()).toEqual([...(scenarios.execMeetingAccounts as string[])].sort());
    expect(met.size).toBeGreaterThan(0);
    expect((scenarios.noExecMeetingAccounts as string[]).length).toBeGreaterThan(0);
  });
});

test("sellers copy people on customer domains the CRM does not list, so a run has discovered contacts to show (issue 11)", () => {
  const known = new Set(csvObjects(t().files.get("crm/contacts.csv")!).map((c) => c.emailaddress1.toLowerCase()));
  const byDomain = accountsByDomain();
  const unlisted = new Map<string, Set<string>>();
  for (const r of messages()) {
    const outbound = String(r.sender?.emailAddress?.address ?? "")
      .toLowerCase()
      .endsWith("@contoso.com");
    for (const a of (r.ccRecipients ?? []).map((c: Row) => String(c.emailAddress?.address ?? "").toLowerCase())) {
      const account = byDomain.get(domainOf(a));
      if (outbound && account && !known.has(a)) unlisted.set(account, (unlisted.get(account) ?? new Set()).add(a));
    }
  }
  expect(unlisted.size).toBeGreaterThanOrEqual(3);
  expect([...unlisted.values()].every((people) => people.size <= 2)).toBe(true);
});
