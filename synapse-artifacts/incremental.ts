/**
 * Incremental copies of the optional business sources (ERP orders from Azure SQL, service cases from
 * Cosmos DB) into lake raw, one daily window at a time, with stored watermarks.
 *
 * Each window stores its bounds `{low, high, window}` in `raw/<watermarkFolder>/<yyyy-MM-dd>.json`
 * before it copies anything, and copies the rows with low < watermark ≤ high:
 * - a new window's low is the newest high stored so far (`latest.json`), so consecutive windows read
 *   every change once, a change committed late but stamped after the last high is read by the next
 *   window, and a window that found nothing keeps the high where it was;
 * - its high is the newest watermark in the source before the window's end, looked up at the source
 *   (the Lookup-then-copy pattern, with the bounds written to the lake instead of a control table the
 *   read-only workspace identity could not write);
 * - a rerun finds its stored bounds and copies the same rows into the same file again; only a run of
 *   the newest window moves `latest.json` forward, so rerunning an old day changes nothing later.
 * The first window starts `history_days` (the ruleset's) before its own start: what scoring can use.
 *
 * ADF does not allow an If inside an If, so the three decisions (is there a high-water mark? is this a
 * new window? is it the newest?) are three Ifs in a row, passing values through pipeline variables.
 */
import type {
  Activity,
  CopyActivity,
  CopySourceUnion,
  GetMetadataActivity,
  IfConditionActivity,
  JsonSink,
  LookupActivity,
  PipelineResource,
  SetVariableActivity,
} from "@azure/synapse-artifacts";
import type { SourceTable } from "../config/source-tables";
import { after, datasetRef, policy, POLICIES } from "./activities";
import { expr } from "./datasets";
import type { Artifact } from "./model";
import { cosmosBoundsQuery, cosmosWindowQuery, sqlBoundsQuery, sqlWindowQuery, type QueryBounds } from "./source-queries";

const windowStart = "pipeline().parameters.windowStart";
const windowEnd = "pipeline().parameters.windowEnd";

export const ACTIVITY = {
  findBounds: "Find stored bounds",
  findLatest: "Find high-water mark",
  readLatest: "Read high-water mark",
  hasLatest: "Has a high-water mark",
  newWindow: "New window",
  recordBounds: "Record window bounds",
  readBounds: "Read window bounds",
  advance: "Newest window",
  storeLatest: "Advance high-water mark",
} as const;

/** The expressions the queries interpolate: what the tests substitute to run the same text locally. */
export const BOUND_EXPRESSIONS = {
  /** A new window's low: the stored high-water mark, or the first window's start. */
  newLow: "variables('low')",
  stored: (field: "low" | "high") => `activity('${ACTIVITY.readBounds}').output.firstRow.${field}`,
} as const;

/** How a watermark's values are written in expressions: timestamps as ISO text, `_ts` as epoch seconds. */
interface WatermarkUnit {
  /** The watermark value of an ADF timestamp expression. */
  at(timestamp: string): string;
  /** A stored bound read back (a stored high may be absent when a Cosmos window found nothing). */
  stored(field: "low" | "high"): string;
}

const ISO = "yyyy-MM-ddTHH:mm:ss.fffffff";
const DATETIME: WatermarkUnit = {
  at: (t) => `formatDateTime(${t}, '${ISO}')`,
  stored: (field) => `formatDateTime(${BOUND_EXPRESSIONS.stored(field)}, '${ISO}')`,
};
const EPOCH_SECONDS: WatermarkUnit = {
  at: (t) => `div(sub(ticks(${t}), ticks('1970-01-01T00:00:00Z')), 10000000)`,
  stored: (field) =>
    field === "low"
      ? `string(${BOUND_EXPRESSIONS.stored("low")})`
      : `string(coalesce(${BOUND_EXPRESSIONS.stored("high")}, ${BOUND_EXPRESSIONS.stored("low")}))`,
};

/** Where a source's rows come from and how it is queried: one per source system. */
export interface IncrementalSource {
  table: SourceTable;
  /** Canonical column → source column or property path (config/source-tables.ts sourceColumnMap). */
  columns: Record<string, string>;
  /** The dataset of the source (an Azure SQL table or a Cosmos DB container). */
  dataset: string;
  /** Azure SQL only: `schema.table`. */
  qualifiedTable?: string;
}

/** The lake JSON dataset the bounds and rows are written to: parameters folderPath and fileName. */
export interface LakeJson {
  dataset: string;
}

function unitOf(table: SourceTable): WatermarkUnit {
  return table.watermark.kind === "datetime" ? DATETIME : EPOCH_SECONDS;
}

const day = (format: string) => `formatDateTime(${windowStart}, '${format}')`;
const windowLabel = day("yyyy-MM-dd");

function querySources(source: IncrementalSource): { bounds: CopySourceUnion; rows: CopySourceUnion } {
  const { table, columns } = source;
  const unit = unitOf(table);
  const end = unit.at(windowEnd);
  const stored: QueryBounds = { low: unit.stored("low"), high: unit.stored("high") };
  if (table.system === "azureSql") {
    const qualified = source.qualifiedTable;
    if (!qualified) throw new Error(`${table.label}: the Azure SQL copy needs the table as schema.table`);
    const bounds = sqlBoundsQuery(table, qualified, columns, BOUND_EXPRESSIONS.newLow, end, windowLabel);
    return {
      bounds: { type: "AzureSqlSource", sqlReaderQuery: expr(bounds), queryTimeout: "00:30:00" },
      rows: { type: "AzureSqlSource", sqlReaderQuery: expr(sqlWindowQuery(table, qualified, columns, stored)), queryTimeout: "02:00:00" },
    };
  }
  return {
    bounds: {
      type: "CosmosDbSqlApiSource",
      query: expr(cosmosBoundsQuery(table, columns, BOUND_EXPRESSIONS.newLow, end)),
      // The aggregate query returns high only; low and the window go beside it.
      additionalColumns: [
        { name: "low", value: expr(`@${BOUND_EXPRESSIONS.newLow}`) },
        { name: "window", value: expr(`@${windowLabel}`) },
      ],
    },
    rows: { type: "CosmosDbSqlApiSource", query: expr(cosmosWindowQuery(table, columns, stored)), detectDatetime: false },
  };
}

const lakeFile = (lake: LakeJson, folder: string, fileName: string) =>
  datasetRef(lake.dataset, { folderPath: folder.startsWith("@") ? expr(folder) : folder, fileName: expr(fileName) });

/** JSON lines (one object per line): what the notebooks read, like MGDC's output. */
const jsonLinesSink: JsonSink = {
  type: "JsonSink",
  storeSettings: { type: "AzureBlobFSWriteSettings" },
  formatSettings: { type: "JsonWriteSettings", filePattern: "setOfObjects" },
};

function setVariable(name: string, variableName: string, value: string, dependsOn: string[] = []): SetVariableActivity {
  return { name, type: "SetVariable", variableName, value: expr(value), dependsOn: dependsOn.map((d) => after(d)) };
}

/** The activities of one source's window, in run order. */
export function incrementalActivities(source: IncrementalSource, lake: LakeJson, historyDays: number): Activity[] {
  const { table } = source;
  const unit = unitOf(table);
  const boundsFile = `@concat(${windowLabel}, '.json')`;
  const wmFolder = table.watermarkFolder;
  const exists = (file: string, name: string): GetMetadataActivity => ({
    name,
    type: "GetMetadata",
    policy: policy(POLICIES.lookup),
    dataset: lakeFile(lake, wmFolder, file),
    fieldList: ["exists"],
  });
  const findBounds = exists(boundsFile, ACTIVITY.findBounds);
  const findLatest = exists("@'latest.json'", ACTIVITY.findLatest);
  const readLatest: LookupActivity = {
    name: ACTIVITY.readLatest,
    type: "Lookup",
    policy: policy(POLICIES.lookup),
    dataset: lakeFile(lake, wmFolder, "@'latest.json'"),
    source: { type: "JsonSource", storeSettings: { type: "AzureBlobFSReadSettings" } },
    firstRowOnly: true,
  };
  const latest = (field: string) => `activity('${ACTIVITY.readLatest}').output.firstRow.${field}`;
  const latestHigh = table.watermark.kind === "datetime" ? latest("high") : `coalesce(${latest("high")}, ${latest("low")})`;
  const hasLatest: IfConditionActivity = {
    name: ACTIVITY.hasLatest,
    type: "IfCondition",
    dependsOn: [after(findLatest.name)],
    expression: expr(`@activity('${ACTIVITY.findLatest}').output.exists`),
    ifTrueActivities: [
      readLatest,
      setVariable("Low from high-water mark", "low", `@string(${unit === DATETIME ? unit.at(latestHigh) : latestHigh})`, [readLatest.name]),
      setVariable("Newest window so far", "latestWindow", `@${latest("window")}`, [readLatest.name]),
    ],
    ifFalseActivities: [setVariable("Low from history", "low", `@string(${unit.at(`addDays(${windowStart}, -${historyDays})`)})`)],
  };
  const { bounds, rows } = querySources(source);
  const recordBounds: CopyActivity = {
    name: ACTIVITY.recordBounds,
    type: "Copy",
    policy: policy(POLICIES.sourceCopy),
    inputs: [datasetRef(source.dataset)],
    outputs: [lakeFile(lake, wmFolder, boundsFile)],
    source: bounds,
    sink: jsonLinesSink,
    enableSkipIncompatibleRow: false,
  };
  const newWindow: IfConditionActivity = {
    name: ACTIVITY.newWindow,
    type: "IfCondition",
    dependsOn: [after(findBounds.name), after(hasLatest.name)],
    expression: expr(`@not(activity('${ACTIVITY.findBounds}').output.exists)`),
    ifTrueActivities: [recordBounds],
  };
  const readBounds: LookupActivity = {
    name: ACTIVITY.readBounds,
    type: "Lookup",
    dependsOn: [after(newWindow.name)],
    policy: policy(POLICIES.lookup),
    dataset: lakeFile(lake, wmFolder, boundsFile),
    source: { type: "JsonSource", storeSettings: { type: "AzureBlobFSReadSettings" } },
    firstRowOnly: true,
  };
  const copyRows: CopyActivity = {
    name: `Copy ${table.label}`,
    type: "Copy",
    description: `${table.label} changed in the window's stored bounds, the mapped columns only, into lake raw/${table.rawFolder}/yyyy/MM/dd (replaced on a rerun).`,
    dependsOn: [after(readBounds.name)],
    policy: policy(POLICIES.sourceCopy),
    inputs: [datasetRef(source.dataset)],
    outputs: [lakeFile(lake, `@concat('${table.rawFolder}/', ${day("yyyy/MM/dd")})`, `@'${table.id}.json'`)],
    source: rows,
    sink: jsonLinesSink,
    // Fail fast: a row that does not copy is not skipped; the notebooks quarantine what is wrong in it.
    enableSkipIncompatibleRow: false,
  };
  const advance: IfConditionActivity = {
    name: ACTIVITY.advance,
    type: "IfCondition",
    dependsOn: [after(copyRows.name)],
    // '' (no high-water mark yet) sorts before every date.
    expression: expr(`@greaterOrEquals(${windowLabel}, variables('latestWindow'))`),
    ifTrueActivities: [
      {
        name: ACTIVITY.storeLatest,
        type: "Copy",
        policy: policy(POLICIES.fileCopy),
        inputs: [lakeFile(lake, wmFolder, boundsFile)],
        outputs: [lakeFile(lake, wmFolder, "@'latest.json'")],
        source: { type: "JsonSource", storeSettings: { type: "AzureBlobFSReadSettings" } },
        sink: jsonLinesSink,
        enableSkipIncompatibleRow: false,
      } as CopyActivity,
    ],
  };
  return [findBounds, findLatest, hasLatest, newWindow, readBounds, copyRows, advance];
}

export function incrementalPipeline(name: string, source: IncrementalSource, lake: LakeJson, historyDays: number): Artifact {
  const body: PipelineResource = {
    description: `Copies one window of ${source.table.label} that changed since the last window into lake raw/${source.table.rawFolder}/yyyy/MM/dd, with stored watermarks (a rerun copies the same rows).`,
    parameters: { windowStart: { type: "String" }, windowEnd: { type: "String" } },
    variables: { low: { type: "String" }, latestWindow: { type: "String", defaultValue: "" } },
    // REL-03: one run at a time moves the high-water mark.
    concurrency: 1,
    activities: incrementalActivities(source, lake, historyDays),
  };
  return { kind: "pipeline", name, body };
}
