/**
 * The MGDC registration and consent checklist. MGDC app registration and the Global Admin's
 * approval have no public API (docs/platform-facts.md §1.2–1.3), so the program computes every value they need and
 * prints the steps. Any change of app, destination storage, datasets, columns or user scope
 * invalidates the approval; the fingerprint over exactly those values tells when that happened.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "../config/json";
import { MGDC_DATASETS } from "../config/mgdc-datasets";

export interface ConsentInputs {
  tenantId: string;
  /** Application (client) id of the MGDC Entra app. */
  applicationClientId: string;
  subscriptionId: string;
  resourceGroupName: string;
  /** Landing storage account name. */
  storageAccountName: string;
  /** DFS endpoint of the landing account, e.g. `https://x.dfs.core.windows.net/`. */
  storageDfsUri: string;
  /** Container MGDC writes into. */
  container: string;
  /** Entra group object ids that scope the extraction (at most 10). */
  allowedGroupObjectIds: string[];
  /** Synapse workspace that runs the copy activity. */
  synapseWorkspaceName: string;
  stackConfigFile: string;
}

/** The values the Global Admin approves; the fingerprint covers exactly these. */
export interface ApprovalValues {
  applicationClientId: string;
  tenantId: string;
  publishType: "Single-tenant";
  computeType: "Synapse";
  activityType: "Copy activity";
  destinationType: "Azure Storage Account";
  storageAccountName: string;
  storageAccountUri: string;
  datasets: Array<{ name: string; columns: string[]; scope: { allowedGroups: string[] } }>;
}

export type ApprovalStatus = "not-approved" | "approved" | "changed";

export interface ConsentChecklist {
  /** SHA-256 (hex) of the approval values, canonical JSON. */
  fingerprint: string;
  status: ApprovalStatus;
  statusMessage: string;
  values: ApprovalValues;
  steps: string[];
}

export function approvalValues(inputs: ConsentInputs): ApprovalValues {
  const groups = [...inputs.allowedGroupObjectIds].map((g) => g.toLowerCase()).sort();
  return {
    applicationClientId: inputs.applicationClientId,
    tenantId: inputs.tenantId,
    publishType: "Single-tenant",
    computeType: "Synapse",
    activityType: "Copy activity",
    destinationType: "Azure Storage Account",
    storageAccountName: inputs.storageAccountName,
    storageAccountUri: inputs.storageDfsUri,
    datasets: MGDC_DATASETS.map((d) => ({ name: d.name, columns: d.columns.map((c) => c.name), scope: { allowedGroups: groups } })),
  };
}

export function approvalFingerprint(values: ApprovalValues): string {
  return createHash("sha256").update(canonicalJson(values)).digest("hex");
}

/** The step-by-step checklist and whether the approved values still hold. Pure. */
export function consentChecklist(inputs: ConsentInputs, approvedFingerprint?: string): ConsentChecklist {
  const values = approvalValues(inputs);
  const fingerprint = approvalFingerprint(values);
  const file = inputs.stackConfigFile;
  let status: ApprovalStatus;
  let statusMessage: string;
  if (!approvedFingerprint) {
    status = "not-approved";
    statusMessage = `NOT YET APPROVED: follow the steps, then set relmesh:mgdcApprovedFingerprint: ${fingerprint} in ${file}.`;
  } else if (approvedFingerprint === fingerprint) {
    status = "approved";
    statusMessage = `APPROVED VALUES UNCHANGED (fingerprint ${fingerprint}): no new approval needed.`;
  } else {
    status = "changed";
    statusMessage =
      `APPROVAL INVALIDATED: the app, destination storage, datasets, columns or user scope differ from what was approved ` +
      `(approved ${approvedFingerprint}, now ${fingerprint}). Update the registration (steps 3-6), have a Global Admin approve again (step 7), ` +
      `then set relmesh:mgdcApprovedFingerprint: ${fingerprint} in ${file}.`;
  }
  const groups = values.datasets[0]?.scope.allowedGroups.join(", ") ?? "";
  const steps = [
    "1. Once per tenant, a Global Admin turns Microsoft Graph Data Connect on: Microsoft 365 admin center > Settings > Org settings > Services > Microsoft Graph Data Connect (tenants on the old PAM flow: turn it off and on again).",
    `2. Put the users whose mail and calendars may be analysed into the allowed group(s) ${groups}. Only their mailboxes are extracted; guests and shared mailboxes never are.`,
    `3. Sign in as an owner of the app (a licensed, non-guest user with a mailbox) and open https://aka.ms/mgdcinazure > Add. Application ID: ${values.applicationClientId} (tenant ${values.tenantId}).`,
    `4. Registration info: Publish type ${values.publishType}; Compute type ${values.computeType}; Activity type ${values.activityType}; Subscription ${inputs.subscriptionId}; Resource group ${inputs.resourceGroupName}; Destination type ${values.destinationType}; Storage account ${values.storageAccountName}; Storage account URI ${values.storageAccountUri} (the DFS endpoint: the sink linked service is ADLS Gen2). MGDC writes into container '${inputs.container}'.`,
    ...values.datasets.map(
      (d, i) =>
        `${5 + i}. Datasets tab, row ${i + 1}: dataset ${d.name}; columns (select exactly these): ${d.columns.join(", ")}; scope: Entra group object ids ${d.scope.allowedGroups.join(", ")}.`,
    ),
    `${5 + values.datasets.length}. Review + create. The app shows as 'Pre-consent' until approved.`,
    `${6 + values.datasets.length}. A different Global Admin (self-approval is blocked) approves it: Microsoft 365 admin center > Settings > Org settings > Security & privacy > Microsoft Graph Data Connect applications (https://admin.microsoft.com/adminportal/home#/Settings/MGDCAdminCenter). Status becomes 'Approved'.`,
    `${7 + values.datasets.length}. Record the approval: set relmesh:mgdcApprovedFingerprint: ${fingerprint} in ${file}. Later deployments compare against it and say when the approval is invalidated.`,
  ];
  return { fingerprint, status, statusMessage, values, steps };
}

/** When the MGDC secret expires and when it rotates, for a given clock. Pure and stable within a window. */
export interface SecretSchedule {
  /** Start of the current rotation window (ISO); a new window replaces the secret. */
  rotationKey: string;
  /** `endDate` of the Entra application password (ISO, UTC). */
  endDate: string;
  /** The same instant in epoch seconds, for the Key Vault secret's `expires`. */
  expiresEpochSeconds: number;
}

/**
 * Rotates the secret halfway through its lifetime: windows of lifetime/2 days counted from the Unix
 * epoch; the secret of a window expires lifetime days after the window starts, so a deployment at
 * least every lifetime/2 days always leaves a valid secret in Key Vault.
 */
export function secretSchedule(now: Date, lifetimeDays: number): SecretSchedule {
  const dayMs = 86_400_000;
  const window = Math.max(1, Math.floor(lifetimeDays / 2));
  const day = Math.floor(now.getTime() / dayMs);
  const start = Math.floor(day / window) * window * dayMs;
  const end = start + lifetimeDays * dayMs;
  return {
    rotationKey: new Date(start).toISOString(),
    endDate: new Date(end).toISOString(),
    expiresEpochSeconds: Math.floor(end / 1000),
  };
}
