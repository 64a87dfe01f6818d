/**
 * DATA-ACCESS.md: what Microsoft 365 data the deployment reads, whose, when, where it goes, how long
 * it stays and who can read it. Written for a privacy or security reviewer, from the same values the
 * artifacts are generated from, so it cannot drift from what is deployed. Pure.
 */
import { MGDC_DATASETS, MGDC_FORBIDDEN_COLUMNS } from "../config/mgdc-datasets";
import { plannedRoleGrants, plannedSynapseRbac } from "../config/roles";
import { LAKE_DATABASES } from "../config/runtime";
import type { ArtifactInputs } from "./inputs";
import { abfssRoot, dfsUrl, m365Folder, PIPELINES, RAW_CRM_FOLDER, DEFAULT_CRM_DROP_FOLDER, TRIGGERS } from "./names";
import { outputColumnName } from "./pipelines";
import type { IncrementalSource } from "./incremental";
import { incrementalSources, SOURCE_PIPELINES } from "./sources";

const GRANTEES: Record<string, string> = {
  synapseWorkspaceIdentity: "Synapse workspace managed identity (pipelines and Spark)",
  mgdcServicePrincipal: "MGDC app service principal",
  sqlReadersGroup: "report readers group (relmesh:sqlReadersGroupObjectId)",
};

function datasetsSection(): string[] {
  const out: string[] = ["## 1. Which Microsoft 365 data", ""];
  for (const d of MGDC_DATASETS) {
    const filter = d.dateFilterColumn
      ? `filtered on \`${d.dateFilterColumn}\` within the window`
      : "events starting after the window start and ending before its end (no filter column)";
    out.push(`### \`${d.name}\` — ${filter}`, "", "| column requested | why | required |", "| --- | --- | --- |");
    for (const c of d.columns) out.push(`| \`${outputColumnName(c.name)}\` | ${c.purpose} | ${c.required ? "yes" : "no"} |`);
    out.push("");
  }
  out.push(
    `**Never extracted**: ${MGDC_FORBIDDEN_COLUMNS.map((c) => `\`${c}\``).join(", ")} (message and event bodies, previews, attachments, ` +
      "internet headers), nor any column not listed above. MGDC selects whole columns, so a struct such as `location` arrives with all its fields; " +
      "ingestion keeps only what the table above names.",
    "",
  );
  return out;
}

function scopeSection(inputs: ArtifactInputs): string[] {
  const { config } = inputs;
  const groups = config.allowedGroupObjectIds.length
    ? config.allowedGroupObjectIds.map((g) => `- \`${g}\` (relmesh:allowedGroupObjectIds)`)
    : [`- the security group \`${config.allowedGroupName}\` the program creates (empty until someone adds members in Entra)`];
  return [
    "## 2. Whose mailboxes",
    "",
    "Only members of these Entra groups (`allowedGroups` of the copy source, at most 10):",
    "",
    ...groups,
    "",
    "Guests and non-user mailboxes are never returned by MGDC. The Global Admin approves exactly these datasets, columns and groups; any change invalidates the approval.",
    "",
  ];
}

function windowSection(inputs: ArtifactInputs): string[] {
  const { config } = inputs;
  return [
    "## 3. Which time windows",
    "",
    "- Nothing is extracted before a Global Admin has approved the MGDC app and the approval fingerprint is set: until then the trigger stays stopped.",
    config.pipelineStartDate === undefined
      ? "- **No schedule yet**: relmesh:pipelineStartDate is unset, so no trigger is published."
      : `- One window per UTC day, \`[windowStart, windowEnd)\`, from **${config.pipelineStartDate}** on (trigger \`${TRIGGERS.daily}\`, Hour × 24).`,
    config.initialLoadDays > 0
      ? `- History: **one initial load** of the ${config.initialLoadDays} days before the first daily window, in one MGDC run per dataset, queued ahead of the first window.`
      : "- History: none (relmesh:initialLoadDays is 0).",
    `- Calendar windows reach **${config.calendarOverlapHours} hours** back, because MGDC returns only events that start and end inside the window; events seen twice are counted once (iCalUId).`,
    "- A rerun of a window reads the same window again and lands in the same folders; nothing is keyed by the wall clock.",
    "",
  ];
}

function pathsSection(inputs: ArtifactInputs): string[] {
  const { config } = inputs;
  const lakeRaw = abfssRoot(config.fileSystems.raw, config.names.lakeAccount);
  const curated = abfssRoot(config.fileSystems.curated, config.names.lakeAccount);
  const rows = MGDC_DATASETS.map(
    (d) =>
      `| \`${d.name}\` | \`${config.landingContainer}/${m365Folder(config, d.name)}/yyyy/MM/dd/\` | \`${config.fileSystems.raw}/${m365Folder(config, d.name)}/yyyy/MM/dd/\` |`,
  );
  return [
    "## 4. Where it lands, and how long it is kept",
    "",
    `1. **Landing** — storage account \`${config.names.landingAccount}\` (${dfsUrl(config.names.landingAccount)}), container \`${config.landingContainer}\`. ` +
      `MGDC writes JSON lines there as the MGDC app (the only auth MGDC accepts). **Deleted after ${config.landingRetentionDays} days** (lifecycle policy).`,
    `2. **Lake raw** — the private lake \`${config.names.lakeAccount}\`, file system \`${config.fileSystems.raw}\` (${lakeRaw}), copied from landing by the workspace identity right after extraction. ` +
      `**Deleted after ${config.rawRetentionDays} days** (lifecycle policy on \`${config.fileSystems.raw}/${config.rawM365Folder}/\`).`,
    `3. **Curated** — ${curated}: silver \`interactions\` (one row per seller↔external-contact touch: CRM ids of the seller, contact and account, or for a contact the CRM does not know a hash of the address, never the address itself; times, counts; ` +
      `subjects ${config.keepSubjects ? "**kept** (relmesh:keepSubjects is true)" : "dropped at ingestion (relmesh:keepSubjects is false)"}), ` +
      "`quarantine` (rejected raw records, body fields removed), `discovered_contacts` (the address, account and extraction window of each person " +
      "on a customer account's email domain whom a seller mailed or met but the CRM does not know: the CRM-hygiene list, gold `discovered_contacts`), " +
      "gold scores, and the scoring state `state/` (silver interactions summed per day, " +
      "seller, contact and direction, with counts and first and last times, plus each account-day's top interactions by contribution, never subjects; " +
      "derived from silver and rebuilt from it when deleted). No lifecycle policy: kept until deleted. " +
      `Every silver and gold table is also registered, in place, in the lake databases \`${LAKE_DATABASES.silver}\` and \`${LAKE_DATABASES.gold}\`.`,
    "4. **Shown** — the serving views (`docs/gold-schema.md`) and, on top of them, the Power BI project and the local dashboard show per account: " +
      "scores, status, days since the last email and meeting; per seller↔contact pair: scores and counts; weekly interaction counts; " +
      "and each account's top interactions (time, source, direction, participant count, meeting length, modality, response). " +
      "People appear by CRM name and job title; discovered contacts (not in the CRM) only as counts per account. " +
      "No subject, body or e-mail address is loaded into the Power BI model or written to the local dashboard.",
    "",
    "| dataset | landing path (day = window start) | lake path |",
    "| --- | --- | --- |",
    ...rows,
    "",
    `CRM files: the CRM export job drops them in \`${config.fileSystems.raw}/${DEFAULT_CRM_DROP_FOLDER}/\` (pipeline parameter \`crmDropFolder\`); ` +
      `\`${PIPELINES.copyCrm}\` copies them to \`${config.fileSystems.raw}/${RAW_CRM_FOLDER}/\`.`,
    "",
  ];
}

function accessSection(inputs: ArtifactInputs): string[] {
  const { config } = inputs;
  const grants = plannedRoleGrants(config).map((g) => `| ${GRANTEES[g.grantee] ?? g.grantee} | ${g.role} | ${g.scope} | ${g.reason} |`);
  const synapse = plannedSynapseRbac().map(
    (g) =>
      `| ${g.principal === "adminGroup" ? `admin group \`${config.adminGroupName}\` (${config.adminGroupObjectId})` : "the deploying identity"} | ${g.role} (Synapse RBAC) | workspace \`${config.names.synapseWorkspace}\` | ${g.reason} |`,
  );
  return [
    "## 5. Who can read it",
    "",
    "| who | role | scope | why |",
    "| --- | --- | --- | --- |",
    ...grants,
    ...synapse,
    "",
    "Synapse administrators can run notebooks and pipelines as the workspace identity, so they can read everything the workspace identity can. " +
      `The MGDC client secret stays in Key Vault \`${config.names.keyVault}\` as \`${config.mgdcSecretName}\`; artifacts reference it by name only.`,
    "",
  ];
}

/** ERP orders and service cases, when relmesh:erp or relmesh:serviceCases is on: exactly what the copy queries select. */
function sourcesSection({ config }: ArtifactInputs): string[] {
  // The copies' own description of each source (the tables, the mapped columns), so the report
  // cannot list a column the query does not select, or miss one it does.
  const { erp, serviceCases } = incrementalSources(config);
  const tables: Array<{ source: IncrementalSource; where: string; pipeline: string }> = [];
  if (erp && config.erp)
    tables.push({
      source: erp,
      where: `\`${erp.qualifiedTable}\` on \`${config.erp.server.fqdn}\`, database \`${config.erp.database}\``,
      pipeline: SOURCE_PIPELINES.erp,
    });
  if (serviceCases && config.serviceCases)
    tables.push({
      source: serviceCases,
      where: `container \`${config.serviceCases.container}\` of Cosmos DB \`${config.serviceCases.account.name}\`, database \`${config.serviceCases.database}\``,
      pipeline: SOURCE_PIPELINES.serviceCases,
    });
  if (!tables.length) return [];
  const out = ["## 6. ERP orders and service cases", ""];
  for (const { source, where, pipeline } of tables) {
    const { table, columns } = source;
    out.push(
      `### ${table.label} — ${where}`,
      "",
      `\`${pipeline}\` copies the rows whose \`${columns[table.watermark.column]}\` changed since the last window into lake \`raw/${table.rawFolder}/yyyy/MM/dd/\`, ` +
        "as the workspace identity (read access only). Its query selects these columns and nothing else:",
      "",
      "| source column | stored as | why |",
      "| --- | --- | --- |",
      ...table.columns.map((c) => `| \`${columns[c.name]}\` | \`${c.name}\` | ${c.purpose} |`),
      `| \`${columns[table.watermark.column]}\` | \`${table.watermark.column}\` | the watermark: what changed since the last window |`,
      "",
    );
  }
  out.push(
    "Free text (order lines, case descriptions, notes) is never selected. Silver keeps CRM ids, not the e-mail addresses the rows name.",
    "",
  );
  return out;
}

/** The whole report, Markdown, deterministic. */
export function dataAccessReport(inputs: ArtifactInputs): string {
  const { config } = inputs;
  const header = [
    `# Data access — Relationship Mesh, stack \`${config.stack}\``,
    "",
    `Generated by \`relmesh synth\` from \`Pulumi.${config.stack}.yaml\`; regenerate rather than edit. Read this first.`,
    "",
  ];
  if (!config.mgdcEnabled) {
    return [
      ...header,
      "Microsoft 365 extraction is **off** (relmesh:mgdcEnabled is false): no mailbox or calendar data is read. Only CRM files are processed.",
      "",
      ...accessSection(inputs),
      ...sourcesSection(inputs),
    ].join("\n");
  }
  return [
    ...header,
    ...datasetsSection(),
    ...scopeSection(inputs),
    ...windowSection(inputs),
    ...pathsSection(inputs),
    ...accessSection(inputs),
    ...sourcesSection(inputs),
  ].join("\n");
}
