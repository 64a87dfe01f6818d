"""Reads a notebook exactly as the publisher sends it to Synapse: the wire JSON that `relmesh synth`
writes (notebook/<name>.json) and `relmesh run` writes before each run. The percent-format `.py`
sources are read by one reader only, synapse-artifacts/notebooks.ts, so a local run executes the
same converted cells Synapse does.

A cell tagged `parameters` is the parameters cell; a code cell holding only `%run name` includes
another notebook.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

_RUN = re.compile(r"^%run\s+(?P<name>[\w./-]+)\s*$")


@dataclass
class Cell:
    kind: str  # "code" | "markdown"
    source: str
    tags: tuple = ()

    @property
    def run_target(self):
        lines = [line for line in self.source.strip().splitlines() if line.strip()]
        if len(lines) == 1:
            match = _RUN.match(lines[0].strip())
            if match:
                return match.group("name")
        return None


def read_cells(path: Path) -> list:
    """The cells of a Synapse notebook's wire JSON (`{"name", "properties": {"cells": [...]}}`)."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    return [
        Cell("code" if c["cell_type"] == "code" else "markdown", "".join(c.get("source", [])), tuple(c.get("metadata", {}).get("tags", [])))
        for c in document["properties"]["cells"]
    ]
