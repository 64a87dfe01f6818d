import { csvObjects, readRows, Row, tenant } from "./helpers";
import { EVENT_DATASET, MESSAGE_DATASET } from "../../sample";

const t = () => tenant();
const entry = (name: string) => t().manifest.dirty[name];
const rowsIn = (path: string): Row[] => readRows(t(), path.split("/")[1]).byFile.get(path) ?? [];

describe("dirty rows are exactly those recorded in tenant.json", () => {
  it("malformed lines: only the recorded number fail to parse", () => {
    expect(readRows(t(), MESSAGE_DATASET).bad.length).toBe(entry("malformedMessageLines").count);
    expect(readRows(t(), EVENT_DATASET).bad.length).toBe(entry("malformedEventLines").count);
    expect(entry("malformedMessageLines").count).toBe(5);
  });

  it("one file is a JSON array holding the recorded rows", () => {
    const e = entry("jsonArrayFile");
    expect(e.files).toHaveLength(1);
    const text = t().files.get(e.files[0])!;
    expect(text.startsWith("[")).toBe(true);
    expect(JSON.parse(text)).toHaveLength(e.count);
    const others = [...t().files].filter(([p, x]) => p.startsWith("m365/") && p !== e.files[0] && x.startsWith("["));
    expect(others).toEqual([]);
  });

  it("one file uses PascalCase fields and system columns keep their names", () => {
    const e = entry("pascalCaseFile");
    const rows = rowsIn(e.files[0]);
    expect(rows).toHaveLength(e.count);
    for (const r of rows) {
      expect(typeof r.Sender.EmailAddress.Address).toBe("string");
      expect(Array.isArray(r.ToRecipients)).toBe(true);
      expect(r.ReceivedDateTime).toMatch(/Z$/);
      expect(r.puser).toBeDefined();
    }
    const pascalElsewhere = readRows(t(), MESSAGE_DATASET).rows.filter((r) => "ReceivedDateTime" in r);
    expect(pascalElsewhere).toHaveLength(e.count);
  });

  it("mixed-case address rows, date-only stamps, missing senders and empty recipients are the recorded ids", () => {
    const rows = readRows(t(), MESSAGE_DATASET).rows.filter((r) => "receivedDateTime" in r);
    const ids = (pred: (r: Row) => boolean) =>
      rows
        .filter(pred)
        .map((r) => r.id)
        .sort();
    expect(ids((r) => r.from?.EmailAddress !== undefined)).toEqual([...entry("mixedCaseAddresses").ids].sort());
    expect(ids((r) => /^\d{4}-\d{2}-\d{2}$/.test(r.receivedDateTime))).toEqual([...entry("dateOnlyTimestamps").ids].sort());
    expect(ids((r) => !("sender" in r))).toEqual([...entry("missingSender").ids].sort());
    const emptyIds = ids((r) => r.toRecipients.length + r.ccRecipients.length + r.bccRecipients.length === 0);
    expect(emptyIds).toEqual([...entry("emptyRecipients").ids].sort());
  });

  it("duplicate lines appear twice, across two files", () => {
    const e = entry("duplicateLines");
    const seen = new Map<string, number>();
    for (const [path, text] of t().files) {
      if (!path.startsWith(`m365/${MESSAGE_DATASET}/`) || path.includes("/metadata/") || text.startsWith("[")) continue;
      for (const line of text.split("\n")) if (line.startsWith("{") && line.endsWith("}")) seen.set(line, (seen.get(line) ?? 0) + 1);
    }
    const dupes = [...seen.entries()]
      .filter(([, n]) => n > 1)
      .map(([line]) => JSON.parse(line).id)
      .sort();
    expect(dupes).toEqual([...e.ids].sort());
    expect(e.files).toHaveLength(2);
  });

  it("attendee responses with unknown spellings are the recorded events", () => {
    const odd = readRows(t(), EVENT_DATASET).rows.filter((r) =>
      r.attendees?.some(
        (a: Row) => !/^microsoft\.graph\.responseType'(accepted|tentativelyAccepted|declined|none|notResponded)'$/.test(a.status.response),
      ),
    );
    expect(odd.map((r) => r.id).sort()).toEqual([...entry("unknownResponseEnums").ids].sort());
    expect(odd.flatMap((r) => r.attendees.map((a: Row) => a.status.response))).toEqual(
      expect.arrayContaining(["Accepted", "microsoft.graph.responseType'tentativelyaccepted'"]),
    );
  });

  it("CRM: missing ids, bad e-mails and duplicate contact ids match the record", () => {
    const contacts = csvObjects(t().files.get("crm/contacts.csv")!);
    const opportunities = csvObjects(t().files.get("crm/opportunities.csv")!);
    expect(contacts.filter((c) => !c.contactid).length + opportunities.filter((o) => !o.opportunityid).length).toBe(
      entry("crmMissingIds").count,
    );
    expect(contacts.filter((c) => !c.emailaddress1.includes("@")).map((c) => c.contactid)).toEqual(entry("crmBadEmails").ids);
    const counts = new Map<string, number>();
    for (const c of contacts) if (c.contactid) counts.set(c.contactid, (counts.get(c.contactid) ?? 0) + 1);
    expect(
      [...counts]
        .filter(([, n]) => n > 1)
        .map(([id]) => id)
        .sort(),
    ).toEqual([...entry("crmDuplicateContactIds").ids].sort());
  });

  it("--clean writes none of them", () => {
    const clean = tenant({ dirty: false, messages: 3000, events: 800, days: 60 });
    expect(clean.manifest.dirty).toEqual({});
    expect(readRows(clean, MESSAGE_DATASET).bad).toEqual([]);
    expect(readRows(clean, MESSAGE_DATASET).rows.every((r) => r.sender && "receivedDateTime" in r)).toBe(true);
  });
});
