/**
 * The edge between the publisher and the Synapse dev endpoint: builds an `ArtifactsClient` with an
 * explicit retry policy and adapts its per-kind LRO methods to one small interface.
 */
import type { TokenCredential } from "@azure/identity";
import type { HttpClient, PipelineRetryOptions, TlsSettings } from "@azure/core-rest-pipeline";
import { ArtifactsClient } from "@azure/synapse-artifacts";
import type { ArtifactKind } from "../../synapse-artifacts/model";
import { DEFAULT_PIPELINE_RETRY, statusOf } from "./retry";

/** What the publisher needs from a workspace. Every call completes the whole long-running operation. */
export interface WorkspaceApi {
  put(kind: ArtifactKind, name: string, body: unknown, signal: AbortSignal): Promise<void>;
  /** The artifact as the workspace has it (the SDK model, service fields included); undefined when it does not exist. */
  get(kind: ArtifactKind, name: string, signal: AbortSignal): Promise<unknown>;
  /** Succeeds when the artifact is already gone. */
  remove(kind: ArtifactKind, name: string, signal: AbortSignal): Promise<void>;
  stopTrigger(name: string, signal: AbortSignal): Promise<void>;
  startTrigger(name: string, signal: AbortSignal): Promise<void>;
  /** Starts a pipeline run and returns its run id (the run itself goes on in the workspace). */
  runPipeline(name: string, parameters: Record<string, string>, signal: AbortSignal): Promise<string>;
}

export interface ClientOptions {
  /** @default - {@link DEFAULT_PIPELINE_RETRY} */
  retryOptions?: PipelineRetryOptions;
  /** Replaces the Node HTTP client (tests). */
  httpClient?: HttpClient;
  /** Extra TLS settings, e.g. a CA to trust (tests with a self-signed local server). */
  tlsOptions?: TlsSettings;
}

/** `https://<workspace>.dev.azuresynapse.net` — the SDK sends bearer tokens over https only. */
export function devEndpoint(workspaceName: string): string {
  return `https://${workspaceName}.dev.azuresynapse.net`;
}

export function createArtifactsClient(credential: TokenCredential, endpoint: string, options: ClientOptions = {}): ArtifactsClient {
  return new ArtifactsClient(credential, endpoint, {
    retryOptions: { ...DEFAULT_PIPELINE_RETRY, ...options.retryOptions },
    ...(options.httpClient ? { httpClient: options.httpClient } : {}),
    ...(options.tlsOptions ? { tlsOptions: options.tlsOptions } : {}),
  });
}

export interface ApiOptions {
  /** Interval between LRO polls when the service sends no Retry-After. @default 2000 ms (the SDK's) */
  pollIntervalMs?: number;
  /** Limit of one HTTP request (initial or poll); a slower answer aborts the attempt. @default 60000 ms */
  requestTimeoutMs?: number;
}

/** Adapts an ArtifactsClient to {@link WorkspaceApi}. Bodies are passed as given (plain JSON of the SDK models). */
export function artifactsApi(client: ArtifactsClient, options: ApiOptions = {}): WorkspaceApi {
  const lro = (signal: AbortSignal) => ({
    abortSignal: signal,
    updateIntervalInMs: options.pollIntervalMs,
    requestOptions: { timeout: options.requestTimeoutMs ?? 60000 },
  });
  // Each `begin*` sends the request and returns a poller; pollUntilDone follows Location /
  // Azure-AsyncOperation until the service reports the end state (docs/platform-facts.md §3.2: every write is an LRO).
  const run = async (poller: Promise<{ pollUntilDone(o?: { abortSignal?: AbortSignal }): Promise<unknown> }>, signal: AbortSignal) => {
    await (await poller).pollUntilDone({ abortSignal: signal });
  };
  const goneIsFine = async (p: Promise<void>) => {
    try {
      await p;
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
  };
  const c = client;
  return {
    async put(kind, name, body, signal) {
      const o = lro(signal);
      const b = body as never;
      switch (kind) {
        case "linkedService":
          return run(c.linkedServiceOperations.beginCreateOrUpdateLinkedService(name, b, o), signal);
        case "dataset":
          return run(c.datasetOperations.beginCreateOrUpdateDataset(name, b, o), signal);
        case "notebook":
          return run(c.notebookOperations.beginCreateOrUpdateNotebook(name, b, o), signal);
        case "pipeline":
          return run(c.pipelineOperations.beginCreateOrUpdatePipeline(name, b, o), signal);
        case "trigger":
          return run(c.triggerOperations.beginCreateOrUpdateTrigger(name, b, o), signal);
      }
    },
    async get(kind, name, signal) {
      const o = { abortSignal: signal, requestOptions: { timeout: options.requestTimeoutMs ?? 60000 } };
      try {
        switch (kind) {
          case "linkedService":
            return await c.linkedServiceOperations.getLinkedService(name, o);
          case "dataset":
            return await c.datasetOperations.getDataset(name, o);
          case "notebook":
            return await c.notebookOperations.getNotebook(name, o);
          case "pipeline":
            return await c.pipelineOperations.getPipeline(name, o);
          case "trigger":
            return await c.triggerOperations.getTrigger(name, o);
        }
      } catch (err) {
        if (statusOf(err) === 404) return undefined;
        throw err;
      }
    },
    async remove(kind, name, signal) {
      const o = lro(signal);
      switch (kind) {
        case "linkedService":
          return goneIsFine(run(c.linkedServiceOperations.beginDeleteLinkedService(name, o), signal));
        case "dataset":
          return goneIsFine(run(c.datasetOperations.beginDeleteDataset(name, o), signal));
        case "notebook":
          return goneIsFine(run(c.notebookOperations.beginDeleteNotebook(name, o), signal));
        case "pipeline":
          return goneIsFine(run(c.pipelineOperations.beginDeletePipeline(name, o), signal));
        case "trigger":
          return goneIsFine(run(c.triggerOperations.beginDeleteTrigger(name, o), signal));
      }
    },
    // A trigger that does not exist has nothing to stop (e.g. deleted by hand in Studio).
    stopTrigger: (name, signal) => goneIsFine(run(c.triggerOperations.beginStopTrigger(name, lro(signal)), signal)),
    startTrigger: (name, signal) => run(c.triggerOperations.beginStartTrigger(name, lro(signal)), signal),
    runPipeline: async (name, parameters, signal) =>
      (
        await c.pipelineOperations.createPipelineRun(name, {
          parameters,
          abortSignal: signal,
          requestOptions: { timeout: options.requestTimeoutMs ?? 60000 },
        })
      ).runId,
  };
}
