/**
 * What the data-path model knows about a deployment, read from the plan (the resources exactly as
 * `pulumi up` would send them) and the generated Synapse artifacts (which runtime each linked
 * service uses). Reading the plan, not the config, means a test that breaks one setting in the
 * plan sees the path it closes.
 */
import type { Artifact } from "../../synapse-artifacts/model";
import type { PlanResource } from "../plan-resource";
import { LOGICAL } from "../logical-names";
import { plannedRoleGrants, ROLE_IDS, type AzureRole, type Grantee, type GrantScope } from "../../config/roles";
import type { RelmeshConfig } from "../../config/stack";
import type { StorageNetwork, VaultNetwork, WorkspaceNetwork } from "./rules";

/** The integration runtime every linked service without `connectVia` uses. */
export const AUTO_RESOLVE_RUNTIME = "AutoResolveIntegrationRuntime";
/** Type token of the managed-private-endpoint publisher (a dynamic resource). */
export const MANAGED_PRIVATE_ENDPOINTS_TYPE = "pulumi-nodejs:dynamic/relmesh:SynapseManagedPrivateEndpoints";
export const MANAGED_PRIVATE_ENDPOINTS_NAME = "synapse-managed-private-endpoints";

export interface RoleFact {
  logicalName: string;
  /** The planned grantee, or `principal <id>` for an assignment the program does not plan. */
  grantee: Grantee | `principal ${string}`;
  role: AzureRole;
  scope: GrantScope;
}

export interface DeploymentFacts {
  workspaceId: string;
  managedVirtualNetwork: boolean;
  workspace: WorkspaceNetwork & { trustedServiceBypassEnabled: boolean };
  storage: Record<string, StorageNetwork>;
  vault?: VaultNetwork;
  /** Integration runtimes by name; `managedVnet` says whether it runs inside the managed VNet. */
  runtimes: Record<string, { name: string; managedVnet: boolean }>;
  /** Linked service name → the runtime it runs on. */
  linkedServiceRuntime: Record<string, string>;
  roles: RoleFact[];
}

type Inputs = Record<string, any>;

function find(plan: PlanResource[], type: string, name: string): Inputs | undefined {
  return plan.find((r) => r.type === type && r.name === name)?.inputs as Inputs | undefined;
}

/** Managed private endpoints the stack declares (and approves), as `{ target, groupId }`. */
function privateEndpoints(plan: PlanResource[]): Array<{ target: string; groupId: string }> {
  const r = plan.find((p) => p.type === MANAGED_PRIVATE_ENDPOINTS_TYPE && p.name === MANAGED_PRIVATE_ENDPOINTS_NAME);
  const list = ((r?.inputs as Inputs | undefined)?.endpoints ?? []) as Array<{
    privateLinkResourceId: string;
    groupId: string;
    approve?: boolean;
  }>;
  return list.filter((e) => e.approve !== false).map((e) => ({ target: e.privateLinkResourceId, groupId: e.groupId }));
}

function storageFacts(
  plan: PlanResource[],
  logical: string,
  endpoints: Array<{ target: string; groupId: string }>,
): StorageNetwork | undefined {
  const inputs = find(plan, "azure-native:storage:StorageAccount", logical);
  if (!inputs) return undefined;
  const rules = (inputs.networkRuleSet ?? {}) as Inputs;
  const account = inputs.accountName as string;
  return {
    logical,
    // azure-native leaves it to Azure, whose default for a new account is Enabled.
    publicNetworkAccess: inputs.publicNetworkAccess ?? "Enabled",
    defaultAction: rules.defaultAction ?? "Allow",
    bypass: rules.bypass ?? "AzureServices",
    ipRules: ((rules.ipRules ?? []) as Array<{ iPAddressOrRange: string }>).map((r) => r.iPAddressOrRange),
    resourceInstances: ((rules.resourceAccessRules ?? []) as Array<{ resourceId: string }>).map((r) => r.resourceId),
    privateEndpointGroups: endpoints.filter((e) => e.target.endsWith(`/storageAccounts/${account}`)).map((e) => e.groupId),
  };
}

/** Scope names as the role assignments' `scope` strings end. */
function scopeOf(scope: string, config: RelmeshConfig): GrantScope | undefined {
  if (scope.endsWith(`/storageAccounts/${config.names.lakeAccount}`)) return "lakeAccount";
  if (scope.endsWith(`/storageAccounts/${config.names.lakeAccount}/blobServices/default/containers/${config.fileSystems.curated}`))
    return "curatedFileSystem";
  if (scope.endsWith(`/storageAccounts/${config.names.landingAccount}/blobServices/default/containers/${config.landingContainer}`))
    return "landingContainer";
  if (scope.endsWith(`/vaults/${config.names.keyVault}`)) return "keyVault";
  return undefined;
}

function roleFacts(plan: PlanResource[], config: RelmeshConfig): RoleFact[] {
  const grantees = new Map(plannedRoleGrants(config).map((g) => [g.logicalName, g.grantee]));
  const roleByGuid = new Map<string, AzureRole>(Object.entries(ROLE_IDS).map(([role, guid]) => [guid, role as AzureRole]));
  return plan
    .filter((r) => r.type === "azure-native:authorization:RoleAssignment")
    .flatMap((r) => {
      const inputs = r.inputs as Inputs;
      const role = roleByGuid.get(
        String(inputs.roleDefinitionId ?? "")
          .split("/")
          .pop() ?? "",
      );
      const scope = scopeOf(String(inputs.scope ?? ""), config);
      const grantee = grantees.get(r.name) ?? (`principal ${String(inputs.principalId)}` as const);
      return role && scope ? [{ logicalName: r.name, grantee, role, scope }] : [];
    });
}

/** Reads the deployment facts from a plan and the artifacts published with it. Pure. */
export function deploymentFacts(plan: PlanResource[], artifacts: Artifact[], config: RelmeshConfig): DeploymentFacts {
  const ws = find(plan, "azure-native:synapse:Workspace", LOGICAL.synapse) ?? {};
  const managedVirtualNetwork = ws.managedVirtualNetwork === "default";
  const endpoints = privateEndpoints(plan);
  const storage: Record<string, StorageNetwork> = {};
  for (const logical of [LOGICAL.lake, LOGICAL.landing]) {
    const facts = storageFacts(plan, logical, endpoints);
    if (facts) storage[logical] = facts;
  }
  const vaultInputs = find(plan, "azure-native:keyvault:Vault", LOGICAL.keyVault);
  const acls = (vaultInputs?.properties?.networkAcls ?? {}) as Inputs;
  const vault: VaultNetwork | undefined = vaultInputs && {
    logical: LOGICAL.keyVault,
    publicNetworkAccess: vaultInputs.properties?.publicNetworkAccess ?? "Enabled",
    defaultAction: acls.defaultAction ?? "Allow",
    bypass: acls.bypass ?? "AzureServices",
    ipRules: ((acls.ipRules ?? []) as Array<{ value: string }>).map((r) => r.value),
    privateEndpoint: endpoints.some((e) => e.target.endsWith(`/vaults/${vaultInputs.vaultName}`) && e.groupId === "vault"),
  };

  // The AutoResolve runtime sits in the managed VNet when the workspace has one.
  const runtimes: DeploymentFacts["runtimes"] = {
    [AUTO_RESOLVE_RUNTIME]: { name: AUTO_RESOLVE_RUNTIME, managedVnet: managedVirtualNetwork },
  };
  for (const r of plan.filter((p) => p.type === "azure-native:synapse:IntegrationRuntime")) {
    const inputs = r.inputs as Inputs;
    const name = inputs.integrationRuntimeName as string;
    runtimes[name] = { name, managedVnet: Boolean(inputs.properties?.managedVirtualNetwork) };
  }
  const linkedServiceRuntime = Object.fromEntries(
    artifacts
      .filter((a) => a.kind === "linkedService")
      .map((a) => [a.name, ((a.body as Inputs).properties?.connectVia?.referenceName as string | undefined) ?? AUTO_RESOLVE_RUNTIME]),
  );

  const firewall = plan
    .filter((p) => p.type === "azure-native:synapse:IpFirewallRule")
    .map((p) => p.inputs as Inputs)
    .map((i) => ({ name: i.ruleName as string, startIpAddress: i.startIpAddress as string, endIpAddress: i.endIpAddress as string }));

  return {
    workspaceId: String(ws.defaultDataLakeStorage?.resourceId ?? "").replace(
      /\/providers\/Microsoft\.Storage\/.*$/,
      `/providers/Microsoft.Synapse/workspaces/${ws.workspaceName}`,
    ),
    managedVirtualNetwork,
    workspace: {
      publicNetworkAccess: ws.publicNetworkAccess ?? "Enabled",
      firewall,
      trustedServiceBypassEnabled: ws.trustedServiceBypassEnabled === true,
    },
    storage,
    ...(vault ? { vault } : {}),
    runtimes,
    linkedServiceRuntime,
    roles: roleFacts(plan, config),
  };
}
