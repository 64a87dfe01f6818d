/**
 * `pulumi refresh` of the serving layer: which objects the scripts create are on the server now.
 * Read-only catalog queries through the executor's connection factory and retries (querySql), one per
 * database; the comparison is pure (sql/objects.ts keys).
 */
import type { SqlScript } from "../../../sql/script";
import { querySql, type ExecuteOptions } from "./execute";
import { objectKey, sqlObjects, type SqlObject } from "../../../sql/objects";

/** Everything named in a serving database, as (kind, schema, name) rows. */
export const DATABASE_CATALOG_QUERY = [
  "SELECT N'view' AS kind, s.name AS [schema], v.name AS name FROM sys.views AS v JOIN sys.schemas AS s ON s.schema_id = v.schema_id",
  "UNION ALL SELECT N'schema', NULL, name FROM sys.schemas",
  "UNION ALL SELECT N'credential', NULL, name FROM sys.database_scoped_credentials",
  "UNION ALL SELECT N'dataSource', NULL, name FROM sys.external_data_sources",
  "UNION ALL SELECT N'user', NULL, name FROM sys.database_principals;",
].join("\n");

/** The databases of the server (asked in master). */
export const SERVER_CATALOG_QUERY = "SELECT N'database' AS kind, NULL AS [schema], name FROM sys.databases;";

/**
 * Keys (objectKey) of the objects `scripts` create that exist now, in creation order. A database the
 * scripts create and the server no longer has is not connected to: everything in it is missing.
 */
export async function readSqlObjects(scripts: readonly SqlScript[], options: ExecuteOptions): Promise<string[]> {
  const wanted = sqlObjects(scripts);
  const databases = [...new Set(wanted.map((o) => o.database))].sort((a, b) => Number(b === "master") - Number(a === "master"));
  const found = new Set<string>();
  const created = new Set(wanted.filter((o) => o.kind === "database").map((o) => o.name));
  for (const database of databases) {
    if (database !== "master" && created.has(database) && !found.has(objectKey({ kind: "database", database: "master", name: database })))
      continue;
    const sql = database === "master" ? SERVER_CATALOG_QUERY : DATABASE_CATALOG_QUERY;
    const rows = await querySql(database, sql, "catalog query (pulumi refresh)", options);
    for (const r of rows) {
      const o: SqlObject = {
        kind: r.kind as SqlObject["kind"],
        database,
        ...(r.schema !== null && r.schema !== undefined ? { schema: String(r.schema) } : {}),
        name: String(r.name),
      };
      found.add(objectKey(o));
    }
  }
  return wanted.map(objectKey).filter((k) => found.has(k));
}
