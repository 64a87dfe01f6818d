"""What the command-line questions about the last local run share (`relmesh who-knows`,
`relmesh evaluate`): reading its Delta tables with a plain answer when a table is missing, and the
one-JSON-line protocol cli/*.ts reads (an answer event, or `failed` with the reason)."""

import json
from pathlib import Path
from typing import Callable

from spark_session import local_spark


class NoAnswer(Exception):
    """A request the last run cannot answer; the message says why and what to try."""


def missing_run(path: Path, out: Path, reader: str) -> str:
    return f"{path} holds no Delta table: run `npm start` or `relmesh run --out {out}` first ({reader} reads that run)"


def read_delta(spark, path: Path, missing: str):
    """The Delta table at `path`, or NoAnswer(missing) when the run did not write it."""
    if not (path / "_delta_log").is_dir():
        raise NoAnswer(missing)
    return spark.read.format("delta").load(str(path))


def emit(event: str, **fields) -> None:
    print(json.dumps({"event": event, **fields}, default=str), flush=True)


def answer_request(request_path: str, event: str, compute: Callable, spark_overrides: dict) -> int:
    """Reads the request JSON, answers it on a local Spark session and prints one `event` line, or a
    `failed` line naming what the run cannot answer. The exit code says which."""
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    spark = local_spark(spark_overrides)
    try:
        emit(event, **compute(spark, request))
    except NoAnswer as error:
        emit("failed", error=str(error))
        return 1
    finally:
        spark.stop()
    return 0
