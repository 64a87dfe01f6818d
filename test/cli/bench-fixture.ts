/** Hand-made phase traces, as notebooks/local/bench.py reports them, for the benchmark's tests. */
import { MemoryPeaks, PhaseTrace } from "../../cli/bench-figures";

export const MEMORY: MemoryPeaks = {
  jvm_heap_peak_mib: 1000,
  jvm_heap_live_peak_mib: 400,
  jvm_heap_max_mib: 4096,
  jvm_rss_peak_mib: 1500,
  python_rss_peak_mib: 60,
};

/** A full run of 100 s: CRM 0–10, ingest 10–50 (two datasets), the MERGEs 50–70, score 70–100. */
export function fullPhase(name = "full", scale = 1): PhaseTrace {
  const t = (s: number): number => s * scale;
  return {
    name,
    seconds: t(100),
    score_rows_in: 500 * scale,
    memory: MEMORY,
    notebooks: [
      {
        notebook: "01_ingest_crm",
        started: 0,
        ended: t(10),
        steps: [{ t: t(4), step: "crm.accounts", rows_in: 40 }],
        result: { tables: { accounts: { rows_in: 40 }, contacts: { rows_in: 300 } } },
      },
      {
        notebook: "02_ingest_m365",
        started: t(10),
        ended: t(70),
        steps: [
          { t: t(11), step: "schema", table: "interactions" },
          { t: t(35), step: "BasicDataSet_v0.Message_v1", rows_in: 1000 * scale },
          { t: t(50), step: "BasicDataSet_v0.CalendarView_v0", rows_in: 200 * scale },
          { t: t(66), step: "interactions", rows: 500 * scale },
        ],
        result: {
          datasets: {
            "BasicDataSet_v0.Message_v1": { rows_in: 1000 * scale },
            "BasicDataSet_v0.CalendarView_v0": { rows_in: 200 * scale },
          },
          interactions: { rows: 500 * scale, inserted: 500 * scale },
        },
      },
      { notebook: "03_score", started: t(70), ended: t(100), steps: [{ t: t(80), step: "gold.pair_scores" }], result: { tables: {} } },
    ],
  };
}
