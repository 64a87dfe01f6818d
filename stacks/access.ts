import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import type { RelmeshConfig } from "../config/stack";
import {
  plannedRoleGrants,
  roleAssignmentName,
  roleDefinitionId,
  ROLE_IDS,
  type Grantee,
  type GrantScope,
  type RoleGrant,
} from "../config/roles";

export interface AccessControlArgs {
  config: RelmeshConfig;
  subscriptionId: pulumi.Input<string>;
  /** Principal object id per grantee the config uses. */
  principals: Partial<Record<Grantee, pulumi.Input<string>>>;
  /** ARM id per scope the config uses. */
  scopes: Partial<Record<GrantScope, pulumi.Input<string>>>;
}

/**
 * Every ARM role assignment (SEC-31): the list comes from {@link plannedRoleGrants}; this component
 * only resolves principals and scopes. Data-plane work (publishing, pipeline runs) should
 * `dependsOn` {@link AccessControl.assignments}: role assignments take a while to apply (REL-17).
 */
export class AccessControl extends pulumi.ComponentResource {
  readonly assignments: authorization.RoleAssignment[] = [];
  readonly grants: RoleGrant[];

  constructor(name: string, args: AccessControlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relmesh:stacks:AccessControl", name, {}, opts);
    this.grants = plannedRoleGrants(args.config);
    for (const grant of this.grants) {
      const principalId = args.principals[grant.grantee];
      const scope = args.scopes[grant.scope];
      if (principalId === undefined || scope === undefined) {
        throw new Error(
          `AccessControl: no ${principalId === undefined ? `principal for ${grant.grantee}` : `scope for ${grant.scope}`} (grant ${grant.logicalName})`,
        );
      }
      this.assignments.push(
        new authorization.RoleAssignment(
          grant.logicalName,
          {
            scope,
            principalId,
            // The SDK default is "User"; wrong for identities and groups, and it avoids replication-delay failures.
            principalType: grant.principalType,
            roleDefinitionId: pulumi.output(args.subscriptionId).apply((sub) => roleDefinitionId(sub, grant.role)),
            roleAssignmentName: pulumi.all([scope, principalId]).apply(([s, p]) => roleAssignmentName(s, p, ROLE_IDS[grant.role])),
            description: `relmesh: ${grant.reason}`,
          },
          { parent: this },
        ),
      );
    }
    this.registerOutputs({});
  }
}
