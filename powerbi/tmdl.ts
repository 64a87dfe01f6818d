/**
 * TMDL text of the semantic model (https://learn.microsoft.com/analysis-services/tmdl/tmdl-overview):
 * tab indentation, one object per declaration line, properties one level deeper, descriptions as
 * `///` lines above their object, multi-line expressions two levels below their property. Files end
 * with one newline and use LF (Desktop writes CRLF; whether it cares on read is UNCONFIRMED).
 */
import type { ModelColumn, ModelParameter, ModelRelationship, ModelTable, SemanticModel } from "./model";
import type { Measure } from "./measures";

/**
 * Power BI Desktop's current level for new models. Never lower it for a model someone has opened:
 * one public report says a downgrade crashed Desktop (docs/platform-facts.md §7.1, UNCONFIRMED).
 */
export const COMPATIBILITY_LEVEL = 1567;
export const CULTURE = "en-US";

const TAB = "\t";

/** A TMDL object name: bare when it is a plain identifier, else single-quoted with `'` doubled. */
export function tmdlName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `'${name.replace(/'/g, "''")}'`;
}

/** `table.column`, each part quoted as needed (relationship ends). */
export function columnRef(table: string, column: string): string {
  return `${tmdlName(table)}.${tmdlName(column)}`;
}

/** `/// text` lines at `depth` tabs (a description may hold newlines). */
function description(text: string, depth: number): string[] {
  return text
    .trim()
    .split("\n")
    .map((line) => `${TAB.repeat(depth)}/// ${line.trim()}`.trimEnd());
}

/** An expression that spans lines goes below its property, two levels deeper than the property. */
function multiline(expression: string, depth: number): string[] {
  return expression.split("\n").map((line) => `${TAB.repeat(depth + 2)}${line}`);
}

const file = (lines: readonly string[]): string => `${lines.join("\n").replace(/\n+$/, "")}\n`;

export function renderDatabase(): string {
  return file(["database", `${TAB}compatibilityLevel: ${COMPATIBILITY_LEVEL}`]);
}

export function renderModel(model: SemanticModel): string {
  return file([
    "model Model",
    `${TAB}culture: ${CULTURE}`,
    `${TAB}defaultPowerBIDataSourceVersion: powerBI_V3`,
    `${TAB}sourceQueryCulture: ${CULTURE}`,
    `${TAB}dataAccessOptions`,
    `${TAB}${TAB}legacyRedirects`,
    `${TAB}${TAB}returnErrorValuesAsNull`,
    "",
    ...model.tables.map((t) => `ref table ${tmdlName(t.name)}`),
  ]);
}

function measureLines(m: Measure): string[] {
  return [
    ...description(m.description, 1),
    `${TAB}measure ${tmdlName(m.name)} = ${m.dax}`,
    ...(m.formatString ? [`${TAB}${TAB}formatString: ${m.formatString}`] : []),
    "",
  ];
}

function columnLines(c: ModelColumn): string[] {
  const p = `${TAB}${TAB}`;
  return [
    ...description(c.description, 1),
    // A calculated column's DAX is its default property, after `=` (https://learn.microsoft.com/analysis-services/tmdl/tmdl-overview).
    c.expression ? `${TAB}column ${tmdlName(c.name)} = ${c.expression}` : `${TAB}column ${tmdlName(c.name)}`,
    `${p}dataType: ${c.dataType}`,
    ...(c.isHidden ? [`${p}isHidden`] : []),
    ...(c.formatString ? [`${p}formatString: ${c.formatString}`] : []),
    `${p}summarizeBy: ${c.summarizeBy}`,
    ...(c.expression ? [] : [`${p}sourceColumn: ${c.sourceColumn}`]),
    ...(c.sortByColumn ? [`${p}sortByColumn: ${tmdlName(c.sortByColumn)}`] : []),
    "",
  ];
}

export function renderTable(t: ModelTable): string {
  return file([
    ...description(t.description, 0),
    `table ${tmdlName(t.name)}`,
    "",
    ...t.measures.flatMap(measureLines),
    ...t.columns.flatMap(columnLines),
    `${TAB}partition ${tmdlName(t.name)} = m`,
    `${TAB}${TAB}mode: import`,
    `${TAB}${TAB}source =`,
    ...multiline(t.source, 2),
  ]);
}

function relationshipLines(r: ModelRelationship): string[] {
  return [
    `relationship ${tmdlName(r.name)}`,
    `${TAB}fromColumn: ${columnRef(r.fromTable, r.fromColumn)}`,
    `${TAB}toColumn: ${columnRef(r.toTable, r.toColumn)}`,
    "",
  ];
}

export function renderRelationships(model: SemanticModel): string {
  return file(model.relationships.flatMap(relationshipLines));
}

function parameterLines(p: ModelParameter): string[] {
  return [
    ...description(p.description, 0),
    `expression ${tmdlName(p.name)} = ${p.expression}`,
    `${TAB}annotation PBI_ResultType = Text`,
    "",
  ];
}

export function renderExpressions(model: SemanticModel): string {
  return file(model.parameters.flatMap(parameterLines));
}
