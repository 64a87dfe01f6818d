/**
 * The interaction sources as the report shows them: a readable label and a colour per `source` value,
 * the Power BI twin of dashboard/app/format.js RM.SOURCES (a unit test holds the two equal). The label
 * is a calculated column beside `source` on the tables the event tracker and the touchpoints read, so
 * the legend says "ERP order" rather than the stored `erp_order`.
 */

export interface SourceStyle {
  label: string;
  /** Hex colour, at least 3:1 contrast to white. */
  color: string;
}

export const SOURCE_STYLES: Readonly<Record<string, SourceStyle>> = {
  email: { label: "Email", color: "#1F5FA8" },
  meeting: { label: "Meeting", color: "#B45309" },
  erp_order: { label: "ERP order", color: "#18794E" },
  service_case: { label: "Service case", color: "#8E2D8E" },
};

/** The calculated column holding the label. */
export const SOURCE_LABEL_COLUMN = "source_label";

/** The tables with a `source` column that visuals group by. */
export const SOURCE_TABLES: readonly string[] = ["interactions_weekly", "touchpoints"];

const daxText = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** DAX of the label column on `table`: each known source's label; an unknown source shows as stored. */
export function sourceLabelDax(table: string): string {
  const column = `'${table}'[source]`;
  const pairs = Object.entries(SOURCE_STYLES).map(([value, style]) => `${daxText(value)}, ${daxText(style.label)}`);
  return `SWITCH(${column}, ${pairs.join(", ")}, ${column})`;
}

/** Label → colour: the series colours of a visual grouped by the label column. */
export function labelColors(): Record<string, string> {
  return Object.fromEntries(Object.values(SOURCE_STYLES).map((s) => [s.label, s.color]));
}
