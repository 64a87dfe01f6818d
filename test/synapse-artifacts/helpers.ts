/** Shared fixtures: the default (dev) config's artifacts, their wire JSON, and walkers over JSON. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import type { RelmeshConfig } from "../../config/stack";
import { readArtifactInputs, synapseArtifacts, type Artifact, type ArtifactInputs } from "../../synapse-artifacts";
import { toWire, type WireArtifact } from "../../synapse-artifacts/wire";
import { devConfig, ROOT } from "../stacks/harness";

export { devConfig, ROOT };

/** The dev config with both optional sources on (test/fixtures/Pulumi.sources.yaml), as the plan golden uses it. */
export function sourcesConfig(): RelmeshConfig {
  return devConfig(parseYaml(readFileSync(join(ROOT, "test", "fixtures", "Pulumi.sources.yaml"), "utf8")).config);
}

export function inputsFor(config: RelmeshConfig): ArtifactInputs {
  return readArtifactInputs(config, ROOT);
}

export function artifactsFor(config: RelmeshConfig): Artifact[] {
  return synapseArtifacts(inputsFor(config));
}

let defaultWire: Promise<WireArtifact[]> | undefined;
/** The dev stack's artifacts through the SDK, computed once per test file. */
export function devWire(): Promise<WireArtifact[]> {
  defaultWire ??= toWire(artifactsFor(devConfig()));
  return defaultWire;
}

export function byKind(artifacts: readonly Artifact[], kind: Artifact["kind"]): Artifact[] {
  return artifacts.filter((a) => a.kind === kind);
}

/** Every (path, value) pair in a JSON value, depth first. */
export function* walk(value: unknown, path = "$"): Generator<[string, unknown]> {
  yield [path, value];
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) yield* walk(value[i], `${path}[${i}]`);
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) yield* walk(v, `${path}.${k}`);
}

/** Every string anywhere in a JSON value. */
export function strings(value: unknown): string[] {
  return [...walk(value)].map(([, v]) => v).filter((v): v is string => typeof v === "string");
}

/** Every object anywhere in a JSON value, with its path. */
export function objects(value: unknown): Array<[string, Record<string, any>]> {
  return [...walk(value)].filter((e): e is [string, Record<string, any>] => !!e[1] && typeof e[1] === "object" && !Array.isArray(e[1]));
}

/** The activities of a pipeline artifact (model form). */
export function activitiesOf(artifact: Artifact): any[] {
  if (artifact.kind !== "pipeline") throw new Error(`${artifact.name} is not a pipeline`);
  return (artifact.body.activities ?? []) as any[];
}
