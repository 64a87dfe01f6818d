/**
 * A small evaluator of the Azure Data Factory / Synapse pipeline expression language, for the
 * functions the generated incremental pipelines use, so tests run the expressions the pipelines carry
 * rather than a restatement of them. Semantics from the expression-language reference
 * (https://learn.microsoft.com/azure/data-factory/control-flow-expression-language-functions):
 * `@expr` is a whole-value expression, `@{expr}` interpolates into text, `@@` escapes `@`.
 * Anything it does not know throws, so a new function in a pipeline fails the test loudly.
 */

export interface ExpressionContext {
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
  /** Activity name → its output object. */
  outputs: Record<string, unknown>;
}

type Token = { kind: "str" | "num" | "id" | "punct"; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) i++;
    else if (c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new Error(`unterminated string in ${text}`);
        if (text[i] === "'" && text[i + 1] === "'") {
          s += "'";
          i += 2;
        } else if (text[i] === "'") break;
        else s += text[i++];
      }
      i++;
      tokens.push({ kind: "str", text: s });
    } else if (/[0-9-]/.test(c) && /[0-9]/.test(text[i + 1] ?? c)) {
      const m = /^-?[0-9]+(\.[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ kind: "num", text: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      tokens.push({ kind: "id", text: m[0] });
      i += m[0].length;
    } else if ("(),.[]".includes(c)) {
      tokens.push({ kind: "punct", text: c });
      i++;
    } else throw new Error(`unexpected '${c}' in expression ${text}`);
  }
  return tokens;
}

const TICKS_AT_EPOCH = 621355968000000000n;
const ticks = (iso: string): bigint => {
  const ms = Date.parse(String(iso));
  if (Number.isNaN(ms)) throw new Error(`ticks(): '${iso}' is not a timestamp`);
  return BigInt(ms) * 10000n + TICKS_AT_EPOCH;
};

/** .NET-style custom format strings, the subset the pipelines use (UTC). */
function formatDateTime(value: unknown, format = "yyyy-MM-ddTHH:mm:ss.fffffffK"): string {
  const ms = Date.parse(String(value).replace(/(\.\d{3})\d+/, "$1"));
  if (Number.isNaN(ms)) throw new Error(`formatDateTime(): '${value}' is not a timestamp`);
  const d = new Date(ms);
  const fraction = String(value).match(/\.(\d+)/)?.[1] ?? "";
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const parts: Record<string, string> = {
    yyyy: String(d.getUTCFullYear()),
    MM: pad(d.getUTCMonth() + 1),
    dd: pad(d.getUTCDate()),
    HH: pad(d.getUTCHours()),
    mm: pad(d.getUTCMinutes()),
    ss: pad(d.getUTCSeconds()),
    fffffff: (fraction + "0000000").slice(0, 7),
    K: "Z",
  };
  return format.replace(/yyyy|MM|dd|HH|mm|ss|fffffff|K/g, (p) => parts[p]);
}

const FUNCTIONS: Record<string, (ctx: ExpressionContext, ...args: unknown[]) => unknown> = {
  pipeline: () => ({ parameters: undefined }),
  activity: (ctx, name) => {
    if (!(String(name) in ctx.outputs)) throw new Error(`activity('${name}') has not run`);
    return { output: ctx.outputs[String(name)] };
  },
  variables: (ctx, name) => {
    if (!(String(name) in ctx.variables)) throw new Error(`variables('${name}') is not declared`);
    return ctx.variables[String(name)];
  },
  concat: (_c, ...a) => a.map(String).join(""),
  string: (_c, a) => (typeof a === "string" ? a : typeof a === "bigint" ? a.toString() : JSON.stringify(a)),
  not: (_c, a) => !a,
  and: (_c, a, b) => Boolean(a) && Boolean(b),
  or: (_c, a, b) => Boolean(a) || Boolean(b),
  greaterOrEquals: (_c, a, b) => (a as string) >= (b as string),
  coalesce: (_c, ...a) => a.find((v) => v !== null && v !== undefined) ?? null,
  formatDateTime: (_c, v, f) => formatDateTime(v, f as string | undefined),
  addDays: (_c, v, n) => new Date(Date.parse(String(v)) + Number(n) * 86400000).toISOString(),
  ticks: (_c, v) => ticks(String(v)),
  sub: (_c, a, b) => BigInt(a as bigint) - BigInt(b as bigint),
  div: (_c, a, b) => BigInt(a as bigint) / BigInt(b as bigint),
};

function evaluateTokens(tokens: Token[], ctx: ExpressionContext): unknown {
  let pos = 0;
  const peek = () => tokens[pos];
  const expect = (text: string) => {
    if (tokens[pos]?.text !== text) throw new Error(`expected '${text}' at token ${pos}`);
    pos++;
  };
  const primary = (): unknown => {
    const t = tokens[pos++];
    if (!t) throw new Error("unexpected end of expression");
    if (t.kind === "str") return t.text;
    if (t.kind === "num") return t.text.includes(".") ? Number(t.text) : Number(t.text);
    if (t.kind === "id") {
      if (t.text === "true" || t.text === "false") return t.text === "true";
      const fn = FUNCTIONS[t.text];
      if (!fn) throw new Error(`function ${t.text}() is not modelled`);
      expect("(");
      const args: unknown[] = [];
      while (peek()?.text !== ")") {
        args.push(postfix());
        if (peek()?.text === ",") pos++;
      }
      expect(")");
      if (t.text === "pipeline") return { parameters: ctx.parameters };
      return fn(ctx, ...args);
    }
    throw new Error(`unexpected '${t.text}'`);
  };
  const postfix = (): unknown => {
    let value = primary();
    while (peek()?.text === ".") {
      pos++;
      const name = tokens[pos++].text;
      value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[name];
    }
    return value;
  };
  const result = postfix();
  if (pos !== tokens.length) throw new Error(`trailing tokens after position ${pos}`);
  return typeof result === "bigint" ? Number(result) : result;
}

/** One expression without its leading `@`. */
export function evaluate(expression: string, ctx: ExpressionContext): unknown {
  return evaluateTokens(tokenize(expression), ctx);
}

/** A pipeline value: `{value, type: "Expression"}` or a string starting with `@` is evaluated; `@{…}` interpolates. */
export function resolve(value: unknown, ctx: ExpressionContext): unknown {
  const text =
    typeof value === "object" && value !== null && (value as { type?: string }).type === "Expression"
      ? (value as { value: string }).value
      : value;
  if (typeof text !== "string") return text;
  if (text.startsWith("@") && !text.startsWith("@{") && !text.startsWith("@@")) return evaluate(text.slice(1), ctx);
  return interpolate(text, ctx);
}

/** Text with `@{expr}` parts replaced by their values. */
export function interpolate(text: string, ctx: ExpressionContext): string {
  return text.replace(/@\{([^}]*)\}/g, (_m, e: string) => {
    const v = evaluate(e, ctx);
    return typeof v === "string" ? v : String(v);
  });
}
