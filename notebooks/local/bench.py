"""The pipeline benchmark, in one SparkSession so that JVM start-up is not counted anywhere:
  - a bare Spark scan of the raw files (read every line, count) — the floor any pipeline pays;
  - the full pipeline over the whole history into an empty output;
  - the history without its last day, then that last day alone on top (the daily incremental run).
Prints one JSON document with the seconds and the two ratios."""

import json
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run_notebooks import run_step  # noqa: E402
from spark_session import local_spark  # noqa: E402


def timed(label, fn):
    print(json.dumps({"event": "bench_start", "phase": label}), flush=True)
    started = time.time()
    result = fn()
    seconds = round(time.time() - started, 2)
    print(json.dumps({"event": "bench_end", "phase": label, "seconds": seconds}), flush=True)
    return seconds, result


def run_all(spark, plan):
    notebooks = Path(plan["notebooks_dir"])
    return [run_step(spark, notebooks, step) for step in plan["steps"]]


def main(plan_path):
    bench = json.loads(Path(plan_path).read_text())
    for out in bench["clean"]:
        shutil.rmtree(out, ignore_errors=True)
    spark = local_spark(bench.get("spark", {}))
    spark.read.text(bench["scan_globs"][0]).limit(1).count()  # warm the JVM and the file system once
    scan_s, lines = timed("bare_scan", lambda: spark.read.text(bench["scan_globs"]).count())
    full_s, _ = timed("full_recompute", lambda: run_all(spark, bench["full"]))
    history_s, _ = timed("history_without_last_day", lambda: run_all(spark, bench["history"]))
    day_s, day_results = timed("one_extra_day", lambda: run_all(spark, bench["incremental"]))
    spark.stop()
    print(
        json.dumps(
            {
                "event": "bench_result",
                "raw_lines": lines,
                "bare_scan_s": scan_s,
                "full_recompute_s": full_s,
                "history_s": history_s,
                "one_extra_day_s": day_s,
                "pipeline_vs_scan": round(full_s / scan_s, 2),
                "extra_day_vs_full": round(day_s / full_s, 3),
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    main(sys.argv[1])
