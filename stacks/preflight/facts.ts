/**
 * What preflight reads from Azure, as plain data. The adapter (azure.ts) fills it; the checks
 * (checks.ts) decide from it alone. Every read may fail on its own (`{ error }`), so one refused
 * call fails one check, not the run.
 */

/** A value read from Azure, or why it could not be read. */
export type Read<T> = { value: T } | { error: string };

/** The global names preflight asks Azure about. */
export type GlobalNameKey = "lakeAccount" | "landingAccount" | "keyVault" | "synapseWorkspace";

export interface NameFact {
  /** Azure's `nameAvailable`. */
  available: boolean;
  /** Azure's `reason` (`AlreadyExists`, `Invalid`, ...) and `message`, when not available. */
  reason?: string;
  message?: string;
  /** Whether a resource of that name already exists in the target resource group (then it is an update). */
  existsInResourceGroup: boolean;
}

export interface RoleAssignmentFact {
  /** Scope of the assignment: `/`, a management group, `/subscriptions/<id>` or a resource group. */
  scope: string;
  /** Last segment of `roleDefinitionId` (a GUID). */
  roleDefinitionGuid: string;
  /** Name of the role, when known (built-in table or the definition read from Azure). */
  roleName?: string;
  /** Permissions of a role that is not one of the well-known built-ins (read from its definition). */
  permissions?: { actions: string[]; notActions: string[] };
  /** An ABAC condition on the assignment (typical for Role Based Access Control Administrator). */
  condition?: string;
}

export interface DirectoryRoleFact {
  displayName: string;
  roleTemplateId: string;
}

/** Who runs `pulumi up`, from the ARM token's claims. */
export interface DeployerFact {
  objectId: string;
  kind: "user" | "servicePrincipal";
  /** Client id of the application (service principals). */
  appId?: string;
  /** UPN or display name, for messages. */
  name?: string;
}

export interface GraphFacts {
  /** Which token the facts come from: a user's (directory roles apply) or an app's (app role assignments apply). */
  tokenKind: "user" | "servicePrincipal";
  /** Directory roles held (directly or through role-assignable groups). */
  directoryRoles: DirectoryRoleFact[];
  /** Microsoft Graph application permissions granted to the service principal (names, e.g. `Application.ReadWrite.All`). Empty for users. */
  graphAppPermissions: string[];
  /** The tenant's default user permissions (users only); undefined when they could not be read. */
  defaultUserPermissions?: { allowedToCreateApps: boolean; allowedToCreateSecurityGroups: boolean };
}

export interface AzureFacts {
  available: true;
  subscriptionId: string;
  deployer: DeployerFact;
  /** Whether the target resource group exists already. */
  resourceGroupExists: Read<boolean>;
  /** Resource provider namespace (as Azure spells it) → registration state (`Registered`, `NotRegistered`, ...). */
  providers: Read<Record<string, string>>;
  /** Role assignments of the deployer (direct and through groups) that apply at subscription scope or below it. */
  roleAssignments: Read<RoleAssignmentFact[]>;
  /** Graph facts; only read when MGDC is on. */
  graph?: Read<GraphFacts>;
  names: Partial<Record<GlobalNameKey, Read<NameFact>>>;
}

/**
 * No facts: no credential, or no subscription to check. Every Azure check is skipped with the short
 * `reason`; the access row shows `detail`. With `fix` set (signed in, but the subscription is
 * unknown), the access row fails: nothing was checked although credentials exist.
 */
export interface NoAzureFacts {
  available: false;
  reason: string;
  detail: string;
  fix?: string;
}

export type PreflightFacts = AzureFacts | NoAzureFacts;
