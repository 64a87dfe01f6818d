/**
 * The Power BI project generator: a pure function of the stack config and the serving contract.
 * `relmesh synth` writes powerbiProject(config) under `<out>/powerbi/`.
 */
export { MEASURES, MEASURE_NAMES, measure } from "./measures";
export type { Measure, MeasureTable } from "./measures";
export { MODEL_VIEWS, dataTypeOf, modelParameters, partitionSource, semanticModel } from "./model";
export type { ModelColumn, ModelParameter, ModelRelationship, ModelTable, SemanticModel, TmdlDataType } from "./model";
export { reportPages } from "./pages";
export type { PageSpec } from "./pages";
export { MODEL_DIR, PROJECT_NAME, REPORT_DIR, SCHEMAS, powerbiProject } from "./project";
