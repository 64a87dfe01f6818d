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
}

export type Operation =
  | { op: "put"; kind: ArtifactKind; name: string; hash: string; reason: "create" | "update" }
  | { op: "delete"; kind: ArtifactKind; name: string }
  | { op: "stopTrigger"; kind: "trigger"; name: string }
  | { op: "startTrigger"; kind: "trigger"; name: string };

const key = (kind: ArtifactKind, name: string) => `${kind}/${name}`;
const rank = (kind: ArtifactKind) => PUBLISH_ORDER.indexOf(kind);
const byOrder = <T extends { kind: ArtifactKind; name: string }>(a: T, b: T) => rank(a.kind) - rank(b.kind) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Throws on two artifacts with the same kind and name: the later would silently win. */
function indexDesired(desired: Artifact[]): Map<string, Artifact> {
  const map = new Map<string, Artifact>();
  for (const a of desired) {
    if (!PUBLISH_ORDER.includes(a.kind)) throw new Error(`planPublish: unknown artifact kind '${a.kind}' for '${a.name}'; expected one of ${PUBLISH_ORDER.join(", ")}`);
    if (map.has(key(a.kind, a.name))) throw new Error(`planPublish: two ${a.kind} artifacts are named '${a.name}'; names must be unique per kind`);
    map.set(key(a.kind, a.name), a);
  }
  return map;
}

/** The state after a plan has run: every desired artifact with its hash, in publish order. Pure. */
export function publishedState(desired: Artifact[]): PublishedArtifact[] {
  return desired.map((a) => ({ kind: a.kind, name: a.name, hash: contentHash(a.body) })).sort(byOrder);
}

/**
 * Ordered operations that turn `current` into `desired`:
 * 1. stop every trigger that will be updated or deleted (a started trigger cannot be changed or removed);
 * 2. put new and changed artifacts in dependency order (linked service → dataset → notebook → pipeline → trigger),
 *    so a reference always points at something that already exists;
 * 3. delete what the code no longer has, in reverse order (triggers first). Deletes come after the puts,
 *    so a changed pipeline has already dropped its reference to a dataset being deleted;
 * 4. start every trigger that was created or updated (Synapse creates triggers stopped).
 * Unchanged artifacts are not touched; nothing changed gives an empty list.
 */
export function planPublish(desired: Artifact[], current: PublishedArtifact[]): Operation[] {
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

  const stops: Operation[] = [
    ...puts.filter((p) => p.kind === "trigger" && p.reason === "update"),
    ...deletes.filter((d) => d.kind === "trigger"),
  ]
    .map((t) => t.name)
    .sort()
    .map((name) => ({ op: "stopTrigger" as const, kind: "trigger" as const, name }));

  const starts: Operation[] = puts.filter((p) => p.kind === "trigger").map((p) => ({ op: "startTrigger" as const, kind: "trigger" as const, name: p.name }));

  return [...stops, ...puts, ...deletes, ...starts];
}

/** One line per operation, for logs and the Pulumi diff message. Pure. */
export function describeOperation(o: Operation): string {
  return o.op === "put" ? `${o.reason} ${o.kind} ${o.name}` : o.op === "delete" ? `delete ${o.kind} ${o.name}` : `${o.op === "stopTrigger" ? "stop" : "start"} trigger ${o.name}`;
}

/**
 * The published state as the workspace has it now (`pulumi refresh`): `fetched` maps kind/name to
 * the body read back, or undefined when the artifact is gone. An artifact that still holds what was
 * sent (and, for a trigger, still runs) keeps its recorded hash; a changed one, or a trigger stopped
 * by hand, gets the hash of what the workspace has instead, so planPublish updates it; a deleted one
 * is left out, so planPublish creates it. Artifacts not in `fetched` are kept as recorded. Pure.
 */
export function observedState(published: PublishedArtifact[], sent: Artifact[], fetched: ReadonlyMap<string, unknown>): PublishedArtifact[] {
  const bodies = new Map(sent.map((a) => [key(a.kind, a.name), a.body as unknown]));
  return published.flatMap((p) => {
    const k = key(p.kind, p.name);
    if (!fetched.has(k) || !bodies.has(k)) return [p];
    const got = fetched.get(k);
    if (got === undefined) return [];
    const runtimeState = p.kind === "trigger" ? (got as { properties?: { runtimeState?: string } }).properties?.runtimeState : undefined;
    if (sameContent(got, bodies.get(k)) && runtimeState !== "Stopped") return [p];
    // Hash of a wrapper, not of a body: it can never equal a body's hash, even when only the runtime state drifted.
    return [{ ...p, hash: contentHash({ inWorkspace: projectOnto(got, bodies.get(k)), runtimeState: runtimeState ?? null }) }];
  });
}
