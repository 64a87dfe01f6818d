# %% [markdown]
# # rm_interactions — from deduplicated messages and events to seller↔contact interactions
# Included with `%run rm_interactions` after `rm_common` and `rm_ingest_m365`. Pure transforms.
# Every message or event ends up either used (≥1 interaction) or excluded with one reason, so counts reconcile.

# %%
from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql import types as T

INTERACTION_SCHEMA = T.StructType(
    [
        T.StructField("interaction_id", T.StringType(), False),
        T.StructField("source", T.StringType(), False),
        T.StructField("source_key", T.StringType(), False),
        T.StructField("direction", T.StringType(), False),
        T.StructField("seller_id", T.StringType(), False),
        T.StructField("contact_id", T.StringType(), False),
        T.StructField("account_id", T.StringType(), True),
        T.StructField("occurred_at", T.TimestampType(), False),
        T.StructField("duration_min", T.DoubleType(), True),
        T.StructField("participants", T.IntegerType(), False),
        T.StructField("modality", T.StringType(), False),
        T.StructField("response", T.StringType(), False),
        T.StructField("subject", T.StringType(), True),
        # The mail's conversation (MGDC conversationId): threads replies for rm_response_times; null for meetings.
        T.StructField("conversation_id", T.StringType(), True),
        T.StructField("weight", T.DoubleType(), False),
        T.StructField("window_date", T.DateType(), True),
        T.StructField("load_id", T.StringType(), True),
        T.StructField("row_hash", T.StringType(), True),
    ]
)

# The order in which a message's or event's reason is chosen when none of its pairs can be used.
EXCLUSION_PRIORITY = [
    "cancelled",
    "all_day",
    "draft",
    "auto_reply",
    "declined",
    "opted_out",
    "ignored_address",
    "unknown_domain",
    "internal_only",
    "no_seller_party",
]


def directory(sellers: DataFrame, contacts: DataFrame, accounts: DataFrame) -> dict:
    """Lookup tables for classifying addresses, small enough to broadcast. Internal domains are the
    sellers' own domains (the CRM's employees), so nothing else has to name them."""
    seller_by_email = sellers.select(F.lower("email").alias("address"), "seller_id").dropDuplicates(["address"])
    contact_by_email = (
        contacts.select(F.lower("email").alias("address"), "contact_id", F.col("account_id").alias("contact_account_id"), "opted_out")
        .filter(F.col("address").isNotNull())
        .groupBy("address")
        .agg(F.min(F.struct("contact_id", "contact_account_id", "opted_out")).alias("c"))
        .select("address", "c.*")
    )
    account_by_domain = (
        accounts.select("account_id", F.explode("domains").alias("domain"))
        .select(F.lower(F.trim("domain")).alias("domain"), "account_id")
        .groupBy("domain")
        .agg(F.min("account_id").alias("domain_account_id"))
    )
    domains = {row[0] for row in seller_by_email.select(F.substring_index("address", "@", -1)).distinct().collect()}
    return {"sellers": seller_by_email, "contacts": contact_by_email, "domains": account_by_domain, "internal": sorted(domains)}


def classify(df: DataFrame, address_col: str, prefix: str, lookup: dict, ruleset: dict) -> DataFrame:
    """Adds <prefix>_kind (seller|internal|external), _seller_id, _contact_id, _account_id, _exclusion."""
    ex = ruleset["exclusions"]
    a = F.col(address_col)
    domain = F.substring_index(a, "@", -1)
    local_part = F.substring_index(a, "@", 1)
    joined = (
        df.join(F.broadcast(lookup["sellers"].withColumnRenamed("address", "_sa")), a == F.col("_sa"), "left")
        .join(F.broadcast(lookup["contacts"].withColumnRenamed("address", "_ca")), a == F.col("_ca"), "left")
        .join(F.broadcast(lookup["domains"].withColumnRenamed("domain", "_dd")), domain == F.col("_dd"), "left")
    )
    internal = domain.isin(*lookup["internal"]) if lookup["internal"] else F.lit(False)
    kind = F.when(F.col("seller_id").isNotNull(), "seller").when(internal, "internal").otherwise("external")
    ignored = (
        (a.isin(*[x.lower() for x in ex["ignore_addresses"]]) if ex["ignore_addresses"] else F.lit(False))
        | (domain.isin(*[x.lower() for x in ex["ignore_domains"]]) if ex["ignore_domains"] else F.lit(False))
        | (local_part.isin(*[x.lower() for x in ex["ignore_local_parts"]]) if ex["ignore_local_parts"] else F.lit(False))
    )
    account_id = F.coalesce(F.col("contact_account_id"), F.col("domain_account_id"))
    exclusion = (
        F.when(ignored, "ignored_address")
        .when(F.coalesce(F.col("opted_out"), F.lit(False)), "opted_out")
        .when(account_id.isNull(), "unknown_domain")
    )
    # Addresses on an account's domain that the CRM does not know are *discovered contacts*: kept under
    # a derived id (rm_common.is_discovered), listed for CRM hygiene, counted in scores only if the
    # ruleset says so (discovered_contacts.count_in_scores).
    contact_id = F.coalesce(F.col("contact_id"), F.concat(F.lit(DISCOVERED_PREFIX), F.substring(F.sha2(a, 256), 1, 20)))
    return joined.select(
        *[F.col(c) for c in df.columns],
        kind.alias(f"{prefix}_kind"),
        F.col("seller_id").alias(f"{prefix}_seller_id"),
        contact_id.alias(f"{prefix}_contact_id"),
        account_id.alias(f"{prefix}_account_id"),
        exclusion.alias(f"{prefix}_exclusion"),
    )


def audience_factor(participants, ruleset: dict) -> F.Column:
    a = ruleset["audience"]
    ratio = F.lit(float(a["full_weight_up_to"])) / participants.cast("double")
    return F.greatest(F.lit(float(a["min_factor"])), F.least(F.lit(1.0), F.pow(ratio, F.lit(float(a["exponent"])))))


def _is_auto_reply(subject, ruleset: dict) -> F.Column:
    prefixes = ruleset["exclusions"]["auto_reply_subject_prefixes"]
    s = F.lower(F.trim(F.coalesce(subject, F.lit(""))))
    return F.lit(False) if not prefixes else F.exists(F.array(*[F.lit(p) for p in prefixes]), lambda p: s.startswith(p))


def _first_reason(reasons) -> F.Column:
    """The highest-priority reason of an array of reasons."""
    ranked = F.array(*[F.lit(r) for r in EXCLUSION_PRIORITY])
    return F.element_at(F.filter(ranked, lambda r: F.array_contains(reasons, r)), 1)


def _outcomes(pairs: DataFrame, items: DataFrame, key: str, no_pair_reason) -> DataFrame:
    """One row per message/event: `used` or the exclusion reason that applies, and the fallbacks it relied on."""
    per_item = pairs.groupBy(key).agg(F.max(F.col("reason").isNull().cast("int")).alias("_used"), F.collect_set("reason").alias("_reasons"))
    joined = items.join(per_item, key, "left")
    outcome = F.when(F.col("_used") == 1, "used").when(F.col("_used").isNull(), no_pair_reason).otherwise(_first_reason(F.col("_reasons")))
    return joined.select(key, outcome.alias("outcome"), "fallbacks")


def message_interactions(messages: DataFrame, lookup: dict, ruleset: dict, keep_subjects: bool, load_id: str):
    """Deduplicated messages → (interactions, outcomes). Outbound: a seller wrote to an external
    contact; inbound: an external contact wrote to a seller. Replies count: they are the inbound half."""
    ex = ruleset["exclusions"]
    m = messages.select(
        "internet_message_id",
        "conversation_id",
        "subject",
        "sender",
        "recipients",
        "occurred_at",
        "is_draft",
        "window_date",
        F.size(F.array_union(F.array("sender"), "recipients")).alias("participants"),
    )
    m = classify(m, "sender", "s", lookup, ruleset)
    r = classify(m.select("*", F.explode("recipients").alias("recipient")), "recipient", "r", lookup, ruleset)
    outbound = (F.col("s_kind") == "seller") & (F.col("r_kind") == "external")
    inbound = (F.col("s_kind") == "external") & (F.col("r_kind") == "seller")
    pairs = (
        r.filter(outbound | inbound)
        .select(
            "internet_message_id",
            "conversation_id",
            "subject",
            "occurred_at",
            "participants",
            "window_date",
            "is_draft",
            F.when(outbound, "outbound").otherwise("inbound").alias("direction"),
            F.when(outbound, F.col("s_seller_id")).otherwise(F.col("r_seller_id")).alias("seller_id"),
            F.when(outbound, F.col("r_contact_id")).otherwise(F.col("s_contact_id")).alias("contact_id"),
            F.when(outbound, F.col("recipient")).otherwise(F.col("sender")).alias("contact_address"),
            F.when(outbound, F.col("r_account_id")).otherwise(F.col("s_account_id")).alias("account_id"),
            F.when(outbound, F.col("r_exclusion")).otherwise(F.col("s_exclusion")).alias("party_exclusion"),
        )
        .dropDuplicates(["internet_message_id", "seller_id", "contact_id"])
    )
    reason = (
        F.when(F.lit(ex["drafts"]) & F.col("is_draft"), "draft")
        .when(_is_auto_reply(F.col("subject"), ruleset), "auto_reply")
        .otherwise(F.col("party_exclusion"))
    )
    pairs = pairs.withColumn("reason", reason)
    externals = r.groupBy("internet_message_id").agg(
        F.max(((F.col("s_kind") == "external") | (F.col("r_kind") == "external")).cast("int")).alias("_ext")
    )
    no_pair = F.when(F.col("_ext") == 1, "no_seller_party").otherwise("internal_only")
    items = messages.select("internet_message_id", "fallbacks").join(externals, "internet_message_id", "left")
    outcomes = _outcomes(pairs, items, "internet_message_id", no_pair)
    used = pairs.filter(F.col("reason").isNull())
    interactions = used.select(
        F.lit("email").alias("source"),
        F.col("internet_message_id").alias("source_key"),
        "direction",
        "seller_id",
        "contact_id",
        "account_id",
        "occurred_at",
        F.lit(None).cast("double").alias("duration_min"),
        F.col("participants").cast("int").alias("participants"),
        F.lit("n/a").alias("modality"),
        F.lit("n/a").alias("response"),
        (F.col("subject") if keep_subjects else F.lit(None).cast("string")).alias("subject"),
        "conversation_id",
        (F.lit(float(ruleset["sources"]["email"])) * audience_factor(F.col("participants"), ruleset)).alias("weight"),
        "window_date",
        "contact_address",
    )
    return _finish(interactions, load_id), outcomes


def with_meeting_length(events: DataFrame, ruleset: dict) -> DataFrame:
    """Adds duration_min, the meeting length the weight uses. A meeting whose start or end has a date
    but no time of day (older exports and API dumps write "2026-03-04"), or whose end is not after its
    start, has no length we can measure: its 0 minutes would weigh it 0, a meeting "used" that adds
    nothing. It counts as the ruleset's duration.default_minutes instead, and its fallbacks say
    `meeting_length_defaulted` so the run output counts it and warns when many are."""
    measured = (F.col("end_at").cast("long") - F.col("start_at").cast("long")) / 60.0
    unknown = F.col("date_only") | measured.isNull() | (measured <= 0)
    default = F.lit(float(ruleset["duration"]["default_minutes"]))
    return events.withColumn("duration_min", F.when(unknown, default).otherwise(measured)).withColumn(
        "fallbacks", F.concat("fallbacks", fallbacks_of(("meeting_length_defaulted", unknown)))
    )


# What a meeting carries to each of its parties' rows (the weight and the exclusions read them).
_MEETING_FIELDS = ("event_key", "subject", "start_at", "duration_min", "is_all_day", "is_cancelled", "is_online", "location", "window_date")


def meeting_interactions(events: DataFrame, lookup: dict, ruleset: dict, keep_subjects: bool, load_id: str):
    """Deduplicated events, keyed by `with_event_key` → (interactions, outcomes). Every seller who attends
    (did not decline) is paired with every external attendee; the contact's response, modality and
    length set the weight."""
    ex = ruleset["exclusions"]
    e = with_meeting_length(events, ruleset)
    parties = F.array_union(F.array(F.struct(F.col("organizer").alias("email"), F.lit("organizer").alias("response"))), F.col("attendees"))
    p = e.select(
        *_MEETING_FIELDS,
        F.explode(F.filter(parties, lambda x: x["email"].isNotNull())).alias("party"),
    )
    # One row per person: the organizer's role wins over an attendee entry for the same address.
    p = (
        p.withColumn("email", F.col("party.email"))
        .withColumn("response", F.col("party.response"))
        .groupBy(*_MEETING_FIELDS, "email")
        .agg(F.max(F.when(F.col("response") == "organizer", 1).otherwise(0)).alias("_org"), F.min("response").alias("_resp"))
        .withColumn("response", F.when(F.col("_org") == 1, "organizer").otherwise(F.col("_resp")))
        .drop("_org", "_resp")
    )
    p = classify(p, "email", "p", lookup, ruleset)
    participants = p.groupBy("event_key").agg(
        F.count(F.lit(1)).alias("participants"), F.max((F.col("p_kind") == "external").cast("int")).alias("_ext")
    )
    sellers = p.filter(F.col("p_kind") == "seller").select(
        "event_key", F.col("p_seller_id").alias("seller_id"), F.col("response").alias("seller_response")
    )
    contacts = p.filter(F.col("p_kind") == "external").select(
        *_MEETING_FIELDS,
        F.col("p_contact_id").alias("contact_id"),
        F.col("email").alias("contact_address"),
        F.col("p_account_id").alias("account_id"),
        F.col("p_exclusion").alias("party_exclusion"),
        F.col("response"),
    )
    pairs = contacts.join(sellers, "event_key").join(participants.select("event_key", "participants"), "event_key")
    declined = (F.col("response") == "declined") | (F.col("seller_response") == "declined")
    reason = (
        F.when(F.lit(ex["cancelled_meetings"]) & F.col("is_cancelled"), "cancelled")
        .when(F.lit(ex["all_day_events"]) & F.col("is_all_day"), "all_day")
        .when(F.lit(ex["declined_meetings"]) & declined, "declined")
        .otherwise(F.col("party_exclusion"))
    )
    pairs = pairs.withColumn("reason", reason)
    no_pair = F.when(F.col("_ext") == 1, "no_seller_party").otherwise("internal_only")
    outcomes = _outcomes(pairs, e.select("event_key", "fallbacks").join(participants, "event_key", "left"), "event_key", no_pair)
    used = pairs.filter(F.col("reason").isNull())
    mod = ruleset["modality"]
    modality = F.when(F.col("is_online"), "online").when(F.col("location").isNotNull(), "in_person").otherwise("unknown")
    resp = ruleset["response"]
    response_factor = F.element_at(F.create_map(*[F.lit(x) for kv in resp.items() for x in kv]), F.col("response"))
    modality_factor = F.element_at(F.create_map(*[F.lit(x) for kv in mod.items() for x in kv]), F.col("modality"))
    dur = ruleset["duration"]
    duration_factor = F.least(F.lit(float(dur["max_factor"])), F.col("duration_min") / F.lit(float(dur["reference_minutes"])))
    interactions = used.withColumn("modality", modality).select(
        F.lit("meeting").alias("source"),
        F.col("event_key").alias("source_key"),
        F.lit("mutual").alias("direction"),
        "seller_id",
        "contact_id",
        "account_id",
        F.col("start_at").alias("occurred_at"),
        "duration_min",
        F.col("participants").cast("int").alias("participants"),
        "modality",
        "response",
        (F.col("subject") if keep_subjects else F.lit(None).cast("string")).alias("subject"),
        F.lit(None).cast("string").alias("conversation_id"),
        (
            F.lit(float(ruleset["sources"]["meeting"]))
            * audience_factor(F.col("participants"), ruleset)
            * modality_factor
            * response_factor
            * duration_factor
        ).alias("weight"),
        "window_date",
        "contact_address",
    )
    return _finish(interactions, load_id), outcomes


def _finish(interactions: DataFrame, load_id: str) -> DataFrame:
    """Silver interaction rows, plus `contact_address` for a discovered contact only (what
    discovered_contacts() lists; the interactions table never stores an address)."""
    with_id = interactions.withColumn(
        "interaction_id", stable_id(F.col("source"), F.col("source_key"), F.col("seller_id"), F.col("contact_id"))
    )
    with_load = with_id.withColumn("weight", F.round("weight", 9)).withColumn("load_id", F.lit(load_id))
    hashed = with_row_hash(with_load, exclude=("load_id", "row_hash", "window_date", "contact_address"))
    address = F.when(is_discovered(F.col("contact_id")), F.lower(F.col("contact_address")))
    return hashed.select(*[f.name for f in INTERACTION_SCHEMA.fields], address.alias("contact_address"))


def discovered_contacts(interactions: DataFrame, load_id: str) -> DataFrame:
    """Silver `discovered_contacts`: each discovered contact's address per window it was seen in (keyed
    by both, so rerunning one window never removes what another window found). Only addresses the
    window's scored interactions used, on a CRM account's domain, are kept."""
    rows = (
        interactions.filter(F.col("contact_address").isNotNull())
        .groupBy("contact_id", "window_date")
        .agg(F.min("contact_address").alias("email"), F.min("account_id").alias("account_id"))
        .withColumn("load_id", F.lit(load_id))
    )
    return with_row_hash(rows).select(*[f.name for f in DISCOVERED_SCHEMA.fields])


# Per dataset: parser, the key one item is counted once by, which mailbox copy wins, how copies are
# prepared before deduplication, and how items become interactions.
DATASET_STEPS = {
    MESSAGE_DATASET: (parse_messages, "internet_message_id", lambda: ["copy_id"], union_recipients, message_interactions),
    EVENT_DATASET: (
        parse_events,
        "event_key",
        lambda: [F.desc("is_organizer"), F.desc("last_modified_at"), "copy_id"],
        with_event_key,
        meeting_interactions,
    ),
}


def ingest_dataset(lines: DataFrame, dataset: str, lookup: dict, ruleset: dict, keep_subjects: bool, load_id: str):
    """One dataset of one window: raw lines → (interaction rows, quarantine rows, reconciled counts)."""
    parse, key, prefer, prepare, build = DATASET_STEPS[dataset]
    parsed = parse(split_records(lines, dataset)).drop("rec").persist()
    # One pass over the parsed rows counts them all: by reason (null: the mailbox copies kept), and by
    # line (a line's first row) and JSON array (rows split from one).
    first = (F.col("element_index") == 0).alias("first")
    by_reason, line_counts = row_tally([r.asDict() for r in parsed.groupBy("reason", "from_array", first).count().collect()])
    copies = by_reason.pop(None, 0)
    good = prepare(parsed.filter(F.col("reason").isNull()))
    distinct = dedupe_copies(good, key, prefer()).persist()
    rows, outcomes = build(distinct, lookup, ruleset, keep_subjects, load_id)
    groups = [r.asDict() for r in outcomes.groupBy("outcome", "fallbacks").count().collect()]
    by_outcome = totals(groups, "outcome")
    # Counted apart from the outcomes, so a join that lost or doubled an item shows; the outcomes'
    # pass has just cached `distinct`, so this reads only the cache.
    counts = reconcile(copies + sum(by_reason.values()), by_reason, copies, distinct.count(), by_outcome, line_counts)
    counts.update(data_quality([g for g in groups if g["outcome"] == "used"], counts["used"], ruleset))
    return rows, quarantine_rows(parsed.filter(F.col("reason").isNotNull()), load_id), counts
