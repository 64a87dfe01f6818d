/**
 * The TMDL of the semantic model, read back with our own structural reader: tab indentation, names
 * quoted where needed, and every reference resolving. Each check is also shown to fail on a broken file.
 */
import { modelProblems, readModel, daxReferences } from "./tmdl-model";
import { readColumnRef, readName, readTmdl, TmdlError } from "./tmdl-reader";
import { modelFiles, readDevModel } from "./helpers";

const files = modelFiles();
const edit = (path: string, from: string | RegExp, to: string) => {
  const copy = { ...files };
  const before = copy[path];
  copy[path] = before.replace(from, to);
  if (copy[path] === before) throw new Error(`test edit did not change ${path}`);
  return copy;
};

describe("the generated model", () => {
  const model = readDevModel();

  test("every .tmdl file is tab-indented and reads as TMDL", () => {
    const tmdl = Object.keys(files).filter((p) => p.endsWith(".tmdl"));
    expect(tmdl.length).toBeGreaterThanOrEqual(12);
    for (const path of tmdl) expect(() => readTmdl(files[path], path)).not.toThrow();
  });

  test("its references all resolve: ref tables, relationships, sort-by columns, DAX columns and measures", () => {
    expect(modelProblems(model)).toEqual([]);
  });

  test("it references eight tables, each with one import partition reading its view", () => {
    expect(model.refs).toEqual([
      "account_scores",
      "pair_scores",
      "checklist",
      "touchpoints",
      "interactions_weekly",
      "who_knows_whom",
      "dim_seller",
      "dim_contact",
    ]);
    for (const t of model.tables.values()) {
      expect(t.partitions).toEqual([{ name: t.name, mode: "import", source: expect.stringContaining(`Item = "${t.name}"`) }]);
    }
  });

  test("transaction_size is sorted by its band order, and keys are hidden", () => {
    const a = model.tables.get("account_scores")!;
    expect(a.columns.get("transaction_size")!.sortByColumn).toBe("transaction_size_order");
    expect(a.columns.get("account_id")!.isHidden).toBe(true);
    expect(a.columns.get("name")!.isHidden).toBe(false);
  });

  test("no e-mail address column is loaded", () => {
    const columns = [...model.tables.values()].flatMap((t) => [...t.columns.keys()]);
    expect(columns.filter((c) => /email$/.test(c))).toEqual([]);
  });

  test("a name with spaces is read back from its quotes", () => {
    expect(model.tables.get("account_scores")!.measures.get("High priority accounts")).toContain("COUNTROWS('account_scores')");
  });
});

describe("the reader rejects a broken file", () => {
  const table = "definition/tables/account_scores.tmdl";

  test("space indentation", () => {
    expect(() => readModel(edit(table, "\tcolumn name\n", "    column name\n"))).toThrow(
      new TmdlError(
        `${table}:` + String(files[table].split("\n").indexOf("\tcolumn name") + 1) + ": indented with spaces; TMDL indents with tabs",
      ),
    );
  });

  test("a property indented two levels below its object", () => {
    expect(() => readModel(edit(table, "\t\tdataType: int64\n", "\t\t\tdataType: int64\n"))).toThrow(
      /indented 3 levels under an object at level 1/,
    );
  });

  test("a name with spaces left unquoted", () => {
    expect(() => readModel(edit(table, "measure 'High priority accounts' =", "measure High priority accounts ="))).toThrow(
      /a name with spaces needs quotes/,
    );
  });

  test("an unterminated quoted name, and a column reference without its table", () => {
    expect(() => readName("'High priority", "x")).toThrow(/unterminated quoted name/);
    expect(() => readColumnRef("account_id", "x")).toThrow(/expected table.column/);
    expect(readColumnRef("'my table'.'it''s'", "x")).toEqual({ table: "my table", column: "it's" });
  });

  test("CR line endings and a byte-order mark", () => {
    expect(() => readTmdl("database\r\n\tcompatibilityLevel: 1567\r\n", "db.tmdl")).toThrow(/CR line endings/);
    expect(() => readTmdl("\uFEFFdatabase\n", "db.tmdl")).toThrow(/byte-order mark/);
  });
});

describe("the reference checks find a broken reference", () => {
  test("a ref table without its file", () => {
    const copy = { ...files };
    delete copy["definition/tables/checklist.tmdl"];
    expect(modelProblems(readModel(copy))).toContain("ref table checklist has no definition/tables/checklist.tmdl");
  });

  test("a relationship to a column that does not exist", () => {
    const broken = edit("definition/relationships.tmdl", "fromColumn: checklist.account_id", "fromColumn: checklist.account");
    expect(modelProblems(readModel(broken))).toEqual(["relationship checklist_account_id: checklist.account does not exist"]);
  });

  test("a sort-by column that does not exist", () => {
    const broken = edit("definition/tables/account_scores.tmdl", "sortByColumn: transaction_size_order", "sortByColumn: size_rank");
    expect(modelProblems(readModel(broken))).toEqual(["account_scores.transaction_size is sorted by size_rank, which does not exist"]);
  });

  test("a measure naming a missing column, table or measure", () => {
    const broken = edit(
      "definition/tables/account_scores.tmdl",
      "AVERAGE('account_scores'[connectivity_score])",
      "AVERAGE('account_score'[connectivity]) + [No such measure]",
    );
    expect(modelProblems(readModel(broken))).toEqual([
      "measure Connectivity score: 'account_score'[connectivity] does not exist",
      "measure Connectivity score: [No such measure] is not a measure",
    ]);
  });

  test("DAX references ignore text inside string literals", () => {
    expect(daxReferences(`CALCULATE([A], 'T'[c] = "[not a measure]", 'U')`)).toEqual({
      tables: ["U"],
      columns: [{ table: "T", column: "c" }],
      measures: ["A"],
    });
  });
});
