/**
 * Pulumi program entry (Pulumi.yaml `main`). Validates the stack config before any resource is
 * declared, then declares the architecture and exports what a user needs next.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import { loadRelmesh } from "../config/load";
import { createRelmesh, stackOutputs } from "./relmesh";

async function main(): Promise<Record<string, unknown>> {
  // The deploying subscription makes the global-name suffix unique per subscription (an invoke, not a resource).
  const { subscriptionId } = await authorization.getClientConfig();
  const { config } = loadRelmesh(pulumi.getStack(), { raw: pulumi.runtime.allConfig(), subscriptionId });
  return stackOutputs(createRelmesh(config));
}

// Top-level `export =` of a promise: Pulumi awaits it and turns its fields into stack outputs.
export = main();
