/**
 * The repository stands alone: every control id and every platform-fact section the code cites is
 * defined in docs/, and nothing points at files outside the clone.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");
const FACTS_PAGE = "docs/platform-facts.md";
const CONTROLS_PAGE = "docs/security-controls.md";

/** Tracked files (repository-relative, `/`-separated); a plain walk when git is unavailable. */
function trackedFiles(): string[] {
  try {
    const out = execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    return out.split("\0").filter((f) => f !== "");
  } catch {
    const skip = new Set(["node_modules", ".venv", ".git", "test/golden"]);
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(join(ROOT, dir))) {
        const rel = dir === "" ? name : `${dir}/${name}`;
        if (skip.has(name) || skip.has(rel)) continue;
        if (statSync(join(ROOT, rel)).isDirectory()) walk(rel);
        else files.push(rel);
      }
    };
    walk("");
    return files;
  }
}

/** Text of every tracked text file that exists in the work tree. */
const TEXTS: ReadonlyMap<string, string> = new Map(
  trackedFiles().flatMap((file): Array<[string, string]> => {
    let text: string;
    try {
      text = readFileSync(join(ROOT, file), "utf8");
    } catch {
      return []; // tracked but deleted in the work tree
    }
    return text.includes("\0") ? [] : [[file, text]];
  }),
);

const read = (file: string): string => readFileSync(join(ROOT, file), "utf8");

/** `file:line: match` for every match of `re` (global) in the given files. */
function occurrences(files: Iterable<[string, string]>, re: RegExp): Array<{ where: string; match: RegExpExecArray }> {
  const found: Array<{ where: string; match: RegExpExecArray }> = [];
  for (const [file, text] of files) {
    for (const match of text.matchAll(re)) {
      const line = text.slice(0, match.index).split("\n").length;
      found.push({ where: `${file}:${line}`, match });
    }
  }
  return found;
}

test("the scan sees the docs pages and the repository's own source", () => {
  expect([...TEXTS.keys()]).toEqual(expect.arrayContaining([FACTS_PAGE, CONTROLS_PAGE, "stacks/exceptions.ts"]));
});

test("every SEC and REL id cited outside docs/ is defined in docs/security-controls.md", () => {
  const defined = new Set([...read(CONTROLS_PAGE).matchAll(/^\| ((?:SEC|REL)-\d{2}) \|/gm)].map((m) => m[1]));
  expect(defined.size).toBeGreaterThan(0);
  const outsideDocs = [...TEXTS].filter(([file]) => !file.startsWith("docs/"));
  const undefinedIds = occurrences(outsideDocs, /\b((?:SEC|REL)-\d{2})\b/g)
    .filter(({ match }) => !defined.has(match[1]))
    .map(({ where, match }) => `${where}: ${match[1]}`);
  expect(undefinedIds).toEqual([]);
});

test("every docs/platform-facts.md section reference names a heading that exists on that page", () => {
  const headings = new Set([...read(FACTS_PAGE).matchAll(/^#{2,3} (\d+(?:\.\d+)?)\.?\s/gm)].map((m) => m[1]));
  expect(headings).toContain("1.5");
  // "docs/platform-facts.md §2.2, §2.3", "… §1.2–1.3", and the markdown-link form "…md) §2.4".
  const ref = /docs\/platform-facts\.md[`)\]]* ((?:§\d+(?:\.\d+)?(?:\s*[–-]\s*\d+(?:\.\d+)?)?(?:,\s*)?)+)/g;
  const refs = occurrences(TEXTS, ref);
  expect(refs.length).toBeGreaterThan(0);
  const missing = refs.flatMap(({ where, match }) =>
    [...match[1].matchAll(/\d+(?:\.\d+)?/g)]
      .map((n) => n[0])
      .filter((n) => !headings.has(n))
      .map((n) => `${where}: §${n}`),
  );
  expect(missing).toEqual([]);
});

test("no file outside the MGDC sample conformance tests points at the shared fact sheet, security baseline or folder beside the clone", () => {
  // The conformance tests look for Microsoft's sample files and Power BI schemas beside the clone by
  // design; the fixtures README documents that same lookup.
  const allowed = (file: string): boolean =>
    file.startsWith("test/conformance/") ||
    [
      // CI runs the conformance tests where Microsoft's reference files may sit beside the checkout.
      ".ci/run",
      "test/fixtures/mgdc.ts",
      "test/fixtures/powerbi-schemas.ts",
      "test/fixtures/README.md",
      "test/notebooks/conftest.py",
      "test/notebooks/test_conformance_mgdc_samples.py",
    ].includes(file);
  const pointers = occurrences(
    [...TEXTS].filter(([file]) => !allowed(file)),
    /\.\.\/shared|shared\/FACTS|SECURITY\.md/g,
  ).map(({ where, match }) => `${where}: ${match[0]} (cite ${FACTS_PAGE} or ${CONTROLS_PAGE} instead)`);
  expect(pointers).toEqual([]);
});
