/**
 * The workspace side of managed private endpoints: create, wait for, delete and read them on the
 * dev endpoint, and apply a plan (private-endpoints.ts), approving on the targets only what the
 * stack owns (private-endpoint-approval.ts).
 */
import { statusOf, withRetries } from "./retry";
import {
  planPrivateEndpoints,
  same,
  type ManagedPrivateEndpointSpec,
  type ManagedPrivateEndpointStatus,
  type ObservedEndpoint,
  type PrivateEndpointPlan,
} from "./private-endpoints";
import { pollUntil, type ApplyOptions, type PrivateLinkClients } from "./private-link-clients";
import { approveConnection } from "./private-endpoint-approval";

export const SYNAPSE_API_VERSION = "2020-12-01";

const mpePath = (name: string) =>
  `/managedVirtualNetworks/default/managedPrivateEndpoints/${encodeURIComponent(name)}?api-version=${SYNAPSE_API_VERSION}`;

/** GET one MPE; "NotFound" when absent. */
export async function getManagedPrivateEndpoint(c: PrivateLinkClients, name: string, o: ApplyOptions = {}): Promise<ObservedEndpoint> {
  return withRetries(
    `get managed private endpoint ${name}`,
    async () => {
      try {
        const { body } = await c.synapse.send("GET", mpePath(name));
        const p = body?.properties ?? {};
        return {
          name,
          privateLinkResourceId: p.privateLinkResourceId,
          groupId: p.groupId,
          provisioningState: p.provisioningState ?? "Unknown",
          connectionState: p.connectionState?.status,
          isReserved: p.isReserved,
        };
      } catch (err) {
        if (statusOf(err) === 404) return { name, provisioningState: "NotFound" };
        throw err;
      }
    },
    o.retry,
    o.log,
  );
}

async function putEndpoint(c: PrivateLinkClients, spec: ManagedPrivateEndpointSpec, o: ApplyOptions): Promise<void> {
  o.log?.(`managed private endpoint ${spec.name}: create (${spec.groupId} on ${spec.privateLinkResourceId})`);
  await withRetries(
    `create managed private endpoint ${spec.name}`,
    () =>
      c.synapse.send("PUT", mpePath(spec.name), {
        properties: { privateLinkResourceId: spec.privateLinkResourceId, groupId: spec.groupId },
      }),
    o.retry,
    o.log,
  );
}

async function waitProvisioned(c: PrivateLinkClients, name: string, o: ApplyOptions): Promise<ObservedEndpoint> {
  return pollUntil(
    () => getManagedPrivateEndpoint(c, name, o),
    (e) => e.provisioningState === "Succeeded" || e.provisioningState === "Failed",
    o,
    (e, ms) =>
      `managed private endpoint ${name} did not reach provisioningState Succeeded within ${Math.round(ms / 1000)} s (last provisioningState: ${e.provisioningState})`,
  ).then((e) => {
    if (e.provisioningState === "Failed")
      throw new Error(
        `managed private endpoint ${name} failed to provision (provisioningState: Failed); check the target ${e.privateLinkResourceId} and its sub-resource ${e.groupId}`,
      );
    return e;
  });
}

/** DELETE one MPE and wait until it is gone; absent already is fine. */
export async function deleteManagedPrivateEndpoint(c: PrivateLinkClients, name: string, o: ApplyOptions = {}): Promise<void> {
  o.log?.(`managed private endpoint ${name}: delete`);
  await withRetries(
    `delete managed private endpoint ${name}`,
    async () => {
      try {
        await c.synapse.send("DELETE", mpePath(name));
      } catch (err) {
        if (statusOf(err) !== 404) throw err;
      }
    },
    o.retry,
    o.log,
  );
  await pollUntil(
    () => getManagedPrivateEndpoint(c, name, o),
    (e) => e.provisioningState === "NotFound",
    o,
    (e, ms) =>
      `managed private endpoint ${name} was still present ${Math.round(ms / 1000)} s after its deletion (last provisioningState: ${e.provisioningState})`,
  );
}

export interface ApplyResult {
  plan: PrivateEndpointPlan;
  status: ManagedPrivateEndpointStatus[];
}

/**
 * Brings the workspace's MPEs to `desired`: replaced ones are deleted first, new ones created, all
 * waited for, pending connections approved, and MPEs of `previous` no longer wanted deleted last
 * (the new paths exist before old ones go). Sends no write when everything is in place.
 */
export async function applyManagedPrivateEndpoints(
  c: PrivateLinkClients,
  desired: ManagedPrivateEndpointSpec[],
  previous: ManagedPrivateEndpointSpec[] = [],
  o: ApplyOptions = {},
): Promise<ApplyResult> {
  const names = [...new Map([...desired, ...previous].map((s) => [s.name.toLowerCase(), s.name])).values()];
  const observed: ObservedEndpoint[] = [];
  for (const n of names) observed.push(await getManagedPrivateEndpoint(c, n, o));
  const plan = planPrivateEndpoints(desired, observed, previous);
  for (const s of plan.replace) await deleteManagedPrivateEndpoint(c, s.name, o);
  for (const s of [...plan.replace, ...plan.create]) await putEndpoint(c, s, o);
  const status = new Map<string, ManagedPrivateEndpointStatus>();
  for (const s of desired) {
    const o0 = observed.find((x) => same(x.name, s.name));
    const fresh = plan.create.includes(s) || plan.replace.includes(s) || plan.wait.includes(s);
    const e = fresh ? await waitProvisioned(c, s.name, o) : o0!;
    status.set(s.name, {
      name: s.name,
      provisioningState: e.provisioningState ?? "Unknown",
      ...(e.connectionState ? { connectionState: e.connectionState } : {}),
    });
  }
  for (const s of plan.approve) status.get(s.name)!.connectionState = await approveConnection(c, s, o);
  for (const n of plan.remove) await deleteManagedPrivateEndpoint(c, n, o);
  return { plan, status: desired.map((s) => status.get(s.name)!) };
}

/** DELETE every named MPE (404 is fine). */
export async function removeManagedPrivateEndpoints(c: PrivateLinkClients, names: string[], o: ApplyOptions = {}): Promise<void> {
  for (const n of names) await deleteManagedPrivateEndpoint(c, n, o);
}

/** What the workspace reports now for each spec (for `pulumi refresh`): provisioning and connection state. */
export async function readManagedPrivateEndpoints(
  c: PrivateLinkClients,
  specs: ManagedPrivateEndpointSpec[],
  o: ApplyOptions = {},
): Promise<ManagedPrivateEndpointStatus[]> {
  const out: ManagedPrivateEndpointStatus[] = [];
  for (const s of specs) {
    const e = await getManagedPrivateEndpoint(c, s.name, o);
    out.push({
      name: s.name,
      provisioningState: e.provisioningState ?? "Unknown",
      ...(e.connectionState ? { connectionState: e.connectionState } : {}),
    });
  }
  return out;
}
