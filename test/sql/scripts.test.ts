import { loadRelmesh } from "../../config/load";
import type { RelmeshConfig } from "../../config/stack";
import {
  UTF8_COLLATION,
  compatible,
  goldContract,
  renderSqlFile,
  servedColumns,
  servingNames,
  splitBatches,
  sqlScripts,
  withType,
} from "../../sql";
import { batchProblems, code, dynamicBatches, parseView, tokenize } from "./tsql-check";

const base = loadRelmesh().config;
const READERS = "33333333-3333-4333-8333-333333333333";
const withReaders: RelmeshConfig = { ...base, sqlReadersGroupObjectId: READERS };
const all = sqlScripts(withReaders, { readersGroupName: "relmesh-report-readers" });
const batches = all.flatMap((s) => s.batches.map((b, i) => ({ where: `${s.name} batch ${i + 1}`, sql: b })));
/** Every batch and every EXEC(N'…') payload inside it: what the server actually parses. */
const everything = batches.flatMap((b) => [b, ...dynamicBatches(b.sql).map((sql, k) => ({ where: `${b.where} EXEC #${k + 1}`, sql }))]);
const names = servingNames(base);

describe("sqlScripts", () => {
  test("is deterministic: same config, byte-identical scripts and files", () => {
    const again = sqlScripts(withReaders, { readersGroupName: "relmesh-report-readers" });
    expect(JSON.stringify(again)).toBe(JSON.stringify(all));
    expect(again.map(renderSqlFile)).toEqual(all.map(renderSqlFile));
  });

  test("runs the database from master first, then everything else in the serving database", () => {
    expect(all.map((s) => [s.name, s.database])).toEqual([
      ["01-database.sql", "master"],
      ["02-lake-access.sql", "relmesh_serving"],
      ["03-views.sql", "relmesh_serving"],
      ["04-grants.sql", "relmesh_serving"],
    ]);
  });

  test("has no grants script when no readers group is configured", () => {
    expect(sqlScripts(base).map((s) => s.name)).toEqual(["01-database.sql", "02-lake-access.sql", "03-views.sql"]);
  });

  test("grants the readers group by its configured display name (relmesh:sqlReadersGroupName)", () => {
    const grants = sqlScripts(withReaders).find((s) => s.name === "04-grants.sql");
    expect(grants?.batches.join("\n")).toContain(`[${withReaders.sqlReadersGroupName}] FROM EXTERNAL PROVIDER`);
  });

  test.each(everything.map((b) => [b.where, b.sql]))("%s is structurally valid T-SQL", (_where, sql) => {
    expect(batchProblems(sql)).toEqual([]);
  });

  test("creates the database alone in its batch, with the UTF-8 collation, only when missing", () => {
    const [db] = all;
    expect(db.batches).toHaveLength(1);
    expect(code(db.batches[0])[0].text).toBe("IF");
    expect(dynamicBatches(db.batches[0])).toEqual([`CREATE DATABASE [relmesh_serving] COLLATE ${UTF8_COLLATION}`]);
  });

  test("every COLLATE names the UTF-8 collation", () => {
    const collations = everything.flatMap(({ sql }) => {
      const t = code(sql);
      return t.flatMap((tok, i) => (tok.text.toUpperCase() === "COLLATE" ? [t[i + 1].text] : []));
    });
    expect(collations.length).toBeGreaterThan(20);
    expect(new Set(collations)).toEqual(new Set([UTF8_COLLATION]));
  });

  test("every CREATE is guarded or CREATE OR ALTER, so a rerun changes nothing", () => {
    for (const { where, sql } of batches) {
      const t = code(sql);
      t.forEach((tok, i) => {
        if (tok.text.toUpperCase() === "CREATE") expect([where, t[i + 1].text.toUpperCase()]).toEqual([where, "OR"]);
      });
      if (dynamicBatches(sql).some((p) => /^\s*CREATE\b/i.test(p))) expect([where, t[0].text]).toEqual([where, "IF"]);
    }
  });

  test("contains no secret: no literal after PASSWORD or SECRET, even in dynamic SQL", () => {
    for (const { where, sql } of everything) {
      const t = code(sql);
      t.forEach((tok, i) => {
        if (/^(PASSWORD|SECRET)$/i.test(tok.text) && t[i + 1]?.text === "=") {
          const value = t[i + 2];
          expect([where, value?.kind === "string" ? value.value : "(not a literal)"]).toEqual([where, "(not a literal)"]);
        }
      });
    }
    // Dynamic SQL built from a variable: a literal naming PASSWORD must end right after "=".
    for (const { sql } of everything) {
      for (const tok of code(sql))
        if (tok.kind === "string" && /PASSWORD|SECRET/i.test(tok.value)) expect(tok.value).toMatch(/PASSWORD = $/);
    }
  });

  test("the master key password is made on the server at run time", () => {
    const key = batches.find((b) => /MASTER KEY/.test(b.sql))!;
    expect(key.sql).toMatch(/NEWID\(\)/);
    expect(key.sql).toMatch(/EXEC \(@statement\)/);
  });

  test("creates no object in dbo", () => {
    for (const { sql } of everything) for (const tok of code(sql)) expect(tok.value.toLowerCase()).not.toBe("dbo");
  });

  test("never uses TYPE = HADOOP (dedicated-pool syntax) outside comments", () => {
    for (const { sql } of everything) {
      const t = code(sql).map((x) => x.text.toUpperCase());
      t.forEach((word, i) => expect(word === "TYPE" && t[i + 1] === "=" && t[i + 2] === "HADOOP").toBe(false));
    }
  });

  test("uses the workspace managed identity credential and a data source over the curated file system", () => {
    const payloads = everything.map((b) => b.sql).join("\n");
    expect(payloads).toContain("CREATE DATABASE SCOPED CREDENTIAL [WorkspaceIdentity] WITH IDENTITY = 'Managed Identity'");
    expect(names.location).toBe(`https://${base.names.lakeAccount}.dfs.core.windows.net/curated`);
    expect(payloads).toContain(
      `CREATE EXTERNAL DATA SOURCE [relmesh_curated] WITH (LOCATION = '${names.location}', CREDENTIAL = [WorkspaceIdentity])`,
    );
    expect(payloads).toContain("CREATE SCHEMA [relmesh]");
  });
});

describe("views", () => {
  const views = all.find((s) => s.name === "03-views.sql")!.batches.map(parseView);
  const contract = goldContract();

  test("one view per contract table, each in its own batch, in the relmesh schema", () => {
    expect(views.map((v) => `${v.schema}.${v.name}`)).toEqual(contract.tables.map((t) => `relmesh.${t.view}`));
    expect(views.map((v) => v.name)).toEqual(expect.arrayContaining(["pair_scores", "account_scores", "checklist", "touchpoints"]));
  });

  test.each(contract.tables.map((t) => [t.view, t]))(
    "%s selects exactly its served contract columns, typed by the contract",
    (_v, table) => {
      const view = views.find((v) => v.name === table.view)!;
      const served = servedColumns(table);
      expect(view.selected).toEqual(served.map((c) => c.name));
      expect(view.withColumns.map((c) => c.name)).toEqual(served.map((c) => c.name));
      for (const c of served) {
        const declared = view.withColumns.find((w) => w.name === c.name)!.type;
        expect(declared).toBe(withType(c.sqlType));
        const bare = declared.replace(/ COLLATE .*$/, "");
        expect([c.name, compatible(c.sparkType, bare)]).toEqual([c.name, true]);
        if (bare.startsWith("VARCHAR")) expect(declared).toBe(`${bare} COLLATE ${UTF8_COLLATION}`);
      }
      expect(view.selected).not.toContain("row_hash");
    },
  );

  test.each(contract.tables.map((t) => [t.view, t]))("%s reads the Delta table root through the data source", (_v, table) => {
    const view = views.find((v) => v.name === table.view)!;
    expect(view.bulk).toBe(`${table.zone}/${table.name}/`);
    expect(view.dataSource).toBe(names.dataSource);
    expect(view.format).toBe("DELTA");
  });
});

describe("grants", () => {
  const grants = all.find((s) => s.name === "04-grants.sql")!;

  test("creates the readers' user from Entra and checks its SID is the configured group", () => {
    expect(dynamicBatches(grants.batches[0])).toEqual(["CREATE USER [relmesh-report-readers] FROM EXTERNAL PROVIDER"]);
    expect(grants.batches[0]).toContain(`CONVERT(UNIQUEIDENTIFIER, N'${READERS}')`);
    expect(grants.batches[0]).toMatch(/THROW 50001/);
  });

  test("grants SELECT on the schema and REFERENCES on the credential", () => {
    expect(grants.batches[1]).toContain("GRANT SELECT ON SCHEMA::[relmesh] TO [relmesh-report-readers];");
    expect(grants.batches[1]).toContain("GRANT REFERENCES ON DATABASE SCOPED CREDENTIAL::[WorkspaceIdentity] TO [relmesh-report-readers];");
  });

  test("quotes a group name holding ] and '", () => {
    const odd = sqlScripts(withReaders, { readersGroupName: "Sales ]Team' EU" }).find((s) => s.name === "04-grants.sql")!;
    expect(odd.batches[1]).toContain("TO [Sales ]]Team' EU];");
    for (const b of odd.batches) expect(batchProblems(b)).toEqual([]);
  });
});

describe("splitBatches and renderSqlFile", () => {
  test("a rendered file splits back into the same batches", () => {
    for (const s of all) expect(splitBatches(renderSqlFile(s))).toEqual(s.batches);
  });

  test("splits on GO alone on a line, any case, with ; or a trailing comment", () => {
    expect(splitBatches("SELECT 1\ngo\nSELECT 2\n  GO ;  -- next\nSELECT 3\r\nGo\r\n")).toEqual(["SELECT 1", "SELECT 2", "SELECT 3"]);
  });

  test("does not split on GO inside strings, identifiers or comments, or on words containing GO", () => {
    const script = "SELECT 'a\nGO\nb' AS [x\nGO\n]\n/*\nGO\n*/\nSELECT 1 AS GOAL -- GO\nGO\nSELECT 2";
    expect(splitBatches(script)).toEqual(["SELECT 'a\nGO\nb' AS [x\nGO\n]\n/*\nGO\n*/\nSELECT 1 AS GOAL -- GO", "SELECT 2"]);
  });

  test("keeps doubled quotes inside a literal", () => {
    expect(splitBatches("SELECT 'it''s\nGO\nfine'\nGO")).toEqual(["SELECT 'it''s\nGO\nfine'"]);
  });

  test("refuses GO <count> and unterminated literals", () => {
    expect(() => splitBatches("SELECT 1\nGO 2\n")).toThrow("'GO 2' repeats a batch; deployment scripts run each batch once");
    expect(() => splitBatches("SELECT 'oops\nGO\n")).toThrow("unterminated ' quote in SQL script");
  });
});

describe("the checker itself", () => {
  test("catches a view that is not first in its batch, a second CREATE DATABASE statement and bad nesting", () => {
    expect(batchProblems("SELECT 1;\nCREATE VIEW [s].[v] AS SELECT 1 AS a")).toContain(
      "batch: CREATE VIEW must be the first statement of its batch",
    );
    expect(batchProblems("CREATE DATABASE x; SELECT 1")).toContain("batch: CREATE DATABASE must be the only statement of its batch");
    expect(batchProblems("SELECT (1")).toContain("batch: unbalanced parentheses");
    expect(batchProblems("EXEC (N'SELECT (1')")).toContain("batch EXEC #1: unbalanced parentheses");
  });

  test("tokenizes doubled quotes and N'' strings", () => {
    expect(tokenize("N'a''b' [c]]d]").map((t) => t.value)).toEqual(["a'b", "c]d"]);
  });
});
