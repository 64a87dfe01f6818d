/**
 * The top-level folders are the stages of the data's path, and imports point one way along it:
 * config/ → sample/ → notebooks/ → sql/ and synapse-artifacts/ (pure generators of what is published)
 * → powerbi/ (the Power BI project over the views) → dashboard/ (the local two-page dashboard, which
 * takes the measure names from powerbi/) → stacks/ (the Pulumi program and the publisher, the only
 * I/O to Azure) → cli/ → test/.
 *
 * Every TypeScript file's relative imports (static, `import type`, `export … from`, dynamic `import()`
 * and `require()`, read with the TypeScript scanner so comments and strings do not count) must point
 * at its own stage or an earlier one, no two files may import each other through any loop, and no two
 * folders of one stage may import each other.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import * as ts from "typescript";

const ROOT = resolve(__dirname, "../..");

/** The stages in order; folders in one inner list share a stage. */
const STAGES: readonly (readonly string[])[] = [
  ["config"],
  ["sample"],
  ["notebooks"],
  ["sql", "synapse-artifacts"],
  ["powerbi"],
  ["dashboard"],
  ["stacks"],
  ["cli"],
  ["test"],
];
const RANK: ReadonlyMap<string, number> = new Map(STAGES.flatMap((folders, i) => folders.map((f): [string, number] => [f, i])));
const SKIP = new Set(["node_modules", ".venv", ".git", "out", "dist"]);

const posix = (p: string) => p.split(sep).join("/");
const folderOf = (file: string) => file.split("/")[0];

/** Repository-relative paths of every .ts file under the top-level folders. */
function tsFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(join(ROOT, dir))) {
      if (SKIP.has(name)) continue;
      const rel = dir === "" ? name : `${dir}/${name}`;
      if (statSync(join(ROOT, rel)).isDirectory()) walk(rel);
      else if (rel.endsWith(".ts") && !rel.endsWith(".d.ts") && rel.includes("/")) files.push(rel);
    }
  };
  walk("");
  return files.sort();
}

/** The repository file a relative specifier names, as Node and TypeScript resolve it (x.ts, x/index.ts, x.json). */
function resolveRelative(from: string, spec: string): string | undefined {
  const base = resolve(ROOT, dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, "index.ts"), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return posix(relative(ROOT, candidate));
  }
  return undefined;
}

/** file → the repository files it imports (relative specifiers only; packages and built-ins are not edges). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles()) {
    const info = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
    const targets = new Set<string>();
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith("./") && !fileName.startsWith("../")) continue;
      const target = resolveRelative(file, fileName);
      if (target === undefined) throw new Error(`${file}: cannot resolve import "${fileName}"`);
      targets.add(target);
    }
    graph.set(file, [...targets].sort());
  }
  return graph;
}

/** Strongly connected components with more than one member, or a member importing itself (Tarjan). */
function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return found;
}

const GRAPH = importGraph();
const EDGES = [...GRAPH].flatMap(([from, targets]) => targets.map((to) => ({ from, to })));

test("the scan reads static, type-only, dynamic and require imports, and JSON imports", () => {
  const has = (from: string, to: string) => GRAPH.get(from)?.includes(to) ?? false;
  expect(GRAPH.size).toBeGreaterThan(100);
  expect(has("stacks/publish/providers.ts", "sql/objects.ts")).toBe(true);
  expect(has("stacks/publish/sql/tedious.ts", "stacks/publish/sql/execute.ts")).toBe(true); // import type
  expect(has("cli/main.ts", "cli/start.ts")).toBe(true); // await import("./start")
  expect(has("sql/contract.ts", "sql/gold-schema.json")).toBe(true);
  expect(has("synapse-artifacts/report.ts", "config/roles.ts")).toBe(true);
});

test("every top-level folder holding TypeScript has a place in the stage order", () => {
  const unplaced = [...new Set([...GRAPH.keys()].map(folderOf))].filter((f) => !RANK.has(f));
  expect(unplaced).toEqual([]);
});

test("no file imports a folder later in the stage order than its own", () => {
  const backEdges = EDGES.filter(({ from, to }) => RANK.get(folderOf(to))! > RANK.get(folderOf(from))!).map(
    ({ from, to }) => `${from} -> ${to}`,
  );
  expect(backEdges).toEqual([]);
});

test("no two folders of one stage import each other", () => {
  const folderGraph = new Map<string, string[]>();
  for (const { from, to } of EDGES) {
    const [a, b] = [folderOf(from), folderOf(to)];
    if (a !== b && !folderGraph.get(a)?.includes(b)) folderGraph.set(a, [...(folderGraph.get(a) ?? []), b]);
  }
  expect(cycles(folderGraph)).toEqual([]);
});

test("no import cycles between files", () => {
  expect(cycles(GRAPH)).toEqual([]);
});

test("the cycle finder finds a loop and a self-import", () => {
  expect(
    cycles(
      new Map([
        ["a", ["b"]],
        ["b", ["c"]],
        ["c", ["a"]],
        ["d", ["d"]],
        ["e", ["a"]],
      ]),
    ),
  ).toEqual([["a", "b", "c"], ["d"]]);
});
