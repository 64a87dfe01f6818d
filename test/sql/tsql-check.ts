/**
 * A structural T-SQL checker for the generated serving scripts.
 *
 * Why not a parser: node-sql-parser 5.4.0 (the maintained npm parser with a TransactSQL dialect,
 * released 2026-01) was tried on these batches. It rejects OPENROWSET(BULK …) (the core of every
 * view), GRANT … ON SCHEMA:: and ON DATABASE SCOPED CREDENTIAL::, CREATE MASTER KEY, CREATE DATABASE
 * SCOPED CREDENTIAL, CREATE EXTERNAL DATA SOURCE, bracket-quoted names in CREATE VIEW / FROM /
 * CREATE USER, the alias `r`, and IF … BEGIN … EXEC … END. It accepts only CREATE DATABASE … COLLATE,
 * CREATE TABLE and the IF … EXEC(N'…') wrappers (without parsing their payload). That is too little
 * to justify a dependency, so these tests tokenize T-SQL exactly (strings with doubled quotes,
 * [identifiers], comments) and check the rules serverless enforces, recursing into EXEC(N'…') payloads.
 */

export type TokenKind = "word" | "string" | "ident" | "number" | "variable" | "punct" | "comment";
export interface Token {
  kind: TokenKind;
  /** Source text; for strings and identifiers also `value`, the unescaped content. */
  text: string;
  value: string;
}

export function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const closing = (open: string, close: string, kind: TokenKind, start: number) => {
    let j = start + open.length;
    let value = "";
    for (;;) {
      if (j >= sql.length) throw new Error(`unterminated ${kind} starting at ${start}: ${sql.slice(start, start + 40)}`);
      if (sql.startsWith(close, j)) {
        if (sql.startsWith(close, j + 1) && close.length === 1) {
          value += close;
          j += 2;
          continue;
        }
        j += close.length;
        break;
      }
      value += sql[j];
      j += 1;
    }
    tokens.push({ kind, text: sql.slice(start, j), value });
    return j;
  };
  while (i < sql.length) {
    const rest = sql.slice(i);
    if (/^\s/.test(rest)) i += 1;
    else if (rest.startsWith("--")) {
      const end = sql.indexOf("\n", i);
      const stop = end === -1 ? sql.length : end;
      tokens.push({ kind: "comment", text: sql.slice(i, stop), value: "" });
      i = stop;
    } else if (rest.startsWith("/*")) {
      const end = sql.indexOf("*/", i + 2);
      if (end === -1) throw new Error(`unterminated block comment at ${i}`);
      tokens.push({ kind: "comment", text: sql.slice(i, end + 2), value: "" });
      i = end + 2;
    } else if (/^N'/i.test(rest)) i = closing("N'", "'", "string", i);
    else if (rest[0] === "'") i = closing("'", "'", "string", i);
    else if (rest[0] === "[") i = closing("[", "]", "ident", i);
    else if (rest[0] === '"') i = closing('"', '"', "ident", i);
    else {
      const m = /^(@@?[A-Za-z_][\w]*)|^([A-Za-z_#][\w$#]*)|^(\d+(\.\d+)?)|^(::|<>|<=|>=|!=|[(),;.=<>+\-*/%])/.exec(rest);
      if (!m) throw new Error(`unexpected character ${JSON.stringify(rest[0])} at ${i}: ${sql.slice(i, i + 40)}`);
      const kind: TokenKind = m[1] ? "variable" : m[2] ? "word" : m[3] ? "number" : "punct";
      tokens.push({ kind, text: m[0], value: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

/** Tokens without comments. */
export function code(sql: string): Token[] {
  return tokenize(sql).filter((t) => t.kind !== "comment");
}

const is = (t: Token | undefined, word: string) => t !== undefined && t.kind === "word" && t.text.toUpperCase() === word;

/** The payloads of `EXEC (N'…')`: dynamic SQL that runs as a batch of its own. */
export function dynamicBatches(sql: string): string[] {
  const t = code(sql);
  const out: string[] = [];
  for (let i = 0; i + 2 < t.length; i += 1) {
    if ((is(t[i], "EXEC") || is(t[i], "EXECUTE")) && t[i + 1].text === "(" && t[i + 2].kind === "string") out.push(t[i + 2].value);
  }
  return out;
}

/** Statements that must open their batch (standard T-SQL; docs/platform-facts.md §5.5), and those serverless wants alone. */
const FIRST_IN_BATCH = ["VIEW", "PROCEDURE", "PROC", "FUNCTION", "TRIGGER", "SCHEMA"];

/** Structural problems of one batch and, recursively, of its dynamic payloads. */
export function batchProblems(sql: string, where = "batch"): string[] {
  const problems: string[] = [];
  let t: Token[];
  try {
    t = code(sql);
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
  if (t.length === 0) return [`${where}: empty batch`];
  let depth = 0;
  let blocks = 0;
  for (const [i, tok] of t.entries()) {
    if (tok.text === "(") depth += 1;
    if (tok.text === ")") depth -= 1;
    if (depth < 0) problems.push(`${where}: ')' without '('`);
    if (is(tok, "BEGIN")) blocks += 1;
    if (is(tok, "END")) blocks -= 1;
    if (is(tok, "GO")) problems.push(`${where}: GO inside a batch`);
    if (is(tok, "CREATE")) {
      const next = is(t[i + 1], "OR") ? t[i + 3] : t[i + 1];
      if (next && FIRST_IN_BATCH.includes(next.text.toUpperCase()) && i !== 0) {
        problems.push(`${where}: CREATE ${next.text.toUpperCase()} must be the first statement of its batch`);
      }
      if (is(next, "DATABASE") && !is(t[i + 2], "SCOPED") && (i !== 0 || t.some((x, j) => j > i && x.text === ";" && j < t.length - 1))) {
        problems.push(`${where}: CREATE DATABASE must be the only statement of its batch`);
      }
    }
  }
  if (depth !== 0) problems.push(`${where}: unbalanced parentheses`);
  if (blocks !== 0) problems.push(`${where}: unbalanced BEGIN/END`);
  const views = t.filter((x, i) => is(x, "VIEW") && (is(t[i - 1], "CREATE") || is(t[i - 1], "ALTER"))).length;
  if (views > 1) problems.push(`${where}: ${views} views in one batch`);
  dynamicBatches(sql).forEach((payload, k) => problems.push(...batchProblems(payload, `${where} EXEC #${k + 1}`)));
  return problems;
}

export interface ParsedView {
  schema: string;
  name: string;
  selected: string[];
  bulk: string;
  dataSource: string;
  format: string;
  withColumns: Array<{ name: string; type: string }>;
  alias: string;
}

/** Reads a generated `CREATE OR ALTER VIEW … OPENROWSET(…) WITH (…) AS alias` batch back into parts. */
export function parseView(sql: string): ParsedView {
  const t = code(sql);
  let i = 0;
  const expect = (word: string) => {
    const tok = t[i];
    if (!(tok && (tok.text.toUpperCase() === word || (tok.kind === "punct" && tok.text === word)))) {
      throw new Error(`expected ${word} at token ${i}, found ${tok?.text ?? "end"}`);
    }
    i += 1;
  };
  const name = () => {
    const tok = t[i];
    if (!tok || (tok.kind !== "ident" && tok.kind !== "word")) throw new Error(`expected a name at token ${i}`);
    i += 1;
    return tok.kind === "ident" ? tok.value : tok.text;
  };
  ["CREATE", "OR", "ALTER", "VIEW"].forEach(expect);
  const schema = name();
  expect(".");
  const view = name();
  ["AS", "SELECT"].forEach(expect);
  const selected = [name()];
  while (t[i]?.text === ",") {
    i += 1;
    selected.push(name());
  }
  ["FROM", "OPENROWSET", "(", "BULK"].forEach(expect);
  const bulk = t[i++].value;
  const options: Record<string, string> = {};
  while (t[i]?.text === ",") {
    const key = t[i + 1].text.toUpperCase();
    if (t[i + 2].text !== "=") throw new Error(`expected = after ${key}`);
    options[key] = t[i + 3].value;
    i += 4;
  }
  [")", "WITH", "("].forEach(expect);
  const withColumns: Array<{ name: string; type: string }> = [];
  for (;;) {
    const column = name();
    const type: string[] = [];
    let depth = 0;
    while (i < t.length && !(depth === 0 && (t[i].text === "," || t[i].text === ")"))) {
      if (t[i].text === "(") depth += 1;
      if (t[i].text === ")") depth -= 1;
      type.push(t[i].text);
      i += 1;
    }
    withColumns.push({ name: column, type: type.join(" ").replace(/ \( /g, "(").replace(/ \)/g, ")").replace(/ , /g, ",") });
    if (t[i].text === ")") break;
    i += 1;
  }
  [")", "AS"].forEach(expect);
  const alias = name();
  if (t[i]?.text === ";") i += 1;
  if (i !== t.length) throw new Error(`unexpected ${t[i].text} after the view`);
  return { schema, name: view, selected, bulk, dataSource: options.DATA_SOURCE, format: options.FORMAT, withColumns, alias };
}
