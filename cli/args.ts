/** A small, strict parser for `--name value` and `--flag` options: unknown options are errors. */
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

export function parseArgs(command: string, argv: string[], spec: OptionSpec): ParsedArgs {
  const values: Record<string, string> = {};
  const flags = new Set<string>();
  const positionals: string[] = [];
  const known = [...Object.keys(spec.values ?? {}), ...Object.keys(spec.flags ?? {})].map((n) => `--${n}`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) {
      positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split("=", 2);
    if (spec.flags && name in spec.flags) {
      flags.add(name);
    } else if (spec.values && name in spec.values) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith("--")) {
        throw new UsageError(`relmesh ${command}: --${name} needs a value (${spec.values[name]})`);
      }
      values[name] = value;
    } else {
      throw new UsageError(`relmesh ${command}: unknown option ${arg}; known options: ${known.join(", ") || "none"}`);
    }
  }
  return { values, flags, positionals };
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

export function helpText(command: string, summary: string, spec: OptionSpec): string {
  const lines = [`relmesh ${command}: ${summary}`, ""];
  for (const [name, text] of Object.entries(spec.values ?? {})) lines.push(`  --${name} <value>  ${text}`);
  for (const [name, text] of Object.entries(spec.flags ?? {})) lines.push(`  --${name}  ${text}`);
  return lines.join("\n");
}
