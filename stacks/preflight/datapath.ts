/** The data-path model's findings as preflight rows: one per run-time path, one per opening no path needs. */
import type { DataPathReport } from "../datapath/check";
import type { CheckResult } from "./checks";

/** Pure. */
export function dataPathResults(report: DataPathReport): CheckResult[] {
  return [
    ...report.paths.map((p): CheckResult => ({
      id: `datapath:${p.path.id}`,
      title: `run-time path: ${p.path.title}`,
      status: p.open ? "pass" : "fail",
      detail: p.open ? `${p.route}; ${p.role}` : p.problems.join("; "),
    })),
    ...report.exposures.map((e): CheckResult => ({
      id: `datapath:${e.id}`,
      title: "nothing else is open",
      status: "fail",
      detail: e.what,
      fix: e.fix,
    })),
  ];
}
