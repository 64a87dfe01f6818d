import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { CRM_REQUIRED_COLUMNS, crmMappingForNotebook, loadCrmMapping, validateCrmMapping } from "../../config/crm-mapping";

const DEFAULT = join(__dirname, "..", "..", "config", "crm-mapping.yaml");
const base = () => parse(readFileSync(DEFAULT, "utf8"));

function errorOf(change: (m: any) => void): string {
  const m = base();
  change(m);
  try {
    validateCrmMapping(m, "crm-mapping.yaml");
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the mapping to be rejected");
}

describe("the CRM column mapping", () => {
  test("the default mapping is valid and maps Dynamics 365 columns", () => {
    expect(loadCrmMapping(DEFAULT).tables.contacts.columns.email).toBe("emailaddress1");
  });

  test("a missing table is named with the fix", () => {
    expect(errorOf((m) => delete m.tables.sellers)).toContain("tables.sellers is missing: add it with file and columns");
  });

  test("a canonical column the notebooks need must be mapped", () => {
    expect(errorOf((m) => delete m.tables.contacts.columns.opted_out)).toContain(
      "tables.contacts.columns.opted_out is missing: map it to the CRM's column name",
    );
  });

  test("an unknown table is rejected", () => {
    expect(errorOf((m) => (m.tables.leads = { file: "leads.csv", columns: {} }))).toContain("tables.leads is not a CRM table");
  });

  test("the version is checked", () => {
    expect(errorOf((m) => (m.version = 2))).toContain("version must be 1, got 2: set version: 1");
  });
});

test("the CRM notebook receives the schema's required columns with the mapping, so it keeps no list of its own", () => {
  const mapping = loadCrmMapping(join(__dirname, "..", "..", "config", "crm-mapping.yaml"));
  expect(crmMappingForNotebook(mapping).required_columns).toEqual(CRM_REQUIRED_COLUMNS);
  expect(CRM_REQUIRED_COLUMNS.contacts).toEqual(["contact_id", "account_id", "email", "job_title", "opted_out"]);
});
