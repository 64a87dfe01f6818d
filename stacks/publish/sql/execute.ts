/**
 * Runs the serving-layer scripts on the serverless SQL endpoint, batch by batch. The publisher calls
 * `executeSqlScripts` from a Pulumi dynamic resource with the tedious factory (tedious.ts); tests
 * inject a fake `SqlConnectionFactory`. The scripts themselves are pure output of sql/; only this
 * folder talks to the server. Every batch is idempotent by construction (sql/index.ts), so retrying a
 * batch that failed on a transient error is safe, and a batch that succeeded is never sent again.
 */
import type { SqlScript } from "../../../sql/script";
import { withRetries } from "../retry";

/** One open connection to one database. */
export interface SqlConnection {
  execBatch(sql: string): Promise<void>;
  /** Rows of a read-only query, by column name (`pulumi refresh` reads the catalog with it). */
  query(sql: string): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

/** Opens a connection to `database` ("master" or the serving database). */
export type SqlConnectionFactory = (database: string) => Promise<SqlConnection>;

export interface ExecuteOptions {
  /**
   * Opens the connections: `tediousConnectionFactory(server, credential)` (tedious.ts) against the
   * serverless endpoint, a fake in tests. Always passed in: a default would load tedious.ts through a
   * relative dynamic import, which the serialized provider cannot resolve (providers.ts).
   */
  factory: SqlConnectionFactory;
  /** Tries per batch, the first included. @default - 6 */
  attempts?: number;
  /** First backoff; it doubles per retry, with jitter, up to `maxDelayMs`. @default - 2000 */
  baseDelayMs?: number;
  /** @default - 60000 */
  maxDelayMs?: number;
  /** @default - setTimeout */
  sleep?: (ms: number) => Promise<void>;
  /** Progress lines (never SQL text with values: the scripts hold none, but keep logs short). @default - none */
  log?: (line: string) => void;
}

export interface ExecutionReport {
  /** Batches that succeeded, in order. */
  batches: number;
  /** Transient failures retried. */
  retries: number;
  /** Connections opened. */
  connections: number;
}

/**
 * SQL error numbers worth retrying: the serverless pool or its database is busy, moving or waking up.
 * 4060 is included because a database created a moment ago may not accept logins yet.
 *
 * Three more are transient only because the publisher runs right after the deploy that causes them;
 * the attempts bound how long they are waited for (default 6 tries, ~1 min), so a rule or role that
 * really is missing still fails, with the error number in the message:
 * - 40615 "Client with IP address … is not allowed to access the server": the firewall rule admitting
 *   the deployer was just created, and the service says a new rule may take up to five minutes to
 *   take effect (https://learn.microsoft.com/azure/azure-sql/database/troubleshoot-common-errors-issues).
 * - 13807 "Content of directory on path … cannot be listed" and 16561 "External table … is not
 *   accessible": the workspace identity's Storage Blob Data role on the lake was assigned moments ago
 *   and has not reached storage yet (REL-17); the serverless troubleshooting guide names missing storage
 *   permissions as their cause (https://learn.microsoft.com/azure/synapse-analytics/sql/resources-self-help-sql-on-demand).
 */
export const TRANSIENT_SQL_ERRORS: ReadonlySet<number> = new Set([
  233, 4060, 4221, 10053, 10054, 10060, 10928, 10929, 13807, 16561, 40143, 40197, 40501, 40540, 40613, 40615, 42108, 42109, 49918, 49919,
  49920,
]);
const TRANSIENT_CODES: ReadonlySet<string> = new Set(["ESOCKET", "ETIMEOUT", "ECONNRESET", "ECONNREFUSED", "ECLOSE", "EPIPE"]);

/** Whether an error from tedious (or a fake) is worth a retry on a fresh connection. */
export function isTransientSqlError(error: unknown): boolean {
  if (!error || typeof error !== "object") return false;
  const e = error as { number?: unknown; code?: unknown; isTransient?: unknown; errors?: unknown };
  if (typeof e.number === "number" && TRANSIENT_SQL_ERRORS.has(e.number)) return true;
  if (typeof e.code === "string" && TRANSIENT_CODES.has(e.code)) return true;
  if (e.isTransient === true) return true;
  return Array.isArray(e.errors) && e.errors.some(isTransientSqlError);
}

export class SqlScriptError extends Error {
  constructor(
    message: string,
    readonly script: string,
    readonly batch: number,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = "SqlScriptError";
  }
}

/** Runs every batch of every script in order, one connection per run of scripts on the same database. */
export async function executeSqlScripts(scripts: readonly SqlScript[], options: ExecuteOptions): Promise<ExecutionReport> {
  const runner = connectionRunner(options);
  try {
    for (const script of scripts) {
      for (const [index, sql] of script.batches.entries()) {
        const where = `SQL script ${script.name} batch ${index + 1}/${script.batches.length} on database ${script.database}`;
        await runner.step(
          script.database,
          where,
          (c) => c.execBatch(sql),
          (message, error, transient) =>
            new SqlScriptError(transient ? message : `${message}. Batch starts: ${firstStatement(sql)}`, script.name, index + 1, error),
        );
        runner.report.batches += 1;
      }
      options.log?.(`${script.name}: ${script.batches.length} batches done on ${script.database}`);
    }
  } finally {
    await runner.close();
  }
  return runner.report;
}

/**
 * Rows of one read-only query on `database`, with the same retries on transient errors as the scripts.
 * `label` names the query in errors and logs.
 */
export async function querySql(
  database: string,
  sql: string,
  label: string,
  options: ExecuteOptions,
): Promise<Array<Record<string, unknown>>> {
  const runner = connectionRunner(options);
  try {
    return await runner.step(
      database,
      `${label} on database ${database}`,
      (c) => c.query(sql),
      (message, error) => Object.assign(new Error(message), { cause: error }),
    );
  } finally {
    await runner.close();
  }
}

/**
 * The connection handling of executeSqlScripts and querySql: one open connection at a time (reopened
 * when the database changes or after any failure), each step retried on transient SQL errors by
 * withRetries (../retry.ts) with jittered backoff, so a retry always runs on a fresh connection.
 */
function connectionRunner(options: ExecuteOptions) {
  const { factory } = options;
  const attempts = options.attempts ?? 6;
  const retry = {
    attempts,
    baseDelayMs: options.baseDelayMs ?? 2000,
    maxDelayMs: options.maxDelayMs ?? 60000,
    jitter: true,
    sleep: options.sleep,
  };
  const log = options.log ?? (() => undefined);
  const report: ExecutionReport = { batches: 0, retries: 0, connections: 0 };
  let open: { database: string; connection: SqlConnection } | undefined;
  const close = async () => {
    const current = open;
    open = undefined;
    // A connection that already failed may also fail to close; the next step reconnects either way.
    if (current) await current.connection.close().catch(() => undefined);
  };
  const attempt = async <T>(database: string, run: (c: SqlConnection) => Promise<T>): Promise<T> => {
    try {
      if (open?.database !== database) {
        await close();
        open = { database, connection: await factory(database) };
        report.connections += 1;
      }
      return await run(open.connection);
    } catch (error) {
      await close();
      throw error;
    }
  };
  const step = async <T>(
    database: string,
    where: string,
    run: (c: SqlConnection) => Promise<T>,
    fail: (message: string, error: unknown, transient: boolean) => Error,
  ): Promise<T> => {
    const onRetry = (line: string) => {
      report.retries += 1;
      log(line);
    };
    try {
      return await withRetries(where, () => attempt(database, run), retry, onRetry, isTransientSqlError);
    } catch (wrapped) {
      // withRetries names the attempts; the message here names the SQL error, and for a batch its first statement.
      const error = (wrapped as { cause?: unknown }).cause ?? wrapped;
      const reason = describe(error);
      if (!isTransientSqlError(error)) throw fail(`${where} failed: ${reason}`, error, false);
      throw fail(`${where} failed after ${attempts} attempts on transient errors, last: ${reason}`, error, true);
    }
  };
  return { step, close, report };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { number?: number; code?: string };
  const tag = e.number !== undefined ? `error ${e.number}` : e.code !== undefined ? e.code : e.name;
  return `${tag}: ${e.message}`;
}

/** First non-comment line of a batch, so a failure names the statement without dumping the script. */
function firstStatement(sql: string): string {
  const line =
    sql
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.length > 0 && !l.startsWith("--")) ?? "";
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
