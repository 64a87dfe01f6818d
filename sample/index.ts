/** relmesh sample: a deterministic, streaming generator of a synthetic tenant in MGDC's layout plus CRM files. */
export { generateTenant } from "./generate";
export type { GenerateHooks, Progress } from "./generate";
export { FsSink, MemorySink, CountingSink } from "./sink";
export { DEFAULT_OPTIONS, MESSAGE_DATASET, EVENT_DATASET } from "./model";
export type { SampleOptions, TenantManifest, TenantSink, DirtyEntry } from "./model";
export { COLUMN_MAPPING_YAML } from "./crm";
export { WINDOWS_ZONES } from "./names";
