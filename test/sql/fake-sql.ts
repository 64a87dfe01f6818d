/**
 * A fake serverless SQL endpoint behind a `SqlConnectionFactory`: it keeps the catalog (databases and
 * the named objects in each) and applies the CREATE/DROP statements of the batches it is sent, with
 * its own patterns (not sql/objects.ts, so the tests do not grade the code with itself). Read-only
 * catalog queries are answered from the same state. Drift is injected by editing `catalog` by hand.
 */
import type { SqlConnectionFactory } from "../../stacks/publish/sql/execute";

/** database → keys like "view relmesh.pair_scores", "schema relmesh", "credential WorkspaceIdentity". */
export type Catalog = Map<string, Set<string>>;

const NAME = String.raw`\[((?:[^\]]|\]\])+)\]`;
const KINDS: Array<[string, string]> = [
  ["VIEW", "view"],
  ["SCHEMA", "schema"],
  ["USER", "user"],
  ["EXTERNAL DATA SOURCE", "dataSource"],
  ["DATABASE SCOPED CREDENTIAL", "credential"],
  ["DATABASE", "database"],
];

export function fakeSql(opts: { failQueries?: Error[] } = {}) {
  const catalog: Catalog = new Map([["master", new Set<string>()]]);
  const batches: Array<{ database: string; sql: string }> = [];
  const queries: Array<{ database: string; sql: string }> = [];
  const unq = (n: string) => n.replace(/]]/g, "]");

  /** Every CREATE and DROP in the batch, in text order (IF conditions are not evaluated: a guarded DROP before its CREATE nets out). */
  const apply = (database: string, sql: string) => {
    const statements: Array<{ at: number; add: boolean; kind: string; name: string }> = [];
    for (const [word, kind] of KINDS) {
      const create = new RegExp(
        String.raw`\bCREATE\s+(?:OR\s+ALTER\s+)?${word.replace(/ /g, String.raw`\s+`)}\s+${NAME}(?:\.${NAME})?`,
        "gi",
      );
      const drop = new RegExp(String.raw`\bDROP\s+${word.replace(/ /g, String.raw`\s+`)}\s+(?:IF\s+EXISTS\s+)?${NAME}(?:\.${NAME})?`, "gi");
      for (const [re, add] of [
        [create, true],
        [drop, false],
      ] as const) {
        for (const m of sql.matchAll(re))
          statements.push({ at: m.index!, add, kind, name: m[2] !== undefined ? `${unq(m[1])}.${unq(m[2])}` : unq(m[1]) });
      }
    }
    for (const { add, kind, name } of statements.sort((a, b) => a.at - b.at)) {
      if (kind === "database") {
        if (add) catalog.set(name, catalog.get(name) ?? new Set());
        else catalog.delete(name);
        catalog.get("master")![add ? "add" : "delete"](`database ${name}`);
      } else catalog.get(database)?.[add ? "add" : "delete"](`${kind} ${name}`);
    }
  };

  const factory: SqlConnectionFactory = async (database) => {
    if (!catalog.has(database))
      throw Object.assign(new Error(`Cannot open database "${database}" requested by the login.`), { number: 4060 });
    return {
      execBatch: async (sql) => {
        batches.push({ database, sql });
        apply(database, sql);
      },
      query: async (sql) => {
        queries.push({ database, sql });
        const failure = opts.failQueries?.shift();
        if (failure) throw failure;
        if (!/^\s*SELECT\b/i.test(sql) || /\b(CREATE|DROP|ALTER|INSERT|UPDATE|DELETE|EXEC)\b/i.test(sql))
          throw new Error(`fake-sql: not a read-only query: ${sql}`);
        return [...(catalog.get(database) ?? [])].map((key) => {
          const [kind, full] = [key.slice(0, key.indexOf(" ")), key.slice(key.indexOf(" ") + 1)];
          const [schema, name] = kind === "view" ? full.split(".") : [null, full];
          return { kind, schema, name };
        });
      },
      close: async () => undefined,
    };
  };
  return {
    catalog,
    batches,
    queries,
    factory,
    views: (database: string) => [...(catalog.get(database) ?? [])].filter((k) => k.startsWith("view ")).sort(),
  };
}
