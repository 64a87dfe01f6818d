/**
 * The bad rows real extracts contain, injected on fixed days in small, recorded numbers so that the
 * ingestion notebooks can prove they quarantine exactly these and nothing else.
 */
import { Rng } from "./rng";
import { DirtyEntry } from "./model";
import { DayFile, fileLines } from "./layout";

type Dataset = "messages" | "events";

interface Kind {
  name: string;
  dataset: Dataset;
  /** Fraction of the date range at or after which the kind is injected. */
  at: number;
  description: string;
  /** Applies the kind if the day allows it; returns false to wait for a later day. */
  apply: (files: DayFile[], rng: Rng, entry: DirtyEntry) => boolean;
}

/** System columns keep their names in older exports; only the Graph fields were PascalCase. */
const SYSTEM = new Set(["puser", "ptenant", "pAdditionalInfo", "datarow", "userrow", "pagerow", "rowinformation", "ODataType"]);

export function pascalize(value: unknown, top = true): unknown {
  if (Array.isArray(value)) return value.map((v) => pascalize(v, false));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (top && SYSTEM.has(k)) out[k] = v;
    else out[k[0].toUpperCase() + k.slice(1)] = pascalize(v, false);
  }
  return out;
}

const ADDRESS_KEYS: Record<string, string> = { emailAddress: "EmailAddress", address: "Address", name: "Name" };
function shoutAddresses(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shoutAddresses);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[ADDRESS_KEYS[k] ?? k] = shoutAddresses(v);
  return out;
}

/** Rows eligible for a row-level change: only in plain files, so kinds never stack on one row. */
function plainRows(files: DayFile[]): { file: DayFile; row: Record<string, unknown> }[] {
  return files.filter((f) => !f.content).flatMap((file) => file.rows.map((row) => ({ file, row })));
}

function record(entry: DirtyEntry, file: DayFile, id: unknown, n = 1): void {
  entry.count += n;
  if (!entry.files.includes(file.path)) entry.files.push(file.path);
  entry.ids.push(String(id));
}

function mutateRows(
  n: number,
  change: (row: Record<string, unknown>, i: number) => void,
  eligible = (_row: Record<string, unknown>) => true,
) {
  return (files: DayFile[], rng: Rng, entry: DirtyEntry) => {
    const rows = plainRows(files).filter(({ row }) => eligible(row));
    if (rows.length < n * 4) return false;
    rng.sample(rows, n).forEach(({ file, row }, i) => {
      change(row, i);
      record(entry, file, row.id);
    });
    return true;
  };
}

function malformed(n: number) {
  return (files: DayFile[], rng: Rng, entry: DirtyEntry) => {
    const file = files.find((f) => !f.content && f.rows.length >= n * 2);
    if (!file) return false;
    const lines = file.rows.map((r) => JSON.stringify(r));
    const picks = rng
      .sample(
        lines.map((_, i) => i),
        n,
      )
      .sort((a, b) => b - a);
    // A truncated object right after its intact twin, as an interrupted writer would leave it.
    for (const i of picks) {
      lines.splice(i + 1, 0, lines[i].slice(0, Math.floor(lines[i].length * 0.6)));
      record(entry, file, file.rows[i].id);
    }
    file.content = lines;
    return true;
  };
}

const KINDS: Kind[] = [
  {
    name: "pascalCaseFile",
    dataset: "messages",
    at: 0.15,
    description:
      "one whole file written with PascalCase field names (Sender.EmailAddress.Address, ToRecipients, ReceivedDateTime) as older exports do; system columns keep their names",
    apply: (files, _rng, entry) => {
      const file = files.find((f) => f.rows.length >= 2);
      if (!file) return false;
      file.content = file.rows.map((r) => JSON.stringify(pascalize(r)));
      file.rows.forEach((r) => record(entry, file, r.id));
      return true;
    },
  },
  {
    name: "jsonArrayFile",
    dataset: "messages",
    at: 0.25,
    description: "one file holding a single JSON array of message objects instead of JSON lines (same .json naming)",
    apply: (files, _rng, entry) => {
      const file = files.find((f) => f.rows.length >= 2);
      if (!file) return false;
      file.content = `[\n${file.rows.map((r) => JSON.stringify(r)).join(",\n")}\n]`;
      file.rows.forEach((r) => record(entry, file, r.id));
      return true;
    },
  },
  {
    name: "mixedCaseAddresses",
    dataset: "messages",
    at: 0.35,
    description: "rows inside an otherwise camelCase file whose addresses use EmailAddress/Address/Name casing",
    apply: mutateRows(3, (row) => {
      for (const k of ["sender", "from", "toRecipients", "ccRecipients", "bccRecipients"]) row[k] = shoutAddresses(row[k]);
    }),
  },
  {
    name: "dateOnlyTimestamps",
    dataset: "messages",
    at: 0.45,
    description: "receivedDateTime and sentDateTime given as a bare date (YYYY-MM-DD)",
    apply: mutateRows(3, (row) => {
      row.receivedDateTime = String(row.receivedDateTime).slice(0, 10);
      row.sentDateTime = String(row.sentDateTime).slice(0, 10);
    }),
  },
  {
    name: "missingSender",
    dataset: "messages",
    at: 0.5,
    description: "rows without the sender and from fields",
    apply: mutateRows(2, (row) => {
      delete row.sender;
      delete row.from;
    }),
  },
  {
    name: "emptyRecipients",
    dataset: "messages",
    at: 0.55,
    description: "rows whose toRecipients, ccRecipients and bccRecipients are all empty",
    apply: mutateRows(2, (row) => {
      row.toRecipients = [];
      row.ccRecipients = [];
      row.bccRecipients = [];
    }),
  },
  {
    name: "malformedMessageLines",
    dataset: "messages",
    at: 0.6,
    description: "truncated JSON objects (each the first 60% of a real row's line, placed after that row)",
    apply: malformed(5),
  },
  {
    name: "duplicateLines",
    dataset: "messages",
    at: 0.7,
    description: "exact copies of lines of one file appended to another file of the same day",
    apply: (files, rng, entry) => {
      const plain = files.filter((f) => !f.content);
      if (plain.length < 2 || plain[0].rows.length < 3) return false;
      const [from, to] = plain;
      const copies = rng.sample(from.rows, 3);
      to.content = [...(fileLines(to) as string[]), ...copies.map((r) => JSON.stringify(r))];
      for (const r of copies) record(entry, from, r.id);
      entry.files.push(to.path);
      return true;
    },
  },
  {
    name: "unknownResponseEnums",
    dataset: "events",
    at: 0.4,
    description: "attendee responses spelled 'Accepted' (no wrapper) or microsoft.graph.responseType'tentativelyaccepted' (lower case)",
    apply: mutateRows(
      4,
      (row, i) => {
        // Copies of one meeting share their attendee objects, so change a private copy of this row's list.
        const [first, ...rest] = row.attendees as { status: { response: string; time: string } }[];
        const response = i < 2 ? "Accepted" : "microsoft.graph.responseType'tentativelyaccepted'";
        row.attendees = [{ ...first, status: { ...first.status, response } }, ...rest];
      },
      (row) => (row.attendees as unknown[]).length > 0,
    ),
  },
  {
    name: "malformedEventLines",
    dataset: "events",
    at: 0.65,
    description: "truncated JSON objects in a CalendarView file",
    apply: malformed(1),
  },
];

export class DirtyInjector {
  readonly entries: Record<string, DirtyEntry> = {};
  private readonly pending: Kind[];

  constructor(
    enabled: boolean,
    private readonly days: number,
  ) {
    this.pending = enabled ? KINDS.slice() : [];
    for (const k of this.pending) this.entries[k.name] = { count: 0, files: [], ids: [], description: k.description };
  }

  /** Applies at most one due kind per day and dataset, so kinds never overlap in one file. */
  apply(dataset: Dataset, day: number, files: DayFile[], rng: Rng): void {
    const due = this.pending.find((k) => k.dataset === dataset && day >= Math.floor(k.at * this.days));
    if (!due) return;
    if (due.apply(files, rng, this.entries[due.name])) this.pending.splice(this.pending.indexOf(due), 1);
  }
}
