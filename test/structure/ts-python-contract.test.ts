/**
 * Facts both TypeScript and the Python notebooks name: each is defined once on the TypeScript side
 * (or in a JSON contract) and the Python side must name it the same way, so a change on one side
 * cannot silently miss the other. (Notebook parameters: checkNotebookParameters; CRM required
 * columns: passed with the mapping; gold columns: test/notebooks/test_gold_contract.py.)
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CALENDAR_DATASET, MESSAGE_DATASET } from "../../config/mgdc-datasets";
import goldSchema from "../../sql/gold-schema.json";

const ROOT = join(__dirname, "..", "..");
const python = (file: string) => readFileSync(join(ROOT, "notebooks", file), "utf8");
const constant = (source: string, name: string) => new RegExp(`^${name} = "([^"]+)"$`, "m").exec(source)?.[1];

test("the notebooks name the MGDC datasets exactly as config/mgdc-datasets.ts does", () => {
  const ingest = python("rm_ingest_m365.py");
  expect([constant(ingest, "MESSAGE_DATASET"), constant(ingest, "EVENT_DATASET")]).toEqual([MESSAGE_DATASET, CALENDAR_DATASET]);
});

test("the gold tables 03_score writes are the gold tables of the serving contract, and the dimensions 01_ingest_crm writes include the contract's", () => {
  const written = [...python("03_score.py").matchAll(/^\s+\("(\w+)", \w+, \[/gm)].map((m) => m[1]);
  const contract = (goldSchema.tables as Array<{ name: string }>).map((t) => t.name);
  expect(contract.filter((t) => !t.startsWith("dim_"))).toEqual(written);
  const dims = [...python("rm_ingest_crm.py").matchAll(/"(dim_\w+)"/g)].map((m) => m[1]);
  expect(contract.filter((t) => t.startsWith("dim_")).filter((t) => !dims.includes(t))).toEqual([]);
});
