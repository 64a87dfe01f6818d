/**
 * The dynamic providers. Pulumi serializes each provider object with everything its methods
 * reference: npm packages become `require(...)` calls, local modules are captured by value. So the
 * methods create their own credential and clients (no captured sockets, agents or tokens), and
 * everything they call is pure or takes its client as an argument. test/publish/serialize.test.ts
 * serializes them the way `pulumi up` does and runs the result in a fresh process.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as dns from "node:dns";
import { DefaultAzureCredential } from "@azure/identity";
import { AccessControlClient } from "@azure/synapse-access-control";
import type { Artifact } from "../../synapse-artifacts/model";
import type { SqlScript } from "../../sql/script";
import { objectKey, sqlObjects, updateScripts } from "../../sql/objects";
import { artifactsApi, createArtifactsClient } from "./client";
import { contentHash } from "./hash";
import { planPublish, type PublishedArtifact, type ScheduleIntent } from "./planner";
import { publishArtifacts, readPublished, unpublishArtifacts } from "./publish";
import { DEFAULT_PIPELINE_RETRY } from "./retry";
import { readSqlObjects } from "./sql/catalog";
import { executeSqlScripts } from "./sql/execute";
import { revokeOnDelete } from "./sql/revoke";
import { tediousConnectionFactory } from "./sql/tedious";
import {
  assertSameDeployer,
  assignSynapseRoles,
  presentSynapseRoles,
  principalTypeFromToken,
  removeSynapseRoles,
  synapseRoleAssignments,
  type RbacPrincipals,
  type SynapseRoleAssignment,
} from "./rbac";

// ---- SynapseArtifacts ------------------------------------------------------------------------

export interface ArtifactsProps {
  /** `https://<workspace>.dev.azuresynapse.net` */
  endpoint: string;
  /** Plain JSON of the SDK models (dates as ISO strings). */
  artifacts: Artifact[];
  /** Triggers started or held stopped, and one-off runs such as the initial load (stacks/first-run.ts). */
  schedule?: ScheduleIntent;
}
export interface ArtifactsState extends ArtifactsProps {
  /** What this resource left in the workspace: the next run's "current" (see publish.ts). */
  published: PublishedArtifact[];
  /** Keys of the one-off runs already made: never made twice. */
  runsDone?: string[];
}

const log = (line: string) => console.log(line);
const workspaceApi = (endpoint: string) => artifactsApi(createArtifactsClient(new DefaultAzureCredential(), endpoint));

export const artifactsProvider: pulumi.dynamic.ResourceProvider<ArtifactsProps, ArtifactsState> = {
  async create(inputs) {
    const { state, runsDone } = await publishArtifacts(workspaceApi(inputs.endpoint), inputs.artifacts, [], {
      log,
      schedule: inputs.schedule,
    });
    return { id: `artifacts@${new URL(inputs.endpoint).host}`, outs: { ...inputs, published: state, runsDone } };
  },
  // `pulumi refresh`: `published` as the workspace has it, so the next diff/update repairs drift.
  async read(id, props) {
    if (!props?.published?.length) return { id, props };
    const published = await readPublished(workspaceApi(props.endpoint), props.artifacts ?? [], props.published, { log });
    return { id, props: { ...props, published } };
  },
  async diff(_id, olds, news) {
    // Another workspace is a replacement: publish there, then unpublish from the old one.
    if (olds.endpoint !== news.endpoint) return { changes: true, replaces: ["endpoint"] };
    return { changes: planPublish(news.artifacts, olds.published ?? [], news.schedule, olds.runsDone).length > 0 };
  },
  async update(_id, olds, news) {
    const { state, runsDone } = await publishArtifacts(workspaceApi(news.endpoint), news.artifacts, olds.published ?? [], {
      log,
      schedule: news.schedule,
      runsDone: olds.runsDone,
    });
    return { outs: { ...news, published: state, runsDone } };
  },
  async delete(_id, props) {
    await unpublishArtifacts(workspaceApi(props.endpoint), props.published ?? [], { log });
  },
};

// ---- SynapseSqlLayer -------------------------------------------------------------------------

export interface SqlLayerProps {
  /** `<workspace>-ondemand.sql.azuresynapse.net` */
  server: string;
  scripts: SqlScript[];
  /** Runs again when this changes; the artifacts' hashes join it so a republish reruns the DDL. */
  hash: string;
  /**
   * What undoes `scripts`' grant (sql/erp-grants.ts's revoke, ERP mode existing only): its scripts
   * run on `server` when this resource is deleted, and on the old target when a replacement moves
   * the grant. A failure fails the delete, unless the target is gone (./sql/revoke.ts).
   * @default - none: delete leaves the server as it is (the serving layer, see delete)
   */
  onDelete?: RevokeSpec;
}

/** The revoke of a grant, and what it acts on. */
export interface RevokeSpec {
  scripts: SqlScript[];
  /**
   * What the grant is on, e.g. `ERP/sales/<workspace>` (database, schema, user): a change of it is a
   * replacement (grant the new target, then revoke the old). Not the scripts' text, which may be
   * reworded without moving the grant: a replacement then would revoke what the new one just granted.
   */
  target: string;
}

/** What decides a rerun of the DDL. Pure. */
export function sqlLayerHash(scripts: SqlScript[], server: string): string {
  return contentHash({ scripts, server });
}

/**
 * The tedious factory is made here, inside the method, and handed to the executor: the serialized
 * provider then requires the tedious package itself, never a relative path.
 */
async function runSql(p: SqlLayerProps, previous?: SqlScript[]): Promise<void> {
  const credential = new DefaultAzureCredential();
  // Objects of views or scripts that left the code are dropped first (sql/objects.ts), then every script reruns.
  await executeSqlScripts(updateScripts(previous, p.scripts), { factory: tediousConnectionFactory(p.server, credential), log });
}

export interface SqlLayerState extends SqlLayerProps {
  /**
   * Keys (sql/objects.ts) of the objects the scripts create that exist: all of them after create or
   * update; after `pulumi refresh`, those the server still has. Absent in states from before refresh was read.
   */
  objects?: string[];
}

const expectedObjects = (scripts: SqlScript[] | undefined) => sqlObjects(scripts).map(objectKey);

export const sqlLayerProvider: pulumi.dynamic.ResourceProvider<SqlLayerProps, SqlLayerState> = {
  async create(inputs) {
    await runSql(inputs);
    return { id: `sql@${inputs.server}`, outs: { ...inputs, objects: expectedObjects(inputs.scripts) } };
  },
  // `pulumi refresh`: which objects are still there (read-only catalog queries, ./sql/catalog.ts).
  async read(id, props) {
    if (!props || expectedObjects(props.scripts).length === 0) return { id, props };
    const credential = new DefaultAzureCredential();
    const objects = await readSqlObjects(props.scripts, { factory: tediousConnectionFactory(props.server, credential), log });
    return { id, props: { ...props, objects } };
  },
  async diff(_id, olds, news) {
    // An object the previous scripts created and refresh did not find (a view dropped by hand) is
    // drift: the update reruns the scripts, every batch of which recreates what is missing.
    const drifted = olds.objects !== undefined && expectedObjects(olds.scripts).some((k) => !olds.objects!.includes(k));
    // A revoke that changed alone (a state from before it existed, a reworded script) is an update,
    // so the state holds the one delete will run; a grant that moves (another database, schema or
    // user) is a replacement, so the old one is revoked (delete runs with the old state).
    const revokeChanged = JSON.stringify(olds.onDelete ?? null) !== JSON.stringify(news.onDelete ?? null);
    const moved = olds.onDelete !== undefined && olds.onDelete.target !== news.onDelete?.target;
    return {
      changes: olds.hash !== news.hash || olds.server !== news.server || drifted || revokeChanged,
      replaces: [...(olds.server !== news.server ? ["server"] : []), ...(moved ? ["onDelete"] : [])],
    };
  },
  async update(_id, olds, news) {
    await runSql(news, olds.scripts);
    return { outs: { ...news, objects: expectedObjects(news.scripts) } };
  },
  // The serving layer (no onDelete) has nothing to undo: the serving database lives in the workspace
  // and goes with it. Dropping it on a mere removal of this resource would cut Power BI off without a
  // deliberate step. A grant on someone else's database (onDelete) is revoked before Pulumi forgets it.
  async delete(_id, props) {
    if (!props.onDelete?.scripts.length) return;
    // PRINT output is logged: the revoke says so when it keeps a user the customer gave more by hand.
    const factory = tediousConnectionFactory(props.server, new DefaultAzureCredential(), undefined, (m) => log(`${props.server}: ${m}`));
    await revokeOnDelete(props.server, props.onDelete.scripts, { factory, resolveHost: (host) => dns.promises.resolve(host), log });
  },
};

// ---- SynapseRoleAssignments ------------------------------------------------------------------

export interface RbacProps extends Omit<RbacPrincipals, "deployerType"> {
  endpoint: string;
}
export interface RbacState extends RbacProps {
  assignments: SynapseRoleAssignment[];
  /** Ids this resource created; others existed already (409) and are not ours to delete. */
  created: string[];
}

async function rbacClient(endpoint: string, deployerObjectId: string) {
  const credential = new DefaultAzureCredential();
  const token = await credential.getToken("https://dev.azuresynapse.net/.default");
  // Every data-plane resource depends on this one, so one check here covers the publisher, the
  // private endpoints and the SQL executor (all sign in the same way).
  assertSameDeployer(token.token, deployerObjectId);
  return {
    roles: new AccessControlClient(credential, endpoint, { retryOptions: DEFAULT_PIPELINE_RETRY }).roleAssignments,
    deployerType: principalTypeFromToken(token.token),
  };
}

export const rbacProvider: pulumi.dynamic.ResourceProvider<RbacProps, RbacState> = {
  async create(inputs) {
    const { roles, deployerType } = await rbacClient(inputs.endpoint, inputs.deployerObjectId);
    const assignments = synapseRoleAssignments({ ...inputs, deployerType });
    const created = await assignSynapseRoles(roles, assignments, undefined, log);
    return { id: `rbac@${new URL(inputs.endpoint).host}`, outs: { ...inputs, assignments, created } };
  },
  // `pulumi refresh`: `assignments` keeps only those the workspace still has (listed, only GETs).
  async read(id, props) {
    if (!props?.assignments?.length) return { id, props };
    const roles = new AccessControlClient(new DefaultAzureCredential(), props.endpoint, { retryOptions: DEFAULT_PIPELINE_RETRY })
      .roleAssignments;
    return { id, props: { ...props, assignments: await presentSynapseRoles(roles, props.assignments, undefined, log) } };
  },
  async diff(_id, olds, news) {
    const ids = (p: RbacProps) =>
      synapseRoleAssignments(p)
        .map((a) => a.id)
        .join(",");
    if (olds.endpoint !== news.endpoint) return { changes: true, replaces: ["endpoint"] };
    // An assignment refresh did not find (removed by hand) is drift: the update assigns every role again.
    const have = new Set((olds.assignments ?? []).map((a) => a.id));
    const drifted = olds.assignments !== undefined && synapseRoleAssignments(olds).some((a) => !have.has(a.id));
    return { changes: ids(olds) !== ids(news) || drifted };
  },
  async update(_id, olds, news) {
    const { roles, deployerType } = await rbacClient(news.endpoint, news.deployerObjectId);
    const assignments = synapseRoleAssignments({ ...news, deployerType });
    const keep = new Set(assignments.map((a) => a.id));
    await removeSynapseRoles(
      roles,
      (olds.assignments ?? []).filter((a) => !keep.has(a.id) && (olds.created ?? []).includes(a.id)),
    );
    const fresh = await assignSynapseRoles(roles, assignments, undefined, log);
    const created = [...new Set([...(olds.created ?? []).filter((id) => keep.has(id)), ...fresh])];
    return { outs: { ...news, assignments, created } };
  },
  async delete(_id, props) {
    const { roles } = await rbacClient(props.endpoint, props.deployerObjectId);
    await removeSynapseRoles(
      roles,
      (props.assignments ?? []).filter((a) => (props.created ?? []).includes(a.id)),
    );
  },
};
