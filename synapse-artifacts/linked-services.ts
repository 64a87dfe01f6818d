/**
 * Linked services. Every credential is either the workspace managed identity (no property at all:
 * an AzureBlobFS/AzureKeyVault linked service without credentials authenticates as the workspace
 * identity) or a Key Vault secret reference — never a SecureString in the JSON (SEC-28).
 */
import type {
  AzureBlobFSLinkedService,
  AzureKeyVaultLinkedService,
  AzureKeyVaultSecretReference,
  LinkedServiceResource,
  Office365LinkedService,
} from "@azure/synapse-artifacts";
import type { Artifact } from "./model";
import type { ArtifactInputs } from "./inputs";
import { dfsUrl, keyVaultUrl, LINKED, RUNTIMES } from "./names";
import { sourceLinkedServices } from "./sources";

/** The Azure IR outside the managed VNet that stacks/synapse.ts creates for the MGDC copy. */
const mgdcRuntime = { type: "IntegrationRuntimeReference", referenceName: RUNTIMES.mgdc } as const;

const linkedService = (name: string, properties: LinkedServiceResource["properties"]): Artifact => ({
  kind: "linkedService",
  name,
  body: { properties },
});

/** The MGDC client secret, by name only: the workspace identity reads it from Key Vault at run time. */
export function mgdcSecretReference(inputs: ArtifactInputs): AzureKeyVaultSecretReference {
  return {
    type: "AzureKeyVaultSecret",
    store: { type: "LinkedServiceReference", referenceName: LINKED.keyVault },
    secretName: inputs.config.mgdcSecretName,
  };
}

export function keyVaultLinkedService(inputs: ArtifactInputs): Artifact {
  const props: AzureKeyVaultLinkedService = {
    type: "AzureKeyVault",
    description: "Key Vault of Relationship Mesh; read with the workspace identity (Key Vault Secrets User).",
    baseUrl: keyVaultUrl(inputs.config),
  };
  return linkedService(LINKED.keyVault, props);
}

export function lakeLinkedService(inputs: ArtifactInputs): Artifact {
  const props: AzureBlobFSLinkedService = {
    type: "AzureBlobFS",
    description: "The private lake (raw, curated). Workspace identity only: no key, no SAS, no service principal.",
    url: dfsUrl(inputs.config.names.lakeAccount),
  };
  return linkedService(LINKED.lake, props);
}

/**
 * The landing account as the MGDC copy sink. Security exception (listed in stacks/exceptions.ts):
 * "Service Principal authentication is the only supported authentication mechanism for all sink
 * types in a copy activity with Microsoft 365 as the source" (docs/platform-facts.md §1.5), so this one linked
 * service authenticates as the MGDC app, whose role is scoped to the landing container only.
 */
export function landingSinkLinkedService(inputs: ArtifactInputs): Artifact {
  const { deployment } = inputs;
  const props: AzureBlobFSLinkedService = {
    type: "AzureBlobFS",
    description:
      "MGDC landing account, written by the MGDC copy only. Service-principal auth because MGDC accepts nothing else on its sink.",
    url: dfsUrl(inputs.config.names.landingAccount),
    connectVia: mgdcRuntime,
    // MGDC rejects managed identity and account keys on the sink: service principal it is.
    servicePrincipalId: deployment.mgdcAppClientId,
    servicePrincipalKey: mgdcSecretReference(inputs),
    tenant: deployment.tenantId,
  };
  return linkedService(LINKED.landingSink, props);
}

/** The landing account read by the workspace identity (Storage Blob Data Reader on the container). */
export function landingReaderLinkedService(inputs: ArtifactInputs): Artifact {
  const props: AzureBlobFSLinkedService = {
    type: "AzureBlobFS",
    description: "MGDC landing account, read by the workspace identity to copy MGDC output into the private lake.",
    url: dfsUrl(inputs.config.names.landingAccount),
  };
  return linkedService(LINKED.landingReader, props);
}

/**
 * Microsoft 365 through Graph Data Connect, on the MGDC runtime: MGDC runs only on an Azure
 * integration runtime, not self-hosted or managed-VNet ones (docs/platform-facts.md §1.5), and the workspace's
 * AutoResolve runtime sits in its managed VNet. Source and sink both name it.
 */
export function office365LinkedService(inputs: ArtifactInputs): Artifact {
  const { deployment } = inputs;
  const props: Office365LinkedService = {
    type: "Office365",
    description: "Microsoft 365 via Graph Data Connect, as the MGDC app the Global Admin approved.",
    office365TenantId: deployment.tenantId,
    // Single-tenant app: it lives in the M365 tenant itself (MGDC does not read across tenants).
    servicePrincipalTenantId: deployment.tenantId,
    connectVia: mgdcRuntime,
    servicePrincipalId: deployment.mgdcAppClientId,
    servicePrincipalKey: mgdcSecretReference(inputs),
  };
  return linkedService(LINKED.office365, props);
}

/** Every linked service, dependencies first (Key Vault before the services that reference it). */
export function linkedServices(inputs: ArtifactInputs): Artifact[] {
  const mgdc = inputs.config.mgdcEnabled
    ? [landingSinkLinkedService(inputs), landingReaderLinkedService(inputs), office365LinkedService(inputs)]
    : [];
  return [keyVaultLinkedService(inputs), lakeLinkedService(inputs), ...mgdc, ...sourceLinkedServices(inputs)];
}
