/**
 * Runs a generated pipeline's activities locally, for the activity types the incremental copies use
 * (GetMetadata exists, Lookup, SetVariable, IfCondition, Copy), against an in-memory lake and local
 * source engines. The pipeline JSON under test is the one `relmesh synth` publishes; only the
 * services are stand-ins. What it models of ADF, from the activity references
 * (https://learn.microsoft.com/azure/data-factory/control-flow-if-condition-activity and siblings):
 * an activity runs after the ones it depends on succeeded; an If runs one branch; a Lookup of a
 * missing file fails the run; a Copy's sink file is replaced; additional columns go on every row.
 */
import type { Activity, CopyActivity, DatasetReference, PipelineResource } from "@azure/synapse-artifacts";
import { resolve, type ExpressionContext } from "./adf-expressions";

export type Row = Record<string, unknown>;

/** A source system: runs the copy source's resolved query text. */
export interface SourceEngine {
  query(text: string): Promise<Row[]>;
}

export interface RunEnvironment {
  /** Lake path (`folder/file`) → JSON rows. */
  lake: Map<string, Row[]>;
  /** The lake JSON dataset's name: its references address `lake`. */
  lakeDataset: string;
  /** Source dataset name → engine. */
  sources: Record<string, SourceEngine>;
}

export interface RunLog {
  /** Activity names in the order they ran (skipped branches absent). */
  ran: string[];
  /** Rows each Copy wrote, by activity name. */
  copied: Record<string, Row[]>;
}

function lakePath(ref: DatasetReference, env: RunEnvironment, ctx: ExpressionContext): string {
  if (ref.referenceName !== env.lakeDataset) throw new Error(`dataset ${ref.referenceName} is not the lake's`);
  const p = ref.parameters ?? {};
  return `${resolve(p.folderPath, ctx)}/${resolve(p.fileName, ctx)}`;
}

async function copy(a: CopyActivity, env: RunEnvironment, ctx: ExpressionContext): Promise<Row[]> {
  const source = a.source as Record<string, unknown>;
  const input = a.inputs![0];
  let rows: Row[];
  if (source.type === "JsonSource") {
    const path = lakePath(input, env, ctx);
    rows = env.lake.get(path) ?? [];
  } else {
    const engine = env.sources[input.referenceName];
    if (!engine) throw new Error(`${a.name}: no local engine for dataset ${input.referenceName}`);
    const query = resolve(source.sqlReaderQuery ?? source.query, ctx) as string;
    rows = await engine.query(query);
  }
  const extra = (source.additionalColumns as Array<{ name: string; value: unknown }> | undefined) ?? [];
  rows = rows.map((r) => ({ ...r, ...Object.fromEntries(extra.map((c) => [c.name, resolve(c.value, ctx)])) }));
  env.lake.set(lakePath(a.outputs![0], env, ctx), rows);
  return rows;
}

async function runActivities(activities: Activity[], env: RunEnvironment, ctx: ExpressionContext, log: RunLog): Promise<void> {
  const succeeded = new Set<string>();
  for (const activity of activities) {
    for (const d of activity.dependsOn ?? []) {
      if (!succeeded.has(d.activity)) throw new Error(`${activity.name} depends on ${d.activity}, which has not succeeded before it`);
    }
    const a = activity as Activity & Record<string, unknown>;
    log.ran.push(a.name);
    switch (a.type) {
      case "GetMetadata": {
        const path = lakePath(a.dataset as DatasetReference, env, ctx);
        ctx.outputs[a.name] = { exists: env.lake.has(path) };
        break;
      }
      case "Lookup": {
        const path = lakePath(a.dataset as DatasetReference, env, ctx);
        const rows = env.lake.get(path);
        if (!rows) throw new Error(`${a.name}: Lookup of the missing file ${path} fails the run`);
        ctx.outputs[a.name] = a.firstRowOnly ? { firstRow: rows[0] ?? {} } : { value: rows, count: rows.length };
        break;
      }
      case "SetVariable":
        ctx.variables[a.variableName as string] = resolve(a.value, ctx);
        break;
      case "IfCondition": {
        const branch = resolve(a.expression, ctx) ? a.ifTrueActivities : a.ifFalseActivities;
        await runActivities((branch as Activity[]) ?? [], env, ctx, log);
        break;
      }
      case "Copy":
        log.copied[a.name] = await copy(a as unknown as CopyActivity, env, ctx);
        break;
      default:
        throw new Error(`activity type ${a.type} is not modelled`);
    }
    succeeded.add(a.name);
  }
}

/** One pipeline run with the given parameters. */
export async function runPipeline(pipeline: PipelineResource, parameters: Record<string, unknown>, env: RunEnvironment): Promise<RunLog> {
  const variables = Object.fromEntries(Object.entries(pipeline.variables ?? {}).map(([k, v]) => [k, v.defaultValue ?? null]));
  const ctx: ExpressionContext = { parameters, variables, outputs: {} };
  const log: RunLog = { ran: [], copied: {} };
  await runActivities(pipeline.activities ?? [], env, ctx, log);
  return log;
}
