/**
 * The dynamic providers. Pulumi serializes each provider object with everything its methods
 * reference: npm packages become `require(...)` calls, local modules are captured by value. So the
 * methods create their own credential and clients (no captured sockets, agents or tokens), and
 * everything they call is pure or takes its client as an argument. test/publish/serialize.test.ts
 * serializes them the way `pulumi up` does and runs the result in a fresh process.
 */
import type * as pulumi from "@pulumi/pulumi";
import { DefaultAzureCredential } from "@azure/identity";
import { AccessControlClient } from "@azure/synapse-access-control";
import type { Artifact, SqlScript } from "../../synapse-artifacts/model";
import { executeSqlScripts } from "../../sql/execute";
import { updateScripts } from "../../sql/objects";
import { tediousConnectionFactory } from "../../sql/tedious";
import { artifactsApi, createArtifactsClient, DEFAULT_PIPELINE_RETRY } from "./client";
import { contentHash } from "./hash";
import { planPublish, type PublishedArtifact } from "./planner";
import { publishArtifacts, unpublishArtifacts } from "./publish";
import { assignSynapseRoles, principalTypeFromToken, removeSynapseRoles, synapseRoleAssignments, type RbacPrincipals, type SynapseRoleAssignment } from "./rbac";

// ---- SynapseArtifacts ------------------------------------------------------------------------

export interface ArtifactsProps {
  /** `https://<workspace>.dev.azuresynapse.net` */
  endpoint: string;
  /** Plain JSON of the SDK models (dates as ISO strings). */
  artifacts: Artifact[];
}
export interface ArtifactsState extends ArtifactsProps {
  /** What this resource left in the workspace: the next run's "current" (see publish.ts). */
  published: PublishedArtifact[];
}

const log = (line: string) => console.log(line);
const workspaceApi = (endpoint: string) => artifactsApi(createArtifactsClient(new DefaultAzureCredential(), endpoint));

export const artifactsProvider: pulumi.dynamic.ResourceProvider<ArtifactsProps, ArtifactsState> = {
  async create(inputs) {
    const { state } = await publishArtifacts(workspaceApi(inputs.endpoint), inputs.artifacts, [], { log });
    return { id: `artifacts@${new URL(inputs.endpoint).host}`, outs: { ...inputs, published: state } };
  },
  async diff(_id, olds, news) {
    // Another workspace is a replacement: publish there, then unpublish from the old one.
    if (olds.endpoint !== news.endpoint) return { changes: true, replaces: ["endpoint"] };
    return { changes: planPublish(news.artifacts, olds.published ?? []).length > 0 };
  },
  async update(_id, olds, news) {
    const { state } = await publishArtifacts(workspaceApi(news.endpoint), news.artifacts, olds.published ?? [], { log });
    return { outs: { ...news, published: state } };
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
}

/** What decides a rerun of the DDL. Pure. */
export function sqlLayerHash(scripts: SqlScript[], server: string): string {
  return contentHash({ scripts, server });
}

/**
 * The factory is passed explicitly: executeSqlScripts' default loads ./tedious with a relative
 * dynamic import, which the serialized provider cannot resolve from Pulumi's provider host.
 */
async function runSql(p: SqlLayerProps, previous?: SqlScript[]): Promise<void> {
  const credential = new DefaultAzureCredential();
  // Objects of views or scripts that left the code are dropped first (sql/objects.ts), then every script reruns.
  await executeSqlScripts(updateScripts(previous, p.scripts), { server: p.server, credential, factory: tediousConnectionFactory(p.server, credential), log });
}

export const sqlLayerProvider: pulumi.dynamic.ResourceProvider<SqlLayerProps, SqlLayerProps> = {
  async create(inputs) {
    await runSql(inputs);
    return { id: `sql@${inputs.server}`, outs: inputs };
  },
  async diff(_id, olds, news) {
    return { changes: olds.hash !== news.hash || olds.server !== news.server, replaces: olds.server !== news.server ? ["server"] : [] };
  },
  async update(_id, olds, news) {
    await runSql(news, olds.scripts);
    return { outs: news };
  },
  // Nothing to undo: the serving database lives in the workspace and goes with it. Dropping it on
  // a mere removal of this resource would cut Power BI off without a deliberate step.
  async delete() {},
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

async function rbacClient(endpoint: string) {
  const credential = new DefaultAzureCredential();
  const token = await credential.getToken("https://dev.azuresynapse.net/.default");
  return { roles: new AccessControlClient(credential, endpoint, { retryOptions: DEFAULT_PIPELINE_RETRY }).roleAssignments, deployerType: principalTypeFromToken(token.token) };
}

export const rbacProvider: pulumi.dynamic.ResourceProvider<RbacProps, RbacState> = {
  async create(inputs) {
    const { roles, deployerType } = await rbacClient(inputs.endpoint);
    const assignments = synapseRoleAssignments({ ...inputs, deployerType });
    const created = await assignSynapseRoles(roles, assignments, undefined, log);
    return { id: `rbac@${new URL(inputs.endpoint).host}`, outs: { ...inputs, assignments, created } };
  },
  async diff(_id, olds, news) {
    const ids = (p: RbacProps) => synapseRoleAssignments(p).map((a) => a.id).join(",");
    if (olds.endpoint !== news.endpoint) return { changes: true, replaces: ["endpoint"] };
    return { changes: ids(olds) !== ids(news) };
  },
  async update(_id, olds, news) {
    const { roles, deployerType } = await rbacClient(news.endpoint);
    const assignments = synapseRoleAssignments({ ...news, deployerType });
    const keep = new Set(assignments.map((a) => a.id));
    await removeSynapseRoles(roles, (olds.assignments ?? []).filter((a) => !keep.has(a.id) && (olds.created ?? []).includes(a.id)));
    const fresh = await assignSynapseRoles(roles, assignments, undefined, log);
    const created = [...new Set([...(olds.created ?? []).filter((id) => keep.has(id)), ...fresh])];
    return { outs: { ...news, assignments, created } };
  },
  async delete(_id, props) {
    const { roles } = await rbacClient(props.endpoint);
    await removeSynapseRoles(roles, (props.assignments ?? []).filter((a) => (props.created ?? []).includes(a.id)));
  },
};
