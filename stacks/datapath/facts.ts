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
import type { CosmosNetwork, EndpointState, SqlServerNetwork, StorageNetwork, VaultNetwork, WorkspaceNetwork } from "./rules";

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
  /** The ERP server (relmesh:erp): the stack's, or a stand-in for the customer's. */
  erpServer?: SqlServerNetwork;
  /** The service-case account (relmesh:serviceCases): the stack's, or a stand-in for the customer's. */
  casesAccount?: CosmosNetwork;
  /** Cosmos DB data-plane role assignments in the plan. */
  cosmosRoles: CosmosRoleFact[];
  /** The SQL scripts the plan runs on the ERP server, as the plan records them (name, database, content hash), and the server. */
  erpSql?: { server: string; scripts: Array<Record<string, unknown>> };
}

export interface CosmosRoleFact {
  logicalName: string;
  grantee: Grantee | `principal ${string}`;
  roleDefinitionGuid: string;
  scope: string;
}

type Inputs = Record<string, any>;

function find(plan: PlanResource[], type: string, name: string): Inputs | undefined {
  return plan.find((r) => r.type === type && r.name === name)?.inputs as Inputs | undefined;
}

/** Managed private endpoints the stack declares (and approves), as `{ target, groupId }`. */
function privateEndpoints(plan: PlanResource[]): Array<{ target: string; groupId: string }> {
  return allPrivateEndpoints(plan)
    .filter((e) => e.approve)
    .map(({ target, groupId }) => ({ target, groupId }));
}

/** Every managed private endpoint the plan declares, approved by the stack or only requested. */
function allPrivateEndpoints(plan: PlanResource[]): Array<{ target: string; groupId: string; approve: boolean }> {
  const r = plan.find((p) => p.type === MANAGED_PRIVATE_ENDPOINTS_TYPE && p.name === MANAGED_PRIVATE_ENDPOINTS_NAME);
  const list = ((r?.inputs as Inputs | undefined)?.endpoints ?? []) as Array<{
    privateLinkResourceId: string;
    groupId: string;
    approve?: boolean;
  }>;
  return list.map((e) => ({ target: e.privateLinkResourceId, groupId: e.groupId, approve: e.approve !== false }));
}

function endpointState(
  endpoints: ReturnType<typeof allPrivateEndpoints>,
  match: (target: string) => boolean,
  groupId: string,
): EndpointState {
  const e = endpoints.find((x) => x.groupId === groupId && match(x.target.toLowerCase()));
  return e ? (e.approve ? "approved" : "requested") : "none";
}

function erpFacts(plan: PlanResource[], config: RelmeshConfig): SqlServerNetwork | undefined {
  const erp = config.erp;
  if (!erp) return undefined;
  const endpoints = allPrivateEndpoints(plan);
  const privateEndpoint = endpointState(endpoints, (t) => t.endsWith(`/providers/microsoft.sql/servers/${erp.server.name}`), "sqlServer");
  if (erp.mode === "existing")
    return {
      logical: `the customer's server ${erp.server.fqdn}`,
      external: true,
      publicNetworkAccess: "unknown",
      firewall: [],
      privateEndpoint,
      endpointFix: erp.server.resourceId
        ? "add a managed private endpoint (sqlServer) to the server"
        : "set relmesh:erp.server to the server's resource id, so the stack requests a managed private endpoint (sqlServer) for its owner to approve",
    };
  const server = find(plan, "azure-native:sql:Server", LOGICAL.erpServer) ?? {};
  return {
    logical: LOGICAL.erpServer,
    external: false,
    publicNetworkAccess: server.publicNetworkAccess ?? "Enabled",
    firewall: plan
      .filter((p) => p.type === "azure-native:sql:FirewallRule")
      .map((p) => p.inputs as Inputs)
      .map((i) => ({
        name: i.firewallRuleName as string,
        startIpAddress: i.startIpAddress as string,
        endIpAddress: i.endIpAddress as string,
      })),
    privateEndpoint,
    endpointFix: `add a managed private endpoint (sqlServer) to ${LOGICAL.erpServer} and approve it`,
  };
}

function casesFacts(plan: PlanResource[], config: RelmeshConfig): CosmosNetwork | undefined {
  const cases = config.serviceCases;
  if (!cases) return undefined;
  const privateEndpoint = endpointState(
    allPrivateEndpoints(plan),
    (t) => t.endsWith(`/providers/microsoft.documentdb/databaseaccounts/${cases.account.name}`),
    "Sql",
  );
  const fix = `add a managed private endpoint (Sql) to ${cases.account.name} and approve it`;
  if (cases.mode === "existing")
    return {
      logical: `the customer's account ${cases.account.name}`,
      external: true,
      publicNetworkAccess: "unknown",
      ipRules: [],
      virtualNetworkFilter: false,
      privateEndpoint,
      endpointFix: fix,
    };
  const account = find(plan, "azure-native:cosmosdb:DatabaseAccount", LOGICAL.casesAccount) ?? {};
  return {
    logical: LOGICAL.casesAccount,
    external: false,
    // Azure's default for a new account is Enabled.
    publicNetworkAccess: account.publicNetworkAccess ?? "Enabled",
    ipRules: ((account.ipRules ?? []) as Array<{ ipAddressOrRange: string }>).map((r) => r.ipAddressOrRange),
    virtualNetworkFilter: account.isVirtualNetworkFilterEnabled === true,
    privateEndpoint,
    endpointFix: fix,
  };
}

function cosmosRoleFacts(plan: PlanResource[]): CosmosRoleFact[] {
  return plan
    .filter((r) => r.type === "azure-native:cosmosdb:SqlResourceSqlRoleAssignment")
    .map((r) => {
      const i = r.inputs as Inputs;
      return {
        logicalName: r.name,
        // The stack assigns Cosmos roles to the workspace identity only (stacks/service-cases.ts).
        grantee: r.name === LOGICAL.casesReader ? "synapseWorkspaceIdentity" : (`principal ${String(i.principalId)}` as const),
        roleDefinitionGuid: String(i.roleDefinitionId ?? "")
          .split("/")
          .pop()!,
        scope: String(i.scope ?? ""),
      };
    });
}

/** The scripts the SQL executor runs on the ERP server (the plan keeps each as name, database and content hash). */
function erpSql(plan: PlanResource[]): DeploymentFacts["erpSql"] {
  const r = plan.find((p) => p.name === LOGICAL.erpGrants)?.inputs as Inputs | undefined;
  return r && { server: String(r.server), scripts: (r.scripts ?? []) as Array<Record<string, unknown>> };
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
    ...(config.erp ? { erpServer: erpFacts(plan, config) } : {}),
    ...(config.serviceCases ? { casesAccount: casesFacts(plan, config) } : {}),
    cosmosRoles: cosmosRoleFacts(plan),
    ...(config.erp ? { erpSql: erpSql(plan) } : {}),
  };
}
