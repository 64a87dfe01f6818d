/**
 * Activity building blocks: policies sized per activity (REL-01), copy activities between ADLS
 * folders, notebook activities, dependencies. Pure.
 */
import type {
  ActivityDependency,
  ActivityPolicy,
  CopyActivity,
  DatasetReference,
  DependencyCondition,
  SynapseNotebookActivity,
} from "@azure/synapse-artifacts";
import type { RelmeshConfig } from "../config/stack";
import { expr } from "./datasets";

/** `d.hh:mm:ss`, the timespan format of activity timeouts. */
export function timespan(hours: number): string {
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return `${d}.${String(h).padStart(2, "0")}:00:00`;
}

export interface PolicySpec {
  /** Hours the activity may run before the service cancels it (the default would be 7 days). */
  timeoutHours: number;
  retry: number;
  retryIntervalInSeconds: number;
  /** Hide inputs and outputs from run history (REL-02, SEC-28). */
  secure: boolean;
}

/** Every field set explicitly: the service defaults are retry 0 and a 7-day timeout (REL-01). */
export function policy(spec: PolicySpec): ActivityPolicy {
  return {
    timeout: timespan(spec.timeoutHours),
    retry: spec.retry,
    retryIntervalInSeconds: spec.retryIntervalInSeconds,
    secureInput: spec.secure,
    secureOutput: spec.secure,
  };
}

/** Sizes per activity kind, with the reason for each number. */
export const POLICIES = {
  /**
   * MGDC: about 45 minutes of fixed overhead per run, first runs over 40 minutes, and a
   * ConsentPending phase (docs/platform-facts.md §1.1). One retry after 10 minutes: every run is billed and a
   * missing approval does not fix itself in a loop. Secure: the run resolves the MGDC secret and its
   * errors can quote mailbox data, which run-history readers have no right to.
   */
  mgdcExtract: { timeoutHours: 12, retry: 1, retryIntervalInSeconds: 600, secure: true },
  /** Storage-to-storage copy of one day's files: minutes; transient storage errors retry quickly. */
  fileCopy: { timeoutHours: 2, retry: 3, retryIntervalInSeconds: 60, secure: false },
  /**
   * One notebook on the Spark pool: session start (a few minutes) plus one window's work. One retry:
   * the notebooks MERGE on stable keys, so a rerun replaces rather than duplicates.
   */
  notebook: { timeoutHours: 3, retry: 1, retryIntervalInSeconds: 300, secure: false },
  /**
   * A day's changed rows from the ERP database or the service-case container: minutes. Three retries
   * two minutes apart ride out a Hyperscale failover or Cosmos throttling (429s); a rerun copies the
   * same stored bounds into the same file, so a retry never duplicates.
   */
  sourceCopy: { timeoutHours: 2, retry: 3, retryIntervalInSeconds: 120, secure: false },
  /** A file's existence or a one-row watermark read in the lake: seconds; the hour bounds a hung call. */
  lookup: { timeoutHours: 1, retry: 2, retryIntervalInSeconds: 30, secure: false },
} as const satisfies Record<string, PolicySpec>;

export function after(activity: string, condition: DependencyCondition = "Succeeded"): ActivityDependency {
  return { activity, dependencyConditions: [condition] };
}

export function datasetRef(referenceName: string, parameters?: Record<string, unknown>): DatasetReference {
  return { type: "DatasetReference", referenceName, ...(parameters ? { parameters } : {}) };
}

/**
 * Copies every file below one folder to another, names and sub-folders kept, bytes unchanged.
 * Fail-fast: no skipping of files or rows, so nothing is lost silently; bad records are
 * quarantined by the notebooks instead (REL-13, REL-11/12).
 */
export function folderCopy(name: string, from: DatasetReference, to: DatasetReference, dependsOn: ActivityDependency[] = []): CopyActivity {
  return {
    name,
    type: "Copy",
    dependsOn,
    policy: policy(POLICIES.fileCopy),
    inputs: [from],
    outputs: [to],
    source: {
      type: "BinarySource",
      storeSettings: { type: "AzureBlobFSReadSettings", recursive: true },
    },
    sink: {
      type: "BinarySink",
      storeSettings: { type: "AzureBlobFSWriteSettings", copyBehavior: "PreserveHierarchy" },
    },
    enableSkipIncompatibleRow: false,
  };
}

export type NotebookParameterValue = { value: unknown; type: "string" | "bool" | "int" | "float" };

/** A pipeline notebook on the configured pool, with the session sizes of the config. */
export function notebookActivity(
  config: RelmeshConfig,
  notebook: string,
  parameters: Record<string, NotebookParameterValue>,
  dependsOn: ActivityDependency[],
): SynapseNotebookActivity {
  return {
    name: `Run ${notebook}`,
    type: "SynapseNotebook",
    dependsOn,
    policy: policy(POLICIES.notebook),
    notebook: { type: "NotebookReference", referenceName: notebook },
    sparkPool: { type: "BigDataPoolReference", referenceName: config.sparkPool.name },
    // Node sizes name the pool's node size; executor count from relmesh:sparkSession.
    executorSize: config.sparkPool.nodeSize,
    driverSize: config.sparkPool.nodeSize,
    numExecutors: config.sparkSession.numExecutors,
    parameters,
  };
}

/** A notebook parameter taken from a pipeline expression. */
export const fromExpression = (value: string): NotebookParameterValue => ({ value: expr(value), type: "string" });

/**
 * A JSON document passed as a literal string parameter. The service evaluates `@{...}` inside any
 * string and treats a leading `@` as an expression, so such text would be altered: refuse it.
 */
export function literalJson(what: string, value: unknown): NotebookParameterValue {
  const text = JSON.stringify(value);
  if (text.includes("@{") || text.startsWith("@")) {
    throw new Error(
      `${what} contains '@{', which Synapse would evaluate as an expression inside the notebook parameter: remove it from ${what}`,
    );
  }
  return { value: text, type: "string" };
}
