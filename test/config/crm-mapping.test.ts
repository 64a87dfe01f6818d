import { copyFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import {
  CRM_REQUIRED_COLUMNS,
  crmMappingFile,
  crmMappingForNotebook,
  loadCrmMapping,
  SHIPPED_CRM_MAPPINGS,
  validateCrmMapping,
} from "../../config/crm-mapping";

const ROOT = join(__dirname, "..", "..");
const DEFAULT = join(ROOT, "config", "crm-mappings", "dynamics365.yaml");
const SALESFORCE = join(ROOT, "config", "crm-mappings", "salesforce.yaml");
const base = (file = DEFAULT) => parse(readFileSync(file, "utf8"));

function errorOf(change: (m: any) => void, file = DEFAULT): string {
  const m = base(file);
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

describe("the schema states every canonical column, and which may be left out or defaulted", () => {
  test("a canonical column the table does not have is named with the ones it has (a typo no longer does nothing)", () => {
    expect(errorOf((m) => (m.tables.contacts.columns.phone = "telephone1"))).toContain(
      "tables.contacts.columns.phone is not a canonical column of contacts: use contact_id, account_id, email, job_title, opted_out, full_name",
    );
  });

  test("only the columns the schema lists may have a default: never an id or an email", () => {
    expect(errorOf((m) => (m.tables.contacts.defaults = { email: "nobody@example.com" }))).toContain(
      "tables.contacts.defaults.email is not a column that may have a default: map it to a column the export has; only opted_out, job_title, full_name may have a default",
    );
  });

  test("the opt-out default is stated as true or false, never implied (it decides whose mail is scored)", () => {
    expect(errorOf((m) => (m.tables.contacts.defaults = { opted_out: "no" }))).toContain(
      "tables.contacts.defaults.opted_out must be true or false, got 'no': state true or false: whether every contact counts as opted out when the export has no opt-out column",
    );
  });

  test("a default belongs to a column the table maps: it applies when the export lacks that column", () => {
    expect(
      errorOf((m) => {
        delete m.tables.contacts.columns.full_name;
        m.tables.contacts.defaults = { full_name: null };
      }),
    ).toContain(
      "tables.contacts.defaults.full_name is for a column the table does not map: map full_name in tables.contacts.columns too: the default applies when the export lacks that column",
    );
  });

  test("a value map belongs to a column the table maps", () => {
    expect(errorOf((m) => (m.tables.accounts.values = { tiers: { "Tier 1": "1" } }))).toContain(
      "tables.accounts.values.tiers is not a column the table maps: use one of account_id, name, domains, tier, industry, sector, owner_seller_id",
    );
  });

  test("only opportunities may be optional: the run needs accounts, contacts and sellers", () => {
    expect(errorOf((m) => (m.tables.accounts.optional = true))).toContain(
      "tables.accounts.optional is not a table setting: use file, columns, values, defaults, filter (only opportunities may be optional)",
    );
    expect(errorOf((m) => (m.tables.opportunities.optional = "yes"))).toContain(
      "tables.opportunities.optional must be true or false, got 'yes'",
    );
  });
});

describe("row filters: declarative, by the export's own columns", () => {
  test("values are a list, named with the fix", () => {
    expect(errorOf((m) => (m.tables.sellers.filter = { keep: { UserType: "Standard" } }))).toContain(
      "tables.sellers.filter.keep.UserType must be a list of the column's values, e.g. [Standard], got 'Standard': list the values as text, e.g. [Standard] or ['Tier 1', 'Tier 2']",
    );
  });

  test("a filter says keep or skip, nothing else (no expressions)", () => {
    expect(errorOf((m) => (m.tables.sellers.filter = { where: "UserType == 'Standard'" }))).toContain(
      "tables.sellers.filter.where is not a filter setting: use keep (rows to read) or skip (rows to leave out)",
    );
    expect(errorOf((m) => (m.tables.sellers.filter = {}))).toContain("tables.sellers.filter must be keep, skip or both, got {}");
  });

  test("keep and skip together, with an empty cell as ''", () => {
    const m = base();
    m.tables.contacts.filter = { keep: { type: ["Customer", ""] }, skip: { status: ["Inactive"] } };
    expect(validateCrmMapping(m, "crm-mapping.yaml").tables.contacts.filter).toEqual(m.tables.contacts.filter);
  });
});

describe("the shipped mappings", () => {
  test.each(Object.entries(SHIPPED_CRM_MAPPINGS))("%s is valid and is what relmesh:crmMapping names", (name, file) => {
    expect(crmMappingFile(name, ROOT)).toBe(join(ROOT, file));
    expect(() => loadCrmMapping(join(ROOT, file))).not.toThrow();
  });

  test("a mapping records the file it was read from, repository-relative inside it, so the CRM notebook's errors name that file", () => {
    expect(loadCrmMapping(join(ROOT, SHIPPED_CRM_MAPPINGS.salesforce)).source).toBe("config/crm-mappings/salesforce.yaml");
    const outside = join(mkdtempSync(join(tmpdir(), "relmesh-mapping-")), "column-mapping.yaml");
    copyFileSync(join(ROOT, SHIPPED_CRM_MAPPINGS.dynamics365), outside);
    expect(loadCrmMapping(outside).source).toBe(outside);
  });

  test("salesforce reads the standard objects' API field names, with the choices a standard export needs stated", () => {
    const m = loadCrmMapping(SALESFORCE);
    expect(Object.fromEntries(Object.entries(m.tables).map(([t, s]) => [t, s.file]))).toEqual({
      accounts: "Account.csv",
      contacts: "Contact.csv",
      opportunities: "Opportunity.csv",
      sellers: "User.csv",
    });
    expect(m.tables.contacts.columns).toMatchObject({
      contact_id: "Id",
      account_id: "AccountId",
      email: "Email",
      opted_out: "HasOptedOutOfEmail",
    });
    expect(m.tables.contacts.defaults).toMatchObject({ opted_out: false });
    expect(m.tables.accounts.columns.domains).toBe("Website");
    expect(m.tables.accounts.values?.tier).toEqual({ "Tier 1": "1", "Tier 2": "2", "Tier 3": "3" });
    expect(m.tables.opportunities.optional).toBe(true);
    expect(m.tables.sellers.filter).toEqual({ keep: { UserType: ["Standard"] } });
  });

  test("a path is used as is, relative to the repository root", () => {
    expect(crmMappingFile("config/my-crm.yaml", ROOT)).toBe(join(ROOT, "config", "my-crm.yaml"));
  });
});

test("the CRM notebook receives the schema's required columns with the mapping, so it keeps no list of its own", () => {
  const mapping = loadCrmMapping(DEFAULT);
  expect(crmMappingForNotebook(mapping).required_columns).toEqual(CRM_REQUIRED_COLUMNS);
  expect(CRM_REQUIRED_COLUMNS.contacts).toEqual(["contact_id", "account_id", "email", "job_title", "opted_out"]);
});
