import { isAbsolute, relative, sep } from "node:path";
import { readYaml, REPO_ROOT, repoPath } from "./files";
import { configAjv, raise, schemaProblems, type Problem, type Wording } from "./problems";
import schema from "./crm-mapping.schema.json";

/**
 * The shipped CRM mappings, chosen by name with relmesh:crmMapping (anything else is a path to a
 * mapping of your own). Each file cites the CRM's field reference it follows.
 */
export const SHIPPED_CRM_MAPPINGS = {
  dynamics365: "config/crm-mappings/dynamics365.yaml",
  salesforce: "config/crm-mappings/salesforce.yaml",
} as const;

export type ShippedCrmMapping = keyof typeof SHIPPED_CRM_MAPPINGS;

/** The default of relmesh:crmMapping. */
export const DEFAULT_CRM_MAPPING: ShippedCrmMapping = "dynamics365";

/** The mapping file a relmesh:crmMapping value names: a shipped mapping's file, else the value as a path. Pure. */
export function crmMappingFile(choice: string, rootDir?: string): string {
  const shipped = (SHIPPED_CRM_MAPPINGS as Record<string, string>)[choice];
  return repoPath(shipped ?? choice, rootDir);
}

/** One table of a mapping: where its rows come from and how their columns become canonical ones. */
export interface CrmTableMapping {
  file: string;
  /** Canonical column → the export's column. */
  columns: Record<string, string>;
  /** Canonical column → (export value → canonical value). */
  values?: Record<string, Record<string, string>>;
  /** Canonical column → its value when the export lacks the mapped column. */
  defaults?: Record<string, string | number | boolean | null>;
  /** Rows read: `keep` only rows matching every column, then `skip` rows matching any. */
  filter?: { keep?: Record<string, string[]>; skip?: Record<string, string[]> };
  /** The export may be absent (opportunities only). */
  optional?: boolean;
}

/** CRM column mapping (config/crm-mappings/*.yaml): canonical column → the CRM export's column. */
export interface CrmMapping {
  version: 1;
  tables: Record<CrmTable, CrmTableMapping>;
  /** The file it was read from (repository-relative when inside it): the CRM notebook's errors say which file to fix. */
  source?: string;
}

export type CrmTable = keyof typeof schema.properties.tables.properties;

const TABLE_SCHEMAS = schema.properties.tables.properties;

/** Canonical columns each table must map; the ingestion notebook reads these names. From the schema's `required` lists. */
export const CRM_REQUIRED_COLUMNS = Object.fromEntries(
  Object.entries(TABLE_SCHEMAS).map(([table, spec]) => [table, [...spec.properties.columns.required]]),
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
  fix: (key) => `fix ${key} (${SHIPPED_CRM_MAPPINGS[DEFAULT_CRM_MAPPING]} shows every key)`,
};

/**
 * What the schema cannot say: a default or a value map belongs to a column the table maps (a
 * default applies when the export lacks that mapped column; a misspelt name would otherwise do nothing). Pure.
 */
export function mappingRuleProblems(mapping: CrmMapping): Problem[] {
  const problems: Problem[] = [];
  for (const [table, spec] of Object.entries(mapping.tables)) {
    const mapped = Object.keys(spec.columns);
    for (const column of Object.keys(spec.defaults ?? {}).filter((c) => !mapped.includes(c))) {
      problems.push({
        key: `tables.${table}.defaults.${column}`,
        rule: "is for a column the table does not map",
        fix: `map ${column} in tables.${table}.columns too: the default applies when the export lacks that column`,
      });
    }
    for (const column of Object.keys(spec.values ?? {}).filter((c) => !mapped.includes(c))) {
      problems.push({
        key: `tables.${table}.values.${column}`,
        rule: "not a column the table maps",
        fix: `use one of ${mapped.join(", ")}`,
      });
    }
  }
  return problems;
}

/** Validates a parsed mapping; every problem names the key and the fix. Pure. */
export function validateCrmMapping(document: unknown, source: string): CrmMapping {
  if (!document || typeof document !== "object" || Array.isArray(document))
    raise([{ key: source, rule: "a YAML map", fix: `start from ${SHIPPED_CRM_MAPPINGS[DEFAULT_CRM_MAPPING]}` }], WORDING);
  if (!validateSchema(document)) raise(schemaProblems(validateSchema.errors ?? [], document, WORDING), WORDING, source);
  raise(mappingRuleProblems(document as CrmMapping), WORDING, source);
  return document as CrmMapping;
}

/** Reads and validates a mapping file (absolute path). */
export function loadCrmMapping(path: string): CrmMapping {
  const document = readYaml(path, {
    what: "CRM column mapping",
    missingFix: `set relmesh:crmMapping to ${Object.keys(SHIPPED_CRM_MAPPINGS).join(", ")} or the path of a mapping file`,
  });
  const relativeToRepo = relative(REPO_ROOT, path);
  const source = relativeToRepo.startsWith("..") || isAbsolute(relativeToRepo) ? path : relativeToRepo.split(sep).join("/");
  return { ...validateCrmMapping(document, path), source };
}
