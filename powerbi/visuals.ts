/**
 * A visual of a page as data (VisualSpec) and its PBIR `visual.json`. Visual types and role names are
 * the built-in visuals' own: slicer/card/multiRowCard/tableEx take `Values`; clusteredBarChart and
 * clusteredColumnChart `Category`, `Series`, `Y`; treemap `Group`, `Details`, `Values`; pivotTable
 * (the matrix) `Rows`, `Columns`, `Values` (powerbi/README.md says where these were checked). The
 * schema cannot catch a misspelt type or role (`visualType` is a free string), so they are fixed here.
 */
import { fieldExpression, literal, projection, type Field } from "./fields";

export const SCHEMA_BASE = "https://developer.microsoft.com/json-schemas/fabric";
export const VISUAL_SCHEMA = `${SCHEMA_BASE}/item/report/definition/visualContainer/2.9.0/schema.json`;

/** The roles each built-in visual type this report uses accepts. */
export const VISUAL_ROLES = {
  slicer: ["Values"],
  card: ["Values"],
  multiRowCard: ["Values"],
  tableEx: ["Values"],
  pivotTable: ["Rows", "Columns", "Values"],
  clusteredBarChart: ["Category", "Series", "Y"],
  clusteredColumnChart: ["Category", "Series", "Y"],
  treemap: ["Group", "Details", "Values"],
} as const satisfies Record<string, readonly string[]>;

export type VisualType = keyof typeof VISUAL_ROLES;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface VisualSpec {
  title: string;
  visualType: VisualType;
  /** Role → fields, in display order. */
  roles: Partial<Record<string, Field[]>>;
  position: Box;
  sort?: { field: Field; direction: "Ascending" | "Descending" };
  /** Visual-level filters (PBIR filterConfiguration entries, see fields.ts). */
  filters?: Record<string, unknown>[];
  /** Colour the cells of this measure on a white → blue scale (the matrix network stand-in). */
  gradient?: Field;
  /** A fixed colour per value of a series or group column (dataPoint fills). */
  seriesColors?: { field: Field; colors: Readonly<Record<string, string>> };
}

/** A name PBIR accepts and a reader can follow: lowercase words joined by `-`, at most `max` characters. */
export function slug(text: string, max = 50): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return s.slice(0, max).replace(/-+$/, "");
}

const bool = (value: boolean) => ({ expr: literal(value) });
const text = (value: string) => ({ expr: literal(value) });

function title(t: string): Record<string, unknown> {
  return { title: [{ properties: { show: bool(true), text: text(t) } }] };
}

/** White for the weakest pair, the theme's blue for the strongest: a heat map standing in for the network's edges. */
function gradientObjects(f: Field): Record<string, unknown> {
  const stop = (color: string) => ({ color: { Literal: { Value: `'${color}'` } } });
  const rule = {
    FillRule: {
      Input: fieldExpression(f),
      FillRule: {
        linearGradient2: {
          min: stop("#FFFFFF"),
          max: stop("#118DFF"),
          nullColoringStrategy: { strategy: { Literal: { Value: "'asZero'" } } },
        },
      },
    },
  };
  return {
    values: [
      {
        properties: { backColor: { solid: { color: { expr: rule } } } },
        selector: {
          data: [{ dataViewWildcard: { matchingOption: 1 } }],
          metadata: `${f.table}.${f.kind === "measure" ? f.measure : f.column}`,
        },
      },
    ],
  };
}

/**
 * One dataPoint fill per value of the series column, selected by comparing the column to the value
 * (the selector Desktop writes when a series colour is set by hand).
 */
function seriesColorObjects(spec: NonNullable<VisualSpec["seriesColors"]>): Record<string, unknown> {
  return {
    dataPoint: Object.entries(spec.colors).map(([value, color]) => ({
      properties: { fill: { solid: { color: { expr: { Literal: { Value: `'${color}'` } } } } } },
      selector: { data: [{ scopeId: { Comparison: { ComparisonKind: 0, Left: fieldExpression(spec.field), Right: literal(value) } } }] },
    })),
  };
}

/** Formatting a visual type needs to work as the page intends. */
function typeObjects(spec: VisualSpec): Record<string, unknown> | undefined {
  // A dropdown keeps seven slicers in one row; the list mode would need a column each.
  if (spec.visualType === "slicer") return { data: [{ properties: { mode: text("Dropdown") } }] };
  if (spec.gradient) return gradientObjects(spec.gradient);
  if (spec.seriesColors) return seriesColorObjects(spec.seriesColors);
  return undefined;
}

/** Checks the roles against the type, so a wrong role fails at generation instead of in Desktop. */
function checkRoles(spec: VisualSpec): void {
  const allowed: readonly string[] = VISUAL_ROLES[spec.visualType];
  const wrong = Object.keys(spec.roles).filter((r) => !allowed.includes(r));
  if (wrong.length > 0)
    throw new Error(`visual "${spec.title}": ${spec.visualType} has no role ${wrong.join(", ")}; it takes ${allowed.join(", ")}`);
}

/** The `visual.json` of a spec; `tabOrder` is its place on the page (keyboard navigation follows the layout). */
export function visualJson(name: string, spec: VisualSpec, tabOrder: number): Record<string, unknown> {
  checkRoles(spec);
  const queryState = Object.fromEntries(
    Object.entries(spec.roles)
      .filter((entry): entry is [string, Field[]] => entry[1] !== undefined && entry[1].length > 0)
      .map(([role, fields]) => [role, { projections: fields.map(projection) }]),
  );
  const objects = typeObjects(spec);
  return {
    $schema: VISUAL_SCHEMA,
    name,
    position: { ...spec.position, z: tabOrder * 1000, tabOrder },
    visual: {
      visualType: spec.visualType,
      query: {
        queryState,
        ...(spec.sort
          ? {
              sortDefinition: { sort: [{ field: fieldExpression(spec.sort.field), direction: spec.sort.direction }], isDefaultSort: false },
            }
          : {}),
      },
      ...(objects ? { objects } : {}),
      visualContainerObjects: title(spec.title),
      drillFilterOtherVisuals: true,
    },
    ...(spec.filters && spec.filters.length > 0 ? { filterConfig: { filters: spec.filters } } : {}),
  };
}
