/**
 * Pulumi mocks that answer like Azure would, offline and deterministically: ARM-shaped ids,
 * storage endpoints, the workspace's identity and connectivity endpoints, Entra object ids, and the
 * client config invoke. Shared by `relmesh plan` and the tests.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

/** The identity the plan pretends to deploy as. Fake, well-formed ids. */
export const MOCK_CLIENT_CONFIG = {
  subscriptionId: "5ab5c41b-0000-4000-8000-00000000000a",
  tenantId: "7e4a4700-0000-4000-8000-00000000000b",
  objectId: "de910e40-0000-4000-8000-00000000000c",
  clientId: "c1e47000-0000-4000-8000-00000000000d",
} as const;

/** A fake secret value the mocks return for Entra passwords; the plan must never print it. */
export const MOCK_SECRET_VALUE = "mock-client-secret-7f3a9c-never-printed";

/** A deterministic GUID from any text. */
export function mockGuid(text: string): string {
  const h = createHash("sha256").update(text).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const SUB = `/subscriptions/${MOCK_CLIENT_CONFIG.subscriptionId}`;
const rgId = (rg: unknown) => `${SUB}/resourceGroups/${String(rg)}`;

function armId(type: string, name: string, i: Record<string, any>): string | undefined {
  const rg = rgId(i.resourceGroupName);
  const sa = `${rg}/providers/Microsoft.Storage/storageAccounts/${i.accountName}`;
  const ws = `${rg}/providers/Microsoft.Synapse/workspaces/${i.workspaceName}`;
  switch (type) {
    case "azure-native:resources:ResourceGroup":
      return rg;
    case "azure-native:storage:StorageAccount":
      return sa;
    case "azure-native:storage:BlobServiceProperties":
      return `${sa}/blobServices/default`;
    case "azure-native:storage:ManagementPolicy":
      return `${sa}/managementPolicies/default`;
    case "azure-native:storage:BlobContainer":
      return `${sa}/blobServices/default/containers/${i.containerName}`;
    case "azure-native:keyvault:Vault":
      return `${rg}/providers/Microsoft.KeyVault/vaults/${i.vaultName}`;
    case "azure-native:keyvault:Secret":
      return `${rg}/providers/Microsoft.KeyVault/vaults/${i.vaultName}/secrets/${i.secretName}`;
    case "azure-native:synapse:Workspace":
      return ws;
    case "azure-native:synapse:BigDataPool":
      return `${ws}/bigDataPools/${i.bigDataPoolName}`;
    case "azure-native:synapse:SqlPool":
      return `${ws}/sqlPools/${i.sqlPoolName}`;
    case "azure-native:synapse:SqlPoolTransparentDataEncryption":
      return `${ws}/sqlPools/${i.sqlPoolName}/transparentDataEncryption/current`;
    case "azure-native:synapse:IpFirewallRule":
      return `${ws}/firewallRules/${i.ruleName}`;
    case "azure-native:synapse:WorkspaceAadAdmin":
      return `${ws}/administrators/activeDirectory`;
    case "azure-native:synapse:WorkspaceSqlAadAdmin":
      return `${ws}/sqlAdministrators/activeDirectory`;
    case "azure-native:operationalinsights:Workspace":
      return `${rg}/providers/Microsoft.OperationalInsights/workspaces/${i.workspaceName}`;
    case "azure-native:monitor:DiagnosticSetting":
      return `${i.resourceUri}/providers/Microsoft.Insights/diagnosticSettings/${i.name}`;
    case "azure-native:monitor:ActionGroup":
      return `${rg}/providers/Microsoft.Insights/actionGroups/${i.actionGroupName}`;
    case "azure-native:monitor:MetricAlert":
      return `${rg}/providers/Microsoft.Insights/metricAlerts/${i.ruleName}`;
    case "azure-native:consumption:Budget":
      return `${i.scope}/providers/Microsoft.Consumption/budgets/${i.budgetName}`;
    case "azure-native:authorization:RoleAssignment":
      return `${i.scope}/providers/Microsoft.Authorization/roleAssignments/${i.roleAssignmentName}`;
    case "azure-native:authorization:ManagementLockByScope":
      return `${i.scope}/providers/Microsoft.Authorization/locks/${i.lockName}`;
    case "azure-native:sql:Server":
      return `${rg}/providers/Microsoft.Sql/servers/${i.serverName}`;
    case "azure-native:sql:Database":
      return `${rg}/providers/Microsoft.Sql/servers/${i.serverName}/databases/${i.databaseName}`;
    case "azure-native:cosmosdb:DatabaseAccount":
      return `${rg}/providers/Microsoft.DocumentDB/databaseAccounts/${i.accountName}`;
    default:
      return type.startsWith("azure-native:") ? `${rg}/providers/mock/${name}` : undefined;
  }
}

/** Computed outputs Azure/Entra would return for a resource. */
function computed(type: string, name: string, i: Record<string, any>): Record<string, unknown> {
  switch (type) {
    case "azure-native:resources:ResourceGroup":
      return { name: i.resourceGroupName };
    case "azure-native:storage:StorageAccount":
      return {
        name: i.accountName,
        primaryEndpoints: {
          blob: `https://${i.accountName}.blob.core.windows.net/`,
          dfs: `https://${i.accountName}.dfs.core.windows.net/`,
        },
      };
    case "azure-native:storage:BlobContainer":
      return { name: i.containerName };
    case "azure-native:keyvault:Vault":
      return { name: i.vaultName, properties: { ...i.properties, vaultUri: `https://${i.vaultName}.vault.azure.net/` } };
    case "azure-native:keyvault:Secret":
      // Azure never returns the value.
      return {
        name: i.secretName,
        properties: { contentType: i.properties?.contentType, secretUri: `https://${i.vaultName}.vault.azure.net/secrets/${i.secretName}` },
      };
    case "azure-native:synapse:Workspace": {
      const ws = i.workspaceName;
      return {
        name: ws,
        identity: { type: "SystemAssigned", principalId: mockGuid(`msi:${ws}`), tenantId: MOCK_CLIENT_CONFIG.tenantId },
        connectivityEndpoints: {
          web: `https://web.azuresynapse.net?workspace=%2fsubscriptions%2f${MOCK_CLIENT_CONFIG.subscriptionId}%2fresourceGroups%2f${i.resourceGroupName}%2fproviders%2fMicrosoft.Synapse%2fworkspaces%2f${ws}`,
          dev: `https://${ws}.dev.azuresynapse.net`,
          sql: `${ws}.sql.azuresynapse.net`,
          sqlOnDemand: `${ws}-ondemand.sql.azuresynapse.net`,
        },
      };
    }
    case "azure-native:synapse:BigDataPool":
      return { name: i.bigDataPoolName };
    case "azure-native:synapse:SqlPool":
      return { name: i.sqlPoolName };
    case "azure-native:sql:Server":
      return { name: i.serverName, fullyQualifiedDomainName: `${i.serverName}.database.windows.net` };
    case "azure-native:cosmosdb:DatabaseAccount":
      return { name: i.accountName, documentEndpoint: `https://${i.accountName}.documents.azure.com:443/` };
    case "azure-native:cosmosdb:SqlResourceSqlDatabase":
      return { name: i.databaseName };
    case "azure-native:operationalinsights:Workspace":
      return { name: i.workspaceName, customerId: mockGuid(`law:${i.workspaceName}`) };
    case "azuread:index/application:Application": {
      const objectId = mockGuid(`app:${name}`);
      return { objectId, clientId: mockGuid(`appid:${name}`) };
    }
    case "azuread:index/servicePrincipal:ServicePrincipal":
      return { objectId: mockGuid(`sp:${name}`) };
    case "azuread:index/group:Group":
      return { objectId: mockGuid(`group:${name}`) };
    case "azuread:index/applicationPassword:ApplicationPassword":
      return { keyId: mockGuid(`key:${name}`), value: MOCK_SECRET_VALUE };
    default:
      return {};
  }
}

function unwrapSecret(v: unknown): any {
  return v &&
    typeof v === "object" &&
    (v as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270"
    ? (v as any).value
    : v;
}

export function relmeshMocks(): pulumi.runtime.Mocks {
  return {
    newResource(args: pulumi.runtime.MockResourceArgs): { id: string | undefined; state: Record<string, any> } {
      const inputs = Object.fromEntries(Object.entries(args.inputs ?? {}).map(([k, v]) => [k, unwrapSecret(v)]));
      if (args.custom === false) return { id: undefined, state: {} };
      const id =
        args.type === "azuread:index/application:Application"
          ? `/applications/${mockGuid(`app:${args.name}`)}`
          : args.type.startsWith("azuread:")
            ? ((computed(args.type, args.name, inputs).objectId as string | undefined) ?? mockGuid(`${args.type}:${args.name}`))
            : (armId(args.type, args.name, inputs) ?? `${args.name}-id`);
      return { id, state: { ...args.inputs, ...computed(args.type, args.name, inputs) } };
    },
    call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
      if (args.token === "azure-native:authorization:getClientConfig" || args.token === "azuread:index/getClientConfig:getClientConfig") {
        return { ...MOCK_CLIENT_CONFIG };
      }
      if (args.token === "azuread:index/getServicePrincipal:getServicePrincipal") {
        return {
          objectId: mockGuid(`sp:${args.inputs.clientId}`),
          clientId: args.inputs.clientId,
          id: mockGuid(`sp:${args.inputs.clientId}`),
        };
      }
      throw new Error(`relmesh plan mocks: no answer for invoke ${args.token}; add it to stacks/plan-mocks.ts`);
    },
  };
}
