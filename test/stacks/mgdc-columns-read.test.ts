import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CALENDAR_DATASET, MESSAGE_DATASET, MGDC_DATASET_COLUMNS, MGDC_FORBIDDEN_COLUMNS } from "../../config/mgdc-datasets";

/** The MGDC fields the ingestion notebook reads (`r.getItem("…")`, keys lower-cased), per parser. */
function fieldsRead(): Record<string, string[]> {
  const source = readFileSync(join(__dirname, "..", "..", "notebooks", "rm_ingest_m365.py"), "utf8");
  const [messages, events] = source.split("def parse_events");
  const read = (text: string) => [...new Set([...text.matchAll(/\br\.getItem\("([a-z]+)"\)/g)].map((m) => m[1]))].sort();
  return { [MESSAGE_DATASET]: read(messages.slice(messages.indexOf("def parse_messages"))), [CALENDAR_DATASET]: read(events) };
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

  test("the notebook reads no message content", () => {
    const forbidden = MGDC_FORBIDDEN_COLUMNS.map((c) => c.toLowerCase());
    const read = Object.values(fieldsRead()).flat();
    expect(read.filter((f) => forbidden.includes(f))).toEqual([]);
  });
});
