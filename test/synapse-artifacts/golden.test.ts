/**
 * Golden files of `relmesh synth` for the dev stack, under test/golden/synth/. Reviewers read them
 * to see what a change does to the deployed artifacts. After a deliberate change, regenerate with
 * `UPDATE_GOLDEN=1 npx jest test/synapse-artifacts/golden` and review the diff.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { synapseArtifacts } from "../../synapse-artifacts";
import { synthFiles, type SynthResult } from "../../synapse-artifacts/synth";
import { devConfig, inputsFor, ROOT } from "./helpers";

const GOLDEN = join(ROOT, "test", "golden", "synth");

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? listFiles(join(dir, f)) : [join(dir, f)]));
}

async function synthOnce(): Promise<SynthResult> {
  const inputs = inputsFor(devConfig());
  // Without the SQL: sql/ keeps its own golden files, and a SQL change should not fail this one.
  return synthFiles(inputs, synapseArtifacts(inputs), []);
}

let first: SynthResult;
beforeAll(async () => {
  first = await synthOnce();
  if (process.env.UPDATE_GOLDEN === "1") {
    rmSync(GOLDEN, { recursive: true, force: true });
    for (const [path, content] of Object.entries(first.files)) {
      mkdirSync(dirname(join(GOLDEN, path)), { recursive: true });
      writeFileSync(join(GOLDEN, path), content);
    }
  }
});

test("synth writes exactly the golden set of files for the dev stack", () => {
  const golden = listFiles(GOLDEN)
    .map((f) => relative(GOLDEN, f).split("\\").join("/"))
    .sort();
  expect(Object.keys(first.files).sort()).toEqual(golden);
});

test("every synth file equals its golden file byte for byte", () => {
  const differing = Object.entries(first.files)
    .filter(([path, content]) => !existsSync(join(GOLDEN, path)) || readFileSync(join(GOLDEN, path), "utf8") !== content)
    .map(([path]) => path);
  // Regenerate deliberately with UPDATE_GOLDEN=1 and review the diff.
  expect(differing).toEqual([]);
});

test("synth is byte-identical across two runs (sorted keys, no timestamps)", async () => {
  const second = await synthOnce();
  expect(second.files).toEqual(first.files);
});

test("the manifest lists every other file with its sha256 and counts per kind", () => {
  const manifest = JSON.parse(first.files["manifest.json"]);
  const listed = manifest.files.map((f: { path: string }) => f.path);
  expect(listed).toEqual(
    Object.keys(first.files)
      .filter((p) => p !== "manifest.json")
      .sort(),
  );
  expect(manifest.counts).toEqual({ linkedService: 5, dataset: 7, notebook: 13, pipeline: 5, trigger: 2, sql: 0 });
  expect(manifest.configFingerprint).toMatch(/^[0-9a-f]{64}$/);
});
