/** `relmesh synth --out DIR`: the files land under DIR, stale generated files go, other files stay. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthCommand } from "../../cli/synth";
import { UsageError } from "../../cli/args";
import { loadRelmesh } from "../../config/load";
import { sqlScripts } from "../../sql";

let out: string;
let stdout: string;
beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "relmesh-synth-"));
  mkdirSync(join(out, "pipeline"), { recursive: true });
  writeFileSync(join(out, "pipeline", "pl_renamed_long_ago.json"), "{}");
  writeFileSync(join(out, "notes.txt"), "mine");
  const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
  expect(await synthCommand(["--out", out])).toBe(0);
  stdout = write.mock.calls.map((c) => String(c[0])).join("");
  write.mockRestore();
});
afterAll(() => rmSync(out, { recursive: true, force: true }));

test("synth writes one file per artifact under DIR/<kind>/<name>.json, the SQL, the manifest and DATA-ACCESS.md", () => {
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
  for (const f of manifest.files) expect(existsSync(join(out, f.path))).toBe(true);
  expect(existsSync(join(out, "trigger", "tr_rm_daily.json"))).toBe(true);
  expect(existsSync(join(out, "DATA-ACCESS.md"))).toBe(true);
  // The serving SQL in execution order, as sql/ generates it.
  expect(manifest.files.map((f: { path: string }) => f.path).filter((p: string) => p.startsWith("sql/"))).toEqual(
    sqlScripts(loadRelmesh("dev").config).map((s) => `sql/${s.name}`),
  );
  expect(manifest.counts.sql).toBe(sqlScripts(loadRelmesh("dev").config).length);
});

test("synth replaces its own folders (a stale artifact file goes) and leaves other files alone", () => {
  expect(existsSync(join(out, "pipeline", "pl_renamed_long_ago.json"))).toBe(false);
  expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine");
});

test("synth prints counts per kind and where to start reading", () => {
  expect(stdout).toContain("5 linkedService, 7 dataset, 16 notebook, 5 pipeline, 2 trigger");
  expect(stdout).toContain(join(out, "DATA-ACCESS.md"));
});

test("synth without --out is a usage error naming the option", async () => {
  await expect(synthCommand([])).rejects.toThrow(
    new UsageError("relmesh synth: --out is required (relmesh synth --out DIR [--stack dev])"),
  );
});
