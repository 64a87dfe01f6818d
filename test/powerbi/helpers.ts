/** The dev stack's generated Power BI project, once per test file, and views of it by part. */
import { loadRelmesh } from "../../config/load";
import type { RelmeshConfig } from "../../config/stack";
import { MODEL_DIR, powerbiProject, REPORT_DIR } from "../../powerbi";
import { readModel, type ReadModel } from "./tmdl-model";

let cached: { config: RelmeshConfig; files: Record<string, string> } | undefined;

/** The dev config and the project generated from it. */
export function devProject(): { config: RelmeshConfig; files: Record<string, string> } {
  if (!cached) {
    const { config } = loadRelmesh("dev");
    cached = { config, files: powerbiProject(config) };
  }
  return cached;
}

/** The files under `dir/`, with paths relative to it. */
export function under(files: Readonly<Record<string, string>>, dir: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files)
      .filter(([p]) => p.startsWith(`${dir}/`))
      .map(([p, c]) => [p.slice(dir.length + 1), c]),
  );
}

/** The semantic model's files, relative to the model folder. */
export const modelFiles = (files: Readonly<Record<string, string>> = devProject().files) => under(files, MODEL_DIR);

/** The model read back from its TMDL. */
export const readDevModel = (): ReadModel => readModel(modelFiles());

/** Every visual.json of the report, path → parsed JSON. */
export function visuals(files: Readonly<Record<string, string>> = devProject().files): [string, VisualFile][] {
  return Object.entries(under(files, REPORT_DIR))
    .filter(([p]) => p.endsWith("/visual.json"))
    .map(([p, c]) => [p, JSON.parse(c) as VisualFile]);
}

export interface VisualFile {
  name: string;
  position?: { x: number; y: number; width: number; height: number };
  visual: {
    visualType: string;
    query: { queryState: Record<string, { projections: { field: unknown; queryRef: string }[] }> };
    objects?: Record<string, any[]>;
  };
  filterConfig?: { filters: { field: unknown; filter?: unknown }[] };
}
