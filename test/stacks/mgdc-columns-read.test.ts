import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CALENDAR_DATASET, MESSAGE_DATASET, MGDC_DATASET_COLUMNS, MGDC_FORBIDDEN_COLUMNS } from "../../config/mgdc-datasets";

const source = () => readFileSync(join(__dirname, "..", "..", "notebooks", "rm_ingest_m365.py"), "utf8");

/** The MGDC fields the ingestion notebook reads (`value_at(r, "…")`, `address_of(r, "…")`, …; compared lower-cased), per parser. */
function fieldsRead(): Record<string, string[]> {
  const [messages, events] = source().split("def parse_events");
  const read = (text: string) => [...new Set([...text.matchAll(/\(r, "([A-Za-z]+)"/g)].map((m) => m[1].toLowerCase()))].sort();
  return { [MESSAGE_DATASET]: read(messages.slice(messages.indexOf("def parse_messages"))), [CALENDAR_DATASET]: read(events) };
}

/** The top-level fields of RECORD_FIELDS, the schema from_json parses each row with, per dataset. */
function fieldsParsed(): Record<string, string[]> {
  const text = source();
  const block = text.slice(text.indexOf("RECORD_FIELDS = {"), text.indexOf("\n}\n", text.indexOf("RECORD_FIELDS = {")));
  const [messages, events] = block.split("EVENT_DATASET: {");
  const keys = (part: string) => [...part.matchAll(/^ {8}"(\w+)":/gm)].map((m) => m[1]);
  return { [MESSAGE_DATASET]: keys(messages), [CALENDAR_DATASET]: keys(events) };
}

describe("the extraction and the notebooks agree", () => {
  test.each([MESSAGE_DATASET, CALENDAR_DATASET])("every %s field the notebook reads is extracted (else it is null in Azure)", (dataset) => {
    const extracted = new Set(MGDC_DATASET_COLUMNS[dataset].map((c) => c.toLowerCase()));
    const read = fieldsRead()[dataset];
    expect(read.length).toBeGreaterThan(8);
    expect(read.filter((f) => !extracted.has(f))).toEqual([]);
  });

  test.each([MESSAGE_DATASET, CALENDAR_DATASET])("every %s column extracted is read by the notebook (data minimisation)", (dataset) => {
    const read = new Set(fieldsRead()[dataset]);
    expect(MGDC_DATASET_COLUMNS[dataset].filter((c) => !read.has(c.toLowerCase()))).toEqual([]);
  });

  test.each([MESSAGE_DATASET, CALENDAR_DATASET])(
    "the %s schema parses exactly the extracted columns, each read by the parser",
    (dataset) => {
      const parsed = fieldsParsed()[dataset];
      expect(parsed).toEqual([...MGDC_DATASET_COLUMNS[dataset]]);
      expect(parsed.map((f) => f.toLowerCase()).sort()).toEqual(fieldsRead()[dataset]);
    },
  );

  test("the notebook reads no message content", () => {
    const forbidden = MGDC_FORBIDDEN_COLUMNS.map((c) => c.toLowerCase());
    const read = Object.values(fieldsRead()).flat();
    expect(read.filter((f) => forbidden.includes(f))).toEqual([]);
    const block = source().slice(source().indexOf("RECORD_FIELDS = {"), source().indexOf("# Where Spark puts"));
    expect(MGDC_FORBIDDEN_COLUMNS.filter((c) => block.includes(`"${c}"`))).toEqual([]);
  });
});
