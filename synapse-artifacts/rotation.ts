/**
 * The MGDC client secret rotates on a schedule inside the workspace, not only when someone runs
 * `pulumi up`: a schedule trigger runs a pipeline that adds a new password to the MGDC app through
 * Microsoft Graph and writes it to Key Vault as the secret's new version, which the MGDC linked
 * services read at their next run. Older passwords expire on their own (each lives
 * relmesh:mgdcSecretLifetimeDays); the Key Vault SecretNearExpiry alert (stacks/monitoring.ts) fires
 * only if rotation stops. Both calls run as the workspace identity on the MGDC runtime: Graph is a
 * public endpoint that the exfiltration-protected managed VNet cannot reach.
 */
import type { PipelineResource, ScheduleTrigger, WebActivity } from "@azure/synapse-artifacts";
import { after, policy } from "./activities";
import { expr } from "./datasets";
import type { ArtifactInputs } from "./inputs";
import type { Artifact } from "./model";
import { keyVaultUrl, PIPELINES, RUNTIMES, TRIGGERS } from "./names";

/** Days between rotations: a third of the lifetime, so a new version exists long before the 30-day expiry warning. Pure. */
export function rotationIntervalDays(lifetimeDays: number): number {
  return Math.max(1, Math.floor(lifetimeDays / 3));
}

const ADD = "Add MGDC app credential";
const STORE = "Store it in Key Vault";
/** Graph returns the new credential once, in `secretText`: outputs and inputs stay out of run history. */
const SECRET_POLICY = { timeoutHours: 1, retry: 2, retryIntervalInSeconds: 120, secure: true } as const;

export function rotationPipeline(inputs: ArtifactInputs): Artifact {
  const { config, deployment } = inputs;
  const days = config.mgdcSecretLifetimeDays;
  const runtime = { type: "IntegrationRuntimeReference", referenceName: RUNTIMES.mgdc } as const;
  const add: WebActivity = {
    name: ADD,
    type: "WebActivity",
    description: "POST /applications/{id}/addPassword as the workspace identity (an owner of the MGDC app, Application.ReadWrite.OwnedBy).",
    policy: policy(SECRET_POLICY),
    method: "POST",
    url: `https://graph.microsoft.com/v1.0/applications/${deployment.mgdcAppObjectId}/addPassword`,
    headers: { "Content-Type": "application/json" },
    body: expr(
      `@json(concat('{"passwordCredential":{"displayName":"relmesh rotated ', utcNow('yyyy-MM-dd'), '","endDateTime":"', addDays(utcNow(), ${days}), '"}}'))`,
    ),
    authentication: { type: "MSI", resource: "https://graph.microsoft.com" },
    connectVia: runtime,
  };
  const store: WebActivity = {
    name: STORE,
    type: "WebActivity",
    description: "PUT the new credential as the next version of the MGDC secret, expiring with it (Key Vault Secrets Officer).",
    dependsOn: [after(ADD)],
    policy: policy(SECRET_POLICY),
    method: "PUT",
    url: `${keyVaultUrl(config)}secrets/${config.mgdcSecretName}?api-version=7.4`,
    headers: { "Content-Type": "application/json" },
    body: expr(
      `@json(concat('{"value":"', activity('${ADD}').output.secretText, '","contentType":"client-secret","attributes":{"exp":', ` +
        `string(div(sub(ticks(addDays(utcNow(), ${days})), ticks('1970-01-01T00:00:00Z')), 10000000)), '}}'))`,
    ),
    authentication: { type: "MSI", resource: "https://vault.azure.net" },
    connectVia: runtime,
  };
  const body: PipelineResource = {
    description: `Rotates the MGDC client secret every ${rotationIntervalDays(days)} days (trigger ${TRIGGERS.rotateSecret}); each credential lives ${days} days.`,
    concurrency: 1,
    activities: [add, store],
  };
  return { kind: "pipeline", name: PIPELINES.rotateSecret, body };
}

export function rotationTrigger(inputs: ArtifactInputs): Artifact {
  const properties: ScheduleTrigger = {
    type: "ScheduleTrigger",
    description: `Runs ${PIPELINES.rotateSecret} every ${rotationIntervalDays(inputs.config.mgdcSecretLifetimeDays)} days. A schedule trigger does not backfill past occurrences.`,
    pipelines: [{ pipelineReference: { type: "PipelineReference", referenceName: PIPELINES.rotateSecret } }],
    recurrence: {
      frequency: "Day",
      interval: rotationIntervalDays(inputs.config.mgdcSecretLifetimeDays),
      startTime: new Date("2026-01-01T03:00:00Z"),
      timeZone: "UTC",
    },
  };
  return { kind: "trigger", name: TRIGGERS.rotateSecret, body: { properties } };
}
