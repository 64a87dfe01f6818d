"""Runs the pipeline notebooks in order on a local SparkSession, as Synapse's pipeline would.

Usage: python run_notebooks.py PLAN.json
PLAN = {"notebooks_dir", "spark": {conf}, "steps": [{"notebook": "01_ingest_crm", "parameters": {...}}], "summary": {...}}
Progress goes to stdout as JSON lines (`{"event": ...}`) for the relmesh command line to render.
"""

import json
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from notebook_source import read_cells  # noqa: E402
from spark_session import local_spark  # noqa: E402


def emit(event: str, **fields) -> None:
    print(json.dumps({"event": event, **fields}, sort_keys=True, default=str), flush=True)


def execute_notebook(path: Path, parameters: dict, namespace: dict, notebooks_dir: Path) -> None:
    """Parameters are injected right after the parameters cell, the way Synapse and papermill do."""
    for cell in read_cells(path):
        if cell.kind != "code":
            continue
        if cell.run_target:
            execute_notebook(notebooks_dir / f"{cell.run_target}.json", {}, namespace, notebooks_dir)
            continue
        exec(compile(cell.source, str(path), "exec"), namespace)
        if "parameters" in cell.tags:
            unknown = sorted(set(parameters) - set(namespace))
            if unknown:
                raise ValueError(f"{path.name} has no parameter(s) {', '.join(unknown)} in its parameters cell")
            namespace.update(parameters)


def run_step(spark, notebooks_dir: Path, step: dict) -> dict:
    namespace = {"spark": spark, "__name__": "__notebook__"}
    try:
        execute_notebook(notebooks_dir / f"{step['notebook']}.json", step.get("parameters", {}), namespace, notebooks_dir)
    finally:
        # What a notebook cached ends with it, as it does with its Synapse session: sharing one local
        # session, the cached data (and the plans and broadcasts it holds) would otherwise pile up run
        # after run until the driver spends its time in garbage collection.
        spark.catalog.clearCache()
    text = namespace.get("__notebook_result__")
    return json.loads(text) if text else {}


def main(plan_path: str) -> int:
    plan = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    notebooks_dir = Path(plan["notebooks_dir"])
    started = time.time()
    emit("spark_starting")
    spark = local_spark(plan.get("spark", {}))
    emit("spark_ready", seconds=round(time.time() - started, 1), version=spark.version)
    results = []
    try:
        for step in plan["steps"]:
            t = time.time()
            emit("notebook_start", notebook=step["notebook"])
            result = run_step(spark, notebooks_dir, step)
            results.append(result)
            emit("notebook_end", notebook=step["notebook"], seconds=round(time.time() - t, 1), result=result)
        if plan.get("summary"):
            from summary import summarise

            emit("summary", **summarise(spark, plan["summary"], results))
    except Exception as error:  # the command line shows the message; the trace helps a bug report
        emit("failed", error=f"{type(error).__name__}: {error}", trace=traceback.format_exc())
        return 1
    finally:
        spark.stop()
    emit("done", seconds=round(time.time() - started, 1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
