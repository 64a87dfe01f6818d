import * as pulumi from "@pulumi/pulumi";
import * as azuread from "@pulumi/azuread";
import * as keyvault from "@pulumi/azure-native/keyvault";
import type { RelmeshConfig } from "../config/stack";
import { LOGICAL } from "./logical-names";
import { secretSchedule } from "./mgdc-consent";

/** Microsoft Graph's application (client) id, the same in every tenant. */
export const MICROSOFT_GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
/** Graph's application permission Application.ReadWrite.OwnedBy (app role id, the same in every tenant). */
export const GRAPH_APPLICATION_READWRITE_OWNEDBY = "18a4783c-866b-4cc7-a460-3d5e5662c884";

export interface MgdcIdentityArgs {
  config: RelmeshConfig;
  resourceGroupName: pulumi.Input<string>;
  vaultName: pulumi.Input<string>;
  /** Object id of the identity running `pulumi up`: it owns the app so it can add and rotate its passwords. */
  deployerObjectId: pulumi.Input<string>;
  /** Object id of the workspace identity, which rotates the secret on a schedule (synapse-artifacts/rotation.ts). */
  rotatorObjectId: pulumi.Input<string>;
  /** Clock for the secret's rotation window (the plan passes a fixed one). */
  now: Date;
}

/**
 * The Graph Data Connect identity: Entra application, service principal, a rotating client secret
 * written straight into Key Vault, and the allowed-users group (created unless ids are given).
 * The MGDC registration and the admin approval are manual (see the consent checklist).
 */
export class MgdcIdentity extends pulumi.ComponentResource {
  readonly application: azuread.Application;
  readonly servicePrincipal: azuread.ServicePrincipal;
  /** Object ids of the groups MGDC may read. */
  readonly allowedGroupObjectIds: pulumi.Output<string[]>;
  readonly secretName: string;

  constructor(name: string, args: MgdcIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("relmesh:stacks:MgdcIdentity", name, {}, opts);
    const { config } = args;
    const parent = { parent: this };
    const appOwners = pulumi
      .all([args.deployerObjectId, args.rotatorObjectId])
      .apply(([deployer, rotator]) => [...new Set([...config.mgdcAppOwnerObjectIds, deployer, rotator])]);

    this.application = new azuread.Application(
      LOGICAL.mgdcApp,
      {
        displayName: config.names.mgdcApplication,
        description: "Relationship Mesh: Microsoft Graph Data Connect extraction (app-only, no API permissions).",
        // Single tenant: MGDC does not read across tenants, and nobody else should sign in to it.
        signInAudience: "AzureADMyOrg",
        // MGDC requires a licensed, non-guest user as owner (docs/platform-facts.md §1.4).
        // The deployer owns it too: a CI identity holding Application.ReadWrite.OwnedBy can add or
        // rotate passwords only of applications it owns (azuread ApplicationPassword docs).
        owners: appOwners,
        preventDuplicateNames: true,
      },
      parent,
    );

    this.servicePrincipal = new azuread.ServicePrincipal(
      `${LOGICAL.mgdcApp}-sp`,
      { clientId: this.application.clientId, owners: appOwners },
      parent,
    );

    if (config.allowedGroupObjectIds.length > 0) {
      this.allowedGroupObjectIds = pulumi.output([...config.allowedGroupObjectIds]);
    } else {
      const group = new azuread.Group(
        "mgdc-allowed-users",
        {
          displayName: config.allowedGroupName,
          description:
            "Mailboxes Relationship Mesh may extract with Microsoft Graph Data Connect. Membership changes what is read; it does not invalidate the MGDC approval.",
          securityEnabled: true,
          mailEnabled: false,
          // Separation of duties: not the app owners (config validation keeps the lists apart).
          owners: config.allowedGroupOwnerObjectIds,
          preventDuplicateNames: true,
        },
        parent,
      );
      this.allowedGroupObjectIds = group.objectId.apply((id) => [id]);
    }

    // The Office 365 linked service only takes a client secret (docs/platform-facts.md §1.6). It is short-lived and
    // rotates halfway through its life; the value goes straight into Key Vault as a Pulumi secret
    // and is never exported.
    const schedule = secretSchedule(args.now, config.mgdcSecretLifetimeDays);
    const password = new azuread.ApplicationPassword(
      LOGICAL.mgdcSecretValue,
      {
        applicationId: this.application.id,
        displayName: `relmesh mgdc ${schedule.rotationKey.slice(0, 10)}`,
        endDate: schedule.endDate,
        rotateWhenChanged: { rotation: schedule.rotationKey },
      },
      { parent: this, additionalSecretOutputs: ["value"] },
    );

    // The scheduled rotation adds passwords through Graph as the workspace identity: an owner of the
    // app (above) holding Application.ReadWrite.OwnedBy, which reaches no application it does not own.
    const graph = azuread.getServicePrincipalOutput({ clientId: MICROSOFT_GRAPH_APP_ID }, { parent: this });
    new azuread.AppRoleAssignment(
      "synapse-graph-owned-apps",
      { appRoleId: GRAPH_APPLICATION_READWRITE_OWNEDBY, principalObjectId: args.rotatorObjectId, resourceObjectId: graph.objectId },
      parent,
    );

    this.secretName = config.mgdcSecretName;
    new keyvault.Secret(
      LOGICAL.mgdcSecretInVault,
      {
        resourceGroupName: args.resourceGroupName,
        vaultName: args.vaultName,
        secretName: config.mgdcSecretName,
        properties: {
          value: pulumi.secret(password.value),
          contentType: "client-secret",
          attributes: { enabled: true, expires: schedule.expiresEpochSeconds },
        },
        tags: { ...config.tags, purpose: "MGDC service principal key (Office 365 and ADLS sink linked services)" },
      },
      parent,
    );

    this.registerOutputs({ applicationClientId: this.application.clientId, allowedGroupObjectIds: this.allowedGroupObjectIds });
  }
}
