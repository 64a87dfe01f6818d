/**
 * Synapse RBAC (data plane, docs/platform-facts.md §3.5): which principal gets which Synapse role, and an idempotent
 * apply over `AccessControlClient`. No ARM resource type exists for these, hence a dynamic resource.
 */
import type { AccessControlClient } from "@azure/synapse-access-control";
import { plannedSynapseRbac, roleAssignmentName } from "../../config/roles";
import { statusOf, withRetries, type RetryOptions } from "./retry";

/** Role ids from the service's own role-definition listing (docs/platform-facts.md §3.5). */
export const SYNAPSE_ROLES = {
  "Synapse Administrator": "6e4bf58a-b8e1-4cc3-bbf9-d73143322b78",
  "Synapse Credential User": "5eb298b4-692c-4241-9cf0-f58a3b42bb25",
  "Synapse Artifact Publisher": "05930f57-09a3-4c0d-9fa9-6d1eb91c178b",
  "Synapse Compute Operator": "e3844cc7-4670-42cb-9349-9bdac1ee7881",
} as const;
export type SynapseRole = keyof typeof SYNAPSE_ROLES;
export type PrincipalType = "User" | "Group" | "ServicePrincipal";

export interface SynapseRoleAssignment {
  /** Deterministic (UUID v5 of scope, principal, role): re-running never creates a second one. */
  id: string;
  role: SynapseRole;
  roleId: string;
  principalId: string;
  /** Omitted when unknown; the service then resolves it. */
  principalType?: PrincipalType;
  /** `workspaces/<name>` */
  scope: string;
  reason: string;
}

export interface RbacPrincipals {
  workspaceName: string;
  /** Object id of the identity running `pulumi up`. */
  deployerObjectId: string;
  /** User on a laptop, ServicePrincipal in CI; undefined lets the service resolve it. */
  deployerType?: PrincipalType;
  adminGroupObjectId: string;
}

/** Every Synapse role assignment the program makes, least privilege per principal. Pure. */
export function synapseRoleAssignments(p: RbacPrincipals): SynapseRoleAssignment[] {
  const scope = `workspaces/${p.workspaceName}`;
  const make = (
    role: SynapseRole,
    principalId: string,
    principalType: PrincipalType | undefined,
    reason: string,
  ): SynapseRoleAssignment => ({
    id: roleAssignmentName(scope, principalId, SYNAPSE_ROLES[role]),
    role,
    roleId: SYNAPSE_ROLES[role],
    principalId,
    ...(principalType ? { principalType } : {}),
    scope,
    reason,
  });
  // One list (config/roles.ts): what the stack reports is what the publisher assigns.
  return plannedSynapseRbac().map((g) =>
    g.principal === "deployer"
      ? make(g.role, p.deployerObjectId, p.deployerType, g.reason)
      : make(g.role, p.adminGroupObjectId, "Group", g.reason),
  );
}

/** Principal type of the caller, read from its access token's claims (`idtyp`, `scp`). Pure; undefined when unclear. */
export function principalTypeFromToken(token: string): PrincipalType | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { idtyp?: string; scp?: string };
    if (claims.idtyp === "app") return "ServicePrincipal";
    if (claims.idtyp === "user" || claims.scp) return "User";
    return undefined;
  } catch {
    return undefined;
  }
}

/** The signed-in principal's object id (`oid` claim) of an access token. Pure; undefined when absent. */
export function objectIdFromToken(token: string): string | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { oid?: string };
    return claims.oid;
  } catch {
    return undefined;
  }
}

/**
 * One deployer: the publisher and the SQL executor sign in with DefaultAzureCredential, while the
 * ARM role assignments and the Synapse Administrator grant are made for the principal Pulumi's
 * azure-native provider reports (getClientConfig). DefaultAzureCredential does not read the
 * provider's `azure-native:clientId`/`clientSecret` config, so the two can differ; publishing as
 * anyone else would fail later with 403s that name no cause. Pure: throws with the fix.
 */
export function assertSameDeployer(token: string, deployerObjectId: string): void {
  const signedIn = objectIdFromToken(token);
  if (signedIn && deployerObjectId && signedIn.toLowerCase() !== deployerObjectId.toLowerCase()) {
    throw new Error(
      `the publisher signed in as ${signedIn}, but pulumi's azure-native provider deploys as ${deployerObjectId}: ` +
        "use one identity for both — az login for both, or the same service principal in ARM_CLIENT_ID/ARM_CLIENT_SECRET/ARM_TENANT_ID " +
        "(Pulumi) and AZURE_CLIENT_ID/AZURE_CLIENT_SECRET/AZURE_TENANT_ID (the publisher) — then rerun pulumi up",
    );
  }
}

type RoleApi = Pick<AccessControlClient["roleAssignments"], "createRoleAssignment" | "deleteRoleAssignmentById">;

/**
 * Creates each assignment. 409 means it exists already (ours from an earlier run, or an equal one
 * made by hand or by workspace creation): success, but then it is not ours to delete.
 * Returns the ids this call created.
 */
export async function assignSynapseRoles(
  api: RoleApi,
  assignments: SynapseRoleAssignment[],
  retry?: RetryOptions,
  log?: (l: string) => void,
): Promise<string[]> {
  const created: string[] = [];
  for (const a of assignments) {
    const existed = await withRetries(
      `assign ${a.role} to ${a.principalId}`,
      async () => {
        try {
          await api.createRoleAssignment(a.id, a.roleId, a.principalId, a.scope, a.principalType ? { principalType: a.principalType } : {});
          return false;
        } catch (err) {
          if (statusOf(err) === 409) return true;
          throw err;
        }
      },
      retry,
      log,
    );
    if (!existed) created.push(a.id);
  }
  return created;
}

/** Deletes the assignments this program created; a missing one is fine. */
export async function removeSynapseRoles(api: RoleApi, assignments: SynapseRoleAssignment[], retry?: RetryOptions): Promise<void> {
  for (const a of assignments) {
    await withRetries(
      `remove ${a.role} from ${a.principalId}`,
      async () => {
        try {
          await api.deleteRoleAssignmentById(a.id, { scope: a.scope });
        } catch (err) {
          if (statusOf(err) !== 404) throw err;
        }
      },
      retry,
    );
  }
}

type ListApi = Pick<AccessControlClient["roleAssignments"], "listRoleAssignments">;

/**
 * The assignments that exist now (`pulumi refresh`), in the given order. Listed by role, principal
 * and scope rather than fetched by id: an equal assignment made by hand or by workspace creation has
 * another id (it made ours answer 409) and grants the same. Only GETs.
 */
export async function presentSynapseRoles(
  api: ListApi,
  assignments: SynapseRoleAssignment[],
  retry?: RetryOptions,
  log?: (l: string) => void,
): Promise<SynapseRoleAssignment[]> {
  const present: SynapseRoleAssignment[] = [];
  for (const a of assignments) {
    const found = await withRetries(
      `read ${a.role} of ${a.principalId}`,
      async () => {
        const list = await api.listRoleAssignments({ roleId: a.roleId, principalId: a.principalId, scope: a.scope });
        // The filters are the service's; checked again so a service ignoring one cannot fake a match.
        return (list.value ?? []).some((r) => r.roleDefinitionId === a.roleId && r.principalId === a.principalId && r.scope === a.scope);
      },
      retry,
      log,
    );
    if (found) present.push(a);
  }
  return present;
}
