/**
 * Preflight checks: pure functions of the validated config and the facts read from Azure
 * (facts.ts). No I/O; tested without a server. Each check returns one or more results; a `fail`
 * carries the fix. Without Azure facts every Azure check is `skipped`, with the reason.
 */
import { plannedRoleGrants } from "../../config/roles";
import type { RelmeshConfig } from "../../config/stack";
import { MGDC_REGIONS } from "../../config/azure-reference";
import type { AzureFacts, GlobalNameKey, GraphFacts, PreflightFacts, RoleAssignmentFact } from "./facts";

export type CheckStatus = "pass" | "fail" | "skipped";

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  fix?: string;
}

// ---------------------------------------------------------------------------------------------
// Reference
// ---------------------------------------------------------------------------------------------

/** Built-in ARM roles that matter to the deployer (well-known GUIDs, the same in every tenant). */
export const DEPLOYER_ROLE_IDS = {
  Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  "Role Based Access Control Administrator": "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
} as const;

/** What each of those roles lets the deployer do. */
const BUILTIN_CAPS: Record<string, { create: boolean; assign: boolean }> = {
  [DEPLOYER_ROLE_IDS.Owner]: { create: true, assign: true },
  [DEPLOYER_ROLE_IDS.Contributor]: { create: true, assign: false },
  [DEPLOYER_ROLE_IDS["User Access Administrator"]]: { create: false, assign: true },
  [DEPLOYER_ROLE_IDS["Role Based Access Control Administrator"]]: { create: false, assign: true },
};

/** Name of a well-known deployer role by GUID. */
export function builtinRoleName(guid: string): string | undefined {
  return Object.entries(DEPLOYER_ROLE_IDS).find(([, id]) => id === guid.toLowerCase())?.[0];
}

/** Entra directory roles (template ids are the same in every tenant). */
export const DIRECTORY_ROLE_IDS = {
  "Global Administrator": "62e90394-69f5-4237-9190-012177145e10",
  "Application Administrator": "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
  "Cloud Application Administrator": "158c047a-c907-4556-b7ef-446551a6b5f7",
  "Groups Administrator": "fdd7a751-b60b-444a-984c-02652fe8fa1c",
  "User Administrator": "fe930be7-5e62-47db-91af-98c3a49a38b1",
} as const;
type DirectoryRoleName = keyof typeof DIRECTORY_ROLE_IDS;

/** Directory roles that may create app registrations, and security groups. */
const APP_CREATOR_ROLES: DirectoryRoleName[] = ["Global Administrator", "Application Administrator", "Cloud Application Administrator"];
const GROUP_CREATOR_ROLES: DirectoryRoleName[] = ["Global Administrator", "Groups Administrator", "User Administrator"];
/** Microsoft Graph application permissions that may create app registrations, and groups. */
const APP_CREATOR_PERMISSIONS = ["Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"];
const GROUP_CREATOR_PERMISSIONS = ["Group.ReadWrite.All", "Group.Create", "Directory.ReadWrite.All"];

/** Resource providers the program needs, in the order the table lists them. */
export function requiredProviders(config: RelmeshConfig): string[] {
  return [
    "Microsoft.Synapse",
    "Microsoft.Storage",
    "Microsoft.KeyVault",
    "Microsoft.OperationalInsights",
    "Microsoft.Insights",
    "Microsoft.Consumption",
    ...(config.dedicatedSqlPool ? ["Microsoft.Sql"] : []),
    "Microsoft.Authorization",
  ];
}

/** Global names preflight checks, with the provider that owns them; the landing account only with MGDC on. */
export function globalNames(config: RelmeshConfig): Array<{ key: GlobalNameKey; kind: string; name: string }> {
  return [
    { key: "lakeAccount" as const, kind: "storage account", name: config.names.lakeAccount },
    ...(config.mgdcEnabled ? [{ key: "landingAccount" as const, kind: "storage account", name: config.names.landingAccount }] : []),
    { key: "keyVault" as const, kind: "Key Vault", name: config.names.keyVault },
    { key: "synapseWorkspace" as const, kind: "Synapse workspace", name: config.names.synapseWorkspace },
  ];
}

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

const skipped = (id: string, title: string, detail: string): CheckResult => ({ id, title, status: "skipped", detail });
const pass = (id: string, title: string, detail: string): CheckResult => ({ id, title, status: "pass", detail });
const fail = (id: string, title: string, detail: string, fix: string): CheckResult => ({ id, title, status: "fail", detail, fix });

function who(f: AzureFacts): string {
  const kind = f.deployer.kind === "user" ? "user" : "service principal";
  return `${kind} ${f.deployer.name ? `${f.deployer.name} ` : ""}(object id ${f.deployer.objectId})`;
}

/** The Azure connection itself: who is signed in, which subscription. */
export function checkAzureAccess(facts: PreflightFacts): CheckResult {
  const title = "Azure credentials and subscription";
  if (!facts.available) return facts.fix ? fail("azure", title, facts.detail, facts.fix) : skipped("azure", title, facts.detail);
  return pass("azure", title, `${who(facts)} on subscription ${facts.subscriptionId}`);
}

export function checkProviders(config: RelmeshConfig, facts: PreflightFacts): CheckResult[] {
  return requiredProviders(config).map((ns) => {
    const id = `provider.${ns}`;
    const title = `resource provider ${ns} registered`;
    if (!facts.available) return skipped(id, title, facts.reason);
    if ("error" in facts.providers)
      return fail(
        id,
        title,
        `could not list the subscription's resource providers: ${facts.providers.error}`,
        `give the deployer Reader (or more) on /subscriptions/${facts.subscriptionId}`,
      );
    const state = Object.entries(facts.providers.value).find(([k]) => k.toLowerCase() === ns.toLowerCase())?.[1];
    if (state === "Registered") return pass(id, title, "Registered");
    return fail(
      id,
      title,
      `${ns} is ${state ?? "not listed"} in subscription ${facts.subscriptionId}`,
      `az provider register --namespace ${ns} --subscription ${facts.subscriptionId}`,
    );
  });
}

/** `*` matches any run of characters; Azure compares actions case-insensitively. */
function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\/]/g, "\\$&"))
      .join(".*")}$`,
    "i",
  );
  return re.test(action);
}

function permits(perms: { actions: string[]; notActions: string[] }, action: string): boolean {
  return perms.actions.some((a) => actionMatches(a, action)) && !perms.notActions.some((a) => actionMatches(a, action));
}

/** What one assignment lets the deployer do: the well-known table, else the role definition's permissions. */
export function capabilities(a: RoleAssignmentFact): { create: boolean; assign: boolean } {
  const builtin = BUILTIN_CAPS[a.roleDefinitionGuid.toLowerCase()];
  if (builtin) return builtin;
  if (!a.permissions) return { create: false, assign: false };
  const p = a.permissions;
  const create = [
    "Microsoft.Resources/subscriptions/resourceGroups/write",
    "Microsoft.Storage/storageAccounts/write",
    "Microsoft.KeyVault/vaults/write",
    "Microsoft.Synapse/workspaces/write",
  ].every((x) => permits(p, x));
  return { create, assign: permits(p, "Microsoft.Authorization/roleAssignments/write") };
}

function roleLabel(a: RoleAssignmentFact): string {
  return a.roleName ?? builtinRoleName(a.roleDefinitionGuid) ?? `role ${a.roleDefinitionGuid}`;
}

/**
 * The deployer's ARM roles: it creates the resource group, every resource and role assignments on
 * them. Assignments at the root, a management group or the subscription count; one on the target
 * resource group counts only when that group exists already (creating it needs subscription scope).
 */
export function checkDeployerRole(config: RelmeshConfig, facts: PreflightFacts): CheckResult {
  const id = "arm-role";
  const title = "deployer may create resources and role assignments";
  if (!facts.available) return skipped(id, title, facts.reason);
  const sub = `/subscriptions/${facts.subscriptionId}`;
  const rgScope = `${sub}/resourceGroups/${config.names.resourceGroup}`.toLowerCase();
  const fix = `ask an Owner of the subscription: az role assignment create --assignee ${facts.deployer.objectId} --role Owner --scope ${sub} (or Contributor plus User Access Administrator / Role Based Access Control Administrator)`;
  if ("error" in facts.roleAssignments)
    return fail(id, title, `could not list the role assignments of ${who(facts)}: ${facts.roleAssignments.error}`, fix);
  const rgExists = "value" in facts.resourceGroupExists && facts.resourceGroupExists.value;
  const above = (scope: string) => {
    const s = scope.toLowerCase().replace(/\/$/, "");
    return s === "" || s.startsWith("/providers/microsoft.management/managementgroups/") || s === sub.toLowerCase();
  };
  const applies = facts.roleAssignments.value.filter((a) => above(a.scope) || (rgExists && a.scope.toLowerCase() === rgScope));
  const caps = applies.map(capabilities);
  const create = caps.some((c) => c.create);
  const assign = caps.some((c) => c.assign);
  const held = applies.map((a) => `${roleLabel(a)} at ${a.scope || "/"}${a.condition ? " (with a condition)" : ""}`);
  const heldText = held.length ? held.join(", ") : `no role at ${sub}${rgExists ? ` or ${config.names.resourceGroup}` : ""}`;
  if (create && assign) {
    const conditional =
      applies.some((a, i) => a.condition && caps[i].assign && !caps[i].create) && !applies.some((a, i) => !a.condition && caps[i].assign);
    const roles = [...new Set(plannedRoleGrants(config).map((g) => g.role))].sort();
    const note = conditional
      ? `; the role-assignment right carries a condition: it must allow assigning ${roles.slice(0, -1).join(", ")} and ${roles.at(-1)}`
      : "";
    return pass(id, title, `${who(facts)} holds ${heldText}${note}`);
  }
  const missing =
    !create && !assign
      ? "cannot create resources or role assignments"
      : !create
        ? "cannot create resources"
        : "can create resources but not role assignments";
  return fail(id, title, `${who(facts)} holds ${heldText}: it ${missing}`, fix);
}

function graphGrantText(g: GraphFacts): string {
  const roles = g.directoryRoles.map((r) => r.displayName);
  if (g.tokenKind === "user") return `user token; directory roles: ${roles.length ? roles.join(", ") : "none"}`;
  return `app token; Microsoft Graph application permissions: ${g.graphAppPermissions.length ? g.graphAppPermissions.join(", ") : "none"}; directory roles: ${roles.length ? roles.join(", ") : "none"}`;
}

/**
 * With MGDC on, the deployer creates the MGDC app registration and service principal, and the
 * allowed-users group unless `allowedGroupObjectIds` names existing groups. A user token is judged
 * by its directory roles (and the tenant's default user permissions); an app token by its Microsoft
 * Graph application permissions (and any directory roles its service principal holds).
 */
export function checkGraphPermissions(config: RelmeshConfig, facts: PreflightFacts): CheckResult {
  const id = "graph";
  const title = "deployer may create the MGDC app registration and group";
  if (!config.mgdcEnabled) return skipped(id, title, "relmesh:mgdcEnabled is false: the program creates no Entra app or group");
  if (!facts.available) return skipped(id, title, facts.reason);
  const needGroup = config.allowedGroupObjectIds.length === 0;
  const fixFor = (kind: "user" | "servicePrincipal") =>
    kind === "user"
      ? `have a Privileged Role Administrator give ${facts.deployer.objectId} the Application Administrator or Cloud Application Administrator role${needGroup ? " (and Groups Administrator, or set relmesh:allowedGroupObjectIds to existing groups)" : ""}`
      : `grant the service principal the Microsoft Graph application permission Application.ReadWrite.OwnedBy (or Application.ReadWrite.All)${needGroup ? " and Group.Create (or Group.ReadWrite.All), or set relmesh:allowedGroupObjectIds to existing groups" : ""}, with admin consent`;
  if (!facts.graph) return skipped(id, title, "Microsoft Graph was not read");
  if ("error" in facts.graph)
    return fail(id, title, `could not read the deployer's Microsoft Graph permissions: ${facts.graph.error}`, fixFor(facts.deployer.kind));
  const g = facts.graph.value;
  const roles = new Set(g.directoryRoles.map((r) => r.roleTemplateId.toLowerCase()));
  const hasRole = (names: DirectoryRoleName[]) => names.some((n) => roles.has(DIRECTORY_ROLE_IDS[n]));
  const hasPerm = (names: string[]) => names.some((n) => g.graphAppPermissions.includes(n));
  const defaults = g.tokenKind === "user" ? g.defaultUserPermissions : undefined;
  const canApp = hasRole(APP_CREATOR_ROLES) || hasPerm(APP_CREATOR_PERMISSIONS) || defaults?.allowedToCreateApps === true;
  const canGroup =
    !needGroup || hasRole(GROUP_CREATOR_ROLES) || hasPerm(GROUP_CREATOR_PERMISSIONS) || defaults?.allowedToCreateSecurityGroups === true;
  const viaDefaults =
    defaults &&
    ((!hasRole(APP_CREATOR_ROLES) && defaults.allowedToCreateApps) ||
      (needGroup && !hasRole(GROUP_CREATOR_ROLES) && defaults.allowedToCreateSecurityGroups));
  const base = graphGrantText(g) + (viaDefaults ? "; the tenant lets every user create apps/security groups" : "");
  if (canApp && canGroup)
    return pass(id, title, `${base}${needGroup ? "" : " (no group is created: relmesh:allowedGroupObjectIds is set)"}`);
  const missing = [!canApp ? "app registrations" : "", !canGroup ? "security groups" : ""].filter(Boolean).join(" or ");
  const unread = g.tokenKind === "user" && !defaults ? " (the tenant's default user permissions could not be read)" : "";
  return fail(id, title, `${base}: cannot create ${missing}${unread}`, fixFor(g.tokenKind));
}

/** With MGDC on, the region must be one MGDC serves (FACTS §1.5), from the one table in config/azure-reference.ts. */
export function checkMgdcRegion(config: RelmeshConfig): CheckResult {
  const id = "region";
  const title = "region served by Graph Data Connect";
  if (!config.mgdcEnabled) return skipped(id, title, "relmesh:mgdcEnabled is false: any region");
  const office = Object.entries(MGDC_REGIONS).find(([, regions]) => regions.includes(config.location))?.[0];
  if (office) return pass(id, title, `${config.location} (Office region ${office})`);
  return fail(
    id,
    title,
    `${config.location} is not a region Graph Data Connect serves`,
    `set relmesh:location in Pulumi.${config.stack}.yaml to the Azure region of your mailboxes' Office region (${Object.values(MGDC_REGIONS).flat().join(", ")})`,
  );
}

export function checkGlobalNames(config: RelmeshConfig, facts: PreflightFacts): CheckResult[] {
  const fix = `set relmesh:nameSuffix in Pulumi.${config.stack}.yaml (1–8 lowercase letters and digits) to derive other global names`;
  return globalNames(config).map(({ key, kind, name }) => {
    const id = `name.${key}`;
    const title = `${kind} name free (${key})`;
    if (!facts.available) return skipped(id, title, facts.reason);
    const fact = facts.names[key];
    if (!fact) return skipped(id, title, "not checked");
    if ("error" in fact)
      return fail(
        id,
        title,
        `could not check the name: ${fact.error}`,
        `retry, or check it by hand with az ${kind === "Key Vault" ? "keyvault" : kind === "storage account" ? "storage account" : "synapse workspace"} check-name --name ${name}`,
      );
    const n = fact.value;
    if (n.available) return pass(id, title, `${name} is available`);
    if (n.existsInResourceGroup) return pass(id, title, `${name} exists in ${config.names.resourceGroup}: pulumi up updates it`);
    return fail(id, title, `${kind} name ${name} is not available (${[n.reason, n.message].filter(Boolean).join(": ") || "taken"})`, fix);
  });
}

/**
 * Every check, in table order. `extra` are results computed elsewhere and shown after these (the
 * data-path model in stacks/datapath passes its results here).
 */
export function runChecks(config: RelmeshConfig, facts: PreflightFacts, extra: CheckResult[] = []): CheckResult[] {
  return [
    checkAzureAccess(facts),
    ...checkProviders(config, facts),
    checkDeployerRole(config, facts),
    checkGraphPermissions(config, facts),
    checkMgdcRegion(config),
    ...checkGlobalNames(config, facts),
    ...extra,
  ];
}

/** Whether anything blocks `pulumi up`. */
export function blocks(results: CheckResult[]): boolean {
  return results.some((r) => r.status === "fail");
}
