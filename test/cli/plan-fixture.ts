/** One run plan for tests that check what the local runner passes the notebooks (no files are read). */
import { notebookPlan } from "../../cli/run";

export function examplePlan<T>(notebooksDir = "/n"): T {
  const request = {
    data: "/d",
    out: "/o",
    asOf: "2026-11-04",
    windowStart: "2026-11-01",
    windowEnd: "2026-11-04",
    ruleset: {} as never,
    keepSubjects: false,
  };
  return notebookPlan(request, { tables: {} } as never, notebooksDir) as T;
}
