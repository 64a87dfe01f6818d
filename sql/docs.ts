/**
 * docs/gold-schema.md, rendered from sql/gold-schema.json so the documented schema cannot drift from
 * the one the views use (test/sql/contract.test.ts compares the file with this output).
 * Regenerate: `npx tsx sql/docs.ts`.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { LAKE_DATABASES } from "../config/runtime";
import { goldContract, servedColumns, type GoldContract } from "./contract";

const escape = (text: string) => text.replace(/\|/g, "\\|");

export function renderGoldSchemaMarkdown(contract: GoldContract = goldContract()): string {
  const out: string[] = [
    "# Gold schema: the serving contract",
    "",
    "<!-- Generated from sql/gold-schema.json by sql/docs.ts; edit the JSON, then run `npx tsx sql/docs.ts`. -->",
    "",
    "Power BI and anyone with SQL access read these views on the Synapse **serverless** SQL endpoint",
    "`<workspace>-ondemand.sql.azuresynapse.net`, database `<prefix>_serving` (`relmesh_serving` by default),",
    `schema \`${contract.schema}\`. Each view is a thin \`OPENROWSET(… FORMAT = 'DELTA')\` over one Delta table of the`,
    "curated file system, with the column types below; strings use the UTF-8 collation",
    `\`${contract.collation}\`. Gold tables are snapshots for their \`as_of\` date (the latest run replaces them).`,
    "",
    "Stability: renaming, removing or retyping a column is a breaking change for the Power BI model.",
    "`test/notebooks/test_gold_contract.py` fails when the notebooks write anything other than what is listed here.",
    "Nullability is the Delta column's; serverless views do not enforce it.",
    "",
    `Lake databases: \`03_score\` also registers every silver and gold Delta table in the Spark lake databases`,
    `\`${LAKE_DATABASES.silver}\` and \`${LAKE_DATABASES.gold}\` at their lake locations, so Synapse Studio lists them`,
    "(Data → Lake database). The views above stay the Power BI contract: their types are fixed here, while a lake",
    "database table's types follow its Delta log.",
    "",
    "| view | Delta table | key | rows |",
    "| --- | --- | --- | --- |",
  ];
  for (const t of contract.tables) {
    out.push(
      `| \`${contract.schema}.${t.view}\` | \`${t.zone}/${t.name}\` | ${t.key.map((k) => `\`${k}\``).join(", ")} | ${escape(t.description)} |`,
    );
  }
  for (const t of contract.tables) {
    out.push(
      "",
      `## ${contract.schema}.${t.view}`,
      "",
      `${escape(t.description)} Delta table \`${t.zone}/${t.name}\`; key ${t.key.map((k) => `\`${k}\``).join(" + ")}.`,
      "",
    );
    out.push("| column | SQL type | Spark type | nullable | description |", "| --- | --- | --- | --- | --- |");
    for (const c of t.columns) {
      const served = c.served === false ? " *(in Delta only, not in the view)*" : "";
      out.push(`| \`${c.name}\` | ${c.sqlType} | ${c.sparkType} | ${c.nullable ? "yes" : "no"} | ${escape(c.description)}${served} |`);
    }
    const hidden = t.columns.length - servedColumns(t).length;
    if (hidden > 0) out.push("", `The view selects ${servedColumns(t).length} of the ${t.columns.length} Delta columns.`);
  }
  return `${out.join("\n")}\n`;
}

if (require.main === module) {
  const file = join(__dirname, "..", "docs", "gold-schema.md");
  writeFileSync(file, renderGoldSchemaMarkdown());
  process.stdout.write(`wrote ${file}\n`);
}
