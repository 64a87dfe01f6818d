/**
 * The dynamic provider and resource for Synapse managed private endpoints (see private-endpoints.ts).
 * Like providers.ts: Pulumi serializes the provider with everything its methods reference, so the
 * methods create their own credential and clients (nothing captured but pure functions and npm
 * packages); test/publish/serialize.test.ts proves it serializes and loads.
 */
import * as pulumi from "@pulumi/pulumi";
import { DefaultAzureCredential } from "@azure/identity";
import { needsRepair, specsChanged, type ManagedPrivateEndpointSpec, type ManagedPrivateEndpointStatus } from "./private-endpoints";
import { createPrivateLinkClients } from "./private-link-clients";
import { applyManagedPrivateEndpoints, readManagedPrivateEndpoints, removeManagedPrivateEndpoints } from "./private-endpoint-apply";

export type { ManagedPrivateEndpointSpec, ManagedPrivateEndpointStatus } from "./private-endpoints";

export interface PrivateEndpointsProps {
  /** `https://<workspace>.dev.azuresynapse.net` */
  devEndpoint: string;
  endpoints: ManagedPrivateEndpointSpec[];
  /** @default https://management.azure.com */
  armEndpoint?: string;
}
export interface PrivateEndpointsState extends PrivateEndpointsProps {
  /** Per spec, what the workspace reported at the last apply or refresh. */
  status: ManagedPrivateEndpointStatus[];
}

const log = (line: string) => console.log(line);
const clientsFor = (p: PrivateEndpointsProps) =>
  createPrivateLinkClients(new DefaultAzureCredential(), { devEndpoint: p.devEndpoint, armEndpoint: p.armEndpoint });
const plain = (p: PrivateEndpointsProps): PrivateEndpointsProps => ({
  devEndpoint: p.devEndpoint,
  endpoints: p.endpoints,
  ...(p.armEndpoint ? { armEndpoint: p.armEndpoint } : {}),
});

export const privateEndpointsProvider: pulumi.dynamic.ResourceProvider<PrivateEndpointsProps, PrivateEndpointsState> = {
  async create(inputs) {
    const { status } = await applyManagedPrivateEndpoints(clientsFor(inputs), inputs.endpoints, [], { log });
    return { id: `mpe@${new URL(inputs.devEndpoint).host}`, outs: { ...plain(inputs), status } };
  },
  // Nothing is replaced: a changed spec is an update (the MPE behind a changed name or target is
  // deleted and created by update itself). A recorded status showing a missing, unprovisioned or
  // unapproved endpoint is also an update, so `pulumi up` after `pulumi refresh` repairs it, and an
  // endpoint waiting for its owner's approval is read again on every `pulumi up` until it is
  // Approved (update then writes nothing: needsRepair).
  async diff(_id, olds, news) {
    const changes =
      olds.devEndpoint !== news.devEndpoint ||
      (olds.armEndpoint ?? "") !== (news.armEndpoint ?? "") ||
      specsChanged(olds.endpoints ?? [], news.endpoints ?? []) ||
      needsRepair(news.endpoints ?? [], olds.status);
    return { changes, replaces: [] };
  },
  async update(_id, olds, news) {
    let previous = olds.endpoints ?? [];
    if (olds.devEndpoint !== news.devEndpoint) {
      // Another workspace: the old one's endpoints go (404 if the workspace went with them).
      await removeManagedPrivateEndpoints(
        clientsFor(olds),
        previous.map((s) => s.name),
        { log },
      );
      previous = [];
    }
    const { status } = await applyManagedPrivateEndpoints(clientsFor(news), news.endpoints, previous, { log });
    return { outs: { ...plain(news), status } };
  },
  async delete(_id, props) {
    await removeManagedPrivateEndpoints(
      clientsFor(props),
      (props.endpoints ?? []).map((s) => s.name),
      { log },
    );
  },
  async read(id, props) {
    const p = props as PrivateEndpointsState;
    const status = await readManagedPrivateEndpoints(clientsFor(p), p.endpoints ?? [], { log });
    return { id, props: { ...p, status } };
  },
};

/**
 * Managed private endpoints of a managed-VNet workspace to the lake, the MGDC landing account and
 * Key Vault, approved on those targets when `approve` is set (the deployer owns them).
 */
export class SynapseManagedPrivateEndpoints extends pulumi.dynamic.Resource {
  /** The specs as last applied: which endpoints the stack approves and which their owners do. */
  declare readonly endpoints: pulumi.Output<ManagedPrivateEndpointSpec[]>;
  /** Per endpoint: provisioning and connection state, as last applied or refreshed. */
  declare readonly status: pulumi.Output<ManagedPrivateEndpointStatus[]>;

  constructor(
    name: string,
    args: { devEndpoint: pulumi.Input<string>; endpoints: pulumi.Input<ManagedPrivateEndpointSpec[]>; armEndpoint?: string },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      privateEndpointsProvider,
      name,
      { devEndpoint: args.devEndpoint, endpoints: args.endpoints, armEndpoint: args.armEndpoint, status: undefined },
      opts,
      "relmesh",
      "SynapseManagedPrivateEndpoints",
    );
  }
}
