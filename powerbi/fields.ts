/**
 * Fields a visual binds (a model column, a measure, or a column summed by the visual) and their PBIR
 * semantic-query shapes (microsoft/json-schemas fabric/item/report/definition/semanticQuery/1.4.0):
 * a projection's `field` names its table with SourceRef.Entity; a filter's query names it once in
 * `From` and refers to it by alias with SourceRef.Source.
 */
import { measure } from "./measures";

export type Field =
  | { kind: "column"; table: string; column: string }
  | { kind: "measure"; table: string; measure: string }
  | { kind: "sum"; table: string; column: string };

export const col = (table: string, column: string): Field => ({ kind: "column", table, column });
export const sum = (table: string, column: string): Field => ({ kind: "sum", table, column });
/** A measure by name, on its home table (an unknown name throws at generation). */
export const msr = (name: string): Field => ({ kind: "measure", table: measure(name).table, measure: name });

/** Aggregation function codes of the semantic query (0 = Sum). */
const SUM = 0;

type SourceRef = { Entity: string } | { Source: string };

/** The field as a QueryExpressionContainer, its table referenced by `ref`. */
export function fieldExpression(f: Field, ref: SourceRef = { Entity: f.table }): Record<string, unknown> {
  const expression = { SourceRef: ref };
  switch (f.kind) {
    case "column":
      return { Column: { Expression: expression, Property: f.column } };
    case "measure":
      return { Measure: { Expression: expression, Property: f.measure } };
    case "sum":
      return { Aggregation: { Expression: { Column: { Expression: expression, Property: f.column } }, Function: SUM } };
  }
}

/** The name a field has inside its table (column or measure name). */
export const propertyOf = (f: Field): string => (f.kind === "measure" ? f.measure : f.column);

/** `queryRef` as Desktop writes it: `table.field`, or `Sum(table.column)` for a summed column. */
export function queryRef(f: Field): string {
  const ref = `${f.table}.${propertyOf(f)}`;
  return f.kind === "sum" ? `Sum(${ref})` : ref;
}

/** A role projection; `active` marks grouping columns (measures never carry it). */
export function projection(f: Field): Record<string, unknown> {
  return {
    field: fieldExpression(f),
    queryRef: queryRef(f),
    nativeQueryRef: f.kind === "sum" ? `Sum of ${f.column}` : propertyOf(f),
    ...(f.kind === "column" ? { active: true } : {}),
  };
}

/** A literal of the semantic query: strings single-quoted, booleans bare, whole numbers with `L`. */
export function literal(value: string | boolean | number): Record<string, unknown> {
  const text = typeof value === "string" ? `'${value.replace(/'/g, "''")}'` : typeof value === "number" ? `${value}L` : String(value);
  return { Literal: { Value: text } };
}

/** Alias of a table inside a filter query: its first letter, as Desktop does (unique: one table per filter). */
const alias = (table: string): string => table.charAt(0);

/** A visual- or page-level filter keeping the rows where `column` is one of `values` (a locked Categorical filter). */
export function categoricalFilter(name: string, column: Field, values: readonly (string | boolean)[]): Record<string, unknown> {
  const source = { Source: alias(column.table) };
  return {
    name,
    field: fieldExpression(column),
    type: "Categorical",
    filter: {
      Version: 2,
      From: [{ Name: alias(column.table), Entity: column.table, Type: 0 }],
      Where: [{ Condition: { In: { Expressions: [fieldExpression(column, source)], Values: values.map((v) => [literal(v)]) } } }],
    },
    howCreated: "User",
    isLockedInViewMode: true,
  };
}

/**
 * Keeps the `n` values of `column` ranked first by measure `by` (Desktop's visual "Top N" filter: a
 * subquery of the top rows, and an `In` over it). Direction 2 is descending (top), 1 ascending (bottom).
 */
export function topNFilter(name: string, column: Field, by: Field, n: number, direction: "top" | "bottom"): Record<string, unknown> {
  // The subquery names one table: ranking by a field of another table would need a second source.
  if (by.table !== column.table)
    throw new Error(`top-N filter ${name}: rank ${column.table} by a field of ${column.table}, got ${by.table}`);
  const a = alias(column.table);
  const inner = { Source: a };
  return {
    name,
    field: fieldExpression(column),
    type: "TopN",
    filter: {
      Version: 2,
      From: [
        {
          Name: "subquery",
          Expression: {
            Subquery: {
              Query: {
                Version: 2,
                From: [{ Name: a, Entity: column.table, Type: 0 }],
                Select: [{ ...fieldExpression(column, inner), Name: "field" }],
                OrderBy: [{ Direction: direction === "top" ? 2 : 1, Expression: fieldExpression(by, inner) }],
                Top: n,
              },
            },
          },
          Type: 2,
        },
        { Name: a, Entity: column.table, Type: 0 },
      ],
      Where: [{ Condition: { In: { Expressions: [fieldExpression(column, inner)], Table: { SourceRef: { Source: "subquery" } } } } }],
    },
    howCreated: "User",
    isLockedInViewMode: true,
  };
}
