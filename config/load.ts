/**
 * `loadRelmesh`: the one loader. Reads the stack config (from `Pulumi.<stack>.yaml`, or the map the
 * Pulumi engine passes), validates it against config/stack.schema.json and the rules after it, and
 * loads the ruleset and CRM mapping it names — each validated once. Every command and the Pulumi
 * program take this object; nothing reads those files again.
 */
import { ConfigError } from "./errors";
import { REPO_ROOT, readYaml } from "./files";
import type { CrmMapping } from "./crm-mapping";
import type { Ruleset } from "./ruleset";
import { validateConfig, type ValidateOptions } from "./stack";
import type { RelmeshConfig } from "./stack-types";

/** The loaded project: the validated config and the two files it names (the same objects `config.ruleset` and `config.crmColumnMapping` hold). */
export interface Relmesh {
  config: RelmeshConfig;
  ruleset: Ruleset;
  crmMapping: CrmMapping;
}

export interface LoadOptions extends Omit<ValidateOptions, "stack"> {
  /** The config map to validate instead of reading `Pulumi.<stack>.yaml` (`pulumi up` passes the engine's). */
  raw?: Record<string, unknown>;
}

/** The raw `config:` map of `Pulumi.<stack>.yaml` under `rootDir`, unvalidated. */
export function readStackConfigFile(stack = "dev", rootDir = REPO_ROOT): Record<string, unknown> {
  const doc = readYaml(`${rootDir}/Pulumi.${stack}.yaml`, {
    what: "stack config",
    label: `Pulumi.${stack}.yaml`,
    missingFix: `create Pulumi.${stack}.yaml (copy Pulumi.dev.yaml) or pass another --stack`,
  });
  const map = doc && typeof doc === "object" ? (doc as Record<string, unknown>).config : undefined;
  if (map !== undefined && (typeof map !== "object" || map === null || Array.isArray(map))) {
    throw new ConfigError(`Pulumi.${stack}.yaml 'config' must be a map of relmesh: keys: fix the file's config: section`);
  }
  return (map ?? {}) as Record<string, unknown>;
}

/**
 * Loads and validates stack `stack` once. `subscriptionId` is the deploying subscription when known
 * (it is part of the global-name suffix, as at `pulumi up`).
 */
export function loadRelmesh(stack = "dev", opts: LoadOptions = {}): Relmesh {
  const { raw, ...validate } = opts;
  const config = validateConfig(raw ?? readStackConfigFile(stack, opts.rootDir), { ...validate, stack });
  return { config, ruleset: config.ruleset, crmMapping: config.crmColumnMapping };
}
