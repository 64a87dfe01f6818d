"""Reads the notebooks' percent-format sources (`# %%` cells), the same files Synapse receives.

A cell starting `# %% tags=["parameters"]` is the parameters cell; a cell holding only `# %run name`
includes another notebook, which in Synapse is the `%run` magic.
"""

import re
from dataclasses import dataclass
from pathlib import Path

_MARKER = re.compile(r"^# %%(?P<rest>.*)$")
_RUN = re.compile(r"^#\s*%run\s+(?P<name>[\w./-]+)\s*$")


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
    cells, current, header = [], [], None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = _MARKER.match(line)
        if match:
            if header is not None or any(c.strip() for c in current):
                cells.append(_cell(header or "", current))
            header, current = match.group("rest"), []
        else:
            current.append(line)
    if header is not None or any(c.strip() for c in current):
        cells.append(_cell(header or "", current))
    return cells


def _cell(header: str, lines: list) -> Cell:
    tags = tuple(re.findall(r'"([^"]+)"', header.split("tags=", 1)[1])) if "tags=" in header else ()
    if "[markdown]" in header:
        text = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines)
        return Cell("markdown", text.strip("\n"), tags)
    return Cell("code", "\n".join(lines).strip("\n"), tags)
