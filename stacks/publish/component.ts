/**
 * Publishing into the workspace, after the workspace, its firewall rules and the ARM role
 * assignments exist (REL-17): Synapse RBAC first, then the artifacts, then the serving SQL. Wires
 * the dynamic resources; what they do is decided in planner.ts, rbac.ts and sql/.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Artifact } from "../../synapse-artifacts/model";
import type { SqlScript } from "../../sql/script";
import type { ScheduleIntent } from "./planner";
import { artifactsProvider, rbacProvider, sqlLayerHash, sqlLayerProvider, type RevokeSpec } from "./providers";

/** Synapse RBAC role assignments (data plane), see rbac.ts. */
export class SynapseRoleAssignments extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    args: { endpoint: pulumi.Input<string>; workspaceName: string; deployerObjectId: pulumi.Input<string>; adminGroupObjectId: string },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(rbacProvider, name, { ...args, assignments: undefined, created: undefined }, opts, "relmesh", "SynapseRoleAssignments");
  }
}

/** Linked services, datasets, notebooks, pipelines and triggers, published in dependency order. */
export class SynapseArtifacts extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    args: { endpoint: pulumi.Input<string>; artifacts: pulumi.Input<Artifact[]>; schedule: pulumi.Input<ScheduleIntent> },
    opts?: pulumi.CustomResourceOptions,
  ) {
    // Plain JSON (Dates as ISO strings): the inputs are stored in the state and hashed as such.
    const artifacts = pulumi.output(args.artifacts).apply((a) => JSON.parse(JSON.stringify(a)) as Artifact[]);
    super(
      artifactsProvider,
      name,
      { endpoint: args.endpoint, artifacts, schedule: args.schedule, published: undefined, runsDone: undefined },
      opts,
      "relmesh",
      "SynapseArtifacts",
    );
  }
}

/**
 * T-SQL scripts run on a server, rerun when they change: the serving layer's DDL on the serverless
 * endpoint, and the ERP database's grant (stacks/erp-sql.ts), whose `onDelete` revoke runs when the
 * resource goes (providers.ts).
 */
export class SynapseSqlLayer extends pulumi.dynamic.Resource {
  constructor(
    name: string,
    args: { server: pulumi.Input<string>; scripts: SqlScript[]; onDelete?: RevokeSpec },
    opts?: pulumi.CustomResourceOptions,
  ) {
    const hash = pulumi.output(args.server).apply((server) => sqlLayerHash(args.scripts, server));
    super(
      sqlLayerProvider,
      name,
      // onDelete only when given: the serving layer's inputs (and the plan goldens) stay as they were.
      { server: args.server, scripts: args.scripts, hash, objects: undefined, ...(args.onDelete ? { onDelete: args.onDelete } : {}) },
      opts,
      "relmesh",
      "SynapseSqlLayer",
    );
  }
}

export interface SynapsePublishArgs {
  workspaceName: string;
  /** `https://<workspace>.dev.azuresynapse.net` */
  devEndpoint: pulumi.Input<string>;
  /** `<workspace>-ondemand.sql.azuresynapse.net` */
  sqlServerlessEndpoint: pulumi.Input<string>;
  deployerObjectId: pulumi.Input<string>;
  adminGroupObjectId: string;
  artifacts: pulumi.Input<Artifact[]>;
  /** Whether the daily trigger runs, and the one-off initial load (stacks/first-run.ts). */
  schedule: pulumi.Input<ScheduleIntent>;
  sqlScripts: SqlScript[];
  /**
   * What must exist first: the workspace component (workspace, firewall rules that admit the
   * deployer to the dev and SQL endpoints, pools the notebooks name) and the ARM role assignments
   * the pipelines and serverless SQL rely on (REL-17).
   */
  after: pulumi.Input<pulumi.Resource>[];
}

export class SynapsePublish extends pulumi.ComponentResource {
  readonly roles: SynapseRoleAssignments;
  readonly artifacts: SynapseArtifacts;
  readonly sqlLayer: SynapseSqlLayer;

  constructor(name: string, args: SynapsePublishArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relmesh:stacks:SynapsePublish", name, {}, opts);
    this.roles = new SynapseRoleAssignments(
      "synapse-rbac",
      {
        endpoint: args.devEndpoint,
        workspaceName: args.workspaceName,
        deployerObjectId: args.deployerObjectId,
        adminGroupObjectId: args.adminGroupObjectId,
      },
      { parent: this, dependsOn: args.after },
    );
    this.artifacts = new SynapseArtifacts(
      "synapse-artifacts",
      { endpoint: args.devEndpoint, artifacts: args.artifacts, schedule: args.schedule },
      { parent: this, dependsOn: [this.roles, ...args.after] },
    );
    // Views read lake tables the pipelines write; the DDL itself needs only the database, but
    // running it after the artifacts keeps one deploy order for people reading the plan.
    this.sqlLayer = new SynapseSqlLayer(
      "synapse-sql-layer",
      { server: args.sqlServerlessEndpoint, scripts: args.sqlScripts },
      { parent: this, dependsOn: [this.artifacts, this.roles, ...args.after] },
    );
    this.registerOutputs({});
  }
}
