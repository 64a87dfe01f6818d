/**
 * The queries the incremental copies send to the ERP (T-SQL) and to the service-case container
 * (Cosmos DB for NoSQL). Pure text builders, so the tests can run the very text a pipeline carries on
 * local engines (T-SQL transpiled to DuckDB, Cosmos queries on an in-process Cosmos-compatible server)
 * and a wrong watermark predicate fails a test, not a customer's first window.
 *
 * Bounds are ADF expressions, interpolated with `@{...}`: the window's stored `low` and `high`.
 * A row is in a window when low < watermark ≤ high, so consecutive windows (each one's low is the
 * previous one's high) read every change exactly once, and a rerun with the stored bounds reads the
 * same rows again.
 */
import type { SourceTable } from "../config/source-tables";

/** `[name]`, with `]` doubled as T-SQL requires; refuses names that cannot be a column or table. */
export function sqlIdentifier(name: string): string {
  if (!name || name.length > 128 || [...name].some((ch) => ch.charCodeAt(0) < 0x20)) {
    throw new Error(
      `'${name}' is not a usable SQL Server identifier (1 to 128 printable characters): fix the column mapping or table name`,
    );
  }
  return `[${name.replaceAll("]", "]]")}]`;
}

/** `[schema].[table]` from `schema.table` (the schema is required: the grant is per schema). */
export function sqlTableName(qualified: string): string {
  const parts = qualified.split(".");
  if (parts.length !== 2 || parts.some((p) => !p)) {
    throw new Error(`ERP table '${qualified}' must be written as schema.table (for example sales.SalesOrder)`);
  }
  return parts.map(sqlIdentifier).join(".");
}

/** An ADF string interpolation inside query text. */
const interpolate = (expression: string) => `@{${expression}}`;

/** A datetime2 literal from an ADF expression that yields an ISO timestamp. */
const sqlTime = (expression: string) => `CAST('${interpolate(expression)}' AS datetime2)`;

export interface QueryBounds {
  /** ADF expression of the exclusive lower bound. */
  low: string;
  /** ADF expression of the inclusive upper bound. */
  high: string;
}

/** The rows of one window, each mapped column under its canonical name, nothing else. */
export function sqlWindowQuery(table: SourceTable, qualifiedTable: string, columns: Record<string, string>, bounds: QueryBounds): string {
  const wm = sqlIdentifier(columns[table.watermark.column]);
  const select = [...table.columns.map((c) => c.name), table.watermark.column].map(
    (name) => `${sqlIdentifier(columns[name])} AS ${sqlIdentifier(name)}`,
  );
  return [
    `SELECT ${select.join(", ")}`,
    `FROM ${sqlTableName(qualifiedTable)}`,
    `WHERE ${wm} > ${sqlTime(bounds.low)} AND ${wm} <= ${sqlTime(bounds.high)}`,
  ].join("\n");
}

/**
 * A new window's bounds, as one row: low as given, high the newest change after it and before the
 * window's end (low again when nothing changed), and the window's date. Stored before the copy, so a
 * rerun copies the same rows.
 */
export function sqlBoundsQuery(
  table: SourceTable,
  qualifiedTable: string,
  columns: Record<string, string>,
  low: string,
  end: string,
  window: string,
): string {
  const wm = sqlIdentifier(columns[table.watermark.column]);
  return [
    `SELECT ${sqlTime(low)} AS [low], COALESCE(MAX(${wm}), ${sqlTime(low)}) AS [high], '${interpolate(window)}' AS [window]`,
    `FROM ${sqlTableName(qualifiedTable)}`,
    `WHERE ${wm} > ${sqlTime(low)} AND ${wm} < ${sqlTime(end)}`,
  ].join("\n");
}

/** `c.a.b` or `c["odd-name"]`: a Cosmos property path from a dotted mapping value. */
export function cosmosPath(path: string): string {
  if (!path || path.split(".").some((p) => !p)) {
    throw new Error(`'${path}' is not a Cosmos DB property path (names separated by dots): fix the column mapping`);
  }
  return (
    "c" +
    path
      .split(".")
      .map((p) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`))
      .join("")
  );
}

/** An integer from an ADF expression (epoch seconds): `_ts` is a number, so the bound is not quoted. */
const cosmosNumber = (expression: string) => interpolate(expression);

export function cosmosWindowQuery(table: SourceTable, columns: Record<string, string>, bounds: QueryBounds): string {
  const wm = cosmosPath(columns[table.watermark.column]);
  const select = [...table.columns.map((c) => c.name), table.watermark.column].map((name) => `${cosmosPath(columns[name])} AS ${name}`);
  return `SELECT ${select.join(", ")} FROM c WHERE ${wm} > ${cosmosNumber(bounds.low)} AND ${wm} <= ${cosmosNumber(bounds.high)}`;
}

/**
 * The newest `_ts` after low and before the window's end, as `{high}` (an empty object when nothing
 * changed: the pipeline then keeps low). The query stays one plain aggregate; low and the window's
 * date go beside it as the copy's additional columns.
 */
export function cosmosBoundsQuery(table: SourceTable, columns: Record<string, string>, low: string, end: string): string {
  const wm = cosmosPath(columns[table.watermark.column]);
  return `SELECT MAX(${wm}) AS high FROM c WHERE ${wm} > ${cosmosNumber(low)} AND ${wm} < ${cosmosNumber(end)}`;
}
