import type { DatasetResource, LinkedServiceResource, NotebookResource, PipelineResource, TriggerResource } from "@azure/synapse-artifacts";

/**
 * One generated Synapse artifact, typed with the `@azure/synapse-artifacts` models (flattened:
 * docs/platform-facts.md §3.3). Generators produce these; `relmesh synth` writes them; the publisher in stacks/
 * sends them to the workspace in PUBLISH_ORDER.
 */
export type Artifact =
  | { kind: "linkedService"; name: string; body: LinkedServiceResource }
  | { kind: "dataset"; name: string; body: DatasetResource }
  | { kind: "notebook"; name: string; body: NotebookResource }
  | { kind: "pipeline"; name: string; body: PipelineResource }
  | { kind: "trigger"; name: string; body: TriggerResource };

export type ArtifactKind = Artifact["kind"];

/** Dependencies point backwards in this list, so publishing in this order never meets a missing reference; deleting goes in reverse. */
export const PUBLISH_ORDER: readonly ArtifactKind[] = ["linkedService", "dataset", "notebook", "pipeline", "trigger"];
