# %% [markdown]
# # rm_reconcile — the counts a window of M365 data reports, checked to add up, and the fallbacks counted
# Included with `%run rm_reconcile` after `rm_common`, before the libraries that name fallbacks. The
# column naming a row's fallbacks, then pure Python over the few rows of counts `ingest_dataset`
# collects: every raw line is accounted for (REL-12), and the used rows that relied on a fallback are
# counted, so the run output can say when scores rest on assumed values.

# %%
from pyspark.sql import functions as F

# What a row can rely on when a value is missing, as the parsers name it; cli/render.ts FALLBACKS words
# each one (a contract test keeps the two equal).
FALLBACKS = ("meeting_length_defaulted", "time_zone_missing", "sent_time_missing", "date_only_time")


def fallbacks_of(*named) -> F.Column:
    """The names of the fallbacks, (name, condition) pairs, a row relied on, in their given order."""
    unknown = [name for name, _ in named if name not in FALLBACKS]
    if unknown:
        raise ValueError(f"fallbacks {unknown} are not in FALLBACKS: add them there and to cli/render.ts FALLBACKS")
    return F.filter(F.array(*[F.when(condition, F.lit(name)) for name, condition in named]), lambda name: name.isNotNull())


def totals(groups: list, key: str) -> dict:
    """Grouped counts ({key: …, "count": n, …}) summed by one of their keys."""
    out = {}
    for g in groups:
        out[g[key]] = out.get(g[key], 0) + g["count"]
    return out


def row_tally(groups: list) -> tuple:
    """Counts of parsed rows grouped by (reason, from_array, first row of its line) → (rows by reason,
    the line counts `reconcile` checks rows against)."""
    lines = {
        "lines_in": sum(g["count"] for g in groups if g["first"]),
        "array_lines": sum(g["count"] for g in groups if g["first"] and g["from_array"]),
        "rows_from_arrays": sum(g["count"] for g in groups if g["from_array"]),
    }
    return totals(groups, "reason"), lines


def data_quality(used_groups: list, used: int, ruleset: dict) -> dict:
    """Used items grouped by the fallbacks they relied on ({"fallbacks": [...], "count": n}) → how many
    relied on each, on any, and whether that is a share (data_quality.fallback_warning_share of the
    used items) at which the run output warns: those scores rest on assumed values."""
    by_fallback = {}
    for g in used_groups:
        for name in g["fallbacks"] or []:
            by_fallback[name] = by_fallback.get(name, 0) + g["count"]
    with_fallback = sum(g["count"] for g in used_groups if g["fallbacks"])
    share = float(ruleset["data_quality"]["fallback_warning_share"])
    return {
        "fallbacks": by_fallback,
        "with_fallback": with_fallback,
        "fallback_warning_share": share,
        "fallback_warning": with_fallback > 0 and with_fallback >= share * used,
    }


def reconcile(rows_in: int, quarantine_reasons: dict, copies: int, distinct: int, outcomes: dict, lines: dict) -> dict:
    """The counts a window reports, checked to add up (REL-12): rows in = parsed + quarantined;
    mailbox copies = distinct + duplicate copies; distinct = used + excluded by reason. A JSON-array
    line is read as its elements (split_records), so rows and lines differ by exactly what the arrays
    held: rows in = lines in − array lines + rows from arrays, and the run output says "N rows from M
    lines". Pure: raises naming the count that does not reconcile rather than printing a ✓ over a hole."""
    quarantined = sum(quarantine_reasons.values())
    excluded = {k: v for k, v in outcomes.items() if k != "used"}
    used = outcomes.get("used", 0)
    from_lines = lines["lines_in"] - lines["array_lines"] + lines["rows_from_arrays"]
    if rows_in != from_lines:
        raise ValueError(
            f"rows in ({rows_in}) != lines in ({lines['lines_in']}) - JSON-array lines ({lines['array_lines']}) + rows from "
            f"those arrays ({lines['rows_from_arrays']}): a line was lost or doubled when arrays were split"
        )
    if rows_in != copies + quarantined:
        raise ValueError(
            f"rows in ({rows_in}) != parsed ({copies}) + quarantined ({quarantined}): a row was lost between reading and parsing"
        )
    if distinct != used + sum(excluded.values()):
        raise ValueError(f"distinct ({distinct}) != used ({used}) + excluded ({sum(excluded.values())}): an item has no outcome")
    return {
        "rows_in": rows_in,
        **{k: lines[k] for k in ("lines_in", "array_lines", "rows_from_arrays")},
        "quarantined": quarantined,
        "quarantine_reasons": dict(quarantine_reasons),
        "copies": copies,
        "distinct": distinct,
        "used": used,
        "excluded": excluded,
        "duplicate_copies": copies - distinct,
    }
