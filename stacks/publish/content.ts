/** What the program publishes: the generators' artifacts and the serving SQL, once deployment values are known. */
import * as pulumi from "@pulumi/pulumi";
import type { RelmeshConfig } from "../../config/stack";
import { readArtifactInputs, synapseArtifacts, type Artifact, type DeploymentValues } from "../../synapse-artifacts";
import { sqlScripts } from "../../sql";
import type { SqlScript } from "../../sql/script";

export interface DeploymentInputs {
  tenantId: pulumi.Input<string>;
  mgdcAppClientId: pulumi.Input<string>;
  mgdcAppObjectId: pulumi.Input<string>;
  allowedGroupObjectIds: pulumi.Input<string[]>;
}

export function publishedArtifacts(config: RelmeshConfig, deployment: DeploymentInputs): pulumi.Output<Artifact[]> {
  return pulumi
    .all([deployment.tenantId, deployment.mgdcAppClientId, deployment.mgdcAppObjectId, deployment.allowedGroupObjectIds])
    .apply(([tenantId, mgdcAppClientId, mgdcAppObjectId, allowedGroupObjectIds]) =>
      synapseArtifacts(
        readArtifactInputs(config, undefined, {
          tenantId,
          mgdcAppClientId,
          mgdcAppObjectId,
          allowedGroupObjectIds,
        } satisfies DeploymentValues),
      ),
    );
}

export function servingSql(config: RelmeshConfig): SqlScript[] {
  return sqlScripts(config);
}
