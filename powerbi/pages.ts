/**
 * The two pages of issue 9's design, as data: "Portfolio" (the template's "HPA Dashboard") and
 * "Account detail" ("HPA Detail Page"). Titles are shared with the local dashboard. Layout: a
 * 1280 × 720 canvas, slicers in the top row, 8 px gutters.
 */
import { categoricalFilter, col, msr, sum, topNFilter, type Field } from "./fields";
import { labelColors, SOURCE_LABEL_COLUMN } from "./sources";
import type { Box, VisualSpec } from "./visuals";

export interface PageSpec {
  title: string;
  visuals: VisualSpec[];
}

export const PAGE_WIDTH = 1280;
export const PAGE_HEIGHT = 720;
const GAP = 8;
const SLICER_HEIGHT = 56;

const A = "account_scores";
const box = (x: number, y: number, width: number, height: number): Box => ({ x, y, width, height });

/** Slicers side by side across the top row. */
function slicerRow(slicers: readonly (readonly [string, Field])[]): VisualSpec[] {
  const width = Math.floor((PAGE_WIDTH - GAP * (slicers.length + 1)) / slicers.length);
  return slicers.map(([title, field], i) => ({
    title,
    visualType: "slicer",
    roles: { Values: [field] },
    position: box(GAP + i * (width + GAP), GAP, width, SLICER_HEIGHT),
  }));
}

/** Intro-page visuals about accounts show high-priority accounts only (the template's "HPA" pages). */
const highPriorityOnly = (visual: string) => [categoricalFilter(`${visual}-high-priority`, col(A, "is_high_priority"), [true])];

function accountBar(title: string, value: Field, position: Box, direction: "Ascending" | "Descending", top?: "top" | "bottom"): VisualSpec {
  const name = col(A, "name");
  const key = title.toLowerCase().replace(/[^a-z]+/g, "-");
  return {
    title,
    visualType: "clusteredBarChart",
    roles: { Category: [name], Y: [value] },
    position,
    sort: { field: value, direction },
    filters: [...highPriorityOnly(key), ...(top ? [topNFilter(`${key}-${top}-10`, name, value, 10, top)] : [])],
  };
}

const common: readonly (readonly [string, Field])[] = [
  ["Industry", col(A, "industry")],
  ["Sector", col(A, "sector")],
];
const tierAndSize: readonly (readonly [string, Field])[] = [
  ["Tier", col(A, "tier")],
  ["Transaction size", col(A, "transaction_size")],
];

export function portfolioPage(): PageSpec {
  const top = GAP * 2 + SLICER_HEIGHT;
  const cardWidth = Math.floor((PAGE_WIDTH - GAP * 4) / 3);
  const cards = ["High priority accounts", "High priority in good standing", "High priority needing attention"].map((m, i): VisualSpec => ({
    title: m,
    visualType: "card",
    roles: { Values: [msr(m)] },
    position: box(GAP + i * (cardWidth + GAP), top, cardWidth, 96),
  }));
  const body = top + 96 + GAP;
  const bodyHeight = PAGE_HEIGHT - body - GAP;
  const half = Math.floor((bodyHeight - GAP) / 2);
  const left = 624;
  const chartWidth = Math.floor((PAGE_WIDTH - left - GAP * 4) / 2);
  const cx = (i: number) => left + GAP * 2 + i * (chartWidth + GAP);
  return {
    title: "Portfolio",
    visuals: [
      // Open escalations is a whole-number column: Power BI lists it numerically, a stack without service cases as (Blank).
      ...slicerRow([...common, ["Seller", col(A, "owner_name")], ...tierAndSize, ["Open escalations", col(A, "open_escalations")]]),
      ...cards,
      {
        title: "High priority targets",
        visualType: "tableEx",
        roles: {
          Values: [
            col(A, "name"),
            col(A, "tier"),
            msr("Connectivity score"),
            col(A, "status"),
            col(A, "email_gap_days"),
            col(A, "meeting_gap_days"),
            col(A, "owner_name"),
            col(A, "trend"),
            col(A, "order_trend"),
            col(A, "open_escalations"),
          ],
        },
        position: box(GAP, body, left, bodyHeight),
        sort: { field: msr("Connectivity score"), direction: "Ascending" },
        filters: highPriorityOnly("high-priority-targets"),
      },
      accountBar("Highest connectivity", msr("Connectivity score"), box(cx(0), body, chartWidth, half), "Descending", "top"),
      accountBar("Lowest connectivity", msr("Connectivity score"), box(cx(1), body, chartWidth, half), "Ascending", "bottom"),
      accountBar("Days since last email", msr("Email gap (days)"), box(cx(0), body + half + GAP, chartWidth, half), "Descending"),
      accountBar("Days since last meeting", msr("Meeting gap (days)"), box(cx(1), body + half + GAP, chartWidth, half), "Descending"),
    ],
  };
}

export function accountDetailPage(): PageSpec {
  const top = GAP * 2 + SLICER_HEIGHT;
  const row2 = top + 88 + GAP;
  const row3 = row2 + 272 + GAP;
  const row3Height = PAGE_HEIGHT - row3 - GAP;
  const quarter = Math.floor((PAGE_WIDTH - GAP * 5) / 4);
  const qx = (i: number) => GAP + i * (quarter + GAP);
  const halfWidth = Math.floor((PAGE_WIDTH - GAP * 3) / 2);
  return {
    title: "Account detail",
    visuals: [
      ...slicerRow([["Account", col(A, "name")], ...common, ["Seller", col("dim_seller", "full_name")], ...tierAndSize]),
      {
        title: "Account summary",
        visualType: "multiRowCard",
        // The gaps go through their measures: a bare numeric column in a card would list every row's value.
        roles: {
          Values: [
            msr("Connectivity score"),
            col(A, "status"),
            msr("Connected contacts"),
            msr("Contacts not in CRM"),
            msr("Connected sellers"),
            msr("Email gap (days)"),
            msr("Meeting gap (days)"),
            msr("Median reply (contact)"),
            msr("Median reply (seller)"),
            msr("Orders (period)"),
            msr("Open escalations"),
            msr("Open cases"),
          ],
        },
        position: box(GAP, top, PAGE_WIDTH - GAP * 2, 88),
      },
      {
        title: "Network",
        visualType: "pivotTable",
        roles: { Rows: [col("dim_seller", "full_name")], Columns: [col("dim_contact", "full_name")], Values: [msr("Pair score")] },
        position: box(GAP, row2, halfWidth, 272),
        gradient: msr("Pair score"),
      },
      {
        title: "Top contacts",
        visualType: "tableEx",
        roles: {
          Values: [
            col("dim_contact", "full_name"),
            col("dim_contact", "job_title"),
            msr("Contact score"),
            col("who_knows_whom", "best_seller_name"),
            col("who_knows_whom", "runner_up_name"),
          ],
        },
        position: box(GAP * 2 + halfWidth, row2, halfWidth, 272),
        sort: { field: msr("Contact score"), direction: "Descending" },
      },
      {
        title: "Top relationship touchpoints",
        visualType: "treemap",
        roles: {
          Group: [col("touchpoints", SOURCE_LABEL_COLUMN)],
          Details: [col("dim_contact", "full_name")],
          Values: [msr("Touchpoint contribution")],
        },
        position: box(qx(0), row3, quarter, row3Height),
        seriesColors: { field: col("touchpoints", SOURCE_LABEL_COLUMN), colors: labelColors() },
      },
      {
        title: "Event tracker",
        visualType: "clusteredColumnChart",
        roles: {
          Category: [col("interactions_weekly", "week_start")],
          Series: [col("interactions_weekly", SOURCE_LABEL_COLUMN)],
          Y: [msr("Weekly interactions")],
        },
        position: box(qx(1), row3, quarter, row3Height),
        sort: { field: col("interactions_weekly", "week_start"), direction: "Ascending" },
        seriesColors: { field: col("interactions_weekly", SOURCE_LABEL_COLUMN), colors: labelColors() },
      },
      {
        title: "Interactions",
        visualType: "pivotTable",
        roles: {
          Rows: [col("dim_contact", "full_name")],
          Values: [sum("pair_scores", "emails_outbound"), sum("pair_scores", "emails_inbound"), sum("pair_scores", "meetings")],
        },
        position: box(qx(2), row3, quarter, row3Height),
      },
      {
        title: "Prospecting checklist",
        visualType: "tableEx",
        roles: { Values: [col("checklist", "description"), col("checklist", "satisfied"), col("checklist", "evidence_at")] },
        position: box(qx(3), row3, quarter, row3Height),
      },
    ],
  };
}

/** The pages in report order. */
export function reportPages(): PageSpec[] {
  return [portfolioPage(), accountDetailPage()];
}
