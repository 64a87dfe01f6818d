/**
 * The measure names of the design (docs: the lead's issue-9 design, "Measures"): one name each, the
 * Power BI DAX measure and the dashboard app's same-named local function (dashboard/app/measures.js).
 * TODO(merge): when powerbi/measures.ts lands, import its names here instead of listing them twice.
 */
export const MEASURE_NAMES = [
  "Accounts",
  "High priority accounts",
  "High priority in good standing",
  "High priority needing attention",
  "Connectivity score",
  "Email gap (days)",
  "Meeting gap (days)",
  "Connected contacts",
  "Connected sellers",
  "Pair score",
  "Interactions",
  "Weekly interactions",
  "Touchpoint contribution",
  "Contact score",
  "Checklist items met",
] as const;

export type MeasureName = (typeof MEASURE_NAMES)[number];
