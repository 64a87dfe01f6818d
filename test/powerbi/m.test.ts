/**
 * Every Power Query M expression of the model (each partition's source, each parameter) parses with
 * Microsoft's own M parser, @microsoft/powerquery-parser; broken M is rejected, so the check can fail.
 * The expressions are taken from the TMDL as read back, i.e. as Desktop would read them.
 */
import { DefaultSettings, TaskUtils } from "@microsoft/powerquery-parser";
import { partitionSource } from "../../powerbi";
import { readDevModel } from "./helpers";

/** Lexes and parses `text` as an M document; returns the error message, or undefined when it parses. */
async function mError(text: string): Promise<string | undefined> {
  const task = await TaskUtils.tryLexParse(DefaultSettings, text);
  if (TaskUtils.isParseStageOk(task)) return undefined;
  return TaskUtils.isError(task) ? task.error.message : "not parsed";
}

const model = readDevModel();
const expressions: [string, string][] = [
  ...[...model.tables.values()].flatMap((t) => t.partitions.map((p): [string, string] => [`partition ${t.name}`, p.source])),
  ...[...model.expressions].map(([name, m]): [string, string] => [`expression ${name}`, m]),
];

test("the model has an M expression per table partition and both parameters", () => {
  expect(expressions.map(([what]) => what)).toEqual(
    expect.arrayContaining(["partition account_scores", "expression SqlEndpoint", "expression SqlDatabase"]),
  );
  expect(expressions).toHaveLength(model.tables.size + 2);
});

test.each(expressions)("%s parses as M", async (_what, m) => {
  expect(await mError(m)).toBeUndefined();
});

test("every partition reads its view through Sql.Database(SqlEndpoint, SqlDatabase) in the contract schema", () => {
  for (const t of model.tables.values()) {
    expect(t.partitions[0].source).toBe(partitionSource("relmesh", t.name));
    expect(t.partitions[0].source).toContain("Sql.Database(SqlEndpoint, SqlDatabase)");
  }
});

test("the parser rejects broken M (a missing `in`, an unclosed record, a dangling operator)", async () => {
  const good = partitionSource("relmesh", "account_scores");
  expect(await mError(good.replace("\nin\n", "\n"))).toBeDefined();
  expect(await mError(good.replace("[Data]", "[Data"))).toBeDefined();
  expect(await mError('"relmesh_serving" meta [IsParameterQuery = true,')).toBeDefined();
  expect(await mError("1 +")).toBeDefined();
});

test("a view name with a quote is escaped in the M text literal", async () => {
  const m = partitionSource("relmesh", 'odd"view');
  expect(m).toContain('Item = "odd""view"');
  expect(await mError(m)).toBeUndefined();
});
