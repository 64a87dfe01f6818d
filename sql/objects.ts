/**
 * The named objects the serving scripts create, read back from their own text: what the publisher
 * drops when a script or view leaves the code (planDrops) and what `pulumi refresh` looks for on the
 * server (readSqlObjects in stacks/publish/sql/catalog.ts). Pure; no I/O.
 *
 * Read from the batches rather than declared by sql/index.ts because the state of an earlier deploy
 * holds only the scripts it ran: the objects of a script that is gone must be recoverable from it.
 */
import type { SqlScript } from "./script";

export type SqlObjectKind = "database" | "schema" | "credential" | "dataSource" | "view" | "user";

export interface SqlObject {
  kind: SqlObjectKind;
  /** Where it lives and is dropped from: "master" for a database, otherwise the script's database. */
  database: string;
  /** Views only. */
  schema?: string;
  name: string;
}

/** `database:master/relmesh_serving`, `view:relmesh_serving/relmesh.pair_scores`: stable, readable, kept in the state. */
export function objectKey(o: SqlObject): string {
  return `${o.kind}:${o.database}/${o.schema !== undefined ? `${o.schema}.` : ""}${o.name}`;
}

const NAME = String.raw`\[((?:[^\]]|\]\])+)\]`;
// Only `CREATE … [name]`: a comment mentioning CREATE names no bracketed object after it, and DROPs are not creations.
const CREATE = new RegExp(
  String.raw`\bCREATE\s+(?:OR\s+ALTER\s+)?(VIEW|SCHEMA|USER|EXTERNAL\s+DATA\s+SOURCE|DATABASE\s+SCOPED\s+CREDENTIAL|DATABASE)\s+${NAME}(?:\s*\.\s*${NAME})?`,
  "gi",
);
const KIND: Record<string, SqlObjectKind> = {
  VIEW: "view",
  SCHEMA: "schema",
  USER: "user",
  "EXTERNAL DATA SOURCE": "dataSource",
  "DATABASE SCOPED CREDENTIAL": "credential",
  DATABASE: "database",
};
const unquote = (n: string) => n.replace(/]]/g, "]");

/** Every named object the scripts create, in creation order, each once. Pure. */
export function sqlObjects(scripts: readonly SqlScript[] | undefined): SqlObject[] {
  const out = new Map<string, SqlObject>();
  for (const script of scripts ?? []) {
    for (const batch of script.batches) {
      for (const m of batch.matchAll(CREATE)) {
        const kind = KIND[m[1].toUpperCase().replace(/\s+/g, " ")];
        const [schema, name] = m[3] !== undefined ? [unquote(m[2]), unquote(m[3])] : [undefined, unquote(m[2])];
        const o: SqlObject = { kind, database: script.database, ...(schema !== undefined ? { schema } : {}), name };
        if (!out.has(objectKey(o))) out.set(objectKey(o), o);
      }
    }
  }
  return [...out.values()];
}

/** Drop order inside a database: what depends on others first (views read the data source, the data source uses the credential). */
const DROP_RANK: Record<SqlObjectKind, number> = { view: 0, user: 0, dataSource: 1, credential: 2, schema: 3, database: 4 };

/**
 * Objects the previous scripts created that the desired ones no longer create, in the order they can
 * be dropped: per database in reverse dependency order (views and users, data source, credential,
 * schema; reverse creation order within a kind), the serving database(s) before master, where
 * databases themselves are dropped. Objects inside a database that is dropped are left to it. Pure.
 */
export function planDrops(previous: readonly SqlScript[] | undefined, desired: readonly SqlScript[]): SqlObject[] {
  const keep = new Set(sqlObjects(desired).map(objectKey));
  const old = sqlObjects(previous);
  const gone = old.filter((o) => !keep.has(objectKey(o)));
  const droppedDatabases = new Set(gone.filter((o) => o.kind === "database").map((o) => o.name));
  const order = new Map(old.map((o, i) => [objectKey(o), i]));
  const databaseOrder = [...new Set(old.map((o) => o.database))].sort((a, b) => Number(a === "master") - Number(b === "master"));
  return gone
    .filter((o) => o.kind === "database" || !droppedDatabases.has(o.database))
    .sort(
      (a, b) =>
        databaseOrder.indexOf(a.database) - databaseOrder.indexOf(b.database) ||
        DROP_RANK[a.kind] - DROP_RANK[b.kind] ||
        order.get(objectKey(b))! - order.get(objectKey(a))!,
    );
}

const q = (name: string) => `[${name.replace(/]/g, "]]")}]`;
const lit = (text: string) => `N'${text.replace(/'/g, "''")}'`;

/** One idempotent statement that drops `o`: a rerun, or an object already dropped by hand, is not an error. Pure. */
export function dropStatement(o: SqlObject): string {
  switch (o.kind) {
    case "view":
      return `DROP VIEW IF EXISTS ${q(o.schema ?? "dbo")}.${q(o.name)};`;
    case "user":
      return `DROP USER IF EXISTS ${q(o.name)};`;
    // No IF EXISTS form for these two on serverless; the catalog views answer instead.
    case "dataSource":
      return `IF EXISTS (SELECT 1 FROM sys.external_data_sources WHERE name = ${lit(o.name)})\n    DROP EXTERNAL DATA SOURCE ${q(o.name)};`;
    case "credential":
      return `IF EXISTS (SELECT 1 FROM sys.database_scoped_credentials WHERE name = ${lit(o.name)})\n    DROP DATABASE SCOPED CREDENTIAL ${q(o.name)};`;
    // A schema that still holds objects someone else made is left alone rather than failing the deploy.
    case "schema":
      return `IF SCHEMA_ID(${lit(o.name)}) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM sys.objects WHERE schema_id = SCHEMA_ID(${lit(o.name)}))\n    DROP SCHEMA ${q(o.name)};`;
    case "database":
      return `IF DB_ID(${lit(o.name)}) IS NOT NULL\n    EXEC (${lit(`DROP DATABASE ${q(o.name)}`)});`;
  }
}

/** The drops of {@link planDrops} as scripts, one per database in drop order, to run before the desired scripts. Pure. */
export function dropScripts(previous: readonly SqlScript[] | undefined, desired: readonly SqlScript[]): SqlScript[] {
  const scripts: SqlScript[] = [];
  for (const o of planDrops(previous, desired)) {
    const last = scripts[scripts.length - 1];
    if (last?.database === o.database) last.batches.push(dropStatement(o));
    else scripts.push({ name: "00-drop-removed.sql", database: o.database, batches: [dropStatement(o)] });
  }
  return scripts;
}

/** What an update runs: the drops of what left the code, then every desired script (each rerunnable). Pure. */
export function updateScripts(previous: readonly SqlScript[] | undefined, desired: readonly SqlScript[]): SqlScript[] {
  return [...dropScripts(previous, desired), ...desired];
}
