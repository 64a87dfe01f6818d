/**
 * The Power BI project (PBIP) as files: `RelationshipMesh.pbip`, the TMDL semantic model and the
 * PBIR report, path → content. Deterministic: names derive from titles, JSON keys are sorted
 * (config/json.ts), LF line endings, no timestamps or random ids — two runs are byte-identical.
 * `relmesh synth` writes it under `powerbi/`; powerbi/README.md says how to open and publish it.
 */
import { canonicalJson } from "../config/json";
import type { RelmeshConfig } from "../config/stack";
import { semanticModel, type SemanticModel } from "./model";
import { reportPages, type PageSpec } from "./pages";
import { renderDatabase, renderExpressions, renderModel, renderRelationships, renderTable } from "./tmdl";
import { SCHEMA_BASE, slug, visualJson } from "./visuals";

export const PROJECT_NAME = "RelationshipMesh";
export const REPORT_DIR = `${PROJECT_NAME}.Report`;
export const MODEL_DIR = `${PROJECT_NAME}.SemanticModel`;

/** The `$schema` each file declares: the latest versions published in microsoft/json-schemas (`fabric/…`). */
export const SCHEMAS = {
  pbip: `${SCHEMA_BASE}/pbip/pbipProperties/1.0.0/schema.json`,
  pbir: `${SCHEMA_BASE}/item/report/definitionProperties/2.0.0/schema.json`,
  pbism: `${SCHEMA_BASE}/item/semanticModel/definitionProperties/1.0.0/schema.json`,
  version: `${SCHEMA_BASE}/item/report/definition/versionMetadata/1.0.0/schema.json`,
  report: `${SCHEMA_BASE}/item/report/definition/report/3.3.0/schema.json`,
  pages: `${SCHEMA_BASE}/item/report/definition/pagesMetadata/1.1.0/schema.json`,
  page: `${SCHEMA_BASE}/item/report/definition/page/2.1.0/schema.json`,
} as const;

/**
 * Desktop's built-in base theme (a SharedResources theme Desktop ships). Whether Desktop also wants
 * the theme file under StaticResources/ is UNCONFIRMED; the schemas do not require it.
 */
const BASE_THEME = {
  name: "CY24SU10",
  type: "SharedResources",
  reportVersionAtImport: { visual: "1.8.95", report: "2.0.95", page: "1.3.95" },
};

const json = (value: unknown): string => `${canonicalJson(value, 2)}\n`;

function modelFiles(model: SemanticModel): Record<string, string> {
  const d = `${MODEL_DIR}/definition`;
  const files: Record<string, string> = {
    // 4.2: the item-format version public TMDL projects declare; the minimum for TMDL is UNCONFIRMED.
    [`${MODEL_DIR}/definition.pbism`]: json({ $schema: SCHEMAS.pbism, version: "4.2", settings: {} }),
    [`${d}/database.tmdl`]: renderDatabase(),
    [`${d}/model.tmdl`]: renderModel(model),
    [`${d}/relationships.tmdl`]: renderRelationships(model),
    [`${d}/expressions.tmdl`]: renderExpressions(model),
  };
  for (const t of model.tables) files[`${d}/tables/${t.name}.tmdl`] = renderTable(t);
  return files;
}

/** Page folder names: the title's slug, checked unique so two pages never share a folder. */
export function pageNames(pages: readonly PageSpec[]): string[] {
  const names = pages.map((p) => slug(p.title));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`two pages are both named "${dup}": give them distinct titles`);
  return names;
}

function pageFiles(page: PageSpec, name: string): Record<string, string> {
  const dir = `${REPORT_DIR}/definition/pages/${name}`;
  const files: Record<string, string> = {
    [`${dir}/page.json`]: json({
      $schema: SCHEMAS.page,
      name,
      displayName: page.title,
      displayOption: "FitToPage",
      height: 720,
      width: 1280,
    }),
  };
  const seen = new Set<string>();
  page.visuals.forEach((v, i) => {
    // Unique across the report (visuals of two pages may share a title, e.g. the slicers).
    const visualName = slug(`${name.split("-")[0]} ${v.visualType === "slicer" ? "slicer " : ""}${v.title}`);
    if (seen.has(visualName)) throw new Error(`page "${page.title}": two visuals are both named "${visualName}"`);
    seen.add(visualName);
    files[`${dir}/visuals/${visualName}/visual.json`] = json(visualJson(visualName, v, i));
  });
  return files;
}

function reportFiles(pages: readonly PageSpec[]): Record<string, string> {
  const names = pageNames(pages);
  const d = `${REPORT_DIR}/definition`;
  const files: Record<string, string> = {
    [`${REPORT_DIR}/definition.pbir`]: json({
      $schema: SCHEMAS.pbir,
      version: "4.0",
      datasetReference: { byPath: { path: `../${MODEL_DIR}` } },
    }),
    [`${d}/version.json`]: json({ $schema: SCHEMAS.version, version: "2.0.0" }),
    [`${d}/report.json`]: json({ $schema: SCHEMAS.report, themeCollection: { baseTheme: BASE_THEME } }),
    [`${d}/pages/pages.json`]: json({ $schema: SCHEMAS.pages, pageOrder: names, activePageName: names[0] }),
  };
  pages.forEach((p, i) => Object.assign(files, pageFiles(p, names[i])));
  return files;
}

/** Every file of the project for a stack, relative path → content (UTF-8, LF, no BOM). */
export function powerbiProject(config: RelmeshConfig): Record<string, string> {
  const files: Record<string, string> = {
    [`${PROJECT_NAME}.pbip`]: json({
      $schema: SCHEMAS.pbip,
      version: "1.0",
      artifacts: [{ report: { path: REPORT_DIR } }],
      settings: { enableAutoRecovery: true },
    }),
    // Desktop writes a local cache and settings beside the model; they belong to one machine, not to git.
    ".gitignore": "**/.pbi/localSettings.json\n**/.pbi/cache.abf\n",
    ...modelFiles(semanticModel(config)),
    ...reportFiles(reportPages()),
  };
  return Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((k) => [k, files[k]]),
  );
}
