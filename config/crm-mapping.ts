import { existsSync, readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { ConfigError } from "./errors";

/** CRM column mapping (config/crm-mapping.yaml): canonical column → the CRM export's column. */
export interface CrmMapping {
  version: 1;
  tables: Record<CrmTable, { file: string; columns: Record<string, string>; values?: Record<string, Record<string, string>> }>;
}

export type CrmTable = "accounts" | "contacts" | "opportunities" | "sellers";

/** Canonical columns each table must map; the ingestion notebook reads these names. */
export const CRM_REQUIRED_COLUMNS: Record<CrmTable, string[]> = {
  accounts: ["account_id", "name", "domains", "tier"],
  contacts: ["contact_id", "account_id", "email", "job_title", "opted_out"],
  opportunities: ["opportunity_id", "account_id", "amount", "status"],
  sellers: ["seller_id", "email"],
};

export const DEFAULT_CRM_MAPPING_PATH = "config/crm-mapping.yaml";

/** Validates a parsed mapping; every problem names the key and the fix. Pure. */
export function validateCrmMapping(document: unknown, source: string): CrmMapping {
  const problems: string[] = [];
  const doc = document as { version?: unknown; tables?: Record<string, unknown> } | null;
  if (!doc || typeof doc !== "object") throw new ConfigError(`${source} is empty or not a YAML map: start from ${DEFAULT_CRM_MAPPING_PATH}`);
  if (doc.version !== 1) problems.push(`version must be 1, got ${JSON.stringify(doc.version)}: set version: 1`);
  for (const table of Object.keys(CRM_REQUIRED_COLUMNS) as CrmTable[]) {
    const spec = doc.tables?.[table] as { file?: unknown; columns?: Record<string, unknown> } | undefined;
    if (!spec) {
      problems.push(`tables.${table} is missing: add it with file and columns`);
      continue;
    }
    if (typeof spec.file !== "string" || !spec.file) problems.push(`tables.${table}.file must name the CSV file, got ${JSON.stringify(spec.file)}`);
    for (const column of CRM_REQUIRED_COLUMNS[table]) {
      const mapped = spec.columns?.[column];
      if (typeof mapped !== "string" || !mapped) problems.push(`tables.${table}.columns.${column} is missing: map it to the CRM's column name`);
    }
  }
  const known = new Set(Object.keys(CRM_REQUIRED_COLUMNS));
  for (const table of Object.keys(doc.tables ?? {})) {
    if (!known.has(table)) problems.push(`tables.${table} is not a CRM table: use accounts, contacts, opportunities or sellers`);
  }
  if (problems.length) throw new ConfigError(`${source} is invalid:\n  - ${problems.join("\n  - ")}`);
  return doc as unknown as CrmMapping;
}

export function loadCrmMapping(path: string): CrmMapping {
  if (!existsSync(path)) throw new ConfigError(`CRM column mapping ${path} does not exist: set relmesh:crmMappingPath (the default is ${DEFAULT_CRM_MAPPING_PATH})`);
  let document: unknown;
  try {
    document = parseYaml(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`${path} is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  return validateCrmMapping(document, path);
}
