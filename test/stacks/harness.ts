/** Shared helpers of the stack tests: the dev stack's raw config and lookups in a plan. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { validateConfig, type RelmeshConfig } from "../../config/stack";
import type { PlanResource, PlanResult } from "../../stacks/plan";

export const ROOT = join(__dirname, "..", "..");

/** The `config:` map of Pulumi.dev.yaml, with overrides (undefined removes a key). */
export function devRaw(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const raw: Record<string, unknown> = { ...parse(readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8")).config, ...overrides };
  for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete raw[k];
  return raw;
}

export function devConfig(overrides: Record<string, unknown> = {}): RelmeshConfig {
  return validateConfig(devRaw(overrides), { stack: "dev", rootDir: ROOT });
}

export function ofType(plan: PlanResult, type: string): PlanResource[] {
  return plan.resources.filter((r) => r.type === type);
}

export function find(plan: PlanResult, type: string, name: string): PlanResource {
  const r = plan.resources.find((x) => x.type === type && x.name === name);
  if (!r)
    throw new Error(
      `no ${type} named ${name} in the plan; have: ${
        ofType(plan, type)
          .map((x) => x.name)
          .join(", ") || "none"
      }`,
    );
  return r;
}

/** Inputs of a resource, typed loosely for assertions. */
export function inputs(plan: PlanResult, type: string, name: string): Record<string, any> {
  return find(plan, type, name).inputs as Record<string, any>;
}

export const T = {
  storageAccount: "azure-native:storage:StorageAccount",
  blobContainer: "azure-native:storage:BlobContainer",
  blobService: "azure-native:storage:BlobServiceProperties",
  managementPolicy: "azure-native:storage:ManagementPolicy",
  vault: "azure-native:keyvault:Vault",
  secret: "azure-native:keyvault:Secret",
  workspace: "azure-native:synapse:Workspace",
  sparkPool: "azure-native:synapse:BigDataPool",
  sqlPool: "azure-native:synapse:SqlPool",
  tde: "azure-native:synapse:SqlPoolTransparentDataEncryption",
  firewallRule: "azure-native:synapse:IpFirewallRule",
  aadAdmin: "azure-native:synapse:WorkspaceAadAdmin",
  sqlAadAdmin: "azure-native:synapse:WorkspaceSqlAadAdmin",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  lock: "azure-native:authorization:ManagementLockByScope",
  diagnostic: "azure-native:monitor:DiagnosticSetting",
  actionGroup: "azure-native:monitor:ActionGroup",
  metricAlert: "azure-native:monitor:MetricAlert",
  scheduledQueryRule: "azure-native:monitor:ScheduledQueryRule",
  systemTopic: "azure-native:eventgrid:SystemTopic",
  systemTopicSubscription: "azure-native:eventgrid:SystemTopicEventSubscription",
  genericResource: "azure-native:resources:Resource",
  budget: "azure-native:consumption:Budget",
  logAnalytics: "azure-native:operationalinsights:Workspace",
  application: "azuread:index/application:Application",
  servicePrincipal: "azuread:index/servicePrincipal:ServicePrincipal",
  appPassword: "azuread:index/applicationPassword:ApplicationPassword",
  group: "azuread:index/group:Group",
} as const;
