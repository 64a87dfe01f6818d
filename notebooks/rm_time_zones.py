# %% [markdown]
# # rm_time_zones — the time zones of MGDC calendar rows
# Included with `%run rm_time_zones` before `rm_ingest_m365`, which reads meeting times with it. A table of
# facts kept apart from the parsers so that each file stays about one thing.

# %%
from pyspark.sql import functions as F

# Windows time-zone ids as Exchange writes them → IANA ids Spark understands.
WINDOWS_TIME_ZONES = {
    "utc": "UTC",
    "coordinated universal time": "UTC",
    "gmt": "UTC",
    "pacific standard time": "America/Los_Angeles",
    "mountain standard time": "America/Denver",
    "us mountain standard time": "America/Phoenix",
    "central standard time": "America/Chicago",
    "eastern standard time": "America/New_York",
    "atlantic standard time": "America/Halifax",
    "alaskan standard time": "America/Anchorage",
    "hawaiian standard time": "Pacific/Honolulu",
    "canada central standard time": "America/Regina",
    "e. south america standard time": "America/Sao_Paulo",
    "sa pacific standard time": "America/Bogota",
    "central standard time (mexico)": "America/Mexico_City",
    "gmt standard time": "Europe/London",
    "greenwich standard time": "Atlantic/Reykjavik",
    "w. europe standard time": "Europe/Berlin",
    "romance standard time": "Europe/Paris",
    "central europe standard time": "Europe/Budapest",
    "central european standard time": "Europe/Warsaw",
    "e. europe standard time": "Europe/Chisinau",
    "fle standard time": "Europe/Kiev",
    "gtb standard time": "Europe/Bucharest",
    "russian standard time": "Europe/Moscow",
    "south africa standard time": "Africa/Johannesburg",
    "israel standard time": "Asia/Jerusalem",
    "arabian standard time": "Asia/Dubai",
    "india standard time": "Asia/Kolkata",
    "singapore standard time": "Asia/Singapore",
    "china standard time": "Asia/Shanghai",
    "taipei standard time": "Asia/Taipei",
    "tokyo standard time": "Asia/Tokyo",
    "korea standard time": "Asia/Seoul",
    "aus eastern standard time": "Australia/Sydney",
    "e. australia standard time": "Australia/Brisbane",
    "w. australia standard time": "Australia/Perth",
    "new zealand standard time": "Pacific/Auckland",
}


def iana_zone(zone_text) -> F.Column:
    """A Windows zone id (any case) or an IANA id → IANA id; null when unknown. Missing means UTC."""
    zone = F.trim(F.coalesce(zone_text, F.lit("UTC")))
    zones = F.create_map(*[F.lit(x) for kv in WINDOWS_TIME_ZONES.items() for x in kv])
    return F.coalesce(F.element_at(zones, F.lower(zone)), F.when(zone.rlike(r"^[A-Za-z]+(/[A-Za-z_+-]+)+$"), zone))
