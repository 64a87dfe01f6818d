/** cli/render.ts: the run output's step lines read as sentences, not raw step JSON. */
import { renderEvent } from "../../cli/render";

function printed(event: Record<string, unknown>): string {
  const lines: string[] = [];
  const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    renderEvent(event);
  } finally {
    spy.mockRestore();
  }
  return lines.join("");
}

test("a column a new release added to an existing table is named, with the table", () => {
  expect(printed({ event: "step", step: "schema", table: "account_scores", added: ["discovered_contacts"] })).toBe(
    "  account_scores: column discovered_contacts added to the table an earlier release wrote\n",
  );
  expect(printed({ event: "step", step: "schema", table: "pair_scores", added: ["a", "b"] })).toBe(
    "  pair_scores: columns a, b added to the table an earlier release wrote\n",
  );
});

test("the scoring state, the lake databases and a gold table each read as a sentence", () => {
  expect(printed({ event: "step", step: "state", refresh: "rebuilt", reason: "no state yet", days_rebuilt: 120, days: 120 })).toBe(
    "  state: rebuilt (no state yet); 120 of 120 days rebuilt\n",
  );
  expect(printed({ event: "step", step: "lake.gold", database: "relmesh_gold", tables: ["a", "b"] })).toBe(
    "  lake.gold: 2 tables registered in lake database relmesh_gold (a, b)\n",
  );
  expect(printed({ event: "step", step: "gold.contact_colleagues", rows: 528, inserted: 528, updated: 0, deleted: 0 })).toBe(
    "  gold.contact_colleagues: 528 rows; merged +528 ~0 -0\n",
  );
});
