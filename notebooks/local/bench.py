"""The pipeline benchmark, in one SparkSession so that JVM start-up is not counted anywhere.

Usage: python bench.py BENCH-PLAN.json (written by `relmesh bench`)
  - a bare Spark scan of the raw files (read every line, count): the floor any pipeline pays;
  - then each phase of the plan (the full pipeline, the history without its last day, that day alone,
    the growth tenants), each a list of notebooks run in-process like run_notebooks.py does.
Per phase it prints one `bench_phase` JSON line: when each notebook started and ended, when each of
its `log_step` lines was printed (stdout is tapped here, so the notebooks stay as they are), the
notebooks' results, the driver's peak memory, and the Spark jobs the phase ran (from Spark's own status
store: when each ran and how many seconds its tasks took), so that a stage's time splits into work on
the cores and time outside any Spark job. Splitting that into stages is cli/bench-figures.ts's job.
"""

import json
import os
import platform
import re
import sys
import threading
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from run_notebooks import run_step  # noqa: E402
from spark_session import local_spark  # noqa: E402

MIB = 1024 * 1024
NOTEBOOKS = Path(__file__).resolve().parents[1]


def emit(event: str, **fields) -> None:
    print(json.dumps({"event": event, **fields}, default=str), flush=True)


class StepTap:
    """Stands in for sys.stdout while notebooks run: passes every line through and keeps the
    `{"event": "step"}` lines with the moment they were printed, relative to `started`."""

    def __init__(self, real, started: float):
        self.real, self.started, self.pending, self.steps = real, started, "", []

    def write(self, text: str) -> int:
        self.pending += text
        *lines, self.pending = self.pending.split("\n")
        for line in lines:
            self.note(line)
        return self.real.write(text)

    def note(self, line: str) -> None:
        if not line.startswith("{"):
            return
        try:
            event = json.loads(line)
        except ValueError:
            return
        if isinstance(event, dict) and event.get("event") == "step":
            self.steps.append({"t": round(time.monotonic() - self.started, 3), **event})

    def flush(self) -> None:
        self.real.flush()

    def __getattr__(self, name):
        return getattr(self.real, name)


class DriverMemory:
    """Peak driver memory over one phase. In local mode the driver is this Python process plus its JVM:
    the JVM heap pools' peak usage (reset at the start), the heap still live after a collection (polled,
    since the peak alone mostly shows how lazily the collector runs), and both processes' peak RSS
    (Linux resets VmHWM when "5" is written to /proc/PID/clear_refs)."""

    def __init__(self, spark):
        jvm = spark.sparkContext._jvm
        self.jvm = jvm
        beans = jvm.java.lang.management.ManagementFactory.getMemoryPoolMXBeans()
        self.pools = [p for p in beans if p.getType().name() == "HEAP"]
        self.jvm_pid = int(jvm.java.lang.ProcessHandle.current().pid())
        self.live_peak, self.stop = 0, threading.Event()

    def live_heap(self) -> int:
        return sum(u.getUsed() for u in (p.getCollectionUsage() for p in self.pools) if u is not None)

    def poll(self) -> None:
        while not self.stop.wait(1.0):
            self.live_peak = max(self.live_peak, self.live_heap())

    def start(self) -> None:
        self.jvm.System.gc()  # so that one phase's garbage is not counted in the next one's peak
        for pool in self.pools:
            pool.resetPeakUsage()
        for pid in ("self", self.jvm_pid):
            reset_peak_rss(pid)
        self.live_peak = self.live_heap()
        self.stop.clear()
        self.poller = threading.Thread(target=self.poll, daemon=True)
        self.poller.start()

    def finish(self) -> dict:
        self.stop.set()
        self.poller.join()
        return {
            "jvm_heap_peak_mib": round(sum(p.getPeakUsage().getUsed() for p in self.pools) / MIB, 1),
            "jvm_heap_live_peak_mib": round(max(self.live_peak, self.live_heap()) / MIB, 1),
            "jvm_heap_max_mib": round(self.jvm.Runtime.getRuntime().maxMemory() / MIB, 1),
            "jvm_rss_peak_mib": peak_rss_mib(self.jvm_pid),
            "python_rss_peak_mib": peak_rss_mib("self"),
        }


class SparkJobs:
    """The Spark jobs run since a mark, from the status store Spark keeps for its UI (it is kept with the
    UI off too). Per job: start and end in seconds since the phase started, and the seconds its stages'
    tasks ran (summed over tasks, so up to cores × the job's time). Plus the stages with the most task
    time, with the call site that started them: the profile behind each stage's seconds."""

    TOP_STAGES = 12

    def __init__(self, spark):
        self.sc = spark.sparkContext._jsc.sc()
        self.store = self.sc.statusStore()

    def mark(self) -> int:
        return int(self.sc.dagScheduler().nextJobId())

    def since(self, first_job: int, phase_epoch: float) -> dict:
        self.sc.listenerBus().waitUntilEmpty()  # the store is filled by a listener, after the fact
        seconds = lambda date: round(date.getTime() / 1000 - phase_epoch, 3)  # noqa: E731
        jobs, stages = [], {}
        listed = self.store.jobsList(None)
        for i in range(listed.size()):
            job = listed.apply(i)
            if job.jobId() < first_job or not job.submissionTime().isDefined() or not job.completionTime().isDefined():
                continue
            ids = job.stageIds()
            task_ms = 0
            for k in range(ids.size()):
                stage = self._stage(ids.apply(k), seconds)
                if stage:
                    stages[stage["stage"]] = stage
                    task_ms += stage["task_ms"]
            jobs.append(
                {
                    "job": job.jobId(),
                    "start": seconds(job.submissionTime().get()),
                    "end": seconds(job.completionTime().get()),
                    "task_s": round(task_ms / 1000, 3),
                }
            )
        top = sorted(stages.values(), key=lambda s: -s["task_ms"])[: self.TOP_STAGES]
        return {
            "cores": self.cores(),
            "jobs": sorted(jobs, key=lambda j: j["start"]),
            "top_stages": [{k: v for k, v in s.items() if k != "task_ms"} | {"task_s": round(s["task_ms"] / 1000, 3)} for s in top],
        }

    def cores(self) -> int:
        """Task slots: N of local[N] (spark.default.parallelism is a partition count, not cores)."""
        found = re.fullmatch(r"local\[(\d+)(,\d+)?\]", self.sc.master())
        return int(found.group(1)) if found else os.cpu_count()

    def _stage(self, stage_id: int, seconds):
        try:
            data = self.store.lastStageAttempt(stage_id)
        except Exception:  # a stage skipped because its shuffle output was reused is not in the store
            return None
        if not data.submissionTime().isDefined() or not data.completionTime().isDefined():
            return None
        return {
            "stage": stage_id,
            "name": data.name(),
            "start": seconds(data.submissionTime().get()),
            "end": seconds(data.completionTime().get()),
            "tasks": data.numTasks(),
            "task_ms": data.executorRunTime(),
            "input_mib": round(data.inputBytes() / MIB, 1),
            "shuffle_mib": round((data.shuffleReadBytes() + data.shuffleWriteBytes()) / MIB, 1),
        }


def reset_peak_rss(pid) -> None:
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass  # not Linux, or not allowed: the figure is then the peak since the process started


def peak_rss_mib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def parse_floor(spark, scan_globs: dict) -> int:
    """Every raw line through the ingest's own parse (`split_records`: trim, split arrays, `from_json`
    with the explicit schema), and nothing else: the floor an ingest that parses JSON pays, beside the
    bare scan's floor for reading the bytes."""
    from pyspark.sql import functions as F

    namespace = {"spark": spark, "__name__": "__bench__"}
    for library in ("rm_common", "rm_ingest_m365"):
        path = NOTEBOOKS / f"{library}.py"
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), namespace)
    parsed = 0
    for dataset, glob in scan_globs.items():
        lines = spark.read.text(glob).withColumn("source_file", F.input_file_name())
        records = namespace["split_records"](lines, dataset)
        # Counting a field of every record keeps the parse from being pruned away.
        parsed += records.agg(F.count(F.col("rec").getField(records.schema["rec"].dataType.names[0]))).first()[0]
    return parsed


def run_phase(spark, memory: DriverMemory, jobs: SparkJobs, phase: dict) -> dict:
    name = phase["name"]
    plan = phase["plan"]
    notebooks_dir = Path(plan["notebooks_dir"])
    emit("bench_start", phase=name)
    memory.start()
    first_job = jobs.mark()
    epoch, started = time.time(), time.monotonic()
    notebooks = []
    real = sys.stdout
    for step in plan["steps"]:
        emit("bench_notebook", phase=name, notebook=step["notebook"])
        tap = StepTap(real, started)
        begin = time.monotonic() - started
        sys.stdout = tap
        try:
            result = run_step(spark, notebooks_dir, step)
        finally:
            sys.stdout = real
        end = time.monotonic() - started
        notebooks.append(
            {"notebook": step["notebook"], "started": round(begin, 3), "ended": round(end, 3), "steps": tap.steps, "result": result}
        )
    seconds = round(time.monotonic() - started, 3)
    peaks = memory.finish()
    # Outside the timing: how many silver interactions the score read (a Delta count reads only the log).
    score_rows = spark.read.format("delta").load(phase["score_input"]).count() if phase.get("score_input") else None
    emit("bench_end", phase=name, seconds=seconds)
    return {
        "name": name,
        "seconds": seconds,
        "notebooks": notebooks,
        "memory": peaks,
        "score_rows_in": score_rows,
        "spark": jobs.since(first_job, epoch),
    }


def main(plan_path: str) -> int:
    bench = json.loads(Path(plan_path).read_text(encoding="utf-8"))
    phase, spark = "spark start", None
    try:
        spark = local_spark(bench.get("spark", {}))
        java = spark.sparkContext._jvm.System.getProperty("java.version")
        emit("bench_env", python=platform.python_version(), spark=spark.version, java=java)
        memory, jobs = DriverMemory(spark), SparkJobs(spark)
        phase = "bare_scan"
        spark.read.text(next(iter(bench["scan_globs"].values()))).limit(1).count()  # warm the JVM and the file system once
        emit("bench_start", phase=phase)
        first_job = jobs.mark()
        epoch, started = time.time(), time.monotonic()
        lines = spark.read.text(list(bench["scan_globs"].values())).count()
        seconds = round(time.monotonic() - started, 3)
        emit("bench_end", phase=phase, seconds=seconds)
        emit("bench_scan", seconds=seconds, raw_lines=lines, spark=jobs.since(first_job, epoch))
        phase = "parse_floor"
        emit("bench_start", phase=phase)
        first_job = jobs.mark()
        epoch, started = time.time(), time.monotonic()
        parsed = parse_floor(spark, bench["scan_globs"])
        seconds = round(time.monotonic() - started, 3)
        emit("bench_end", phase=phase, seconds=seconds)
        emit("bench_parse", seconds=seconds, records=parsed, spark=jobs.since(first_job, epoch))
        for spec in bench["phases"]:
            phase = spec["name"]
            emit("bench_phase", **run_phase(spark, memory, jobs, spec))
    except Exception as error:  # the command line prints the message and the phase; the trace helps a bug report
        emit("failed", phase=phase, error=f"{type(error).__name__}: {error}", trace=traceback.format_exc())
        return 1
    finally:
        if spark is not None:
            spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
