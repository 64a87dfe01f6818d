/**
 * The cross-layer contract, read from the generated files (never from the generator's data): every
 * field a visual uses exists in the model; every model column exists in the view it reads, with the
 * type the contract gives it; the model's measures are exactly powerbi/measures.ts. The third link —
 * every view column is what Spark writes — is test/notebooks/test_gold_contract.py.
 */
import { MEASURES, dataTypeOf } from "../../powerbi";
import { VISUAL_ROLES } from "../../powerbi/visuals";
import { goldContract, servedColumns } from "../../sql";
import { readDevModel, visuals, type VisualFile } from "./helpers";
import { daxReferences } from "./tmdl-model";

interface FieldUse {
  kind: "Column" | "Measure";
  table: string;
  property: string;
}

/** Every Column and Measure reference in a JSON value; `Source` aliases resolve through the enclosing `From`s. */
export function fieldUses(value: unknown, aliases: ReadonlyMap<string, string> = new Map()): FieldUse[] {
  if (Array.isArray(value)) return value.flatMap((v) => fieldUses(v, aliases));
  if (!value || typeof value !== "object") return [];
  const o = value as Record<string, unknown>;
  let scope = aliases;
  if (Array.isArray(o.From)) {
    const declared = (o.From as { Name: string; Entity?: string }[])
      .filter((f) => f.Entity)
      .map((f): [string, string] => [f.Name, f.Entity!]);
    scope = new Map([...aliases, ...declared]);
  }
  const uses: FieldUse[] = [];
  for (const kind of ["Column", "Measure"] as const) {
    const ref = o[kind] as { Expression?: { SourceRef?: { Entity?: string; Source?: string } }; Property?: string } | undefined;
    const source = ref?.Expression?.SourceRef;
    if (ref?.Property !== undefined && source) {
      const table = source.Entity ?? scope.get(source.Source ?? "");
      uses.push({ kind, table: table ?? `<unresolved alias ${source.Source}>`, property: ref.Property });
    }
  }
  return [...uses, ...Object.values(o).flatMap((v) => fieldUses(v, scope))];
}

const model = readDevModel();
const all = visuals();

/** Fields the visuals use that the model lacks, as `path: Kind table.property`. */
const missingFields = (list: readonly [string, VisualFile][]): string[] =>
  list.flatMap(([path, v]) =>
    fieldUses(v)
      .filter((u) => {
        const t = model.tables.get(u.table);
        return u.kind === "Column" ? !t?.columns.has(u.property) : !t?.measures.has(u.property);
      })
      .map((u) => `${path}: ${u.kind} ${u.table}.${u.property}`),
  );

test("every field a visual projects, sorts or filters by exists in the model as that kind", () => {
  expect(missingFields(all)).toEqual([]);
  // The walk sees projections, sorts and both kinds of filter (the alias inside a filter query resolves).
  expect(all.reduce((n, [, v]) => n + fieldUses(v).length, 0)).toBeGreaterThan(80);
});

test("the field check catches a visual naming a column the model does not have", () => {
  const broken = JSON.parse(JSON.stringify(all[0][1])) as VisualFile;
  const first = Object.values(broken.visual.query.queryState)[0].projections[0].field as {
    Column?: { Property: string };
    Measure?: { Property: string };
  };
  const kind = first.Column ? "Column" : "Measure";
  (first.Column ?? first.Measure)!.Property = "no_such_field";
  expect(missingFields([["broken/visual.json", broken]])).toEqual([
    expect.stringMatching(new RegExp(`^broken/visual.json: ${kind} \\w+\\.no_such_field$`)),
  ]);
  expect(
    fieldUses({
      From: [{ Name: "a", Entity: "dim_seller" }],
      Where: [{ Column: { Expression: { SourceRef: { Source: "a" } }, Property: "full_name" } }],
    }),
  ).toEqual([{ kind: "Column", table: "dim_seller", property: "full_name" }]);
});

test("every visual is a built-in type, with only that type's roles", () => {
  const roles = VISUAL_ROLES as Record<string, readonly string[]>;
  const wrong = all.flatMap(([path, v]) => {
    const allowed = roles[v.visual.visualType];
    if (!allowed) return [`${path}: ${v.visual.visualType} is not a built-in visual this report uses`];
    return Object.keys(v.visual.query.queryState)
      .filter((r) => !allowed.includes(r))
      .map((r) => `${path}: ${v.visual.visualType} has no role ${r}`);
  });
  expect(wrong).toEqual([]);
});

test("every model column exists in the view its table reads, with the contract's type", () => {
  const contract = goldContract();
  const problems: string[] = [];
  for (const t of model.tables.values()) {
    const view = contract.tables.find((c) => c.view === t.partitions[0].source.match(/Item = "(\w+)"/)?.[1]);
    if (!view) {
      problems.push(`${t.name}: reads no view of the contract`);
      continue;
    }
    for (const [name, c] of t.columns) {
      if (c.expression) continue; // calculated in the model: checked below
      const served = servedColumns(view).find((s) => s.name === c.sourceColumn);
      if (!served) problems.push(`${t.name}.${name}: ${view.view} has no column ${c.sourceColumn}`);
      else if (dataTypeOf(served.sparkType) !== c.dataType)
        problems.push(`${t.name}.${name}: ${c.dataType}, but the view's ${served.sparkType} is ${dataTypeOf(served.sparkType)}`);
    }
  }
  expect(problems).toEqual([]);
});

test("Spark types map to the Power BI types the design names, and an unknown one fails naming it", () => {
  expect(["string", "int", "bigint", "double", "boolean", "date", "timestamp"].map(dataTypeOf)).toEqual([
    "string",
    "int64",
    "int64",
    "double",
    "boolean",
    "dateTime",
    "dateTime",
  ]);
  expect(() => dataTypeOf("map<string,int>")).toThrow(
    "no Power BI data type for Spark type map<string,int>: map it in powerbi/model.ts dataTypeOf",
  );
});

test("the model's measures are exactly powerbi/measures.ts, each on its home table with its DAX", () => {
  const read = [...model.tables.values()].flatMap((t) => [...t.measures].map(([name, dax]) => ({ name, table: t.name, dax })));
  const sorted = <T extends { name: string }>(xs: T[]) => [...xs].sort((a, b) => a.name.localeCompare(b.name));
  expect(sorted(read)).toEqual(sorted(MEASURES.map(({ name, table, dax }) => ({ name, table, dax }))));
});

test("the model loads every served column of its views except e-mail addresses", () => {
  const contract = goldContract();
  for (const t of model.tables.values()) {
    const view = contract.tables.find((c) => c.view === t.name)!;
    const expected = servedColumns(view)
      .map((c) => c.name)
      .filter((n) => n !== "email");
    expect([...t.columns].filter(([, c]) => !c.expression).map(([n]) => n)).toEqual(expected);
  }
});

test("the calculated columns are the readable source names beside source, on the tables the event tracker and touchpoints read", () => {
  const calculated = [...model.tables.values()].flatMap((t) =>
    [...t.columns].filter(([, c]) => c.expression).map(([name, c]) => ({ table: t.name, name, dataType: c.dataType, dax: c.expression })),
  );
  expect(calculated.map((c) => `${c.table}.${c.name}`).sort()).toEqual(["interactions_weekly.source_label", "touchpoints.source_label"]);
  for (const c of calculated) {
    expect(c.dataType).toBe("string");
    expect(daxReferences(c.dax!).columns).toEqual(Array(2).fill({ table: c.table, column: "source" }));
    expect(c.dax).toContain('"erp_order", "ERP order", "service_case", "Service case"');
  }
});
