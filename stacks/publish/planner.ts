/**
 * What to send to the workspace: a pure function of the artifacts the code wants and the ones the
 * last successful publish left there. No I/O; tested without a server.
 */
import { PUBLISH_ORDER, type Artifact, type ArtifactKind } from "../../synapse-artifacts/model";
import { contentHash, projectOnto, sameContent } from "./hash";

/** One artifact as the publisher last left it in the workspace. */
export interface PublishedArtifact {
  kind: ArtifactKind;
  name: string;
  /** {@link contentHash} of the body that was sent. */
  hash: string;
  /** Triggers only: whether the publisher left it started. Absent in older state, which always ended started. */
  started?: boolean;
}

/** A one-off pipeline run the publisher makes once, e.g. the initial load (stacks/first-run.ts). */
export interface PipelineRunRequest {
  /** Identifies the run: a request whose key was run before is not run again. */
  key: string;
  pipeline: string;
  parameters: Record<string, string>;
}

/** What the workspace should be doing, beyond holding the artifacts. */
export interface ScheduleIntent {
  /** Whether triggers end started. False keeps them stopped (e.g. before MGDC consent). @default true */
  triggersStarted?: boolean;
  /** One-off runs, made after the artifacts are in place and before any trigger starts. @default none */
  runs?: PipelineRunRequest[];
}

export type Operation =
  | { op: "put"; kind: ArtifactKind; name: string; hash: string; reason: "create" | "update" }
  | { op: "delete"; kind: ArtifactKind; name: string }
  | { op: "stopTrigger"; kind: "trigger"; name: string }
  | { op: "startTrigger"; kind: "trigger"; name: string }
  | { op: "runPipeline"; kind: "pipeline"; name: string; key: string; parameters: Record<string, string> };

const key = (kind: ArtifactKind, name: string) => `${kind}/${name}`;
const rank = (kind: ArtifactKind) => PUBLISH_ORDER.indexOf(kind);
const byOrder = <T extends { kind: ArtifactKind; name: string }>(a: T, b: T) =>
  rank(a.kind) - rank(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Throws on two artifacts with the same kind and name: the later would silently win. */
function indexDesired(desired: Artifact[]): Map<string, Artifact> {
  const map = new Map<string, Artifact>();
  for (const a of desired) {
    if (!PUBLISH_ORDER.includes(a.kind))
      throw new Error(`planPublish: unknown artifact kind '${a.kind}' for '${a.name}'; expected one of ${PUBLISH_ORDER.join(", ")}`);
    if (map.has(key(a.kind, a.name)))
      throw new Error(`planPublish: two ${a.kind} artifacts are named '${a.name}'; names must be unique per kind`);
    map.set(key(a.kind, a.name), a);
  }
  return map;
}

/** The state after a plan has run: every desired artifact with its hash (and triggers' run state), in publish order. Pure. */
export function publishedState(desired: Artifact[], intent: ScheduleIntent = {}): PublishedArtifact[] {
  const started = intent.triggersStarted ?? true;
  return desired
    .map((a) => ({ kind: a.kind, name: a.name, hash: contentHash(a.body), ...(a.kind === "trigger" ? { started } : {}) }))
    .sort(byOrder);
}

/**
 * Ordered operations that turn `current` into `desired`:
 * 1. stop every trigger that will be updated or deleted (a started trigger cannot be changed or removed);
 * 2. put new and changed artifacts in dependency order (linked service → dataset → notebook → pipeline → trigger),
 *    so a reference always points at something that already exists;
 * 3. delete what the code no longer has, in reverse order (triggers first). Deletes come after the puts,
 *    so a changed pipeline has already dropped its reference to a dataset being deleted;
 * 4. make each one-off run not made before (`intent.runs`, e.g. the initial load), so it queues ahead of any window;
 * 5. start every trigger that was created or updated, or left stopped before (Synapse creates triggers stopped) —
 *    unless `intent.triggersStarted` is false, in which case started triggers are stopped and stay so.
 * Unchanged artifacts are not touched; nothing changed gives an empty list.
 */
export function planPublish(
  desired: Artifact[],
  current: PublishedArtifact[],
  intent: ScheduleIntent = {},
  runsDone: readonly string[] = [],
): Operation[] {
  const startTriggers = intent.triggersStarted ?? true;
  const want = indexDesired(desired);
  const have = new Map(current.map((c) => [key(c.kind, c.name), c]));

  const puts: Array<Extract<Operation, { op: "put" }>> = [];
  for (const a of want.values()) {
    const hash = contentHash(a.body);
    const prev = have.get(key(a.kind, a.name));
    if (!prev) puts.push({ op: "put", kind: a.kind, name: a.name, hash, reason: "create" });
    else if (prev.hash !== hash) puts.push({ op: "put", kind: a.kind, name: a.name, hash, reason: "update" });
  }
  puts.sort(byOrder);

  const deletes: Array<Extract<Operation, { op: "delete" }>> = current
    .filter((c) => !want.has(key(c.kind, c.name)))
    .map((c) => ({ op: "delete" as const, kind: c.kind, name: c.name }))
    .sort((a, b) => byOrder(b, a));

  const isStarted = (name: string) => have.get(key("trigger", name))?.started !== false;
  const changing = new Set(
    [...puts.filter((p) => p.kind === "trigger" && p.reason === "update"), ...deletes.filter((d) => d.kind === "trigger")].map(
      (t) => t.name,
    ),
  );
  const unchangedTriggers = current.filter(
    (c) =>
      c.kind === "trigger" &&
      want.has(key("trigger", c.name)) &&
      !changing.has(c.name) &&
      !puts.some((p) => p.kind === "trigger" && p.name === c.name),
  );
  const toStop = [...changing].filter(isStarted);
  if (!startTriggers) toStop.push(...unchangedTriggers.filter((c) => isStarted(c.name)).map((c) => c.name));
  const stops: Operation[] = [...new Set(toStop)].sort().map((name) => ({ op: "stopTrigger" as const, kind: "trigger" as const, name }));

  const done = new Set(runsDone);
  const runs: Operation[] = (intent.runs ?? [])
    .filter((r) => !done.has(r.key))
    .map((r) => ({ op: "runPipeline" as const, kind: "pipeline" as const, name: r.pipeline, key: r.key, parameters: r.parameters }));

  const toStart = startTriggers
    ? [
        ...puts.filter((p) => p.kind === "trigger").map((p) => p.name),
        ...unchangedTriggers.filter((c) => c.started === false).map((c) => c.name),
      ]
    : [];
  const starts: Operation[] = toStart.map((name) => ({ op: "startTrigger" as const, kind: "trigger" as const, name }));

  return [...stops, ...puts, ...deletes, ...runs, ...starts];
}

/** One line per operation, for logs and the Pulumi diff message. Pure. */
export function describeOperation(o: Operation): string {
  switch (o.op) {
    case "put":
      return `${o.reason} ${o.kind} ${o.name}`;
    case "delete":
      return `delete ${o.kind} ${o.name}`;
    case "runPipeline":
      return `run pipeline ${o.name} once (${o.key})`;
    default:
      return `${o.op === "stopTrigger" ? "stop" : "start"} trigger ${o.name}`;
  }
}

/**
 * The published state as the workspace has it now (`pulumi refresh`): `fetched` maps kind/name to
 * the body read back, or undefined when the artifact is gone. An artifact that still holds what was
 * sent (and, for a trigger, still runs) keeps its recorded hash; a changed one, or a trigger stopped
 * by hand, gets the hash of what the workspace has instead, so planPublish updates it; a deleted one
 * is left out, so planPublish creates it. Artifacts not in `fetched` are kept as recorded. Pure.
 */
export function observedState(
  published: PublishedArtifact[],
  sent: Artifact[],
  fetched: ReadonlyMap<string, unknown>,
): PublishedArtifact[] {
  const bodies = new Map(sent.map((a) => [key(a.kind, a.name), a.body as unknown]));
  return published.flatMap((p) => {
    const k = key(p.kind, p.name);
    if (!fetched.has(k) || !bodies.has(k)) return [p];
    const got = fetched.get(k);
    if (got === undefined) return [];
    // A trigger started or stopped by hand is run-state drift, not content drift: planPublish starts
    // or stops it to match the schedule without putting it again.
    const runtimeState = p.kind === "trigger" ? (got as { properties?: { runtimeState?: string } }).properties?.runtimeState : undefined;
    const observed = runtimeState ? { ...p, started: runtimeState === "Started" } : p;
    if (sameContent(got, bodies.get(k))) return [observed];
    // Hash of a wrapper, not of a body: it can never equal a body's hash.
    return [{ ...observed, hash: contentHash({ inWorkspace: projectOnto(got, bodies.get(k)) }) }];
  });
}
