import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compatible, contractProblems, goldContract, type GoldContract } from "../../sql";
import { renderGoldSchemaMarkdown } from "../../sql/docs";

const contract = goldContract();
const table = (name: string) => contract.tables.find((t) => t.name === name)!;
const columns = (name: string) => table(name).columns.map((c) => c.name);

describe("sql/gold-schema.json", () => {
  test("keeps every rule: known types, snake_case, keys that exist, descriptions", () => {
    expect(contractProblems(contract)).toEqual([]);
  });

  test("lists the gold tables the dashboards read and the reporting dimensions", () => {
    expect(contract.tables.map((t) => `${t.zone}/${t.name}`)).toEqual([
      "gold/pair_scores",
      "gold/account_scores",
      "gold/checklist",
      "gold/touchpoints",
      "gold/interactions_weekly",
      "gold/contact_colleagues",
      "gold/who_knows_whom",
      "gold/discovered_contacts",
      "silver/dim_account",
      "silver/dim_contact",
      "silver/dim_seller",
    ]);
  });

  test("holds the DESIGN.md contract columns", () => {
    expect(columns("pair_scores")).toEqual(
      expect.arrayContaining(["seller_id", "contact_id", "score", "raw_score", "first_interaction_at", "last_interaction_at", "trend"]),
    );
    expect(columns("account_scores")).toEqual(
      expect.arrayContaining([
        "account_id",
        "connectivity_score",
        "status",
        "days_since_last_interaction",
        "connected_contacts",
        "connected_sellers",
        "exec_coverage",
        "is_high_priority",
        "trend",
      ]),
    );
    expect(columns("checklist")).toEqual(expect.arrayContaining(["account_id", "item", "satisfied", "evidence_at"]));
    for (const t of ["pair_scores", "account_scores", "checklist", "touchpoints"]) {
      expect(columns(t).slice(-3)).toEqual(["as_of", "load_id", "row_hash"]);
    }
  });

  test("serves every column but row_hash", () => {
    for (const t of contract.tables) {
      expect(t.columns.filter((c) => c.served === false).map((c) => c.name)).toEqual(["row_hash"]);
    }
  });

  test("a hand edit that breaks a rule is reported with the table and column", () => {
    const broken = JSON.parse(JSON.stringify(contract)) as GoldContract;
    broken.tables[0].columns[3].sqlType = "INT";
    broken.tables[1].key = ["nope"];
    expect(contractProblems(broken)).toEqual([
      "gold/pair_scores.decayed_weight: INT cannot hold Spark double",
      "gold/account_scores: key column nope is not a column",
    ]);
  });

  test.each([
    ["string", "VARCHAR(256)", true],
    ["string", "VARCHAR(MAX)", true],
    ["string", "NVARCHAR(256)", false],
    ["double", "FLOAT", true],
    ["double", "REAL", false],
    ["bigint", "BIGINT", true],
    ["bigint", "INT", false],
    ["int", "INT", true],
    ["boolean", "BIT", true],
    ["date", "DATE", true],
    ["date", "DATETIME2(7)", false],
    ["timestamp", "DATETIME2(7)", true],
    ["timestamp", "DATETIME", false],
    ["array<string>", "VARCHAR(MAX)", true],
    ["array<string>", "VARCHAR(4000)", false],
    ["decimal(18,2)", "DECIMAL(18,2)", true],
  ])("Spark %s in SQL %s: %s", (spark, sql, ok) => {
    expect(compatible(spark, sql)).toBe(ok);
  });

  test("is frozen, so no caller can change the contract for the next", () => {
    expect(() => {
      (contract.tables[0].columns[0] as { name: string }).name = "x";
    }).toThrow(TypeError);
  });
});

describe("docs/gold-schema.md", () => {
  test("is the rendering of sql/gold-schema.json (run `npx tsx sql/docs.ts` after editing the JSON)", () => {
    const file = readFileSync(join(__dirname, "..", "..", "docs", "gold-schema.md"), "utf8");
    expect(file).toBe(renderGoldSchemaMarkdown(contract));
  });

  test("documents every column of every table", () => {
    const md = renderGoldSchemaMarkdown(contract);
    for (const t of contract.tables) {
      expect(md).toContain(`## relmesh.${t.view}`);
      for (const c of t.columns) expect(md).toContain(`| \`${c.name}\` | ${c.sqlType} | ${c.sparkType} |`);
    }
  });
});
