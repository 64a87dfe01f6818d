/**
 * Options of every `relmesh` command, parsed by `parseArgs` from `node:util` (strict: an unknown
 * option is an error). This module only declares the options once per command and words the
 * errors and the help the same way everywhere.
 */
import { parseArgs as parseNodeArgs } from "node:util";

export interface OptionSpec {
  /** Options that take a value, with a one-line description for help and errors. */
  values?: Record<string, string>;
  /** Options that take no value. */
  flags?: Record<string, string>;
}

export interface ParsedArgs {
  values: Record<string, string>;
  flags: Set<string>;
  positionals: string[];
}

export class UsageError extends Error {}

/** The option, e.g. `--out`, that a `node:util` parse error names. */
function optionOf(error: Error): string {
  return /'(-[^' <]*)/.exec(error.message)?.[1] ?? "";
}

/** Parses `argv` for `relmesh <command>`; a bad option is a {@link UsageError} naming it and the command. */
export function parseArgs(command: string, argv: string[], spec: OptionSpec): ParsedArgs {
  const values = spec.values ?? {};
  const flags = spec.flags ?? {};
  const options = {
    ...Object.fromEntries(Object.keys(values).map((name) => [name, { type: "string" as const }])),
    ...Object.fromEntries(Object.keys(flags).map((name) => [name, { type: "boolean" as const }])),
  };
  let parsed: ReturnType<typeof parseNodeArgs<{ options: typeof options; allowPositionals: true; strict: true }>>;
  try {
    parsed = parseNodeArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    const code = (error as { code?: string }).code;
    const option = optionOf(error as Error);
    const name = option.replace(/^-+/, "");
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
      const known = [...Object.keys(values), ...Object.keys(flags)].map((n) => `--${n}`);
      throw new UsageError(`relmesh ${command}: unknown option ${option}; known options: ${known.join(", ") || "none"}`);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && name in values) {
      throw new UsageError(`relmesh ${command}: ${option} needs a value (${values[name]})`);
    }
    if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE" && name in flags) {
      throw new UsageError(`relmesh ${command}: ${option} takes no value (${flags[name]})`);
    }
    throw new UsageError(`relmesh ${command}: ${(error as Error).message.split("\n")[0]}`);
  }
  const result: ParsedArgs = { values: {}, flags: new Set(), positionals: parsed.positionals };
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === "string") result.values[name] = value;
    else if (value === true) result.flags.add(name);
  }
  return result;
}

/** Reads a whole-number option, failing with the option's name and the accepted range. */
export function intOption(command: string, args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`relmesh ${command}: --${name} must be a whole number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

/** Reads a decimal-number option, failing with the option's name and the accepted range. */
export function numberOption(command: string, args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const value = raw.trim() === "" ? NaN : Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`relmesh ${command}: --${name} must be a number from ${min} to ${max}, got '${raw}'`);
  }
  return value;
}

export function helpText(command: string, summary: string, spec: OptionSpec): string {
  const lines = [`relmesh ${command}: ${summary}`, ""];
  for (const [name, text] of Object.entries(spec.values ?? {})) lines.push(`  --${name} <value>  ${text}`);
  for (const [name, text] of Object.entries(spec.flags ?? {})) lines.push(`  --${name}  ${text}`);
  return lines.join("\n");
}
