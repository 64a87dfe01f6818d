/**
 * Runs a publish plan against a workspace, one operation at a time, in plan order.
 *
 * Which state is "current": the hashes the last successful publish recorded (the dynamic resource's
 * previous outputs), not a list call against the workspace: a list would make the publisher delete
 * artifacts people created in Studio. `pulumi refresh` corrects those hashes where the workspace
 * drifted (readPublished): it GETs each recorded artifact and compares it with what was sent, field by
 * field (the service returns bodies re-shaped: ids, etags, defaults filled in, see hash.ts).
 */
import type { Artifact } from "../../synapse-artifacts/model";
import type { WorkspaceApi } from "./client";
import {
  describeOperation,
  observedState,
  planPublish,
  publishedState,
  type Operation,
  type PublishedArtifact,
  type ScheduleIntent,
} from "./planner";
import { withRetries, type RetryOptions } from "./retry";

export interface PublishOptions {
  /** Whole-operation retries (timeouts, 403 while RBAC propagates, 429 without Retry-After). @default - DEFAULT_RETRY */
  retry?: RetryOptions;
  /** Limit of one operation including its polling; a longer one is aborted and retried. @default 600000 ms */
  operationTimeoutMs?: number;
  /** Progress lines. @default - none */
  log?: (line: string) => void;
  /** Triggers started or stopped, and one-off runs. @default - triggers started, no runs */
  schedule?: ScheduleIntent;
  /** Keys of one-off runs already made (the previous state). @default - none */
  runsDone?: readonly string[];
}

export interface PublishResult {
  /** What the workspace holds now, to be recorded as the next run's `current`. */
  state: PublishedArtifact[];
  operations: Operation[];
  /** Keys of the one-off runs made so far, including this publish's. */
  runsDone: string[];
}

/**
 * Publishes `desired` over `current`. On failure it throws after the failing operation; the caller
 * keeps the old state, and the next run replans from it: puts are upserts, deletes of missing
 * artifacts succeed, and a trigger stopped for an update that did not finish is stopped, put and
 * started again, so rerunning converges.
 */
export async function publishArtifacts(
  api: WorkspaceApi,
  desired: Artifact[],
  current: PublishedArtifact[],
  options: PublishOptions = {},
): Promise<PublishResult> {
  const operations = planPublish(desired, current, options.schedule, options.runsDone);
  const bodies = new Map(desired.map((a) => [`${a.kind}/${a.name}`, a.body]));
  const log = options.log ?? (() => undefined);
  const timeout = options.operationTimeoutMs ?? 600000;
  if (operations.length === 0) log("synapse artifacts: nothing changed");
  for (const [i, o] of operations.entries()) {
    const label = `[${i + 1}/${operations.length}] ${describeOperation(o)}`;
    log(label);
    await withRetries(
      label,
      async () => {
        const signal = AbortSignal.timeout(timeout);
        switch (o.op) {
          case "put":
            return api.put(o.kind, o.name, bodies.get(`${o.kind}/${o.name}`), signal);
          case "delete":
            return api.remove(o.kind, o.name, signal);
          case "stopTrigger":
            return api.stopTrigger(o.name, signal);
          case "startTrigger":
            return api.startTrigger(o.name, signal);
          case "runPipeline": {
            const runId = await api.runPipeline(o.name, o.parameters, signal);
            return log(`${label}: run ${runId}`);
          }
        }
      },
      options.retry,
      log,
    );
  }
  const runsDone = [
    ...new Set([...(options.runsDone ?? []), ...operations.flatMap((o) => (o.op === "runPipeline" ? [o.key] : []))]),
  ].sort();
  return { state: publishedState(desired, options.schedule), operations, runsDone };
}

/** Removes everything the publisher recorded (Pulumi delete): stop triggers, then delete in reverse order. */
export async function unpublishArtifacts(
  api: WorkspaceApi,
  current: PublishedArtifact[],
  options: PublishOptions = {},
): Promise<PublishResult> {
  return publishArtifacts(api, [], current, options);
}

/**
 * What `pulumi refresh` records: `published` corrected to what the workspace holds (see observedState).
 * Only GETs, one per recorded artifact; artifacts the state does not record are never looked at.
 */
export async function readPublished(
  api: WorkspaceApi,
  sent: Artifact[],
  published: PublishedArtifact[],
  options: PublishOptions = {},
): Promise<PublishedArtifact[]> {
  const timeout = options.operationTimeoutMs ?? 600000;
  const fetched = new Map<string, unknown>();
  for (const p of published) {
    const body = await withRetries(
      `read ${p.kind} ${p.name}`,
      () => api.get(p.kind, p.name, AbortSignal.timeout(timeout)),
      options.retry,
      options.log,
    );
    fetched.set(`${p.kind}/${p.name}`, body);
  }
  return observedState(published, sent, fetched);
}
