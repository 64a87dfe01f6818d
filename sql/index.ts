/**
 * The serverless SQL serving layer: the T-SQL that creates the database, its access to the lake and
 * the thin `relmesh.*` views Power BI reads. Pure: a function of the config and sql/gold-schema.json.
 * `relmesh synth` writes these scripts (renderSqlFile); the publisher runs them (stacks/publish/sql/).
 */
import type { RelmeshConfig } from "../config/stack";
import type { SqlScript } from "./script";
import { goldContract, servedColumns, type ContractTable } from "./contract";

export type { SqlScript } from "./script";
export { splitBatches, renderSqlFile } from "./batches";
export { goldContract, servedColumns, compatible, contractProblems } from "./contract";
export type { ContractColumn, ContractTable, GoldContract } from "./contract";
export { dropScripts, dropStatement, objectKey, planDrops, sqlObjects, updateScripts } from "./objects";
export type { SqlObject, SqlObjectKind } from "./objects";

/** UTF-8 collation for the database and every VARCHAR column: Delta strings are UTF-8 (docs/platform-facts.md §5.2). */
export const UTF8_COLLATION = "Latin1_General_100_BIN2_UTF8";

/** Names of the serving objects; the Power BI model and the publisher read them from here. */
export interface ServingNames {
  /** Serverless database, `<prefix>_serving` (a custom database: data sources cannot live in master). */
  database: string;
  /** Schema of every view; never dbo (docs/platform-facts.md §5.3). */
  schema: string;
  /** Database scoped credential that makes serverless use the workspace managed identity. */
  credential: string;
  /** External data source over the curated file system. */
  dataSource: string;
  /** https URL of the curated file system the data source points at. */
  location: string;
}

export function servingNames(config: RelmeshConfig): ServingNames {
  return {
    database: `${config.namePrefix}_serving`,
    schema: goldContract().schema,
    credential: "WorkspaceIdentity",
    dataSource: `${config.namePrefix}_curated`,
    location: `https://${config.names.lakeAccount}.dfs.core.windows.net/${config.fileSystems.curated}`,
  };
}

/** Options that are not (yet) keys of the stack config. */
export interface SqlScriptOptions {
  /**
   * Display name of the Entra group `sqlReadersGroupObjectId` names. `CREATE USER … FROM EXTERNAL
   * PROVIDER` resolves a group by display name; the script then checks the user's SID is that object id.
   * @default - `relmesh:sqlReadersGroupName` from the config (only used when sqlReadersGroupObjectId is set)
   */
  readersGroupName?: string;
}

/** `[name]`, with `]` doubled. */
export function quoteName(name: string): string {
  return `[${name.replace(/]/g, "]]")}]`;
}

/** `N'text'`, with `'` doubled. */
export function literal(text: string): string {
  return `N'${text.replace(/'/g, "''")}'`;
}

/** Dynamic SQL: `EXEC (N'…')` — the statement runs as a batch of its own (see the callers for why). */
function exec(statement: string): string {
  return `EXEC (${literal(statement)});`;
}

/** The scripts in execution order: database (master), lake access, views, then grants when configured. */
export function sqlScripts(config: RelmeshConfig, options: SqlScriptOptions = {}): SqlScript[] {
  const n = servingNames(config);
  const scripts: SqlScript[] = [
    { name: "01-database.sql", database: "master", batches: [databaseBatch(n)] },
    { name: "02-lake-access.sql", database: n.database, batches: lakeAccessBatches(n) },
    { name: "03-views.sql", database: n.database, batches: goldContract().tables.map((t) => viewBatch(n, t)) },
  ];
  const grants = grantBatches(config, n, options);
  if (grants.length > 0) scripts.push({ name: "04-grants.sql", database: n.database, batches: grants });
  return scripts;
}

function databaseBatch(n: ServingNames): string {
  return [
    "-- CREATE DATABASE must be the only statement in its batch; EXEC gives it one, so the IF can guard it.",
    `IF NOT EXISTS (SELECT 1 FROM sys.databases WHERE name = ${literal(n.database)})`,
    `    ${exec(`CREATE DATABASE ${quoteName(n.database)} COLLATE ${UTF8_COLLATION}`)}`,
  ].join("\n");
}

function lakeAccessBatches(n: ServingNames): string[] {
  const collation = [
    "-- A database created earlier with another collation mis-converts UTF-8 Delta strings (docs/platform-facts.md §5.2).",
    `IF CONVERT(NVARCHAR(128), DATABASEPROPERTYEX(DB_NAME(), 'Collation')) <> ${literal(UTF8_COLLATION)}`,
    `    ${exec(`ALTER DATABASE CURRENT COLLATE ${UTF8_COLLATION}`)}`,
  ].join("\n");
  const masterKey = [
    "-- A database scoped credential needs a master key. Its password is made here, on the server, from",
    "-- NEWID() and thrown away: serverless also protects the key with the service master key, so nobody",
    "-- ever needs the password, and no secret is written to these scripts, the logs or the Pulumi state.",
    "IF NOT EXISTS (SELECT 1 FROM sys.symmetric_keys WHERE name = N'##MS_DatabaseMasterKey##')",
    "BEGIN",
    "    DECLARE @password NVARCHAR(100) = CONCAT(NEWID(), N'-rm-', LOWER(CONVERT(NVARCHAR(36), NEWID())));",
    "    DECLARE @statement NVARCHAR(300) = N'CREATE MASTER KEY ENCRYPTION BY PASSWORD = ' + QUOTENAME(@password, N'''');",
    "    EXEC (@statement);",
    "END",
  ].join("\n");
  const credential = [
    "-- Serverless reads the lake as the workspace managed identity (Storage Blob Data role on the lake).",
    `IF NOT EXISTS (SELECT 1 FROM sys.database_scoped_credentials WHERE name = ${literal(n.credential)})`,
    `    ${exec(`CREATE DATABASE SCOPED CREDENTIAL ${quoteName(n.credential)} WITH IDENTITY = 'Managed Identity'`)}`,
  ].join("\n");
  const create = `CREATE EXTERNAL DATA SOURCE ${quoteName(n.dataSource)} WITH (LOCATION = '${n.location}', CREDENTIAL = ${quoteName(n.credential)})`;
  const dataSource = [
    "-- Serverless data sources take no TYPE = HADOOP (that is dedicated-pool PolyBase syntax, docs/platform-facts.md §5.2).",
    "-- A data source left pointing at another lake is replaced: views name it at query time only.",
    `IF EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = ${literal(n.dataSource)} AND location <> ${literal(n.location)})`,
    `    ${exec(`DROP EXTERNAL DATA SOURCE ${quoteName(n.dataSource)}`)}`,
    `IF NOT EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = ${literal(n.dataSource)})`,
    `    ${exec(create)}`,
  ].join("\n");
  const schema = [
    "-- Custom objects never go in dbo (docs/platform-facts.md §5.3); CREATE SCHEMA must be alone in its batch, hence EXEC.",
    `IF SCHEMA_ID(${literal(n.schema)}) IS NULL`,
    `    ${exec(`CREATE SCHEMA ${quoteName(n.schema)}`)}`,
  ].join("\n");
  return [collation, masterKey, credential, dataSource, schema];
}

/** The WITH clause type of a column: VARCHAR gets the UTF-8 collation, everything else as written. */
export function withType(sqlType: string): string {
  return sqlType.startsWith("VARCHAR") ? `${sqlType} COLLATE ${UTF8_COLLATION}` : sqlType;
}

function viewBatch(n: ServingNames, table: ContractTable): string {
  const columns = servedColumns(table);
  const width = Math.max(...columns.map((c) => quoteName(c.name).length));
  return [
    `-- ${n.schema}.${table.view}: ${table.description}`,
    "-- Thin: no logic. BULK is the Delta table root (the folder holding _delta_log); types are the contract.",
    `CREATE OR ALTER VIEW ${quoteName(n.schema)}.${quoteName(table.view)}`,
    "AS",
    "SELECT",
    columns.map((c) => `    ${quoteName(c.name)}`).join(",\n"),
    "FROM OPENROWSET(",
    `    BULK '${table.zone}/${table.name}/',`,
    `    DATA_SOURCE = '${n.dataSource}',`,
    "    FORMAT = 'DELTA'",
    ")",
    "WITH (",
    columns.map((c) => `    ${quoteName(c.name).padEnd(width)} ${withType(c.sqlType)}`).join(",\n"),
    ") AS [rows];",
  ].join("\n");
}

function grantBatches(config: RelmeshConfig, n: ServingNames, options: SqlScriptOptions): string[] {
  const objectId = config.sqlReadersGroupObjectId;
  const name = options.readersGroupName ?? config.sqlReadersGroupName;
  if (objectId === undefined || name === undefined) return [];
  const user = quoteName(name);
  const sid = `CONVERT(VARBINARY(16), CONVERT(UNIQUEIDENTIFIER, ${literal(objectId)}))`;
  return [
    [
      "-- Entra groups are found by display name; the SID check proves the name is the configured group,",
      "-- not another one with the same display name.",
      `IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = ${literal(name)})`,
      `    ${exec(`CREATE USER ${user} FROM EXTERNAL PROVIDER`)}`,
      `IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = ${literal(name)} AND sid = ${sid})`,
      `    THROW 50001, ${literal(`database user ${name} is not the Entra group ${objectId} (relmesh:sqlReadersGroupObjectId): drop the user or fix the group name`)}, 1;`,
    ].join("\n"),
    [
      "-- Readers query the views, and the views read the lake through the credential, so both are granted.",
      `GRANT SELECT ON SCHEMA::${quoteName(n.schema)} TO ${user};`,
      `GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::${quoteName(n.credential)} TO ${user};`,
    ].join("\n"),
  ];
}
