/**
 * The semantic model as data, derived from the serving contract (sql/gold-schema.json) and the stack
 * config: one import-mode table per view the pages read, columns typed from the contract, the
 * design's relationships, the measures on their home tables and the two connection parameters.
 * tmdl.ts renders it; the tests read it back from the rendered files, never from here.
 */
import { serverlessSqlEndpoint } from "../config/azure-reference";
import type { RelmeshConfig } from "../config/stack";
import { goldContract, servedColumns, type ContractColumn, type ContractTable } from "../sql/contract";
import { servingNames } from "../sql";
import { MEASURES, type Measure } from "./measures";
import { SOURCE_LABEL_COLUMN, SOURCE_TABLES, sourceLabelDax } from "./sources";

/** TMDL column data types this model uses. */
export type TmdlDataType = "string" | "int64" | "double" | "decimal" | "boolean" | "dateTime";

export interface ModelColumn {
  name: string;
  dataType: TmdlDataType;
  /** The view column it reads (its own name: the views are already shaped for Power BI); "" for a calculated column. */
  sourceColumn: string;
  /** DAX of a calculated column (computed in the model at refresh, read from no view). */
  expression?: string;
  /** `sum` only for interaction counts; scores, days and ranks must never add up across rows. */
  summarizeBy: "none" | "sum";
  /** Keys and bookkeeping: needed for relationships, meaningless on a page. */
  isHidden: boolean;
  formatString?: string;
  /** Column whose values order this one (the transaction-size band by its rank). */
  sortByColumn?: string;
  description: string;
}

export interface ModelTable {
  name: string;
  /** View in the contract schema the partition reads. */
  view: string;
  description: string;
  columns: ModelColumn[];
  measures: Measure[];
  /** Power Query M of the single import partition. */
  source: string;
}

/** One-to-many, single direction: `from` is the many side, `to` the one side (TMDL's convention). */
export interface ModelRelationship {
  name: string;
  fromTable: string;
  fromColumn: string;
  toTable: string;
  toColumn: string;
}

export interface ModelParameter {
  name: "SqlEndpoint" | "SqlDatabase";
  value: string;
  /** The parameter's M: the value with Desktop's parameter metadata. */
  expression: string;
  description: string;
}

export interface SemanticModel {
  tables: ModelTable[];
  relationships: ModelRelationship[];
  parameters: ModelParameter[];
}

/** The views the pages read, in model order (dim_account is left out: account_scores carries its attributes). */
export const MODEL_VIEWS: readonly string[] = [
  "account_scores",
  "pair_scores",
  "checklist",
  "touchpoints",
  "interactions_weekly",
  "who_knows_whom",
  "dim_seller",
  "dim_contact",
];

/** Columns never loaded: e-mail addresses must not reach a page, and the model cannot hide them from a report author. */
const EXCLUDED_COLUMNS: ReadonlySet<string> = new Set(["email"]);

/** The design's relationships: [one-side table, key, many-side tables]. */
const RELATIONSHIPS: readonly (readonly [string, string, readonly string[]])[] = [
  ["account_scores", "account_id", ["pair_scores", "checklist", "touchpoints", "interactions_weekly", "who_knows_whom"]],
  ["dim_seller", "seller_id", ["pair_scores", "touchpoints", "interactions_weekly"]],
  ["dim_contact", "contact_id", ["pair_scores", "touchpoints", "who_knows_whom"]],
];

/** Column → the column it is sorted by. */
const SORT_BY: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  account_scores: { transaction_size: "transaction_size_order" },
};

/** The TMDL data type of a Spark type; throws for a type the model has no mapping for, naming it. */
export function dataTypeOf(sparkType: string): TmdlDataType {
  if (sparkType === "string") return "string";
  if (["int", "bigint", "smallint", "tinyint"].includes(sparkType)) return "int64";
  if (sparkType === "double" || sparkType === "float") return "double";
  if (/^decimal\(\d+,\d+\)$/.test(sparkType)) return "decimal";
  if (sparkType === "boolean") return "boolean";
  if (sparkType === "date" || sparkType === "timestamp") return "dateTime";
  throw new Error(`no Power BI data type for Spark type ${sparkType}: map it in powerbi/model.ts dataTypeOf`);
}

const FORMATS: Readonly<Record<string, string>> = {
  date: "yyyy-mm-dd",
  timestamp: "yyyy-mm-dd hh:nn",
  double: "0.00",
  float: "0.00",
};

function modelColumn(table: ContractTable, c: ContractColumn): ModelColumn {
  const sortedBy = SORT_BY[table.view]?.[c.name];
  const isSortKey = Object.values(SORT_BY[table.view] ?? {}).includes(c.name);
  const column: ModelColumn = {
    name: c.name,
    dataType: dataTypeOf(c.sparkType),
    sourceColumn: c.name,
    // bigint columns are the interaction counts (emails_outbound, interactions…): the only additive ones.
    summarizeBy: c.sparkType === "bigint" ? "sum" : "none",
    isHidden: c.name.endsWith("_id") || c.name === "load_id" || isSortKey,
    description: c.description,
  };
  if (FORMATS[c.sparkType]) column.formatString = FORMATS[c.sparkType];
  if (sortedBy) column.sortByColumn = sortedBy;
  return column;
}

/** The readable source name beside `source`, for the legends (a calculated column: the views keep the stored value). */
function sourceLabelColumn(table: string): ModelColumn {
  return {
    name: SOURCE_LABEL_COLUMN,
    dataType: "string",
    sourceColumn: "",
    expression: sourceLabelDax(table),
    summarizeBy: "none",
    isHidden: false,
    description: "The interaction source as the report shows it (Email, Meeting, ERP order, Service case).",
  };
}

/** M text literal: `"…"` with `"` doubled. */
export function mString(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

/** The partition's M: the view through the two parameters, so repointing the model is one edit. */
export function partitionSource(schema: string, view: string): string {
  return [
    "let",
    "\tSource = Sql.Database(SqlEndpoint, SqlDatabase),",
    `\tData = Source{[Schema = ${mString(schema)}, Item = ${mString(view)}]}[Data]`,
    "in",
    "\tData",
  ].join("\n");
}

/** A required text parameter's M, as Desktop's "Manage parameters" writes it. */
export function parameterExpression(value: string): string {
  return `${mString(value)} meta [IsParameterQuery = true, Type = "Text", IsParameterQueryRequired = true]`;
}

export function modelParameters(config: RelmeshConfig): ModelParameter[] {
  const parameters: Omit<ModelParameter, "expression">[] = [
    {
      name: "SqlEndpoint",
      value: serverlessSqlEndpoint(config.names.synapseWorkspace),
      // The workspace name's suffix hashes the subscription, which offline tools know only from the stack config.
      description: `Serverless SQL endpoint of the Synapse workspace ${config.names.synapseWorkspace} (stack ${config.stack}); equals the stack output sqlServerlessEndpoint when synth knows the subscription (--subscription or the stack config) or the suffix is pinned.`,
    },
    {
      name: "SqlDatabase",
      value: servingNames(config).database,
      description: "Serverless database holding the relmesh views (created by the sql/ scripts at pulumi up).",
    },
  ];
  return parameters.map((p) => ({ ...p, expression: parameterExpression(p.value) }));
}

function relationships(): ModelRelationship[] {
  return RELATIONSHIPS.flatMap(([toTable, key, many]) =>
    many.map((fromTable) => ({ name: `${fromTable}_${key}`, fromTable, fromColumn: key, toTable, toColumn: key })),
  );
}

/** The model for a stack: a pure function of the config and the contract. */
export function semanticModel(config: RelmeshConfig): SemanticModel {
  const contract = goldContract();
  const tables = MODEL_VIEWS.map((view): ModelTable => {
    const table = contract.tables.find((t) => t.view === view);
    if (!table) throw new Error(`view ${view} is not in sql/gold-schema.json: the Power BI model reads it`);
    return {
      name: view,
      view,
      description: table.description,
      columns: [
        ...servedColumns(table)
          .filter((c) => !EXCLUDED_COLUMNS.has(c.name))
          .map((c) => modelColumn(table, c)),
        ...(SOURCE_TABLES.includes(view) ? [sourceLabelColumn(view)] : []),
      ],
      measures: MEASURES.filter((m) => m.table === view),
      source: partitionSource(contract.schema, view),
    };
  });
  return { tables, relationships: relationships(), parameters: modelParameters(config) };
}
