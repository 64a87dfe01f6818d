/** The measure list the local dashboard shares: unique names, one home table each, a typo fails loudly. */
import { MEASURE_NAMES, MEASURES, measure } from "../../powerbi";
import { daxReferences } from "./tmdl-model";

test("measure names are unique and listed in MEASURE_NAMES in order", () => {
  expect(new Set(MEASURE_NAMES).size).toBe(MEASURES.length);
  expect(MEASURE_NAMES).toEqual(MEASURES.map((m) => m.name));
  expect(MEASURE_NAMES).toHaveLength(21);
});

test("each measure's DAX reads its own home table only (one view per number, as the local function does)", () => {
  for (const m of MEASURES) {
    const refs = daxReferences(m.dax);
    const tables = [...refs.tables, ...refs.columns.map((c) => c.table)];
    expect([m.name, tables.filter((t) => t !== m.table)]).toEqual([m.name, []]);
    // A measure built only from other measures reads its table through them.
    for (const name of refs.measures) expect(measure(name).table).toBe(m.table);
  }
});

test("an unknown measure name fails at generation, listing the known ones", () => {
  expect(() => measure("Pair scor")).toThrow(`unknown measure "Pair scor": known measures are ${MEASURE_NAMES.join(", ")}`);
});
