/** The CRM export: Dynamics 365 style CSVs plus the column mapping the notebooks read. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "./rng";
import { DirtyEntry, TenantSink, World } from "./model";
import { addDays } from "./time";
import { SECTOR_OF_INDUSTRY } from "./names";

/** The shipped Dynamics 365 CRM column mapping (config/crm-mappings/dynamics365.yaml): the CSVs below use exactly its column names. */
export const COLUMN_MAPPING_YAML = readFileSync(join(__dirname, "..", "config", "crm-mappings", "dynamics365.yaml"), "utf8");

type Cell = string | number | boolean;

/** RFC 4180: quote a field holding a comma, quote or line break, doubling inner quotes. */
export function csvField(value: Cell): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: string[], rows: Cell[][]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\n") + "\n";
}

const entry = (description: string): DirtyEntry => ({ count: 0, files: [], ids: [], description });

/** Writes crm/*.csv and crm/column-mapping.yaml; returns the dirty CRM rows it added (none when clean). */
export function writeCrm(
  world: World,
  options: { seed: number; endDate: string; dirty: boolean },
  sink: TenantSink,
): Record<string, DirtyEntry> {
  const rng = new Rng(options.seed, "crm");
  const created = () => `${addDays(options.endDate, -rng.int(200, 1500))}T09:00:00Z`;
  const sellerIds = world.users.map((u) => u.sellerId ?? "");

  const accounts = world.accounts.map((a) => [
    a.accountId,
    a.name,
    a.domains.join(";"),
    a.tier,
    a.industry,
    SECTOR_OF_INDUSTRY[a.industry],
    sellerIds[a.ownerSellerIndex],
    created(),
  ]);
  const contacts: Cell[][] = world.accounts.flatMap((a) =>
    a.contacts.map((c) => [c.contactId, a.accountId, c.name, c.crmEmail, c.jobTitle, c.optedOut, created()]),
  );
  const opportunities: Cell[][] = world.opportunities.map((o) => [
    o.opportunityId,
    world.accounts[o.accountIndex].accountId,
    o.name,
    o.amount,
    o.statecode,
    o.closeDate,
  ]);
  const employees: Cell[][] = world.sellers.map((s) => [
    s.sellerId ?? "",
    s.name,
    rng.chance(0.3) ? s.address.toLowerCase() : s.address,
    s.title,
    s.objectId,
    false,
  ]);

  const dirty: Record<string, DirtyEntry> = {};
  if (options.dirty && world.accounts.length > 0) {
    const missing = (dirty.crmMissingIds = entry("contacts.csv and opportunities.csv rows with an empty id"));
    const badEmail = (dirty.crmBadEmails = entry("contacts.csv rows whose emailaddress1 is not an address ('not-an-email')"));
    const dupIds = (dirty.crmDuplicateContactIds = entry("contacts.csv rows repeating an existing contactid with different details"));
    const account = world.accounts[0];
    const domain = account.domains[0];
    for (let i = 0; i < 2; i++) {
      contacts.push(["", account.accountId, `Unkeyed Person${i + 1}`, `unkeyed${i + 1}@${domain}`, "Buyer", false, created()]);
      missing.count++;
      missing.ids.push(`contact:unkeyed${i + 1}@${domain}`);
      const badId = rng.guid();
      contacts.push([badId, account.accountId, `Typo Person${i + 1}`, "not-an-email", "Analyst", false, created()]);
      badEmail.count++;
      badEmail.ids.push(badId);
    }
    for (const original of rng.sample(contacts.slice(0, contacts.length - 4), 2)) {
      contacts.push([original[0], original[1], `${original[2]} (old record)`, original[3], "Former employee", false, created()]);
      dupIds.count++;
      dupIds.ids.push(String(original[0]));
    }
    opportunities.push(["", account.accountId, "Unkeyed opportunity", 12000, 0, addDays(options.endDate, 30)]);
    missing.count++;
    missing.ids.push("opportunity:Unkeyed opportunity");
    missing.files.push("crm/contacts.csv", "crm/opportunities.csv");
    badEmail.files.push("crm/contacts.csv");
    dupIds.files.push("crm/contacts.csv");
  }

  sink.write(
    "crm/accounts.csv",
    toCsv(["accountid", "name", "rm_emaildomains", "rm_tier", "industrycode", "rm_sector", "ownerid", "createdon"], accounts),
  );
  sink.write(
    "crm/contacts.csv",
    toCsv(["contactid", "parentcustomerid", "fullname", "emailaddress1", "jobtitle", "donotemail", "createdon"], contacts),
  );
  sink.write(
    "crm/opportunities.csv",
    toCsv(["opportunityid", "parentaccountid", "name", "estimatedvalue", "statecode", "estimatedclosedate"], opportunities),
  );
  sink.write(
    "crm/employees.csv",
    toCsv(["systemuserid", "fullname", "internalemailaddress", "title", "azureactivedirectoryobjectid", "isdisabled"], employees),
  );
  sink.write("crm/column-mapping.yaml", COLUMN_MAPPING_YAML);
  return dirty;
}

export const CRM_FILES = ["crm/accounts.csv", "crm/contacts.csv", "crm/opportunities.csv", "crm/employees.csv", "crm/column-mapping.yaml"];
