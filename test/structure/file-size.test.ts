/**
 * No source file of a stage past 400 lines (house rule: split by responsibility), so each file holds
 * one concern a reader can keep in mind. Tests are not counted: a fixture or a table of cases may be
 * long without mixing concerns.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const STAGE_FOLDERS = ["config", "sample", "notebooks", "sql", "synapse-artifacts", "powerbi", "dashboard", "stacks", "cli"];
const SKIP = new Set(["node_modules", ".venv", ".git", "out", "dist", "__pycache__"]);
const SOURCE = /\.(ts|js|py)$/;
const MAX_LINES = 400;

/** Repository-relative paths of every .ts, .js and .py file under the stage folders. */
function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(ROOT, rel))) {
      if (SKIP.has(name)) continue;
      const child = `${rel}/${name}`;
      if (statSync(join(ROOT, child)).isDirectory()) walk(child);
      else if (SOURCE.test(name) && !name.endsWith(".d.ts")) files.push(child);
    }
  };
  STAGE_FOLDERS.forEach(walk);
  return files.sort();
}

test("no source file of a stage is longer than 400 lines", () => {
  const files = sourceFiles();
  expect(files).toContain("config/stack.ts");
  const long = files
    .map((file) => ({ file, lines: readFileSync(join(ROOT, file), "utf8").split("\n").length - 1 }))
    .filter((f) => f.lines > MAX_LINES)
    .map((f) => `${f.file}: ${f.lines} lines (split it by responsibility into files of at most ${MAX_LINES})`);
  expect(long).toEqual([]);
});
