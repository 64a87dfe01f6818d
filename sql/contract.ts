/**
 * The serving contract: sql/gold-schema.json typed, plus the checks that keep a hand edit honest.
 * The views, docs/gold-schema.md and the Power BI model are derived from this one file; the pytest
 * test/notebooks/test_gold_contract.py proves it equals the Delta schema a real Spark run writes.
 */
import contract from "./gold-schema.json";

export interface ContractColumn {
  name: string;
  /** Spark `simpleString()` of the Delta column: `string`, `double`, `array<string>`… */
  sparkType: string;
  /** Serverless type in the view's WITH clause, without collation (added for VARCHAR). */
  sqlType: string;
  /** Delta nullability (documentation for readers: OPENROWSET's WITH clause has no NOT NULL). */
  nullable: boolean;
  description: string;
  /** False for bookkeeping columns the views leave out (row_hash). @default - true */
  served?: boolean;
}

export interface ContractTable {
  /** Delta table folder name under `<zone>/`. */
  name: string;
  zone: "gold" | "silver";
  /** View name in the `relmesh` schema. */
  view: string;
  key: string[];
  description: string;
  columns: ContractColumn[];
}

export interface GoldContract {
  version: number;
  schema: string;
  collation: string;
  tables: ContractTable[];
}

/** The parsed contract (a frozen deep copy, so a caller cannot change what the next caller sees). */
export function goldContract(): GoldContract {
  return deepFreeze(JSON.parse(JSON.stringify(contract)) as GoldContract);
}

/** Columns a view selects, in Delta order. */
export function servedColumns(table: ContractTable): ContractColumn[] {
  return table.columns.filter((c) => c.served !== false);
}

const SIMPLE: Readonly<Record<string, RegExp>> = {
  string: /^VARCHAR\((\d+|MAX)\)$/,
  double: /^FLOAT$/,
  float: /^REAL$/,
  bigint: /^BIGINT$/,
  int: /^INT$/,
  smallint: /^SMALLINT$/,
  boolean: /^BIT$/,
  date: /^DATE$/,
  // Spark timestamps are UTC instants with microseconds; DATETIME2(7) keeps them (docs/platform-facts.md §5.3 mapping).
  timestamp: /^DATETIME2\(\d\)$/,
};

/**
 * Whether a serverless type can hold a Spark type without loss. Complex types arrive as JSON text,
 * so they need VARCHAR(MAX) (docs/platform-facts.md §5.2: "Complex types need an explicit WITH clause using VARCHAR(MAX)").
 */
export function compatible(sparkType: string, sqlType: string): boolean {
  if (/^(array|map|struct)</.test(sparkType)) return sqlType === "VARCHAR(MAX)";
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(sparkType);
  if (decimal) return sqlType === `DECIMAL(${decimal[1]},${decimal[2]})`;
  const pattern = SIMPLE[sparkType];
  return pattern !== undefined && pattern.test(sqlType);
}

/** Every rule a contract edit must keep; returns the problems as sentences (empty when sound). */
export function contractProblems(c: GoldContract): string[] {
  const problems: string[] = [];
  const views = new Set<string>();
  for (const t of c.tables) {
    const where = `${t.zone}/${t.name}`;
    if (views.has(t.view)) problems.push(`${where}: view name ${t.view} is used twice`);
    views.add(t.view);
    const names = new Set<string>();
    for (const col of t.columns) {
      if (names.has(col.name)) problems.push(`${where}.${col.name}: duplicate column`);
      names.add(col.name);
      if (!/^[a-z][a-z0-9_]*$/.test(col.name)) problems.push(`${where}.${col.name}: names are snake_case`);
      if (!compatible(col.sparkType, col.sqlType)) problems.push(`${where}.${col.name}: ${col.sqlType} cannot hold Spark ${col.sparkType}`);
      if (!col.description.trim()) problems.push(`${where}.${col.name}: description is empty`);
    }
    for (const k of t.key) if (!names.has(k)) problems.push(`${where}: key column ${k} is not a column`);
    if (!t.description.trim()) problems.push(`${where}: description is empty`);
  }
  return problems;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
