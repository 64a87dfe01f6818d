import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readRows, Row, tenant } from "./helpers";
import { EVENT_DATASET, MESSAGE_DATASET } from "../../sample";

const SAMPLES = join(__dirname, "..", "..", "..", "shared", "mgdc-samples");
const sampleRows = (dataset: string): Row[] =>
  readFileSync(join(SAMPLES, `${dataset}.jsonl`), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/** Folds many rows into one shape: every key seen, array items folded together; null only where nothing else was seen. */
function fold(a: unknown, b: unknown): unknown {
  if (a === null || a === undefined) return b;
  if (b === null || b === undefined) return a;
  if (Array.isArray(a) && Array.isArray(b)) {
    const items = [...a, ...b];
    return items.length ? [items.reduce((x, y) => fold(x, y))] : [];
  }
  if (kind(a) === "object" && kind(b) === "object") {
    const out: Record<string, unknown> = { ...(a as Row) };
    for (const [k, v] of Object.entries(b as Row)) out[k] = k in out ? fold(out[k], v) : v;
    return out;
  }
  return a;
}

/** Lists where `actual` lacks a field of `expected` or has another JSON type; null on either side matches anything. */
function mismatches(expected: unknown, actual: unknown, path = "$"): string[] {
  if (expected === null || actual === null) return [];
  if (kind(expected) !== kind(actual)) return [`${path}: expected ${kind(expected)}, got ${kind(actual)}`];
  if (Array.isArray(expected)) {
    const [e] = expected;
    const [a] = actual as unknown[];
    return e === undefined || a === undefined ? (e !== undefined ? [`${path}[]: never non-empty`] : []) : mismatches(e, a, `${path}[]`);
  }
  if (kind(expected) === "object") {
    return Object.entries(expected as Row).flatMap(([k, v]) =>
      k in (actual as Row) ? mismatches(v, (actual as Row)[k], `${path}.${k}`) : [`${path}.${k}: missing`],
    );
  }
  return [];
}

const clean = () => tenant({ dirty: false, messages: 3000, events: 800, days: 60 });

describe.each([MESSAGE_DATASET, EVENT_DATASET])("%s rows", (dataset) => {
  const expected = sampleRows(dataset);
  const { rows } = readRows(clean(), dataset);

  it("carry every field of Microsoft's sample rows, with the same JSON type and nesting", () => {
    const want = expected.reduce((x, y) => fold(x, y) as Row);
    const got = rows.reduce((x, y) => fold(x, y) as Row);
    expect(mismatches(want, got)).toEqual([]);
  });

  it("each have every top-level column of the samples", () => {
    const columns = new Set(expected.flatMap((r) => Object.keys(r)));
    const missing = rows.flatMap((r) => [...columns].filter((c) => !(c in r)).map((c) => `${r.id}:${c}`));
    expect(missing).toEqual([]);
  });

  it("write enum values as microsoft.graph.<type>'<value>' like the samples", () => {
    const enums: string[] = [];
    const walk = (v: unknown) => {
      if (typeof v === "string" && v.startsWith("microsoft.graph.")) enums.push(v);
      else if (v && typeof v === "object") Object.values(v).forEach(walk);
    };
    rows.forEach(walk);
    expect(enums.length).toBeGreaterThan(rows.length);
    expect(enums.filter((e) => !/^microsoft\.graph\.[a-zA-Z]+'[a-zA-Z]+'$/.test(e))).toEqual([]);
  });
});

describe("timestamp formats", () => {
  const stamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
  const graph = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/;

  it("are those of the samples: messages to the second with Z, events with seven fractional digits", () => {
    for (const r of sampleRows(MESSAGE_DATASET)) expect(r.receivedDateTime).toMatch(stamp);
    for (const r of sampleRows(EVENT_DATASET)) expect(r.start.dateTime).toMatch(graph);
    const messages = readRows(clean(), MESSAGE_DATASET).rows;
    const events = readRows(clean(), EVENT_DATASET).rows;
    for (const r of messages) for (const k of ["receivedDateTime", "sentDateTime", "createdDateTime", "lastModifiedDateTime"]) expect(r[k]).toMatch(stamp);
    for (const r of events) {
      expect(r.start.dateTime).toMatch(graph);
      expect(r.end.dateTime).toMatch(graph);
      expect(r.createdDateTime).toMatch(stamp);
    }
  });

  it("use only the event types and time zones the notebooks map", () => {
    const events = readRows(clean(), EVENT_DATASET).rows;
    const allowed = ["singleInstance", "occurrence", "exception"];
    expect(events.filter((e) => !allowed.includes(e.type))).toEqual([]);
    expect(new Set(readRows(tenant(), EVENT_DATASET).rows.map((e) => e.type ?? e.Type))).toEqual(new Set(allowed));
    const zones = new Set(events.map((e) => e.start.timeZone));
    expect([...zones].sort()).toEqual(
      ["UTC", "Pacific Standard Time", "Eastern Standard Time", "GMT Standard Time", "W. Europe Standard Time", "India Standard Time", "Tokyo Standard Time", "AUS Eastern Standard Time"].sort(),
    );
  });
});
