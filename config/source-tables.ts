/**
 * The two optional business sources beside Microsoft 365 and the CRM: the ERP's sales orders (Azure
 * SQL Database) and the customer-service cases (Cosmos DB for NoSQL), and exactly which of their
 * columns Relationship Mesh extracts, under which canonical name. Facts every later stage reads: the
 * copy queries select these columns only (no free text: case descriptions, notes and order lines stay
 * in their systems), the raw zone holds them under their canonical names, the notebooks and the
 * data-access report read this list. In config/, like the MGDC column list, so every stage may import it.
 */

/** How the notebooks read a column's JSON value (anything else in it quarantines the row). */
export type SourceColumnType = "string" | "timestamp" | "number" | "boolean";

/** One extracted column: its canonical name in the lake and where it comes from in the source. */
export interface SourceColumn {
  /** The name the raw zone and the notebooks use. */
  name: string;
  type: SourceColumnType;
  /** Column (Azure SQL) or property path (Cosmos DB, dotted) in the customer's system, by default. */
  defaultSource: string;
  /** Why it is extracted: the data-access report prints it. */
  purpose: string;
}

export type SourceSystem = "azureSql" | "cosmosDb";

/**
 * How a table's incremental copy finds what changed: a modified-at column compared as datetime2
 * (Azure SQL), or Cosmos DB's `_ts`, the server-set last-modified time in epoch seconds.
 */
export type WatermarkKind = "datetime" | "epochSeconds";

export interface SourceTable {
  id: "erp_orders" | "service_cases";
  label: string;
  system: SourceSystem;
  /** Below lake `raw/`: `<rawFolder>/yyyy/MM/dd/` holds a window's rows as JSON lines. */
  rawFolder: string;
  /** Below lake `raw/`: one `{low, high}` file per window (`yyyy/MM/dd.json`) and `latest.json`. */
  watermarkFolder: string;
  watermark: { column: string; defaultSource: string; kind: WatermarkKind };
  /** The column that names one order or case: its versions replace each other, newest watermark first. */
  key: string;
  /** When the order was placed or the case opened: the time of its touch on the account. */
  occurredAt: string;
  columns: readonly SourceColumn[];
}

const col = (name: string, type: SourceColumnType, defaultSource: string, purpose: string): SourceColumn => ({
  name,
  type,
  defaultSource,
  purpose,
});

export const ERP_ORDERS: SourceTable = {
  id: "erp_orders",
  label: "ERP sales orders",
  system: "azureSql",
  rawFolder: "erp/SalesOrder",
  watermarkFolder: "erp/_watermarks/SalesOrder",
  watermark: { column: "modified_at", defaultSource: "modified_at", kind: "datetime" },
  key: "order_id",
  occurredAt: "ordered_at",
  columns: [
    col("order_id", "string", "order_id", "the order's key: a changed order replaces its earlier copy"),
    col("account_crm_id", "string", "account_crm_id", "matches the order to the CRM account"),
    col("contact_crm_id", "string", "contact_crm_id", "the customer contact who placed it, when the ERP records one"),
    col("seller_email", "string", "seller_email", "the seller who booked it, when the ERP records one"),
    col("ordered_at", "timestamp", "ordered_at", "when the order was placed"),
    col("amount", "number", "amount", "order value, for the account's order trend"),
    col("currency", "string", "currency", "the amount's currency"),
    col("status", "string", "status", "cancelled orders do not count"),
  ],
};

export const SERVICE_CASES: SourceTable = {
  id: "service_cases",
  label: "Customer-service cases",
  system: "cosmosDb",
  rawFolder: "service/cases",
  watermarkFolder: "service/_watermarks/cases",
  watermark: { column: "_ts", defaultSource: "_ts", kind: "epochSeconds" },
  key: "case_id",
  occurredAt: "opened_at",
  columns: [
    col("case_id", "string", "id", "the case's key: a changed case replaces its earlier copy"),
    col("account_crm_id", "string", "accountId", "matches the case to the CRM account"),
    col("contact_crm_id", "string", "contactId", "the customer contact who raised it, when recorded"),
    col("owner_email", "string", "ownerEmail", "who works the case: a seller's involvement in service history"),
    col("opened_at", "timestamp", "createdOn", "when the case was opened"),
    col("closed_at", "timestamp", "resolvedOn", "when it was resolved (empty while open)"),
    col("status", "string", "status", "open or resolved"),
    col("priority", "string", "priority", "high-priority open cases weigh on the account"),
    col("escalated", "boolean", "isEscalated", "escalations count against the account's health"),
  ],
};

export const SOURCE_TABLES: readonly SourceTable[] = [ERP_ORDERS, SERVICE_CASES];

/** Canonical column → source column or property path: the defaults, with the customer's overrides. */
export function sourceColumnMap(table: SourceTable, overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  const known = new Set([...table.columns.map((c) => c.name), table.watermark.column]);
  const unknown = Object.keys(overrides).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new Error(
      `${table.label}: the column mapping names ${unknown.map((k) => `'${k}'`).join(", ")}, which Relationship Mesh does not extract; ` +
        `map only ${[...known].join(", ")}`,
    );
  }
  return Object.fromEntries(
    [...table.columns, { name: table.watermark.column, defaultSource: table.watermark.defaultSource }].map((c) => [
      c.name,
      overrides[c.name] ?? c.defaultSource,
    ]),
  );
}

/**
 * What 02_ingest_sources receives as `sources_json`: each table's raw folder, key, watermark and typed
 * columns, so the notebook's parsing follows this file rather than a copy of it.
 */
export function sourcesForNotebook(tables: readonly SourceTable[] = SOURCE_TABLES) {
  return {
    tables: tables.map((t) => ({
      id: t.id,
      raw_folder: t.rawFolder,
      key: t.key,
      occurred_at: t.occurredAt,
      watermark: { column: t.watermark.column, kind: t.watermark.kind },
      columns: t.columns.map((c) => ({ name: c.name, type: c.type })),
    })),
  };
}
