/** Small artifact sets for the publisher tests: each artifact references the one before it. */
import type { Artifact } from "../../synapse-artifacts/model";

export function linkedService(name = "ls_lake", url = "https://lake.dfs.core.windows.net"): Artifact {
  return { kind: "linkedService", name, body: { properties: { type: "AzureBlobFS", url } } as any };
}

export function dataset(name = "ds_raw", linked = "ls_lake", folderPath = "raw"): Artifact {
  return {
    kind: "dataset",
    name,
    body: {
      properties: {
        type: "Json",
        linkedServiceName: { type: "LinkedServiceReference", referenceName: linked },
        location: { type: "AzureBlobFSLocation", fileSystem: "raw", folderPath },
      },
    } as any,
  };
}

export function notebook(name = "nb_ingest", code = "print('ingest')"): Artifact {
  return {
    kind: "notebook",
    name,
    body: {
      name,
      properties: {
        nbformat: 4,
        nbformatMinor: 2,
        metadata: { kernelspec: { name: "synapse_pyspark", displayName: "Synapse PySpark" }, languageInfo: { name: "python" } },
        cells: [{ cellType: "code", metadata: {}, source: [code] }],
      },
    },
  };
}

export function pipeline(name = "pl_daily", opts: { notebook?: string; dataset?: string; retry?: number } = {}): Artifact {
  const nb = opts.notebook ?? "nb_ingest";
  return {
    kind: "pipeline",
    name,
    body: {
      activities: [
        {
          name: "ingest",
          type: "SynapseNotebook",
          notebook: { type: "NotebookReference", referenceName: nb },
          policy: { retry: opts.retry ?? 2, retryIntervalInSeconds: 60, timeout: "0.01:00:00" },
          ...(opts.dataset ? { userProperties: [], dependsOn: [] } : {}),
        } as any,
      ],
      ...(opts.dataset ? { parameters: { source: { type: "String", defaultValue: opts.dataset } } } : {}),
    },
  };
}

export function trigger(name = "tr_daily", pipelineName = "pl_daily", interval = 24): Artifact {
  return {
    kind: "trigger",
    name,
    body: {
      properties: {
        type: "TumblingWindowTrigger",
        pipeline: { pipelineReference: { type: "PipelineReference", referenceName: pipelineName }, parameters: {} },
        frequency: "Hour",
        interval,
        startTime: "2026-01-01T00:00:00Z",
        maxConcurrency: 1,
      },
    } as any,
  };
}

/** The five kinds, dependencies pointing backwards. */
export function fullSet(): Artifact[] {
  return [trigger(), pipeline(), notebook(), dataset(), linkedService()];
}
