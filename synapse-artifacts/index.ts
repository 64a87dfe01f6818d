/**
 * Every Synapse artifact of Relationship Mesh, typed with the `@azure/synapse-artifacts` models, in
 * PUBLISH_ORDER. Pure: {@link synapseArtifacts} reads only its inputs (see inputs.ts for the reader).
 */
import type { ArtifactInputs } from "./inputs";
import { PUBLISH_ORDER, type Artifact } from "./model";
import { datasets } from "./datasets";
import { linkedServices } from "./linked-services";
import { notebookResource } from "./notebooks";
import { pipelines } from "./pipelines";
import { sourceDatasets } from "./sources";
import { triggers } from "./triggers";

export type { Artifact, ArtifactKind } from "./model";
export { PUBLISH_ORDER } from "./model";
export { placeholderDeployment, readArtifactInputs, readNotebookSources, type ArtifactInputs, type DeploymentValues } from "./inputs";
export { notebookResource } from "./notebooks";

/** Every notebook source (pipeline and library notebooks: `%run` needs the libraries published too). */
export function notebooks(inputs: ArtifactInputs): Artifact[] {
  return Object.keys(inputs.notebooks)
    .sort()
    .map((name) => ({ kind: "notebook", name, body: notebookResource(name, inputs.notebooks[name], inputs.config) }));
}

/** All artifacts, grouped by kind in PUBLISH_ORDER; within a kind in dependency order. */
export function synapseArtifacts(inputs: ArtifactInputs): Artifact[] {
  const all = [
    ...linkedServices(inputs),
    ...datasets(inputs),
    ...sourceDatasets(inputs),
    ...notebooks(inputs),
    ...pipelines(inputs),
    ...triggers(inputs),
  ];
  return PUBLISH_ORDER.flatMap((kind) => all.filter((a) => a.kind === kind));
}
