/**
 * Percent-format notebook sources (`notebooks/*.py`) → Synapse `NotebookResource`s.
 *
 * The cell reader is a port of `notebooks/local/notebook_source.py`, the reader the local runner
 * executes, so Synapse receives exactly the cells that run on a laptop. Keep the two in step: the
 * test in test/synapse-artifacts/notebooks.test.ts pins the shared semantics.
 */
import type { NotebookCell, NotebookResource } from "@azure/synapse-artifacts";
import type { RelmeshConfig } from "../config/stack";

export interface SourceCell {
  kind: "code" | "markdown";
  /** Cell text without the `# %%` header; markdown without its `# ` prefixes. */
  source: string;
  tags: string[];
}

const MARKER = /^# %%(.*)$/;
const RUN = /^#\s*%run\s+([\w./-]+)\s*$/;
// Python's str.splitlines() boundaries, so a stray form feed splits here as it does in the runner.
// eslint-disable-next-line no-control-regex -- the file/group/record separators \x1c-\x1e are line breaks to Python
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const PY_WHITESPACE = "[\\s\\x1c-\\x1f\\x85]";

/** Python `str.splitlines()`: no trailing empty element when the text ends with a line break. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(LINE_BREAK);
  if (LINE_BREAK.test(text.slice(-1))) lines.pop();
  return lines;
}

const stripChars = (text: string, chars: string): string => text.replace(new RegExp(`^[${chars}]+|[${chars}]+$`, "g"), "");
const pyStrip = (text: string): string => text.replace(new RegExp(`^${PY_WHITESPACE}+|${PY_WHITESPACE}+$`, "gu"), "");

function toCell(header: string, lines: string[]): SourceCell {
  const tags = header.includes("tags=")
    ? [
        ...header
          .split("tags=")
          .slice(1)
          .join("tags=")
          .matchAll(/"([^"]+)"/g),
      ].map((m) => m[1])
    : [];
  if (header.includes("[markdown]")) {
    // `# text` loses its prefix; a bare `#` line (an empty markdown line) loses its hashes.
    const text = lines.map((l) => (l.startsWith("# ") ? l.slice(2) : l.replace(/^#+/, ""))).join("\n");
    return { kind: "markdown", source: stripChars(text, "\\n"), tags };
  }
  return { kind: "code", source: stripChars(lines.join("\n"), "\\n"), tags };
}

/** The cells of a percent-format source, as `read_cells` in notebook_source.py returns them. */
export function readCells(sourceText: string): SourceCell[] {
  const cells: SourceCell[] = [];
  let header: string | undefined;
  let current: string[] = [];
  const flush = () => {
    if (header !== undefined || current.some((l) => pyStrip(l) !== "")) cells.push(toCell(header ?? "", current));
  };
  for (const line of splitLines(sourceText)) {
    const match = MARKER.exec(line);
    if (match) {
      flush();
      header = match[1];
      current = [];
    } else {
      current.push(line);
    }
  }
  flush();
  return cells;
}

/** The notebook a `# %run name` cell includes, or undefined when the cell is ordinary code. */
export function runTarget(cell: SourceCell): string | undefined {
  if (cell.kind !== "code") return undefined;
  const lines = splitLines(pyStrip(cell.source)).filter((l) => pyStrip(l) !== "");
  if (lines.length !== 1) return undefined;
  return RUN.exec(pyStrip(lines[0]))?.[1];
}

/** Names assigned at the top level of the parameters cell: what a pipeline may pass. */
export function notebookParameters(sourceText: string): string[] {
  const cell = readCells(sourceText).find((c) => c.kind === "code" && c.tags.includes("parameters"));
  if (!cell) return [];
  return splitLines(cell.source)
    .map((l) => /^([A-Za-z_]\w*)\s*=/.exec(l)?.[1])
    .filter((n): n is string => n !== undefined);
}

/**
 * The notebook's parameters cell is the one contract between a caller and a notebook: the Synapse
 * pipelines (pipelines.ts) and the local runner (cli/run.ts) must each pass exactly those names.
 * Pure: throws naming the notebook, what is missing and what it does not declare.
 */
export function checkNotebookParameters(name: string, sourceText: string, passed: readonly string[]): void {
  const declared = notebookParameters(sourceText);
  const missing = declared.filter((p) => !passed.includes(p));
  const unknown = passed.filter((p) => !declared.includes(p));
  if (missing.length || unknown.length) {
    throw new Error(
      `notebook ${name}: the caller passes ${unknown.length ? `${unknown.join(", ")}, which its parameters cell does not declare` : "every declared parameter"}` +
        `${missing.length ? `, and not ${missing.join(", ")}` : ""}: change the caller or the notebook's parameters cell so they name the same parameters`,
    );
  }
}

/** Every notebook a source includes with `%run`, in order. */
export function includedNotebooks(sourceText: string): string[] {
  return readCells(sourceText)
    .map(runTarget)
    .filter((n): n is string => n !== undefined);
}

/** Jupyter's storage of cell text: one string per line, each ending in "\n" except the last. */
export function jupyterLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  return lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l));
}

function notebookCell(cell: SourceCell): NotebookCell {
  const metadata = cell.tags.length ? { tags: cell.tags } : {};
  if (cell.kind === "markdown") return { cellType: "markdown", metadata, source: jupyterLines(cell.source) };
  // Locally a lone `# %run x` comment is how the runner includes x; in Synapse it is the %run magic.
  const target = runTarget(cell);
  return { cellType: "code", metadata, source: target ? [`%run ${target}`] : jupyterLines(cell.source), outputs: [] };
}

/**
 * A Synapse notebook from its percent-format source. Pure. The SDK wants the camelCase names
 * (`cellType`, `nbformatMinor`, `displayName`, `languageInfo`) and converts them to the .ipynb
 * snake_case on the wire; raw .ipynb JSON fails client-side (docs/platform-facts.md §3.3).
 */
export function notebookResource(name: string, sourceText: string, config: RelmeshConfig): NotebookResource {
  const s = config.sparkSession;
  return {
    name,
    properties: {
      nbformat: 4,
      nbformatMinor: 2,
      bigDataPool: { type: "BigDataPoolReference", referenceName: config.sparkPool.name },
      sessionProperties: {
        driverMemory: s.driverMemory,
        driverCores: s.driverCores,
        executorMemory: s.executorMemory,
        executorCores: s.executorCores,
        numExecutors: s.numExecutors,
      },
      metadata: {
        kernelspec: { name: "synapse_pyspark", displayName: "Synapse PySpark" },
        languageInfo: { name: "python" },
      },
      cells: readCells(sourceText).map(notebookCell),
    },
  };
}
