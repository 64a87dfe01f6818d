/**
 * The real `SqlConnectionFactory`: tedious@19 (tedious 20 needs Node 22, docs/platform-facts.md §5.5) with an Entra
 * token credential. `token-credential` lets tedious take the token scope from the server's FedAuth
 * SPN, so the Synapse audience is never guessed (docs/platform-facts.md §5.5).
 */
import type { TokenCredential } from "@azure/identity";
import { Connection, Request, type ConnectionConfiguration } from "tedious";
import type { SqlConnection, SqlConnectionFactory } from "./execute";

/** The tedious configuration for one database; exported so a test can check it without a server. */
export function tediousConfig(server: string, database: string, credential: TokenCredential): ConnectionConfiguration {
  return {
    server,
    authentication: { type: "token-credential", options: { credential } },
    options: {
      database,
      encrypt: true,
      port: 1433,
      // The serverless endpoint may need minutes to wake up; the docs suggest 300 s (docs/platform-facts.md §5.1).
      connectTimeout: 300_000,
      // CREATE DATABASE and the first OPENROWSET over a cold pool are slow; tedious' 15 s default is not enough.
      requestTimeout: 300_000,
      // executeSqlScripts owns retries (with backoff and a fresh connection); tedious' own login retry stays short.
      maxRetriesOnTransientErrors: 1,
    },
  };
}

export type ConnectionLike = Pick<Connection, "connect" | "execSqlBatch" | "close" | "on" | "once">;

/**
 * `connect` is injectable so tests can drive the adapter with a fake tedious Connection. `onMessage`
 * receives the server's informational messages (PRINT) sent while a batch runs; those of the login
 * ("Changed database context …") arrive before the connection is handed out and are not passed on.
 * @default - messages are dropped
 */
export function tediousConnectionFactory(
  server: string,
  credential: TokenCredential,
  connect: (config: ConnectionConfiguration) => ConnectionLike = (config) => new Connection(config),
  onMessage?: (message: string) => void,
): SqlConnectionFactory {
  return (database) =>
    new Promise<SqlConnection>((resolve, reject) => {
      const connection = connect(tediousConfig(server, database, credential));
      // tedious reports a failed login as ConnectionError('ELOGIN') with the server's text only; keep the number.
      let lastNumber: number | undefined;
      connection.on("errorMessage", (token: { number: number }) => {
        lastNumber = token.number;
      });
      connection.connect((error) => {
        if (error) {
          if (lastNumber !== undefined && (error as { number?: number }).number === undefined) {
            Object.assign(error, { number: lastNumber });
          }
          reject(error);
          return;
        }
        if (onMessage) connection.on("infoMessage", (token: { message: string }) => onMessage(token.message));
        resolve(adapter(connection));
      });
    });
}

function adapter(connection: ConnectionLike): SqlConnection {
  let closed = false;
  let broken: Error | undefined;
  // A dropped socket surfaces as an 'error' event, not as a request callback; remember it for the next call.
  connection.on("error", (error: Error) => {
    broken = error;
  });
  return {
    execBatch: (sql) =>
      new Promise<void>((resolve, reject) => {
        if (broken) return reject(broken);
        connection.execSqlBatch(new Request(sql, (error) => (error ? reject(error) : resolve())));
      }),
    query: (sql) =>
      new Promise<Array<Record<string, unknown>>>((resolve, reject) => {
        if (broken) return reject(broken);
        const rows: Array<Record<string, unknown>> = [];
        const request = new Request(sql, (error) => (error ? reject(error) : resolve(rows)));
        request.on("row", (columns: Array<{ metadata: { colName: string }; value: unknown }>) => {
          rows.push(Object.fromEntries(columns.map((c) => [c.metadata.colName, c.value])));
        });
        connection.execSqlBatch(request);
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (closed) return resolve();
        closed = true;
        // A connection that already dropped may never emit 'end' again; do not wait for it forever.
        const timer = setTimeout(resolve, 5_000);
        timer.unref();
        connection.once("end", () => {
          clearTimeout(timer);
          resolve();
        });
        connection.close();
      }),
  };
}
