/**
 * The wire JSON of each artifact: what the Synapse data-plane API receives. The SDK does not export
 * its serializer, so this drives the real `ArtifactsClient` with a recording HTTP client that
 * answers 200 with the request body (docs/platform-facts.md §3.4): the request is the SDK's own serialization, and
 * the poller's result is the SDK's deserialization of it — the round trip, for free.
 */
import { ArtifactsClient } from "@azure/synapse-artifacts";
import { createHttpHeaders, type HttpClient, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { Artifact } from "./model";

export interface WireArtifact {
  artifact: Artifact;
  /** The request body the SDK sent, parsed. */
  wire: unknown;
  /** The method and path (without the api-version query) the SDK called. */
  request: { method: string; path: string; apiVersion: string };
  /** The model the SDK read back from a response equal to the request body. */
  roundTrip: unknown;
}

/** Answers every call with its own body; records each request. */
class EchoHttpClient implements HttpClient {
  readonly requests: PipelineRequest[] = [];
  async sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
    this.requests.push(request);
    const body = typeof request.body === "string" ? request.body : "{}";
    return { request, status: 200, headers: createHttpHeaders({ "content-type": "application/json" }), bodyAsText: body };
  }
}

/** A client that never reaches Azure: fake token, a recording HTTP client, no retries. */
function offlineClient(http: EchoHttpClient): ArtifactsClient {
  const credential = { getToken: async () => ({ token: "offline", expiresOnTimestamp: Date.now() + 3_600_000 }) };
  // The bearer-token policy refuses plain http, hence an https endpoint that is never contacted.
  return new ArtifactsClient(credential, "https://offline.dev.azuresynapse.net", { httpClient: http, retryOptions: { maxRetries: 0 } });
}

async function send(client: ArtifactsClient, artifact: Artifact): Promise<unknown> {
  switch (artifact.kind) {
    case "linkedService":
      return client.linkedServiceOperations.beginCreateOrUpdateLinkedServiceAndWait(artifact.name, artifact.body);
    case "dataset":
      return client.datasetOperations.beginCreateOrUpdateDatasetAndWait(artifact.name, artifact.body);
    case "notebook":
      return client.notebookOperations.beginCreateOrUpdateNotebookAndWait(artifact.name, artifact.body);
    case "pipeline":
      return client.pipelineOperations.beginCreateOrUpdatePipelineAndWait(artifact.name, artifact.body);
    case "trigger":
      return client.triggerOperations.beginCreateOrUpdateTriggerAndWait(artifact.name, artifact.body);
  }
}

/** Serializes every artifact through the SDK, in the given order. Fails on the first the SDK rejects. */
export async function toWire(artifacts: readonly Artifact[]): Promise<WireArtifact[]> {
  const http = new EchoHttpClient();
  const client = offlineClient(http);
  const out: WireArtifact[] = [];
  for (const artifact of artifacts) {
    const before = http.requests.length;
    let roundTrip: unknown;
    try {
      roundTrip = await send(client, artifact);
    } catch (error) {
      throw new Error(`the Synapse SDK rejected ${artifact.kind} ${artifact.name}: ${(error as Error).message}`);
    }
    const request = http.requests[before];
    const url = new URL(request.url);
    out.push({
      artifact,
      wire: JSON.parse(String(request.body)),
      request: { method: request.method, path: decodeURIComponent(url.pathname), apiVersion: url.searchParams.get("api-version") ?? "" },
      roundTrip,
    });
  }
  return out;
}
