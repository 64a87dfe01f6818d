/**
 * Pipelines for one daily window [windowStart, windowEnd): extract M365 through MGDC, copy the CRM
 * drop, run the notebooks, and the orchestrator that runs the three in order. The window always
 * comes in as pipeline parameters (never the clock), so a rerun reloads the same window into the
 * same folders (REL-05, REL-06).
 */
import type { CopyActivity, ExecutePipelineActivity, FailActivity, Office365Source, PipelineResource } from "@azure/synapse-artifacts";
import { MGDC_DATASETS, type MgdcDataset } from "../config/mgdc-datasets";
import { after, datasetRef, folderCopy, fromExpression, literalJson, notebookActivity, policy, POLICIES } from "./activities";
import { expr } from "./datasets";
import type { ArtifactInputs } from "./inputs";
import { crmMappingForNotebook } from "../config/crm-mapping";
import { LAKE_DATABASES } from "../config/runtime";
import { checkNotebookParameters } from "./notebooks";
import { rotationPipeline } from "./rotation";
import { anySource, SOURCE_PIPELINES, sourcePipelines } from "./sources";
import { ERP_ORDERS, SERVICE_CASES, sourcesForNotebook } from "../config/source-tables";
import type { Artifact } from "./model";
import {
  abfssRoot,
  DATASETS,
  DEFAULT_CRM_DROP_FOLDER,
  m365Folder,
  office365DatasetName,
  PIPELINES,
  RAW_CRM_FOLDER,
  tableLabel,
} from "./names";

const WINDOW_PARAMETERS = { windowStart: { type: "String" }, windowEnd: { type: "String" } } as const;
const windowStart = "pipeline().parameters.windowStart";
const windowEnd = "pipeline().parameters.windowEnd";

const pipeline = (name: string, body: PipelineResource): Artifact => ({ kind: "pipeline", name, body });

/**
 * MGDC column names as the copy source takes them. The schemas document camelCase (`toRecipients`),
 * but `outputColumns` in Microsoft's pipelines and the connector doc are PascalCase (`ToRecipients`;
 * docs/platform-facts.md §2.4), as is `dateFilterColumn`; follow the pipelines. The notebooks lower-case every key,
 * so either casing of the output parses.
 */
export function outputColumnName(column: string): string {
  if (MGDC_SYSTEM_COLUMNS.includes(column)) return column;
  return column.charAt(0).toUpperCase() + column.slice(1);
}

/**
 * MGDC's own per-row columns, lower-case in every sample and schema whatever the casing of the data
 * columns; requested verbatim. (UNCONFIRMED whether outputColumns matching is case-sensitive.)
 */
export const MGDC_SYSTEM_COLUMNS: readonly string[] = ["puser", "ptenant", "datarow", "userrow", "pagerow", "rowinformation"];

/** The day folder of a window, below the landing container and below lake `raw/`: `m365/<table>/yyyy/MM/dd`. */
export function windowFolderExpression(folder: string): string {
  return `@concat('${folder}/', formatDateTime(${windowStart}, 'yyyy/MM/dd'))`;
}

/** UTC ISO timestamps, whatever form the window parameter came in (date or trigger time). */
const utc = (parameter: string) => expr(`@formatDateTime(${parameter}, 'yyyy-MM-ddTHH:mm:ssZ')`);

/**
 * Office365Source for one table. CalendarView_v0 takes start/end times but no `dateFilterColumn`
 * (docs/platform-facts.md §2.5), which the dataset list encodes by leaving it out. It also returns only events
 * that start and end inside the window, so its window reaches `overlapHours` back: a meeting that
 * crosses the window's start is extracted by this window, and one seen by both windows is
 * deduplicated by iCalUId in the notebooks (test_pipeline.py proves it on overlapping windows).
 */
export function office365Source(table: MgdcDataset, allowedGroups: string[], overlapHours = 0): Office365Source {
  if (allowedGroups.length < 1 || allowedGroups.length > 10) {
    throw new Error(
      `MGDC scope needs 1..10 allowed groups (docs/platform-facts.md §2.5), got ${allowedGroups.length}: set relmesh:allowedGroupObjectIds, or leave it empty to use the group the program creates`,
    );
  }
  return {
    type: "Office365Source",
    allowedGroups: [...allowedGroups],
    ...(table.dateFilterColumn ? { dateFilterColumn: table.dateFilterColumn } : {}),
    startTime:
      table.dateFilterColumn || overlapHours === 0
        ? utc(windowStart)
        : expr(`@formatDateTime(addHours(${windowStart}, -${overlapHours}), 'yyyy-MM-ddTHH:mm:ssZ')`),
    endTime: utc(windowEnd),
    outputColumns: table.columns.map((c) => ({ name: outputColumnName(c.name) })),
  };
}

function extractActivities(inputs: ArtifactInputs, table: MgdcDataset): Array<CopyActivity | FailActivity> {
  const label = tableLabel(table.name);
  const folder = { folderPath: expr(windowFolderExpression(m365Folder(inputs.config, table.name))) };
  const extract: CopyActivity = {
    name: `Extract ${label}`,
    type: "Copy",
    description: `MGDC ${table.name} for the window, into the landing container under the window's day folder.`,
    policy: policy(POLICIES.mgdcExtract),
    inputs: [datasetRef(office365DatasetName(table.name))],
    outputs: [datasetRef(DATASETS.landingSink, folder)],
    source: office365Source(table, inputs.deployment.allowedGroupObjectIds, inputs.config.calendarOverlapHours),
    sink: { type: "BinarySink", storeSettings: { type: "AzureBlobFSWriteSettings" } },
    // Fail fast: MGDC output is never partially skipped; the notebooks quarantine bad records (REL-13).
    enableSkipIncompatibleRow: false,
  };
  const toLake = folderCopy(`Copy ${label} to lake`, datasetRef(DATASETS.landingRead, folder), datasetRef(DATASETS.lakeRawM365, folder), [
    after(extract.name),
  ]);
  const failed: FailActivity = {
    name: `Explain ${label} failure`,
    type: "Fail",
    dependsOn: [after(extract.name, "Failed")],
    // REL-04: the one failure an operator cannot diagnose from the copy error alone.
    message: expr(
      `@concat('MGDC extraction of ${table.name} failed for the window ', ${windowStart}, ' to ', ${windowEnd}, '. ` +
        `If the activity showed ConsentPending, the MGDC app is not approved or its approval was invalidated by a change: ` +
        `follow the stack output mgdcConsentChecklist, then rerun this window (it lands in the same folders).')`,
    ),
    errorCode: "RelmeshMgdcExtractFailed",
  };
  return [extract, toLake, failed];
}

/** (a) M365 through MGDC into the landing account, then into the private lake with the workspace identity. */
export function extractM365Pipeline(inputs: ArtifactInputs): Artifact {
  return pipeline(PIPELINES.extractM365, {
    description:
      "Extracts one window of Outlook mail and calendar through Microsoft Graph Data Connect and copies it into lake raw/m365/<table>/yyyy/MM/dd.",
    parameters: { ...WINDOW_PARAMETERS },
    // REL-03: one run at a time writes a window's folders.
    concurrency: 1,
    activities: MGDC_DATASETS.flatMap((table) => extractActivities(inputs, table)),
  });
}

/** (b) The CRM export job drops files in raw/<crmDropFolder>; this copies them to raw/crm for 01_ingest_crm. */
export function copyCrmPipeline(): Artifact {
  const drop = datasetRef(DATASETS.crmDrop, { folderPath: expr("@pipeline().parameters.crmDropFolder") });
  return pipeline(PIPELINES.copyCrm, {
    description: `Copies the CRM export (CSV files and column-mapping.yaml) from the drop folder into lake raw/${RAW_CRM_FOLDER}.`,
    parameters: { crmDropFolder: { type: "String", defaultValue: DEFAULT_CRM_DROP_FOLDER } },
    concurrency: 1,
    activities: [folderCopy("Copy CRM drop to raw", drop, datasetRef(DATASETS.lakeRawCrm))],
  });
}

/** (c) The notebooks, with the same parameters `relmesh run` passes locally. */
export function processPipeline(inputs: ArtifactInputs): Artifact {
  const { config } = inputs;
  const lake = config.names.lakeAccount;
  const rawRoot = { value: abfssRoot(config.fileSystems.raw, lake), type: "string" } as const;
  const curatedRoot = { value: abfssRoot(config.fileSystems.curated, lake), type: "string" } as const;
  const loadId = fromExpression("@pipeline().RunId");
  const ruleset = literalJson("the ruleset", inputs.ruleset);
  const day = (p: string) => fromExpression(`@formatDateTime(${p}, 'yyyy-MM-dd')`);
  const [crm, m365, score] = [
    notebookActivity(
      config,
      "01_ingest_crm",
      {
        raw_root: rawRoot,
        curated_root: curatedRoot,
        crm_mapping_json: literalJson("the CRM column mapping", crmMappingForNotebook(inputs.crmMapping)),
        load_id: loadId,
      },
      [],
    ),
    notebookActivity(
      config,
      "02_ingest_m365",
      {
        raw_root: rawRoot,
        curated_root: curatedRoot,
        window_start: day(windowStart),
        window_end: day(windowEnd),
        ruleset_json: ruleset,
        keep_subjects: { value: config.keepSubjects, type: "bool" },
        load_id: loadId,
      },
      [],
    ),
    notebookActivity(
      config,
      "03_score",
      {
        curated_root: curatedRoot,
        as_of: day(windowEnd),
        ruleset_json: ruleset,
        load_id: loadId,
        lake_databases_json: literalJson("the lake databases", LAKE_DATABASES),
      },
      [],
    ),
  ];
  // The enabled business sources only: the notebook then looks for nothing a stack does not copy.
  const tables = [...(config.erp ? [ERP_ORDERS] : []), ...(config.serviceCases ? [SERVICE_CASES] : [])];
  const sources = anySource(config)
    ? [
        notebookActivity(
          config,
          "02_ingest_sources",
          {
            raw_root: rawRoot,
            curated_root: curatedRoot,
            window_start: day(windowStart),
            window_end: day(windowEnd),
            sources_json: literalJson("the source tables", sourcesForNotebook(tables)),
            ruleset_json: ruleset,
            load_id: loadId,
          },
          [after(crm.name)],
        ),
      ]
    : [];
  for (const a of [crm, m365, ...sources, score])
    checkNotebookParameters(a.notebook.referenceName, inputs.notebooks[a.notebook.referenceName], Object.keys(a.parameters ?? {}));
  m365.dependsOn = [after(crm.name)];
  // Both ingestions need only the CRM's dimensions; scoring waits for both.
  score.dependsOn = [after(m365.name), ...sources.map((a) => after(a.name))];
  return pipeline(PIPELINES.process, {
    description: `Runs 01_ingest_crm, 02_ingest_m365${sources.length ? ", 02_ingest_sources" : ""} and 03_score for one window on the Spark pool (silver and gold Delta tables).`,
    parameters: { ...WINDOW_PARAMETERS },
    // REL-03: these notebooks MERGE into the same Delta tables; a second run queues.
    concurrency: 1,
    activities: [crm, m365, ...sources, score],
  });
}

function runPipeline(
  name: string,
  target: string,
  parameters: Record<string, unknown>,
  dependsOn: string | undefined,
): ExecutePipelineActivity {
  return {
    name,
    type: "ExecutePipeline",
    ...(dependsOn ? { dependsOn: [after(dependsOn)] } : {}),
    pipeline: { type: "PipelineReference", referenceName: target },
    parameters,
    // Wait, so the next step starts only after this one's data is in place; the child pipeline's
    // activities carry the timeouts and retries (ExecutePipeline has no retry policy of its own).
    waitOnCompletion: true,
  };
}

/** (d) One window end to end: extract M365 → copy CRM → process. The trigger runs this. */
export function runWindowPipeline(inputs: ArtifactInputs): Artifact {
  const window = { windowStart: expr(`@${windowStart}`), windowEnd: expr(`@${windowEnd}`) };
  const steps: ExecutePipelineActivity[] = [];
  if (inputs.config.mgdcEnabled) steps.push(runPipeline("Extract M365", PIPELINES.extractM365, window, undefined));
  if (inputs.config.erp) steps.push(runPipeline("Extract ERP orders", SOURCE_PIPELINES.erp, window, steps.at(-1)?.name));
  if (inputs.config.serviceCases)
    steps.push(runPipeline("Extract service cases", SOURCE_PIPELINES.serviceCases, window, steps.at(-1)?.name));
  steps.push(runPipeline("Copy CRM", PIPELINES.copyCrm, {}, steps.at(-1)?.name));
  steps.push(runPipeline("Process", PIPELINES.process, window, steps.at(-1)?.name));
  return pipeline(PIPELINES.runWindow, {
    description:
      "One daily window end to end. The tumbling-window trigger passes the window; run it by hand with windowStart/windowEnd to reload a day.",
    parameters: { ...WINDOW_PARAMETERS },
    concurrency: 1,
    activities: steps,
  });
}

/** Every pipeline, callees before callers. */
export function pipelines(inputs: ArtifactInputs): Artifact[] {
  const extract = inputs.config.mgdcEnabled ? [extractM365Pipeline(inputs)] : [];
  return [
    ...extract,
    ...sourcePipelines(inputs),
    copyCrmPipeline(),
    processPipeline(inputs),
    runWindowPipeline(inputs),
    ...(inputs.config.mgdcEnabled ? [rotationPipeline(inputs)] : []),
  ];
}
