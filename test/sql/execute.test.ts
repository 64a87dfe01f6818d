import { EventEmitter } from "node:events";
import type { TokenCredential } from "@azure/identity";
import type { SqlScript } from "../../sql/script";
import { loadRelmesh } from "../../config/load";
import { sqlScripts } from "../../sql";
import { executeSqlScripts, isTransientSqlError, type SqlConnectionFactory } from "../../stacks/publish/sql/execute";
import { tediousConfig, tediousConnectionFactory, type ConnectionLike } from "../../stacks/publish/sql/tedious";

const scripts: SqlScript[] = [
  { name: "01-database.sql", database: "master", batches: ["M1"] },
  { name: "02-lake-access.sql", database: "db", batches: ["A1", "A2"] },
  { name: "03-views.sql", database: "db", batches: ["V1", "V2", "V3"] },
];

const sqlError = (number: number, message = `error ${number}`) => Object.assign(new Error(message), { number });

/** A fake server: records every batch per connection and fails the n-th try of chosen batches. */
function fakeServer(failures: Record<string, Error[]> = {}, connectFailures: Error[] = []) {
  const log: Array<{ connection: number; database: string; sql: string }> = [];
  const opened: string[] = [];
  const closed: number[] = [];
  const factory: SqlConnectionFactory = async (database) => {
    const failure = connectFailures.shift();
    if (failure) throw failure;
    const id = opened.push(database);
    return {
      execBatch: async (sql) => {
        log.push({ connection: id, database, sql });
        const error = failures[sql]?.shift();
        if (error) throw error;
      },
      query: async () => [],
      close: async () => {
        closed.push(id);
      },
    };
  };
  return { factory, log, opened, closed };
}

const quiet = { sleep: async () => undefined };

describe("executeSqlScripts", () => {
  test("runs every batch once, in order, on one connection per database run", async () => {
    const server = fakeServer();
    const report = await executeSqlScripts(scripts, { ...quiet, factory: server.factory });
    expect(server.log.map((e) => `${e.database}:${e.sql}`)).toEqual(["master:M1", "db:A1", "db:A2", "db:V1", "db:V2", "db:V3"]);
    expect(server.opened).toEqual(["master", "db"]);
    expect(server.closed).toEqual([1, 2]);
    expect(report).toEqual({ batches: 6, retries: 0, connections: 2 });
  });

  test("retries a batch after a transient error on a fresh connection, then goes on", async () => {
    const server = fakeServer({ V2: [sqlError(40613, "Database 'db' is not currently available")] });
    const sleeps: number[] = [];
    const lines: string[] = [];
    const report = await executeSqlScripts(scripts, {
      ...quiet,
      factory: server.factory,
      baseDelayMs: 1000,
      sleep: async (ms) => void sleeps.push(ms),
      log: (l) => lines.push(l),
    });
    expect(server.log.map((e) => e.sql)).toEqual(["M1", "A1", "A2", "V1", "V2", "V2", "V3"]);
    expect(server.log.filter((e) => e.sql === "V2").map((e) => e.connection)).toEqual([2, 3]);
    expect(server.closed).toEqual([1, 2, 3]);
    expect(report).toEqual({ batches: 6, retries: 1, connections: 3 });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(500);
    expect(sleeps[0]).toBeLessThanOrEqual(1000);
    expect(lines.some((l) => l.includes("03-views.sql batch 2/3") && l.includes("error 40613"))).toBe(true);
  });

  test.each([40197, 40501, 49918, 49919, 49920, 4060])("retries SQL error %i", async (number) => {
    const server = fakeServer({ A1: [sqlError(number), sqlError(number)] });
    const report = await executeSqlScripts(scripts, { ...quiet, factory: server.factory });
    expect(report.retries).toBe(2);
    expect(server.log.filter((e) => e.sql === "A1")).toHaveLength(3);
  });

  test.each([
    [40615, "Cannot open server requested by the login. Client with IP address is not allowed to access the server."],
    [13807, "Content of directory on path cannot be listed."],
    [16561, "External table is not accessible because content of directory cannot be listed."],
  ])("retries SQL error %i while firewall rules or lake RBAC propagate, then goes on", async (number, message) => {
    const server = fakeServer({ V1: [sqlError(number, message), sqlError(number, message)] });
    const report = await executeSqlScripts(scripts, { ...quiet, factory: server.factory });
    expect(report.retries).toBe(2);
    expect(server.log.filter((e) => e.sql === "V1")).toHaveLength(3);
    expect(server.log.map((e) => e.sql)).toContain("V3");
  });

  test.each([40615, 13807, 16561])("gives up on SQL error %i after the bounded attempts, naming the error number", async (number) => {
    const server = fakeServer({ A1: [1, 2, 3, 4].map(() => sqlError(number, "still not allowed")) });
    await expect(executeSqlScripts(scripts, { ...quiet, factory: server.factory, attempts: 4 })).rejects.toThrow(
      `SQL script 02-lake-access.sql batch 1/2 on database db failed after 4 attempts on transient errors, last: error ${number}: still not allowed`,
    );
    expect(server.log.filter((e) => e.sql === "A1")).toHaveLength(4);
  });

  test("retries a connection that fails to open or is reset", async () => {
    const reset = Object.assign(new Error("read ECONNRESET"), { code: "ESOCKET" });
    const server = fakeServer({ M1: [Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })] }, [reset]);
    const report = await executeSqlScripts(scripts, { ...quiet, factory: server.factory });
    expect(report).toEqual({ batches: 6, retries: 2, connections: 3 });
    expect(server.log.map((e) => e.sql)).toEqual(["M1", "M1", "A1", "A2", "V1", "V2", "V3"]);
  });

  test("backs off exponentially, capped", async () => {
    const server = fakeServer({ A1: [1, 2, 3, 4].map(() => sqlError(40501)) });
    const sleeps: number[] = [];
    const realRandom = Math.random;
    Math.random = () => 1;
    try {
      await executeSqlScripts(scripts, {
        ...quiet,
        factory: server.factory,
        baseDelayMs: 1000,
        maxDelayMs: 5000,
        sleep: async (ms) => void sleeps.push(ms),
      });
    } finally {
      Math.random = realRandom;
    }
    expect(sleeps).toEqual([1000, 2000, 4000, 5000]);
  });

  test("fails fast on a non-transient error, naming script, batch, database and statement", async () => {
    const server = fakeServer({ V2: [sqlError(102, "Incorrect syntax near 'WITH'.")] });
    const run = executeSqlScripts(scripts, { ...quiet, factory: server.factory });
    await expect(run).rejects.toThrow(
      "SQL script 03-views.sql batch 2/3 on database db failed: error 102: Incorrect syntax near 'WITH'.. Batch starts: V2",
    );
    expect(server.log.map((e) => e.sql)).toEqual(["M1", "A1", "A2", "V1", "V2"]);
    expect(server.closed).toEqual([1, 2]);
  });

  test("gives up after the configured attempts on a transient error that does not clear", async () => {
    const server = fakeServer({ A2: [1, 2, 3].map(() => sqlError(40613)) });
    await expect(executeSqlScripts(scripts, { ...quiet, factory: server.factory, attempts: 3 })).rejects.toThrow(
      "SQL script 02-lake-access.sql batch 2/2 on database db failed after 3 attempts on transient errors, last: error 40613: error 40613",
    );
    expect(server.log.filter((e) => e.sql === "A2")).toHaveLength(3);
    expect(server.log.map((e) => e.sql)).not.toContain("V1");
  });

  test("runs the generated scripts: master for the database, the serving database for the rest", async () => {
    const server = fakeServer();
    const generated = sqlScripts(loadRelmesh().config);
    await executeSqlScripts(generated, { ...quiet, factory: server.factory });
    expect(server.opened).toEqual(["master", "relmesh_serving"]);
    expect(server.log.map((e) => e.sql)).toEqual(generated.flatMap((s) => s.batches));
  });
});

describe("isTransientSqlError", () => {
  test.each([
    [sqlError(40613), true],
    [sqlError(102), false],
    [sqlError(15247), false],
    [Object.assign(new Error("x"), { code: "ETIMEOUT" }), true],
    [Object.assign(new Error("x"), { code: "ELOGIN" }), false],
    [Object.assign(new Error("x"), { code: "ELOGIN", isTransient: true }), true],
    [Object.assign(new Error("x"), { code: "EFEDAUTH" }), false],
    [new AggregateError([sqlError(40501)]), true],
    ["text", false],
  ])("%p → %p", (error, expected) => {
    expect(isTransientSqlError(error)).toBe(expected);
  });
});

describe("the tedious connection factory", () => {
  const credential: TokenCredential = { getToken: async () => ({ token: "t", expiresOnTimestamp: 0 }) };

  test("connects with the Entra token credential, encrypted, with the 300 s connect timeout", () => {
    const config = tediousConfig("ws-ondemand.sql.azuresynapse.net", "relmesh_serving", credential);
    expect(config.server).toBe("ws-ondemand.sql.azuresynapse.net");
    expect(config.authentication).toEqual({ type: "token-credential", options: { credential } });
    expect(config.options).toMatchObject({ database: "relmesh_serving", encrypt: true, port: 1433, connectTimeout: 300000 });
  });

  /** Just enough of tedious' Connection for the adapter. */
  class FakeConnection extends EventEmitter {
    batches: string[] = [];
    constructor(
      private readonly loginError?: { number: number; message: string },
      private readonly fail?: Error,
      private readonly rows: Array<Record<string, unknown>> = [],
      /** PRINT output of every batch. */
      private readonly prints: string[] = [],
    ) {
      super();
    }
    connect(callback: (error?: Error) => void) {
      if (this.loginError) {
        this.emit("errorMessage", { number: this.loginError.number });
        return callback(Object.assign(new Error(this.loginError.message), { code: "ELOGIN" }));
      }
      // What a real login sends before the connection is up.
      this.emit("infoMessage", { number: 5701, message: "Changed database context to 'db'." });
      callback();
    }
    execSqlBatch(request: EventEmitter & { sqlTextOrProcedure: string; callback: (error?: Error) => void }) {
      this.batches.push(request.sqlTextOrProcedure);
      setImmediate(() => {
        for (const message of this.prints) this.emit("infoMessage", { number: 0, message });
        for (const row of this.rows)
          request.emit(
            "row",
            Object.entries(row).map(([colName, value]) => ({ metadata: { colName }, value })),
          );
        request.callback(this.fail);
      });
    }
    close() {
      setImmediate(() => this.emit("end"));
    }
  }

  test("sends each batch with execSqlBatch and closes on request", async () => {
    const fake = new FakeConnection();
    const factory = tediousConnectionFactory("s", credential, () => fake as unknown as ConnectionLike);
    const connection = await factory("master");
    await connection.execBatch("SELECT 1");
    await connection.close();
    expect(fake.batches).toEqual(["SELECT 1"]);
  });

  test("keeps the server's error number of a failed login, so 40613 is retried", async () => {
    const factory = tediousConnectionFactory(
      "s",
      credential,
      () => new FakeConnection({ number: 40613, message: "not available" }) as unknown as ConnectionLike,
    );
    const error = await factory("db").catch((e: unknown) => e);
    expect(error).toMatchObject({ number: 40613, code: "ELOGIN" });
    expect(isTransientSqlError(error)).toBe(true);
  });

  test("returns the rows of a query by column name", async () => {
    const fake = new FakeConnection(undefined, undefined, [
      { kind: "view", name: "pair_scores" },
      { kind: "schema", name: "relmesh" },
    ]);
    const connection = await tediousConnectionFactory("s", credential, () => fake as unknown as ConnectionLike)("db");
    expect(await connection.query("SELECT kind, name FROM x")).toEqual([
      { kind: "view", name: "pair_scores" },
      { kind: "schema", name: "relmesh" },
    ]);
  });

  test("hands the PRINT output of a batch to onMessage, not the login's messages", async () => {
    const fake = new FakeConnection(undefined, undefined, [], ["Kept user [ws]: it holds permissions"]);
    const messages: string[] = [];
    const connection = await tediousConnectionFactory(
      "s",
      credential,
      () => fake as unknown as ConnectionLike,
      (m) => messages.push(m),
    )("db");
    await connection.execBatch("PRINT N'Kept user [ws]: it holds permissions';");
    expect(messages).toEqual(["Kept user [ws]: it holds permissions"]);
  });

  test("passes a request error through", async () => {
    const fake = new FakeConnection(undefined, sqlError(102));
    const connection = await tediousConnectionFactory("s", credential, () => fake as unknown as ConnectionLike)("db");
    await expect(connection.execBatch("SELEC 1")).rejects.toMatchObject({ number: 102 });
  });
});
