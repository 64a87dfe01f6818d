/**
 * The one way config files are found and read: a path in the config is absolute or relative to the
 * repository root, and a YAML file that is missing or malformed fails with the file and the fix.
 */
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./errors";

/** The repository root (this file lives in `config/`). */
export const REPO_ROOT = resolve(__dirname, "..");

/** A path from the config: used as is when absolute, else relative to the repository root `rootDir`. */
export function repoPath(path: string, rootDir = REPO_ROOT): string {
  return isAbsolute(path) ? path : join(rootDir, path);
}

export interface YamlFile {
  /** What the file is, for the "does not exist" message, e.g. `ruleset file`. */
  what: string;
  /** The fix when the file does not exist. */
  missingFix: string;
  /** The file's name in the "not valid YAML" message. @default - the path */
  label?: string;
}

/** Reads and parses one YAML file; a missing file or a syntax error is a {@link ConfigError} with the fix. */
export function readYaml(path: string, file: YamlFile): unknown {
  if (!existsSync(path)) throw new ConfigError(`${file.what} ${path} does not exist: ${file.missingFix}`);
  try {
    return parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(
      `${file.label ?? path} is not valid YAML: ${(error as Error).message.split("\n")[0]}: fix the syntax at that line`,
    );
  }
}
