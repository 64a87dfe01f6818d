import { readRows, tenant } from "./helpers";
import { EVENT_DATASET, MESSAGE_DATASET } from "../../sample";
import { FIXTURES, mismatches, readJsonLines, shapeOf } from "../fixtures/mgdc";

/** Our fixtures carry the shape of Microsoft's sample rows (test/conformance checks that when the samples are present). */
const sampleRows = (dataset: string) => readJsonLines(FIXTURES, dataset);

const clean = () => tenant({ dirty: false, messages: 3000, events: 800, days: 60 });

describe.each([MESSAGE_DATASET, EVENT_DATASET])("%s rows, against the MGDC fixtures", (dataset) => {
  const expected = sampleRows(dataset);
  const { rows } = readRows(clean(), dataset);

  it("carry every field of the fixture rows, with the same JSON type and nesting", () => {
    expect(mismatches(shapeOf(expected), shapeOf(rows))).toEqual([]);
  });

  it("each have every top-level column of the fixtures", () => {
    const columns = new Set(expected.flatMap((r) => Object.keys(r)));
    const missing = rows.flatMap((r) => [...columns].filter((c) => !(c in r)).map((c) => `${r.id}:${c}`));
    expect(missing).toEqual([]);
  });

  it("write enum values as microsoft.graph.<type>'<value>' like the fixtures", () => {
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

  it("are those of the fixtures: messages to the second with Z, events with seven fractional digits", () => {
    for (const r of sampleRows(MESSAGE_DATASET)) expect(r.receivedDateTime).toMatch(stamp);
    for (const r of sampleRows(EVENT_DATASET)) expect(r.start.dateTime).toMatch(graph);
    const messages = readRows(clean(), MESSAGE_DATASET).rows;
    const events = readRows(clean(), EVENT_DATASET).rows;
    for (const r of messages)
      for (const k of ["receivedDateTime", "sentDateTime", "createdDateTime", "lastModifiedDateTime"]) expect(r[k]).toMatch(stamp);
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
      [
        "UTC",
        "Pacific Standard Time",
        "Eastern Standard Time",
        "GMT Standard Time",
        "W. Europe Standard Time",
        "India Standard Time",
        "Tokyo Standard Time",
        "AUS Eastern Standard Time",
      ].sort(),
    );
  });
});
