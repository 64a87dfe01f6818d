/**
 * A structural TMDL reader of our own (no TMDL parser is published on npm, docs/platform-facts.md
 * §7.3): it reads the rendered files back into objects, rejecting what TMDL does not allow — space
 * indentation, a jump of more than one level, an unquoted name that needs quotes, a stray line — and
 * keeps each multi-line expression as text. It knows only the subset of TMDL the generator writes
 * (https://learn.microsoft.com/analysis-services/tmdl/tmdl-overview), so anything else is an error.
 */

export interface TmdlObject {
  /** `table`, `column`, `measure`, `partition`, `relationship`, `expression`, `model`, `ref table`… */
  type: string;
  /** Unquoted name ('' undone); empty for unnamed objects (database, dataAccessOptions). */
  name: string;
  /** The text after ` = ` (DAX, M, or a partition's source kind), multi-line joined with LF. */
  expression?: string;
  description?: string;
  /** Property → value; a bare flag (isHidden) has the value `true`. Multi-line values (source) as text. */
  properties: Map<string, string | true>;
  children: TmdlObject[];
  line: number;
}

export class TmdlError extends Error {}

/** Object keywords that take a name. */
const NAMED = new Set(["model", "table", "column", "measure", "partition", "relationship", "expression", "annotation", "culture"]);
/** Object keywords without a name. */
const UNNAMED = new Set(["database", "dataAccessOptions"]);
/** Properties written as a bare word. */
const FLAGS = new Set(["isHidden", "legacyRedirects", "returnErrorValuesAsNull"]);
/** Properties whose value may be an expression on the lines below. */
const MULTILINE = new Set(["source"]);

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Reads a name at the start of `text`: a plain identifier or a single-quoted name. Returns [name, rest]. */
export function readName(text: string, where: string): [string, string] {
  if (text.startsWith("'")) {
    let i = 1;
    let name = "";
    for (;;) {
      if (i >= text.length) throw new TmdlError(`${where}: unterminated quoted name in "${text}"`);
      if (text[i] === "'" && text[i + 1] === "'") {
        name += "'";
        i += 2;
      } else if (text[i] === "'") return [name, text.slice(i + 1)];
      else name += text[i++];
    }
  }
  const m = IDENT.exec(text);
  if (!m) throw new TmdlError(`${where}: expected a name, got "${text}"`);
  return [m[0], text.slice(m[0].length)];
}

/** `table.column` with either part quoted. */
export function readColumnRef(text: string, where: string): { table: string; column: string } {
  const [table, rest] = readName(text, where);
  if (!rest.startsWith(".")) throw new TmdlError(`${where}: expected table.column, got "${text}"`);
  const [column, tail] = readName(rest.slice(1), where);
  if (tail !== "") throw new TmdlError(`${where}: unexpected "${tail}" after ${table}.${column}`);
  return { table, column };
}

interface Line {
  depth: number;
  text: string;
  no: number;
}

function lines(text: string, file: string): Line[] {
  if (text.startsWith("\uFEFF")) throw new TmdlError(`${file}: starts with a byte-order mark`);
  if (text.includes("\r")) throw new TmdlError(`${file}: has CR line endings (the generator writes LF)`);
  return text.split("\n").map((raw, i) => {
    const indent = /^[\t ]*/.exec(raw)![0];
    if (indent.includes(" ") && raw.trim() !== "") throw new TmdlError(`${file}:${i + 1}: indented with spaces; TMDL indents with tabs`);
    return { depth: indent.length, text: raw.slice(indent.length), no: i + 1 };
  });
}

/** Reads a whole file into its top-level objects. */
export function readTmdl(text: string, file: string): TmdlObject[] {
  const all = lines(text, file);
  const roots: TmdlObject[] = [];
  const stack: TmdlObject[] = []; // stack[d] is the open object at depth d
  let description: string[] = [];
  let i = 0;
  while (i < all.length) {
    const { depth, text: t, no } = all[i];
    const where = `${file}:${no}`;
    i += 1;
    if (t === "") continue;
    if (depth > stack.length) throw new TmdlError(`${where}: indented ${depth} levels under an object at level ${stack.length - 1}`);
    stack.length = depth;
    if (t.startsWith("///")) {
      description.push(t.slice(3).trim());
      continue;
    }
    const parent = stack[depth - 1];
    const [word, afterWord] = /^(\w+)(.*)$/.exec(t)?.slice(1) ?? ["", t];
    if (word === "ref") {
      const [kind, rest] = readName(afterWord.trimStart(), where);
      const [name, tail] = readName(rest.trimStart(), where);
      if (tail.trim() !== "") throw new TmdlError(`${where}: unexpected "${tail.trim()}" after ref ${kind} ${name}`);
      roots.push({ type: `ref ${kind}`, name, properties: new Map(), children: [], line: no });
      continue;
    }
    // `culture: en-US` is a property of the model; `culture en-US` would be an object.
    const isProperty = /^\w+\s*:/.test(t);
    if (!isProperty && (NAMED.has(word) || UNNAMED.has(word))) {
      const obj: TmdlObject = { type: word, name: "", properties: new Map(), children: [], line: no };
      let rest = afterWord;
      if (NAMED.has(word)) [obj.name, rest] = readName(rest.trimStart(), where);
      const eq = /^\s*=\s?(.*)$/.exec(rest);
      if (eq) obj.expression = eq[1];
      else if (rest.trim() !== "")
        throw new TmdlError(`${where}: unexpected "${rest.trim()}" after ${word} ${obj.name} (a name with spaces needs quotes)`);
      if (description.length > 0) obj.description = description.join("\n");
      description = [];
      (parent ? parent.children : roots).push(obj);
      stack[depth] = obj;
      continue;
    }
    if (!parent) throw new TmdlError(`${where}: property "${t}" outside any object`);
    if (description.length > 0) throw new TmdlError(`${where}: a /// description must precede an object, not a property`);
    const prop = /^(\w+)\s*(:|=)\s*(.*)$/.exec(t);
    if (prop && prop[2] === ":") parent.properties.set(prop[1], prop[3]);
    else if (prop && MULTILINE.has(prop[1]) && prop[3] === "") {
      // The expression is every following line at least two levels deeper than the property (or empty).
      const body: string[] = [];
      while (i < all.length && (all[i].text === "" || all[i].depth >= depth + 2)) {
        body.push(all[i].text === "" ? "" : `${"\t".repeat(all[i].depth - depth - 2)}${all[i].text}`);
        i += 1;
      }
      if (body.join("").trim() === "") throw new TmdlError(`${where}: ${prop[1]} = has no expression below it`);
      parent.properties.set(prop[1], body.join("\n").replace(/\n+$/, ""));
    } else if (FLAGS.has(t)) parent.properties.set(t, true);
    else throw new TmdlError(`${where}: cannot read "${t}" in ${parent.type} ${parent.name}`);
  }
  if (description.length > 0) throw new TmdlError(`${file}: a /// description at the end of the file describes nothing`);
  return roots;
}
