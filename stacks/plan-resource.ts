/**
 * The resource record of `relmesh plan`, in a module of its own: the plan (plan.ts) produces it by
 * running the program, and the data-path model (datapath/), which the program itself runs, reads it.
 * With the type in plan.ts the two would import each other through relmesh.ts.
 */
import { contentHash } from "./publish/hash";

/** One registered resource, as the plan prints it. **Contract** (`relmesh plan --json`). */
export interface PlanResource {
  /** Type token, e.g. `azure-native:storage:StorageAccount`. */
  type: string;
  /** Logical (Pulumi) name. */
  name: string;
  urn: string;
  /** False for component resources. */
  custom: boolean;
  /** URN of the parent resource (null for the stack itself). */
  parent: string | null;
  /** Logical name of the top-level component the resource belongs to (null at the top). */
  component: string | null;
  /** URNs of the resources it depends on (explicit `dependsOn` and inputs taken from them). */
  dependencies: string[];
  /** Inputs as sent to the provider; secrets replaced by `[secret]`. */
  inputs: Record<string, unknown>;
}

/**
 * How the plan records an artifact or SQL script of a dynamic resource: its name and database,
 * the number of batches, and a content hash (the text itself is reviewed in `relmesh synth`). Pure.
 */
export function summariseContent(item: Record<string, unknown>): Record<string, unknown> {
  const { body, batches, ...identity } = item;
  const content = body ?? batches;
  return { ...identity, ...(Array.isArray(batches) ? { batches: batches.length } : {}), sha256: contentHash(content).slice(0, 16) };
}
