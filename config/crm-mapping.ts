import { readYaml } from "./files";
import { configAjv, raise, schemaProblems, type Wording } from "./problems";
import schema from "./crm-mapping.schema.json";
import stackSchema from "./stack.schema.json";

/** The default of relmesh:crmMappingPath. */
export const DEFAULT_CRM_MAPPING_PATH = stackSchema.properties.crmMappingPath.default;

/** CRM column mapping (config/crm-mapping.yaml): canonical column → the CRM export's column. */
export interface CrmMapping {
  version: 1;
  tables: Record<CrmTable, { file: string; columns: Record<string, string>; values?: Record<string, Record<string, string>> }>;
}

export type CrmTable = keyof typeof schema.properties.tables.properties;

/** Canonical columns each table must map; the ingestion notebook reads these names. From the schema's `required` lists. */
export const CRM_REQUIRED_COLUMNS = Object.fromEntries(
  Object.entries(schema.properties.tables.properties).map(([table, spec]) => [table, [...spec.properties.columns.required]]),
) as Record<CrmTable, string[]>;

/**
 * The mapping as the CRM notebook receives it (`crm_mapping_json`), carrying the columns each table
 * must map, so the notebook checks the schema's list instead of keeping its own. Pure.
 */
export function crmMappingForNotebook(mapping: CrmMapping): CrmMapping & { required_columns: Record<CrmTable, string[]> } {
  return { ...mapping, required_columns: CRM_REQUIRED_COLUMNS };
}

const validateSchema = configAjv().compile(schema);

const WORDING: Wording = {
  fix: (key) => `fix ${key} (${DEFAULT_CRM_MAPPING_PATH} shows every key)`,
};

/** Validates a parsed mapping; every problem names the key and the fix. Pure. */
export function validateCrmMapping(document: unknown, source: string): CrmMapping {
  if (!document || typeof document !== "object" || Array.isArray(document))
    raise([{ key: source, rule: "a YAML map", fix: `start from ${DEFAULT_CRM_MAPPING_PATH}` }], WORDING);
  if (!validateSchema(document)) raise(schemaProblems(validateSchema.errors ?? [], document, WORDING), WORDING, source);
  return document as CrmMapping;
}

/** Reads and validates a mapping file (absolute path). */
export function loadCrmMapping(path: string): CrmMapping {
  const document = readYaml(path, {
    what: "CRM column mapping",
    missingFix: `set relmesh:crmMappingPath (the default is ${DEFAULT_CRM_MAPPING_PATH})`,
  });
  return validateCrmMapping(document, path);
}
