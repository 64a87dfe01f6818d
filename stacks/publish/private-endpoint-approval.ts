/**
 * The target side of a managed private endpoint: its private endpoint connection on ARM, approved
 * by the stack when the deployer owns the target (`approve`). Never called for a customer's target.
 */
import { withRetries } from "./retry";
import {
  connectionsApiVersion,
  findConnection,
  type ManagedPrivateEndpointSpec,
  type PrivateEndpointConnection,
} from "./private-endpoints";
import { pollUntil, type ApplyOptions, type PrivateLinkClients } from "./private-link-clients";

export const APPROVAL_DESCRIPTION = "Approved by Relationship Mesh (pulumi up)";

async function listConnections(c: PrivateLinkClients, targetId: string, o: ApplyOptions): Promise<PrivateEndpointConnection[]> {
  const out: PrivateEndpointConnection[] = [];
  let next: string | undefined = `${targetId}/privateEndpointConnections?api-version=${connectionsApiVersion(targetId)}`;
  while (next) {
    const url: string = next;
    const { body } = await withRetries(`list private endpoint connections of ${targetId}`, () => c.arm.send("GET", url), o.retry, o.log);
    out.push(...(body?.value ?? []));
    next = body?.nextLink;
  }
  return out;
}

/**
 * Approves the target-side connection of one MPE; idempotent: an Approved connection gets no write.
 * Returns the connection's final status. A connection rejected or disconnected on the target is not
 * overridden: that was someone's decision there, so this fails and says what to do.
 */
export async function approveConnection(c: PrivateLinkClients, spec: ManagedPrivateEndpointSpec, o: ApplyOptions = {}): Promise<string> {
  const wanted = `${c.workspaceName}.${spec.name}`;
  // The connection appears on the target shortly after the MPE is provisioned; wait for it (bounded).
  const conn = (await pollUntil(
    async () => findConnection(await listConnections(c, spec.privateLinkResourceId, o), c.workspaceName, spec.name),
    (x) => x !== undefined && x.properties?.privateLinkServiceConnectionState?.status !== "Disconnected",
    o,
    (x, ms) =>
      `no ${x ? "live (only a Disconnected) " : ""}private endpoint connection for managed private endpoint ${spec.name} on ${spec.privateLinkResourceId} within ${Math.round(ms / 1000)} s (looked for a privateEndpoint id ending in /${wanted})`,
  ))!;
  const status = conn.properties?.privateLinkServiceConnectionState?.status;
  if (status === "Approved") return status;
  if (status !== "Pending") {
    throw new Error(
      `the private endpoint connection ${conn.name ?? conn.id} of managed private endpoint ${spec.name} is ${status} on ${spec.privateLinkResourceId}; ` +
        `the stack does not override that. Approve it on the target by hand, or remove ${spec.name} from the specs, run pulumi up, and add it back to request a new connection.`,
    );
  }
  o.log?.(`managed private endpoint ${spec.name}: approve ${conn.name ?? conn.id} on ${spec.privateLinkResourceId}`);
  const url = `${conn.id}?api-version=${connectionsApiVersion(spec.privateLinkResourceId)}`;
  // PUT the connection back with only the approval state changed (plus its etag, which Key Vault uses for concurrency).
  const { provisioningState: _ro, ...properties } = conn.properties ?? {};
  const body = {
    ...(conn.etag ? { etag: conn.etag } : {}),
    properties: {
      ...properties,
      privateLinkServiceConnectionState: { status: "Approved", description: APPROVAL_DESCRIPTION, actionsRequired: "None" },
    },
  };
  await withRetries(`approve private endpoint connection of ${spec.name}`, () => c.arm.send("PUT", url, body), o.retry, o.log);
  // Key Vault answers while the connection is still "Updating": wait until it settles as Approved.
  const settled = await pollUntil(
    async () =>
      (await withRetries(`get private endpoint connection of ${spec.name}`, () => c.arm.send("GET", url), o.retry, o.log))
        .body as PrivateEndpointConnection,
    (x) =>
      x?.properties?.privateLinkServiceConnectionState?.status === "Approved" &&
      !["Updating", "Creating", "Accepted"].includes(x.properties?.provisioningState ?? ""),
    o,
    (x, ms) =>
      `the private endpoint connection of ${spec.name} on ${spec.privateLinkResourceId} was not Approved within ${Math.round(ms / 1000)} s (last: ${x?.properties?.privateLinkServiceConnectionState?.status}, ${x?.properties?.provisioningState})`,
  );
  return settled.properties!.privateLinkServiceConnectionState!.status!;
}
