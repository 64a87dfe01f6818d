/**
 * Role assignments: which identity gets which role on which scope. Pure functions decide; the
 * components only create the `authorization.RoleAssignment` resources the list asks for.
 * In config/ (before every stage that reads it): the data-access report (synapse-artifacts/report.ts)
 * and the Pulumi program (stacks/) read the same list.
 */
import { createHash } from "node:crypto";
import type { RelmeshConfig } from "./stack";

/** Built-in Azure role definition GUIDs (docs/platform-facts.md §6.7). */
export const ROLE_IDS = {
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  "Storage Blob Data Reader": "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
} as const;
export type AzureRole = keyof typeof ROLE_IDS;

/** Synapse RBAC (data-plane) role ids (docs/platform-facts.md §3.5). Not ARM resources: the publisher assigns them. */
export const SYNAPSE_ROLE_IDS = {
  "Synapse Administrator": "6e4bf58a-b8e1-4cc3-bbf9-d73143322b78",
  "Synapse Credential User": "5eb298b4-692c-4241-9cf0-f58a3b42bb25",
} as const;

/** `/subscriptions/<sub>/providers/Microsoft.Authorization/roleDefinitions/<guid>` */
export function roleDefinitionId(subscriptionId: string, role: AzureRole): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ROLE_IDS[role]}`;
}

/** Namespace of the name-based UUIDs below (a fixed random UUID). */
const RELMESH_UUID_NAMESPACE = "4f1c7a52-93a8-4c1e-9d2b-6a0e5b3c8d71";

/**
 * Deterministic role assignment name: a version-5 (SHA-1, name-based) UUID of scope, principal and
 * role, so re-running the program never creates a second assignment and names never collide.
 */
export function roleAssignmentName(scope: string, principalId: string, roleGuid: string): string {
  const ns = Buffer.from(RELMESH_UUID_NAMESPACE.replace(/-/g, ""), "hex");
  const bytes = createHash("sha1")
    .update(ns)
    .update(`${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleGuid.toLowerCase()}`)
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = bytes.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Identities the program grants roles to. */
/**
 * Identities the program grants ARM roles to. Report readers hold none: the views read the lake
 * through the workspace's credential, so readers never need the files themselves.
 */
export type Grantee = "synapseWorkspaceIdentity" | "mgdcServicePrincipal";
/** Scopes the program grants roles on (narrowest that works). */
export type GrantScope = "lakeAccount" | "curatedFileSystem" | "landingContainer" | "keyVault";

export interface RoleGrant {
  /** Logical name of the RoleAssignment resource. */
  logicalName: string;
  grantee: Grantee;
  principalType: "ServicePrincipal" | "Group";
  role: AzureRole;
  scope: GrantScope;
  /** Why this identity needs this role (goes into the assignment's description). */
  reason: string;
}

/** Every ARM role assignment the program makes, for this config. SEC-31. */
export function plannedRoleGrants(config: RelmeshConfig): RoleGrant[] {
  const grants: RoleGrant[] = [
    {
      logicalName: "synapse-lake-contributor",
      grantee: "synapseWorkspaceIdentity",
      principalType: "ServicePrincipal",
      role: "Storage Blob Data Contributor",
      scope: "lakeAccount",
      reason: "Spark and pipelines read raw and write curated and workspace data with the workspace identity",
    },
  ];
  if (config.mgdcEnabled) {
    grants.push(
      {
        logicalName: "synapse-key-vault-secrets-officer",
        grantee: "synapseWorkspaceIdentity",
        principalType: "ServicePrincipal",
        // Officer, not User: the rotation pipeline writes each new version (synapse-artifacts/rotation.ts).
        // Only MGDC keeps a secret in the vault; without it nothing reads the vault at run time.
        role: "Key Vault Secrets Officer",
        scope: "keyVault",
        reason: "the linked services read the MGDC client secret and the rotation pipeline writes its new versions",
      },
      {
        logicalName: "mgdc-landing-writer",
        grantee: "mgdcServicePrincipal",
        principalType: "ServicePrincipal",
        role: "Storage Blob Data Contributor",
        scope: "landingContainer",
        reason: "MGDC writes extracted M365 data with service-principal auth; only into the landing container",
      },
      {
        logicalName: "synapse-landing-reader",
        grantee: "synapseWorkspaceIdentity",
        principalType: "ServicePrincipal",
        role: "Storage Blob Data Reader",
        scope: "landingContainer",
        reason: "the pipeline copies MGDC output from landing into the private lake; the lifecycle policy deletes it",
      },
    );
  }
  return grants;
}

/** A Synapse RBAC assignment the publisher makes through the data plane (no ARM type exists). */
export interface SynapseRbacGrant {
  role: keyof typeof SYNAPSE_ROLE_IDS;
  roleId: string;
  principal: "deployer" | "adminGroup";
  /** `detect`: the deployer may be a user (laptop) or a service principal (CI); the publisher reads its token. */
  principalType: "detect" | "Group";
  reason: string;
}

/**
 * Synapse data-plane roles the publisher must assign (docs/platform-facts.md §3.5): the deploying identity as Synapse
 * Administrator (it publishes artifacts and runs DDL) and the admin group as Synapse Administrator.
 */
export function plannedSynapseRbac(): SynapseRbacGrant[] {
  return [
    {
      role: "Synapse Administrator",
      roleId: SYNAPSE_ROLE_IDS["Synapse Administrator"],
      principal: "deployer",
      principalType: "detect",
      // Administrator, not Artifact Publisher: the deployer also assigns these roles (only Synapse
      // Administrators may), runs the serving DDL (docs/platform-facts.md §5.4) and starts the
      // initial load and the trigger, which needs Credential User on the workspace identity's
      // credential: Administrators hold it ("Includes Compute Operator, Linked Data Manager, and
      // Credential User permissions on the workspace system identity credential", Synapse RBAC roles).
      reason:
        "publishes artifacts, assigns Synapse roles, runs the serving-layer DDL and starts pipeline runs with the workspace credential",
    },
    {
      role: "Synapse Administrator",
      roleId: SYNAPSE_ROLE_IDS["Synapse Administrator"],
      principal: "adminGroup",
      principalType: "Group",
      reason: "humans administer the workspace through a group, not as individuals",
    },
  ];
}

/**
 * Cosmos DB built-in data-plane role "Cosmos DB Built-in Data Reader" (read items, run queries,
 * read the change feed and metadata; nothing else): `<account id>/sqlRoleDefinitions/<this>`.
 * https://learn.microsoft.com/azure/cosmos-db/how-to-setup-rbac (built-in role definitions).
 */
export const COSMOS_DATA_READER_ROLE = "00000000-0000-0000-0000-000000000001";

/**
 * A deterministic GUID for a Cosmos DB data-plane role assignment (its name must be a GUID): the
 * same scope, principal and role always give the same assignment, so a rerun never adds a second
 * ({@link roleAssignmentName}'s name-based UUID). Pure.
 */
export function cosmosRoleAssignmentId(scope: string, principalId: string, roleDefinitionGuid: string): string {
  return roleAssignmentName(scope, principalId, roleDefinitionGuid);
}
