# %% [markdown]
# # rm_ingest_m365 — pure transforms from MGDC JSON lines to silver interactions
# Included with `%run rm_ingest_m365` after `%run rm_common` and `%run rm_time_zones`. Every function takes
# DataFrames and returns DataFrames; reading and writing happen in the pipeline notebooks.

# %%
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

MESSAGE_DATASET = "BasicDataSet_v0.Message_v1"
EVENT_DATASET = "BasicDataSet_v0.CalendarView_v0"

# The fields the parsers read, each written once in MGDC's camelCase, the top level being the columns
# config/mgdc-datasets.ts extracts (a test keeps them equal): a name maps to None (a value,
# read as text), to a dict (an object with those fields) or to a one-element list (an array of such
# objects). Nothing else of a row is parsed: bodies, headers and attachments are skipped unread.
_PARTY = {"emailAddress": {"address": None}}
_ZONED = {"dateTime": None, "timeZone": None}
RECORD_FIELDS = {
    MESSAGE_DATASET: {
        "puser": None,
        "id": None,
        "internetMessageId": None,
        "conversationId": None,
        "subject": None,
        "sender": _PARTY,
        "from": _PARTY,
        "toRecipients": [_PARTY],
        "ccRecipients": [_PARTY],
        "bccRecipients": [_PARTY],
        "sentDateTime": None,
        "receivedDateTime": None,
        "createdDateTime": None,
        "isDraft": None,
    },
    EVENT_DATASET: {
        "puser": None,
        "id": None,
        "iCalUId": None,
        "subject": None,
        "organizer": _PARTY,
        "attendees": [{**_PARTY, "status": {"response": None}}],
        "start": _ZONED,
        "end": _ZONED,
        "isAllDay": None,
        "isCancelled": None,
        "isOnlineMeeting": None,
        "onlineMeetingProvider": None,
        "location": {"displayName": None},
        "isOrganizer": None,
        "lastModifiedDateTime": None,
    },
}

# Where Spark puts the text of a line it could not read into the schema.
_JSON_CORRUPT = "_corrupt_record"
_JSON_READ_OPTIONS = {"mode": "PERMISSIVE", "columnNameOfCorruptRecord": _JSON_CORRUPT}
_LIST = T.ArrayType(T.StringType())

# Body-like values are never kept in quarantine either: a hand-dropped file might carry them.
_BODY_PATTERN = r'(?i)("(?:body|uniqueBody|bodyPreview)"\s*:\s*)("(?:\\.|[^"\\])*"|\{[^{}]*\})'

RESPONSES = {
    "accepted": "accepted",
    "tentativelyaccepted": "tentative",
    "tentative": "tentative",
    "declined": "declined",
    "none": "none",
    "notresponded": "none",
    "organizer": "organizer",
}


def spellings(name: str) -> tuple:
    """A field's names in the casings MGDC is known to emit: camelCase (the samples) and PascalCase
    (older exports), mixed even within one row. Spark's JSON reader matches names exactly."""
    pascal = name[:1].upper() + name[1:]
    return (name, pascal) if pascal != name else (name,)


def _variant(name: str, k: int) -> str:
    # Spark resolves struct fields case-insensitively, so `id` and `Id` side by side would be ambiguous
    # to read: once parsed, each spelling is renamed to the canonical name and its position.
    return f"{name}#{k}"


def _type_of(spec, as_parsed: bool) -> T.DataType:
    if spec is None:
        # Text, whatever the JSON type: `true` and "true", numbers and strings all arrive as text, so a
        # value never makes Spark reject its row.
        return T.StringType()
    if isinstance(spec, list):
        return T.ArrayType(_struct_of(spec[0], as_parsed))
    return _struct_of(spec, as_parsed)


def _struct_of(fields: dict, as_parsed: bool) -> T.StructType:
    return T.StructType(
        [
            T.StructField(_variant(name, k) if as_parsed else spelling, _type_of(spec, as_parsed))
            for name, spec in fields.items()
            for k, spelling in enumerate(spellings(name))
        ]
    )


def record_schema(dataset: str, as_parsed: bool = False) -> T.StructType:
    """RECORD_FIELDS of `dataset` in every spelling, at every level, plus Spark's corrupt-record text:
    as `from_json` reads them (JSON names), or `as_parsed` (the names `value_at` reads)."""
    fields = _struct_of(RECORD_FIELDS[dataset], as_parsed).fields
    return T.StructType(fields + [T.StructField(_JSON_CORRUPT, T.StringType())])


def value_at(obj, *names) -> F.Column:
    """The value at a path of field names (`value_at(rec, "sender", "emailAddress", "address")`) in
    any mix of spellings; camelCase first where one object holds both."""
    columns = [obj]
    for name in names:
        columns = [c.getField(_variant(name, k)) for c in columns for k in range(len(spellings(name)))]
    return F.coalesce(*columns)


def address_of(party, *path) -> F.Column:
    """The address of a {"emailAddress": {"address": ...}} object (at `path` under `party`), lower-cased and trimmed."""
    return F.nullif(F.lower(F.trim(value_at(party, *path, "emailAddress", "address"))), F.lit(""))


def addresses_of(parties) -> F.Column:
    """Addresses of a recipients array, missing ones removed; [] when there is no array."""
    found = F.filter(F.transform(parties, lambda p: address_of(p)), lambda e: e.isNotNull())
    return F.coalesce(found, F.array().cast(_LIST))


def _is_true(text) -> F.Column:
    return F.lower(text) == "true"


def parse_instant(text) -> F.Column:
    """MGDC timestamps: `2021-02-03T00:37:46Z`, seven fractional digits, or a bare date (midnight UTC)."""
    trimmed = F.trim(text)
    # Spark's cast handles ISO-8601 with a zone and bare dates; it stops at 6 fractional digits.
    shortened = F.regexp_replace(trimmed, r"(\.\d{6})\d+", "$1")
    return shortened.cast(T.TimestampType())


def is_bare_date(text) -> F.Column:
    """A date without a time of day (`2026-03-04`): parse_instant reads it as midnight, an assumption."""
    return F.coalesce(F.trim(text).rlike(r"^\d{4}-\d{2}-\d{2}$"), F.lit(False))


def redact(raw) -> F.Column:
    return F.regexp_replace(raw, _BODY_PATTERN, '$1"[redacted]"')


def window_date_of(source_file) -> F.Column:
    """The extraction window a file belongs to, from its …/<dataset>/YYYY/MM/DD/<file> path."""
    parts = F.regexp_extract(source_file, r"/(\d{4})/(\d{2})/(\d{2})/[^/]+$", 0)
    return F.to_date(F.regexp_replace(F.regexp_replace(parts, r"/[^/]+$", ""), "/", "-").substr(2, 10))


def split_records(lines: DataFrame, dataset: str) -> DataFrame:
    """Raw lines (value, source_file) → one row per JSON object with `rec` (the struct of
    `record_schema`) or a quarantine `reason`. A line holding a JSON array (older exports and API dumps
    write a page of records per line) is read as its elements, one row each (`from_array`; the counts
    say "N rows from M lines"), each row carrying only its own element's text: memory is bounded by the
    line, not line × elements (a multi-megabyte page once exhausted the heap). An array line that does
    not parse, or an empty one, stays one (malformed) row holding the line."""
    trimmed = lines.withColumn("value", F.trim("value")).filter(F.col("value") != "")
    # Only array lines are split first (a rare layout); every other line is parsed once, below.
    split = trimmed.select("source_file", "value", F.when(F.col("value").startswith("["), F.from_json("value", _LIST)).alias("elements"))
    from_array = F.coalesce(F.size("elements"), F.lit(0)) > 0
    # Everything per line is decided before the explode, so no line-sized column (the text, the
    # parsed elements) is carried along into the element rows.
    per_line = split.select(
        "source_file", from_array.alias("from_array"), F.when(from_array, F.col("elements")).otherwise(F.array("value")).alias("elements")
    )
    exploded = per_line.select("source_file", "from_array", F.posexplode("elements").alias("element_index", "element"))
    # A struct cast renames fields by position, the cheap way to the `as_parsed` names.
    rec = F.from_json("element", record_schema(dataset), _JSON_READ_OPTIONS).cast(record_schema(dataset, as_parsed=True))
    parsed = exploded.withColumn("rec", rec)
    # Spark fills the corrupt-record column both for text that is not a JSON object (bad syntax, an
    # array, a number) and for an object with a field of the wrong shape (text where an object
    # belongs), keeping that object's other fields. Only the first is malformed; telling them apart
    # re-reads the rare rejected line, never a good one.
    rejected = F.col(f"rec.{_JSON_CORRUPT}").isNotNull()
    malformed = F.col("element").isNull() | (rejected & F.json_object_keys("element").isNull())
    return parsed.select(
        F.lit(dataset).alias("dataset"),
        "source_file",
        window_date_of(F.col("source_file")).alias("window_date"),
        "from_array",
        F.col("element_index"),
        "rec",
        F.when(malformed, F.lit("malformed_json")).alias("reason"),
        # An element is null only where the array held a JSON null.
        F.coalesce(F.col("element"), F.lit("null")).alias("raw"),
    )


def _with_reason(typed: DataFrame, reason) -> DataFrame:
    """Sets the quarantine reason and keeps the raw text only for rows that will be quarantined, so
    the parsed rows carried on (and cached) are small."""
    return typed.withColumn("reason", reason).withColumn("raw", F.when(F.col("reason").isNotNull(), F.col("raw")))


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
    sender = F.coalesce(address_of(r, "sender"), address_of(r, "from"))
    to, cc, bcc = value_at(r, "toRecipients"), value_at(r, "ccRecipients"), value_at(r, "bccRecipients")
    recipients = F.array_distinct(F.concat(addresses_of(to), addresses_of(cc), addresses_of(bcc)))
    sent = value_at(r, "sentDateTime")
    sent_raw = F.coalesce(sent, value_at(r, "receivedDateTime"), value_at(r, "createdDateTime"))
    fallbacks = fallbacks_of(("sent_time_missing", sent.isNull() & sent_raw.isNotNull()), ("date_only_time", is_bare_date(sent_raw)))
    typed = records.select(
        "dataset",
        "source_file",
        "window_date",
        "from_array",
        "element_index",
        "raw",
        "reason",
        value_at(r, "puser").alias("puser"),
        value_at(r, "id").alias("copy_id"),
        F.nullif(F.trim(value_at(r, "internetMessageId")), F.lit("")).alias("internet_message_id"),
        # Threads a reply to the mail it answers (rm_response_times); optional: a mail without one takes no part.
        F.nullif(F.trim(value_at(r, "conversationId")), F.lit("")).alias("conversation_id"),
        value_at(r, "subject").alias("subject"),
        sender.alias("sender"),
        recipients.alias("recipients"),
        parse_instant(sent_raw).alias("occurred_at"),
        sent_raw.alias("occurred_raw"),
        _is_true(value_at(r, "isDraft")).alias("is_draft"),
        fallbacks.alias("fallbacks"),
    )
    reason = (
        F.when(F.col("reason").isNotNull(), F.col("reason"))
        .when(F.col("internet_message_id").isNull(), "missing_internet_message_id")
        .when(F.col("sender").isNull(), "missing_sender")
        .when(F.size("recipients") == 0, "missing_recipients")
        .when(F.col("occurred_raw").isNull(), "missing_timestamp")
        .when(F.col("occurred_at").isNull(), "unparseable_timestamp")
    )
    return _with_reason(typed, reason).drop("occurred_raw")


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


def _local_to_utc(rec, part: str) -> F.Column:
    """{"dateTime": "…", "timeZone": "…"} → UTC timestamp (the session time zone is UTC)."""
    return F.to_utc_timestamp(parse_instant(value_at(rec, part, "dateTime")), iana_zone(value_at(rec, part, "timeZone")))


def parse_events(records: DataFrame) -> DataFrame:
    """Split records → typed event copies with attendees [(email, response)], quarantining what cannot be used."""
    r = F.col("rec")
    known_zone = iana_zone(value_at(r, "start", "timeZone")).isNotNull() & iana_zone(value_at(r, "end", "timeZone")).isNotNull()
    attendee = T.StructType([T.StructField("email", T.StringType()), T.StructField("response", T.StringType())])
    attendees = F.transform(
        value_at(r, "attendees"),
        lambda a: F.struct(address_of(a).alias("email"), _response_of(value_at(a, "status", "response")).alias("response")),
    )
    attendees = F.coalesce(attendees, F.array().cast(T.ArrayType(attendee)))
    typed = records.select(
        "dataset",
        "source_file",
        "window_date",
        "from_array",
        "element_index",
        "raw",
        "reason",
        value_at(r, "puser").alias("puser"),
        value_at(r, "id").alias("copy_id"),
        F.nullif(F.trim(value_at(r, "iCalUId")), F.lit("")).alias("ical_uid"),
        value_at(r, "subject").alias("subject"),
        address_of(r, "organizer").alias("organizer"),
        F.filter(attendees, lambda a: a["email"].isNotNull()).alias("attendees"),
        _local_to_utc(r, "start").alias("start_at"),
        _local_to_utc(r, "end").alias("end_at"),
        # A date without a time of day says nothing of the meeting's length (rm_interactions.with_meeting_length).
        (is_bare_date(value_at(r, "start", "dateTime")) | is_bare_date(value_at(r, "end", "dateTime"))).alias("date_only"),
        fallbacks_of(("time_zone_missing", value_at(r, "start", "timeZone").isNull() | value_at(r, "end", "timeZone").isNull())).alias(
            "fallbacks"
        ),
        known_zone.alias("known_zone"),
        _is_true(value_at(r, "isAllDay")).alias("is_all_day"),
        _is_true(value_at(r, "isCancelled")).alias("is_cancelled"),
        _is_true(value_at(r, "isOrganizer")).alias("is_organizer"),
        (
            _is_true(value_at(r, "isOnlineMeeting"))
            | F.lower(F.coalesce(value_at(r, "onlineMeetingProvider"), F.lit(""))).isin(
                "teamsforbusiness", "skypeforbusiness", "skypeforconsumer"
            )
        ).alias("is_online"),
        F.nullif(F.trim(value_at(r, "location", "displayName")), F.lit("")).alias("location"),
        parse_instant(value_at(r, "lastModifiedDateTime")).alias("last_modified_at"),
    )
    reason = (
        F.when(F.col("reason").isNotNull(), F.col("reason"))
        .when(F.col("ical_uid").isNull(), "missing_ical_uid")
        .when(~F.col("known_zone"), "unknown_time_zone")
        .when(F.col("start_at").isNull() | F.col("end_at").isNull(), "unparseable_timestamp")
        .when(F.col("organizer").isNull() & (F.size("attendees") == 0), "missing_participants")
        .when(F.exists("attendees", lambda a: a["response"] == "?"), "unknown_response_value")
    )
    return _with_reason(typed, reason).drop("known_zone")
