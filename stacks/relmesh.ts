/**
 * The whole architecture: composes one component per concern and returns the stack outputs.
 * `stacks/index.ts` (pulumi up) and `relmesh plan` (mocks) both call {@link createRelmesh}.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as resources from "@pulumi/azure-native/resources";
import { firstOfMonth, type RelmeshConfig } from "../config/stack";
import { AccessControl } from "./access";
import { securityExceptions, type SecurityException } from "./exceptions";
import { RelmeshKeyVault } from "./key-vault";
import { DataLake } from "./lake";
import { MgdcLanding } from "./landing";
import { LOGICAL } from "./logical-names";
import { PIPELINES } from "../synapse-artifacts/names";
import { firstRunPlan, ownerApprovedEndpoints, type FirstRunPlan, type InitialLoad, type OwnerApprovedEndpoint } from "./first-run";
import type { PipelineRunRequest } from "./publish/planner";
import { consentChecklist, type ConsentChecklist } from "./mgdc-consent";
import { MgdcIdentity } from "./mgdc-identity";
import { Monitoring } from "./monitoring";
import { SynapsePublish } from "./publish/component";
import { SynapseManagedPrivateEndpoints } from "./publish/private-endpoint-provider";
import { managedPrivateEndpointSpecs } from "./network";
import { MANAGED_PRIVATE_ENDPOINTS_NAME } from "./datapath/facts";
import { publishedArtifacts, servingSql } from "./publish/content";
import { plannedSynapseRbac, type Grantee, type GrantScope } from "../config/roles";
import { SynapseWorkspace, synapseWorkspaceId } from "./synapse";
import { ErpSql } from "./erp-sql";
import { ServiceCases } from "./service-cases";

export interface CreateOptions {
  /** Clock for the MGDC secret's rotation window. @default - the current time */
  now?: Date;
}

export interface RelmeshOutputs {
  resourceGroupName: pulumi.Output<string>;
  synapseWorkspaceName: string;
  synapseWebUrl: pulumi.Output<string>;
  synapseDevEndpoint: pulumi.Output<string>;
  sqlServerlessEndpoint: pulumi.Output<string>;
  /** The dedicated SQL endpoint; serves only when relmesh:dedicatedSqlPool is set. */
  sqlDedicatedEndpoint: pulumi.Output<string>;
  dedicatedSqlPoolName: string | undefined;
  sparkPoolName: string;
  lakeDfsUrl: pulumi.Output<string>;
  lakeFileSystemUrls: pulumi.Output<Record<string, string>>;
  landingDfsUrl: pulumi.Output<string> | undefined;
  keyVaultName: string;
  keyVaultUri: pulumi.Output<string>;
  mgdcApplicationClientId: pulumi.Output<string> | undefined;
  mgdcSecretName: string | undefined;
  mgdcConsentChecklist: pulumi.Output<ConsentChecklist> | undefined;
  /** Whether the daily schedule runs yet, the initial load, and what is awaited (stacks/first-run.ts). */
  firstRun: pulumi.Output<FirstRunPlan>;
  roleAssignments: Array<{ name: string; grantee: Grantee; role: string; scope: GrantScope }>;
  /** Synapse RBAC roles the publisher assigns through the data plane (no ARM resource exists). */
  synapseRbacToAssign: pulumi.Output<
    Array<{ role: string; roleId: string; principalId: string; principalType: string; scope: string; reason: string }>
  >;
  securityExceptions: SecurityException[];
  /** The ERP source the pipelines copy from (relmesh:erp); absent when off. */
  erpSource: { server: string; database: string; table: string; watermarkColumn: string } | undefined;
  /** The service-case source the pipelines copy from (relmesh:serviceCases); absent when off. */
  serviceCasesSource: { endpoint: string; database: string; container: string } | undefined;
}

/** The outputs as a plain record for Pulumi, without keys whose value is undefined (optional parts not deployed). */
export function stackOutputs(outputs: RelmeshOutputs): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== undefined));
}

/** The components, for later stages that attach to them (e.g. the artifact publisher). */
export interface RelmeshParts {
  resourceGroup: resources.ResourceGroup;
  keyVault: RelmeshKeyVault;
  lake: DataLake;
  landing?: MgdcLanding;
  synapse: SynapseWorkspace;
  mgdc?: MgdcIdentity;
  /** Data-plane work (publishing, first pipeline run) should `dependsOn` these: RBAC takes time to apply (REL-17). */
  access: AccessControl;
  monitoring: Monitoring;
  /** Synapse RBAC, artifacts and serving SQL, published through the data plane. */
  publish: SynapsePublish;
  erp?: ErpSql;
  serviceCases?: ServiceCases;
}

/** The initial load as a one-off run of the window pipeline over the whole history window. Pure. */
export function initialLoadRun(load: InitialLoad): PipelineRunRequest {
  return {
    key: `initial-load ${load.windowStart}..${load.windowEnd}`,
    pipeline: PIPELINES.runWindow,
    parameters: { windowStart: load.windowStart, windowEnd: load.windowEnd },
  };
}

/** Declares every resource for a validated config. Call only after `validateConfig`. */
export function createRelmesh(config: RelmeshConfig, opts: CreateOptions = {}): RelmeshOutputs {
  return declareRelmesh(config, opts).outputs;
}

/** Like {@link createRelmesh}, also returning the components. */
export function declareRelmesh(config: RelmeshConfig, opts: CreateOptions = {}): { outputs: RelmeshOutputs; parts: RelmeshParts } {
  const now = opts.now ?? new Date();
  const client = authorization.getClientConfigOutput();
  const names = config.names;

  const rg = new resources.ResourceGroup(LOGICAL.resourceGroup, {
    resourceGroupName: names.resourceGroup,
    location: config.location,
    tags: config.tags,
  });

  const workspaceId = pulumi
    .all([client.subscriptionId, rg.name])
    .apply(([sub, rgName]) => synapseWorkspaceId(sub, rgName, names.synapseWorkspace));

  const kv = new RelmeshKeyVault("key-vault", { config, resourceGroupName: rg.name, tenantId: client.tenantId });
  const lake = new DataLake("data-lake", {
    config,
    resourceGroupName: rg.name,
    tenantId: client.tenantId,
    synapseWorkspaceId: workspaceId,
  });
  const landing = config.mgdcEnabled ? new MgdcLanding("mgdc-landing", { config, resourceGroupName: rg.name }) : undefined;
  const syn = new SynapseWorkspace("synapse", {
    config,
    resourceGroupName: rg.name,
    tenantId: client.tenantId,
    lakeAccountId: lake.account.id,
    workspaceFileSystem: lake.fileSystems.workspace.name,
  });
  const monitoring = new Monitoring("monitoring", {
    config,
    resourceGroupName: rg.name,
    resourceGroupId: rg.id,
    synapseWorkspaceId: syn.workspace.id,
    synapseWorkspaceName: syn.workspace.name,
    sparkPoolId: syn.sparkPool.id,
    ...(syn.dedicatedPool ? { dedicatedPoolId: syn.dedicatedPool.id } : {}),
    lakeAccountId: lake.account.id,
    ...(landing ? { landingAccountId: landing.account.id } : {}),
    keyVaultId: kv.vault.id,
    budgetStartDate: config.budgetStartDate ?? firstOfMonth(now),
  });

  // Optional business sources (config/sources.ts): created only with mode create; the workspace
  // identity's read access is granted in both modes.
  const erp = config.erp
    ? new ErpSql("erp", {
        config,
        erp: config.erp,
        resourceGroupName: rg.name,
        tenantId: client.tenantId,
        logAnalyticsWorkspaceId: monitoring.logAnalytics.id,
        workspaceName: names.synapseWorkspace,
        after: [syn],
      })
    : undefined;
  const serviceCases = config.serviceCases
    ? new ServiceCases("service-cases", {
        config,
        cases: config.serviceCases,
        resourceGroupName: rg.name,
        logAnalyticsWorkspaceId: monitoring.logAnalytics.id,
        workspacePrincipalId: syn.principalId,
      })
    : undefined;

  // Spark and the managed-VNet runtime reach the lake, landing and vault only through these.
  const specs = config.managedVirtualNetwork
    ? pulumi
        .all([
          lake.account.id,
          landing ? landing.account.id : pulumi.output(""),
          kv.vault.id,
          erp?.serverId ?? pulumi.output(""),
          serviceCases?.accountId ?? pulumi.output(""),
        ])
        .apply(([lakeAccountId, landingAccountId, keyVaultId, erpServerId, casesAccountId]) =>
          managedPrivateEndpointSpecs(config, {
            lakeAccountId,
            keyVaultId,
            ...(landingAccountId ? { landingAccountId } : {}),
            ...(erpServerId ? { erpServerId } : {}),
            ...(casesAccountId ? { casesAccountId } : {}),
          }),
        )
    : undefined;
  const privateEndpoints = specs
    ? new SynapseManagedPrivateEndpoints(
        MANAGED_PRIVATE_ENDPOINTS_NAME,
        { devEndpoint: syn.endpoints.apply((e) => e.dev ?? ""), endpoints: specs },
        { parent: syn, dependsOn: [syn.workspace, syn.sparkPool] },
      )
    : undefined;
  const mgdc = config.mgdcEnabled
    ? new MgdcIdentity("mgdc-identity", {
        config,
        resourceGroupName: rg.name,
        vaultName: kv.vault.name,
        deployerObjectId: client.objectId,
        rotatorObjectId: syn.principalId,
        now,
      })
    : undefined;

  const access = new AccessControl("access", {
    config,
    subscriptionId: client.subscriptionId,
    principals: {
      synapseWorkspaceIdentity: syn.principalId,
      ...(mgdc ? { mgdcServicePrincipal: mgdc.servicePrincipal.objectId } : {}),
    },
    scopes: {
      lakeAccount: lake.account.id,
      curatedFileSystem: lake.fileSystems.curated.id,
      keyVault: kv.vault.id,
      ...(landing ? { landingContainer: landing.container.id } : {}),
    },
  });

  const checklist =
    mgdc && landing
      ? pulumi
          .all([
            client.tenantId,
            client.subscriptionId,
            mgdc.application.clientId,
            landing.dfsEndpoint,
            mgdc.allowedGroupObjectIds,
            rg.name,
          ])
          .apply(([tenantId, subscriptionId, appId, dfs, groups, rgName]) =>
            consentChecklist(
              {
                tenantId,
                applicationClientId: appId,
                subscriptionId,
                resourceGroupName: rgName,
                storageAccountName: names.landingAccount,
                storageDfsUri: dfs,
                container: config.landingContainer,
                allowedGroupObjectIds: groups,
                synapseWorkspaceName: names.synapseWorkspace,
                stackConfigFile: `Pulumi.${config.stack}.yaml`,
              },
              config.mgdcApprovedFingerprint,
            ),
          )
      : undefined;

  const endpoint = (key: string) => syn.endpoints.apply((e) => e[key] ?? "");

  // Nothing is scheduled before MGDC consent can exist, nor before the owners of a customer's
  // source approved the endpoints its copy needs (the resource's recorded status, read again on
  // every up until Approved); history comes from one initial load.
  const approval = checklist ? checklist.apply((c) => c.status) : pulumi.output(undefined);
  const ownerEndpoints: pulumi.Output<OwnerApprovedEndpoint[]> = privateEndpoints
    ? pulumi.all([privateEndpoints.endpoints, privateEndpoints.status]).apply(([s, status]) => ownerApprovedEndpoints(s ?? [], status))
    : pulumi.output([]);
  const firstRun = pulumi.all([approval, ownerEndpoints]).apply(([a, endpoints]) => firstRunPlan(config, a, now, endpoints));
  const schedule = firstRun.apply((f) => ({
    triggersStarted: f.triggerStarted,
    runs: f.triggerStarted && f.initialLoad ? [initialLoadRun(f.initialLoad)] : [],
  }));

  // Data-plane publishing waits for the whole Synapse component (workspace, firewall rules that
  // admit the deployer, pools the notebooks name) and for every ARM role assignment (REL-17).
  const publish = new SynapsePublish("synapse-publish", {
    workspaceName: names.synapseWorkspace,
    devEndpoint: endpoint("dev"),
    sqlServerlessEndpoint: endpoint("sqlOnDemand"),
    deployerObjectId: client.objectId,
    adminGroupObjectId: config.adminGroupObjectId,
    artifacts: publishedArtifacts(config, {
      tenantId: client.tenantId,
      mgdcAppClientId: mgdc ? mgdc.application.clientId : "",
      mgdcAppObjectId: mgdc ? mgdc.application.objectId : "",
      allowedGroupObjectIds: mgdc ? mgdc.allowedGroupObjectIds : [...config.allowedGroupObjectIds],
    }),
    schedule,
    sqlScripts: servingSql(config),
    after: [syn, ...access.assignments, ...(privateEndpoints ? [privateEndpoints] : [])],
  });

  const parts: RelmeshParts = {
    resourceGroup: rg,
    keyVault: kv,
    lake,
    ...(landing ? { landing } : {}),
    synapse: syn,
    ...(mgdc ? { mgdc } : {}),
    access,
    monitoring,
    publish,
    ...(erp ? { erp } : {}),
    ...(serviceCases ? { serviceCases } : {}),
  };
  const outputs: RelmeshOutputs = {
    resourceGroupName: rg.name,
    synapseWorkspaceName: names.synapseWorkspace,
    synapseWebUrl: endpoint("web"),
    synapseDevEndpoint: endpoint("dev"),
    sqlServerlessEndpoint: endpoint("sqlOnDemand"),
    sqlDedicatedEndpoint: endpoint("sql"),
    dedicatedSqlPoolName: config.dedicatedSqlPool?.name,
    sparkPoolName: config.sparkPool.name,
    lakeDfsUrl: lake.dfsEndpoint,
    lakeFileSystemUrls: lake.dfsEndpoint.apply((dfs) =>
      Object.fromEntries(Object.entries(config.fileSystems).map(([k, fs]) => [k, `${dfs.replace(/\/?$/, "/")}${fs}`])),
    ),
    landingDfsUrl: landing?.dfsEndpoint.apply((dfs) => `${dfs.replace(/\/?$/, "/")}${config.landingContainer}`),
    keyVaultName: names.keyVault,
    keyVaultUri: kv.vaultUri,
    mgdcApplicationClientId: mgdc?.application.clientId,
    mgdcSecretName: mgdc?.secretName,
    mgdcConsentChecklist: checklist,
    firstRun,
    roleAssignments: access.grants.map((g) => ({ name: g.logicalName, grantee: g.grantee, role: g.role, scope: g.scope })),
    synapseRbacToAssign: client.objectId.apply((deployer) =>
      plannedSynapseRbac().map((g) => ({
        role: g.role,
        roleId: g.roleId,
        principalId: g.principal === "deployer" ? deployer : config.adminGroupObjectId,
        principalType: g.principalType,
        scope: `workspaces/${names.synapseWorkspace}`,
        reason: g.reason,
      })),
    ),
    securityExceptions: securityExceptions(config),
    erpSource: config.erp && {
      server: config.erp.server.fqdn,
      database: config.erp.database,
      table: `${config.erp.schema}.${config.erp.table}`,
      watermarkColumn: config.erp.watermarkColumn,
    },
    serviceCasesSource: config.serviceCases && {
      endpoint: config.serviceCases.account.endpoint,
      database: config.serviceCases.database,
      container: config.serviceCases.container,
    },
  };
  return { outputs, parts };
}
