# %% [markdown]
# # rm_ingest_m365 — pure transforms from MGDC JSON lines to silver interactions
# Included with `%run rm_ingest_m365` after `%run rm_common`. Every function takes DataFrames and
# returns DataFrames; reading and writing happen in the pipeline notebooks.

# %%
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

MESSAGE_DATASET = "BasicDataSet_v0.Message_v1"
EVENT_DATASET = "BasicDataSet_v0.CalendarView_v0"

# MGDC key casing differs between exports (camelCase in the samples, PascalCase in older output,
# even mixed within one file), and Spark's JSON reader matches field names exactly. So each line is
# parsed into a string map whose keys are lower-cased, level by level; values that are objects or
# arrays stay raw JSON text until a transform needs them. A line that is not JSON yields null and is
# quarantined, never dropped (REL-11/REL-12).
_MAP = T.MapType(T.StringType(), T.StringType())
_LIST = T.ArrayType(T.StringType())

# Body-like keys are never kept, even in quarantine: the extraction does not select them, but a
# hand-dropped file might carry them.
_BODY_KEYS = ("body", "uniquebody", "bodypreview", "attachments", "internetmessageheaders")
_BODY_PATTERN = r'(?i)("(?:body|uniqueBody|bodyPreview)"\s*:\s*)("(?:\\.|[^"\\])*"|\{[^{}]*\})'

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

RESPONSES = {
    "accepted": "accepted",
    "tentativelyaccepted": "tentative",
    "tentative": "tentative",
    "declined": "declined",
    "none": "none",
    "notresponded": "none",
    "organizer": "organizer",
}


def lower_keys(json_text) -> F.Column:
    """Parses a JSON object into a map with lower-cased keys (null when it is not an object)."""
    return F.transform_keys(F.from_json(json_text, _MAP), lambda k, v: F.lower(k))


def email_of(party_json) -> F.Column:
    """The address inside {"emailAddress": {"address": ...}} in any key casing, lower-cased and trimmed."""
    address = lower_keys(lower_keys(party_json).getItem("emailaddress")).getItem("address")
    return F.nullif(F.lower(F.trim(address)), F.lit(""))


def emails_of(list_json) -> F.Column:
    """Addresses of a recipients array, missing ones removed."""
    parsed = F.coalesce(F.from_json(list_json, _LIST), F.array().cast(_LIST))
    return F.filter(F.transform(parsed, email_of), lambda e: e.isNotNull())


def parse_instant(text) -> F.Column:
    """MGDC timestamps: `2021-02-03T00:37:46Z`, seven fractional digits, or a bare date (midnight UTC)."""
    trimmed = F.trim(text)
    # Spark's cast handles ISO-8601 with a zone and bare dates; it stops at 6 fractional digits.
    shortened = F.regexp_replace(trimmed, r"(\.\d{6})\d+", "$1")
    return shortened.cast(T.TimestampType())


def redact(raw) -> F.Column:
    return F.regexp_replace(raw, _BODY_PATTERN, '$1"[redacted]"')


def window_date_of(source_file) -> F.Column:
    """The extraction window a file belongs to, from its …/<dataset>/YYYY/MM/DD/<file> path."""
    parts = F.regexp_extract(source_file, r"/(\d{4})/(\d{2})/(\d{2})/[^/]+$", 0)
    return F.to_date(F.regexp_replace(F.regexp_replace(parts, r"/[^/]+$", ""), "/", "-").substr(2, 10))


def split_records(lines: DataFrame, dataset: str) -> DataFrame:
    """Raw lines (value, source_file) → one row per JSON object with `rec` (lower-cased map) or a
    quarantine `reason`. A line holding a JSON array instead of an object yields one row per element."""
    trimmed = lines.withColumn("value", F.trim("value")).filter(F.col("value") != "")
    is_array = F.col("value").startswith("[")
    elements = F.when(is_array, F.from_json("value", _LIST)).otherwise(F.array("value"))
    exploded = trimmed.select(
        "source_file",
        "value",
        F.posexplode_outer(F.when(elements.isNull(), F.array(F.lit(None).cast("string"))).otherwise(elements)).alias(
            "element_index", "element"
        ),
    )
    rec = lower_keys(F.col("element"))
    rec = F.map_filter(rec, lambda k, v: ~k.isin(*_BODY_KEYS))
    return exploded.select(
        F.lit(dataset).alias("dataset"),
        "source_file",
        window_date_of(F.col("source_file")).alias("window_date"),
        F.col("element_index"),
        rec.alias("rec"),
        F.when(rec.isNull(), F.lit("malformed_json")).alias("reason"),
        F.col("value").alias("raw"),
    )


def quarantine_rows(rows: DataFrame, load_id: str) -> DataFrame:
    """Rows with a reason → quarantine records, keyed by file + text + element so reruns never duplicate."""
    bad = rows.filter(F.col("reason").isNotNull())
    out = bad.select(
        stable_id(F.col("dataset"), F.col("source_file"), F.col("raw"), F.col("element_index"), F.col("reason")).alias("quarantine_id"),
        "dataset",
        "source_file",
        "window_date",
        "reason",
        F.substring(redact(F.col("raw")), 1, 8000).alias("raw"),
        F.lit(load_id).alias("load_id"),
    )
    return with_row_hash(out)


def parse_messages(records: DataFrame) -> DataFrame:
    """Split records → typed message copies; copies that cannot be used get a quarantine reason."""
    r = F.col("rec")
    sender = F.coalesce(email_of(r.getItem("sender")), email_of(r.getItem("from")))
    recipients = F.array_distinct(
        F.concat(emails_of(r.getItem("torecipients")), emails_of(r.getItem("ccrecipients")), emails_of(r.getItem("bccrecipients")))
    )
    sent_raw = F.coalesce(r.getItem("sentdatetime"), r.getItem("receiveddatetime"), r.getItem("createddatetime"))
    typed = records.select(
        "dataset",
        "source_file",
        "window_date",
        "element_index",
        "raw",
        "reason",
        r.getItem("puser").alias("puser"),
        r.getItem("id").alias("copy_id"),
        F.nullif(F.trim(r.getItem("internetmessageid")), F.lit("")).alias("internet_message_id"),
        r.getItem("subject").alias("subject"),
        sender.alias("sender"),
        recipients.alias("recipients"),
        parse_instant(sent_raw).alias("occurred_at"),
        sent_raw.alias("occurred_raw"),
        (F.lower(r.getItem("isdraft")) == "true").alias("is_draft"),
    )
    reason = (
        F.when(F.col("reason").isNotNull(), F.col("reason"))
        .when(F.col("internet_message_id").isNull(), "missing_internet_message_id")
        .when(F.col("sender").isNull(), "missing_sender")
        .when(F.size("recipients") == 0, "missing_recipients")
        .when(F.col("occurred_raw").isNull(), "missing_timestamp")
        .when(F.col("occurred_at").isNull(), "unparseable_timestamp")
    )
    return typed.withColumn("reason", reason).drop("occurred_raw")


def union_recipients(messages: DataFrame) -> DataFrame:
    """Every copy of a message gets the recipients of all its copies: only the sender's copy lists
    Bcc recipients, so whichever copy is kept, nobody the seller wrote to is lost."""
    from pyspark.sql.window import Window

    everyone = F.array_distinct(F.flatten(F.collect_list("recipients").over(Window.partitionBy("internet_message_id"))))
    return messages.withColumn("recipients", F.array_sort(everyone))


def with_event_key(events: DataFrame) -> DataFrame:
    """One meeting is one iCalUId at one start: occurrences of a series share the iCalUId."""
    return events.withColumn("event_key", F.concat_ws("|", "ical_uid", F.date_format("start_at", "yyyy-MM-dd'T'HH:mm:ss")))


def dedupe_copies(parsed: DataFrame, key: str, prefer: list) -> DataFrame:
    """MGDC returns one copy per mailbox: keep one row per key (deterministically), count the copies."""
    from pyspark.sql.window import Window

    w = Window.partitionBy(key).orderBy(*prefer)
    return (
        parsed.withColumn("_n", F.row_number().over(w))
        .withColumn("copies", F.count(F.lit(1)).over(Window.partitionBy(key)))
        .filter(F.col("_n") == 1)
        .drop("_n")
    )


def _response_of(text) -> F.Column:
    """`microsoft.graph.responseType'accepted'`, `Accepted`, `tentativelyaccepted` → accepted|tentative|…;
    an unknown spelling gives the marker `?` so the event is quarantined rather than guessed."""
    inner = F.when(F.instr(text, "'") > 0, F.regexp_extract(text, r"'([^']*)'", 1)).otherwise(text)
    key = F.regexp_replace(F.lower(F.trim(inner)), r"[^a-z]", "")
    mapping = F.create_map(*[F.lit(x) for kv in RESPONSES.items() for x in kv])
    return F.when(text.isNull() | (key == ""), F.lit("none")).otherwise(F.coalesce(F.element_at(mapping, key), F.lit("?")))


def _iana_zone(zone_text) -> F.Column:
    """A Windows zone id (any case) or an IANA id → IANA id; null when unknown. Missing means UTC."""
    zone = F.trim(F.coalesce(zone_text, F.lit("UTC")))
    zones = F.create_map(*[F.lit(x) for kv in WINDOWS_TIME_ZONES.items() for x in kv])
    return F.coalesce(F.element_at(zones, F.lower(zone)), F.when(zone.rlike(r"^[A-Za-z]+(/[A-Za-z_+-]+)+$"), zone))


def _local_to_utc(part_json) -> F.Column:
    """{"dateTime": "…", "timeZone": "…"} → UTC timestamp (the session time zone is UTC)."""
    m = lower_keys(part_json)
    return F.to_utc_timestamp(parse_instant(m.getItem("datetime")), _iana_zone(m.getItem("timezone")))


def parse_events(records: DataFrame) -> DataFrame:
    """Split records → typed event copies with attendees [(email, response)], quarantining what cannot be used."""
    r = F.col("rec")
    known_zone = (
        _iana_zone(lower_keys(r.getItem("start")).getItem("timezone")).isNotNull()
        & _iana_zone(lower_keys(r.getItem("end")).getItem("timezone")).isNotNull()
    )
    attendees = F.transform(
        F.coalesce(F.from_json(r.getItem("attendees"), _LIST), F.array().cast(_LIST)),
        lambda a: F.struct(
            email_of(a).alias("email"),
            _response_of(lower_keys(lower_keys(a).getItem("status")).getItem("response")).alias("response"),
        ),
    )
    typed = records.select(
        "dataset",
        "source_file",
        "window_date",
        "element_index",
        "raw",
        "reason",
        r.getItem("puser").alias("puser"),
        r.getItem("id").alias("copy_id"),
        F.nullif(F.trim(r.getItem("icaluid")), F.lit("")).alias("ical_uid"),
        r.getItem("subject").alias("subject"),
        email_of(r.getItem("organizer")).alias("organizer"),
        F.filter(attendees, lambda a: a["email"].isNotNull()).alias("attendees"),
        _local_to_utc(r.getItem("start")).alias("start_at"),
        _local_to_utc(r.getItem("end")).alias("end_at"),
        known_zone.alias("known_zone"),
        (F.lower(r.getItem("isallday")) == "true").alias("is_all_day"),
        (F.lower(r.getItem("iscancelled")) == "true").alias("is_cancelled"),
        (F.lower(r.getItem("isorganizer")) == "true").alias("is_organizer"),
        (
            (F.lower(r.getItem("isonlinemeeting")) == "true")
            | F.lower(F.coalesce(r.getItem("onlinemeetingprovider"), F.lit(""))).isin(
                "teamsforbusiness", "skypeforbusiness", "skypeforconsumer"
            )
        ).alias("is_online"),
        F.nullif(F.trim(lower_keys(r.getItem("location")).getItem("displayname")), F.lit("")).alias("location"),
        parse_instant(r.getItem("lastmodifieddatetime")).alias("last_modified_at"),
    )
    reason = (
        F.when(F.col("reason").isNotNull(), F.col("reason"))
        .when(F.col("ical_uid").isNull(), "missing_ical_uid")
        .when(~F.col("known_zone"), "unknown_time_zone")
        .when(F.col("start_at").isNull() | F.col("end_at").isNull(), "unparseable_timestamp")
        .when(F.col("organizer").isNull() & (F.size("attendees") == 0), "missing_participants")
        .when(F.exists("attendees", lambda a: a["response"] == "?"), "unknown_response_value")
    )
    return typed.withColumn("reason", reason).drop("known_zone")
