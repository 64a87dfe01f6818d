/**
 * The semantic model as read back from the TMDL files (tmdl-reader.ts), and the reference checks a
 * model must pass: every `ref table` has its file, relationship ends, sort-by columns and the columns
 * and measures each DAX expression names exist. Checks return sentences, so a test can show them all.
 */
import { readColumnRef, readTmdl, TmdlError, type TmdlObject } from "./tmdl-reader";

export interface ReadColumn {
  dataType: string;
  sourceColumn: string;
  /** DAX of a calculated column (`column name = …`). */
  expression?: string;
  summarizeBy?: string;
  sortByColumn?: string;
  isHidden: boolean;
}

export interface ReadTable {
  name: string;
  columns: Map<string, ReadColumn>;
  /** Measure name → DAX. */
  measures: Map<string, string>;
  partitions: { name: string; mode: string; source: string }[];
}

export interface ReadModel {
  refs: string[];
  tables: Map<string, ReadTable>;
  relationships: { name: string; from: { table: string; column: string }; to: { table: string; column: string } }[];
  /** Expression (parameter) name → M. */
  expressions: Map<string, string>;
  compatibilityLevel?: string;
}

const text = (o: TmdlObject, key: string): string | undefined => {
  const v = o.properties.get(key);
  return typeof v === "string" ? v : undefined;
};

function readTable(obj: TmdlObject, file: string): ReadTable {
  const table: ReadTable = { name: obj.name, columns: new Map(), measures: new Map(), partitions: [] };
  for (const child of obj.children) {
    if (child.type === "column") {
      table.columns.set(child.name, {
        dataType: text(child, "dataType") ?? "",
        sourceColumn: text(child, "sourceColumn") ?? "",
        expression: child.expression,
        summarizeBy: text(child, "summarizeBy"),
        sortByColumn: text(child, "sortByColumn")?.replace(/^'(.*)'$/, "$1"),
        isHidden: child.properties.get("isHidden") === true,
      });
    } else if (child.type === "measure") table.measures.set(child.name, child.expression ?? "");
    else if (child.type === "partition")
      table.partitions.push({ name: child.name, mode: text(child, "mode") ?? "", source: text(child, "source") ?? "" });
    else throw new TmdlError(`${file}:${child.line}: ${child.type} is not expected in a table`);
  }
  return table;
}

/** Reads every `.tmdl` file under `definition/` (paths relative to the model folder). */
export function readModel(files: Readonly<Record<string, string>>): ReadModel {
  const model: ReadModel = { refs: [], tables: new Map(), relationships: [], expressions: new Map() };
  for (const [path, content] of Object.entries(files)) {
    if (!path.endsWith(".tmdl")) continue;
    for (const obj of readTmdl(content, path)) {
      if (obj.type === "database") model.compatibilityLevel = text(obj, "compatibilityLevel");
      else if (obj.type === "ref table") model.refs.push(obj.name);
      else if (obj.type === "table") {
        if (path !== `definition/tables/${obj.name}.tmdl`)
          throw new TmdlError(`${path}: table ${obj.name} belongs in definition/tables/${obj.name}.tmdl`);
        model.tables.set(obj.name, readTable(obj, path));
      } else if (obj.type === "relationship") {
        const where = `${path}:${obj.line}`;
        model.relationships.push({
          name: obj.name,
          from: readColumnRef(text(obj, "fromColumn") ?? "", where),
          to: readColumnRef(text(obj, "toColumn") ?? "", where),
        });
      } else if (obj.type === "expression") model.expressions.set(obj.name, obj.expression ?? "");
    }
  }
  return model;
}

/** `'Table'[Column]`, `'Table'` and bare `[Measure]` references in a DAX expression (strings removed first). */
export function daxReferences(dax: string): { tables: string[]; columns: { table: string; column: string }[]; measures: string[] } {
  const code = dax.replace(/"(?:[^"]|"")*"/g, '""');
  const columns = [...code.matchAll(/'((?:[^']|'')+)'\[([^\]]+)\]/g)].map((m) => ({ table: m[1].replace(/''/g, "'"), column: m[2] }));
  const bare = code.replace(/'(?:[^']|'')+'\[[^\]]+\]/g, "");
  const tables = [...bare.matchAll(/'((?:[^']|'')+)'/g)].map((m) => m[1].replace(/''/g, "'"));
  const measures = [...bare.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]);
  return { tables, columns, measures };
}

/** Every broken reference in the model, as a sentence (empty when sound). */
export function modelProblems(model: ReadModel): string[] {
  const problems: string[] = [];
  const hasColumn = (t: string, c: string) => model.tables.get(t)?.columns.has(c) ?? false;
  const allMeasures = new Set([...model.tables.values()].flatMap((t) => [...t.measures.keys()]));
  for (const ref of model.refs) if (!model.tables.has(ref)) problems.push(`ref table ${ref} has no definition/tables/${ref}.tmdl`);
  for (const t of model.tables.keys()) if (!model.refs.includes(t)) problems.push(`table ${t} is not referenced from model.tmdl`);
  for (const r of model.relationships) {
    for (const end of [r.from, r.to])
      if (!hasColumn(end.table, end.column)) problems.push(`relationship ${r.name}: ${end.table}.${end.column} does not exist`);
  }
  for (const t of model.tables.values()) {
    for (const [name, c] of t.columns) {
      if (c.sortByColumn !== undefined && !t.columns.has(c.sortByColumn))
        problems.push(`${t.name}.${name} is sorted by ${c.sortByColumn}, which does not exist`);
    }
    for (const [name, dax] of t.measures) {
      const refs = daxReferences(dax);
      for (const r of refs.tables) if (!model.tables.has(r)) problems.push(`measure ${name}: table '${r}' does not exist`);
      for (const c of refs.columns)
        if (!hasColumn(c.table, c.column)) problems.push(`measure ${name}: '${c.table}'[${c.column}] does not exist`);
      for (const m of refs.measures) if (!allMeasures.has(m)) problems.push(`measure ${name}: [${m}] is not a measure`);
    }
    if (t.partitions.length !== 1) problems.push(`table ${t.name} has ${t.partitions.length} partitions, expected one`);
  }
  return problems;
}
