/**
 * The dev stack's Power BI project, checked in under test/golden/powerbi/ so a reviewer can open it in
 * Desktop without running synth and see in the diff what a contract or design change does to the
 * model and the pages. After a deliberate change, regenerate with
 * `UPDATE_GOLDEN=1 npx jest test/powerbi/golden` and review the diff.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { devProject } from "./helpers";

const GOLDEN = join(__dirname, "..", "golden", "powerbi");
const { files } = devProject();

/** Files under `dir`, leaving out `.pbi/`: Desktop writes its local cache there when the copy is opened (gitignored). */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f !== ".pbi")
    .flatMap((f) => (statSync(join(dir, f)).isDirectory() ? listFiles(join(dir, f)) : [join(dir, f)]));
}

beforeAll(() => {
  if (process.env.UPDATE_GOLDEN !== "1") return;
  rmSync(GOLDEN, { recursive: true, force: true });
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(GOLDEN, path)), { recursive: true });
    writeFileSync(join(GOLDEN, path), content);
  }
});

test("the generator writes exactly the golden set of files for the dev stack", () => {
  const golden = listFiles(GOLDEN)
    .map((f) => relative(GOLDEN, f).split(sep).join("/"))
    .sort();
  expect(Object.keys(files).sort()).toEqual(golden);
});

test("every file equals its golden file byte for byte", () => {
  const differing = Object.entries(files)
    .filter(([path, content]) => !existsSync(join(GOLDEN, path)) || readFileSync(join(GOLDEN, path), "utf8") !== content)
    .map(([path]) => path);
  // Regenerate deliberately with UPDATE_GOLDEN=1 and review the diff.
  expect(differing).toEqual([]);
});
