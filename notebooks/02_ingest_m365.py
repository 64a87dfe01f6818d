# %% [markdown]
# # 02 · Ingest Microsoft 365 (MGDC) → silver `interactions`
# Reads the MGDC JSON-lines files of one extraction window (`window_start` ≤ day < `window_end`),
# quarantines what cannot be parsed, counts each email once (`internetMessageId`) and each meeting once
# (`iCalUId` + start), whichever mailbox the copy came from, and MERGEs seller↔contact interactions.
# Rerunning a window replaces that window's rows; a new window adds only its own.

# %% tags=["parameters"]
raw_root = "/tmp/relmesh-sample"
curated_root = "/tmp/relmesh-out"
window_start = "2026-07-01"
window_end = "2026-11-16"
ruleset_json = "{}"
keep_subjects = False
internal_domains = ""
load_id = "local"

# %%
# %run rm_common

# %%
# %run rm_ingest_m365

# %%
# %run rm_interactions

# %%
import datetime as dt

configure_session(spark)
ruleset = json.loads(ruleset_json)
silver = table_path(curated_root, "silver")
start, end = dt.date.fromisoformat(window_start), dt.date.fromisoformat(window_end)
days = [start + dt.timedelta(days=i) for i in range((end - start).days)]
result = {"notebook": "02_ingest_m365", "window_start": window_start, "window_end": window_end, "datasets": {}}


def window_lines(dataset):
    """The window's files (GUID-named .json files; MGDC's metadata/ folder is not data)."""
    patterns = [table_path(raw_root, f"m365/{dataset}/{d:%Y/%m/%d}/*.json") for d in days]
    found = existing_paths(spark, patterns)
    if not found:
        return None
    return spark.read.text(found).withColumn("source_file", F.input_file_name())


dims = {name: spark.read.format("delta").load(table_path(silver, name)) for name in ("dim_seller", "dim_contact", "dim_account")}
lookup = directory(dims["dim_seller"], dims["dim_contact"], dims["dim_account"],
                   [d.strip() for d in internal_domains.split(",") if d.strip()])
interactions = []
quarantined = []
for dataset, parse, key, prefer, build in (
    (MESSAGE_DATASET, parse_messages, "internet_message_id", ["copy_id"], message_interactions),
    (EVENT_DATASET, parse_events, "event_key", [F.desc("is_organizer"), F.desc("last_modified_at"), "copy_id"], meeting_interactions),
):
    lines = window_lines(dataset)
    if lines is None:
        result["datasets"][dataset] = {"rows_in": 0, "files": 0}
        log_step(dataset, rows_in=0, note="no files in the window")
        continue
    parsed = parse(split_records(lines, dataset)).drop("rec").persist()
    bad = parsed.filter(F.col("reason").isNotNull())
    good = parsed.filter(F.col("reason").isNull())
    if dataset == MESSAGE_DATASET:
        good = union_recipients(good)
    else:
        good = with_event_key(good)
    distinct = dedupe_copies(good, key, prefer).persist()
    rows, outcomes = build(distinct, lookup, ruleset, keep_subjects, load_id)
    outcome_counts = {r["outcome"]: r["count"] for r in outcomes.groupBy("outcome").count().collect()}
    reasons = {r["reason"]: r["count"] for r in bad.groupBy("reason").count().collect()}
    counts = {
        "rows_in": parsed.count(),
        "quarantined": sum(reasons.values()),
        "quarantine_reasons": reasons,
        "copies": good.count(),
        "distinct": distinct.count(),
        "used": outcome_counts.pop("used", 0),
        "excluded": outcome_counts,
    }
    counts["duplicate_copies"] = counts["copies"] - counts["distinct"]
    result["datasets"][dataset] = counts
    log_step(dataset, **counts)
    interactions.append(rows)
    quarantined.append(quarantine_rows(bad, load_id))

if interactions:
    all_rows = interactions[0] if len(interactions) == 1 else interactions[0].unionByName(interactions[1])
    all_rows = all_rows.dropDuplicates(["interaction_id"]).persist()
    in_window = f"t.window_date >= DATE'{window_start}' AND t.window_date < DATE'{window_end}'"
    # Rows of this window that the new computation no longer produces (e.g. a contact opted out) go;
    # a message seen again in a later window keeps the window it was first stored under.
    merged = merge_rows(spark, table_path(silver, "interactions"), all_rows, ["interaction_id"], INTERACTION_SCHEMA,
                        delete_missing=True, delete_where=in_window, keep_on_update=("load_id", "window_date"))
    result["interactions"] = {"rows": all_rows.count(), **merged}
    log_step("interactions", **result["interactions"])
    q = quarantined[0] if len(quarantined) == 1 else quarantined[0].unionByName(quarantined[1])
    result["quarantine"] = merge_rows(spark, table_path(silver, "quarantine"), q.dropDuplicates(["quarantine_id"]), ["quarantine_id"], QUARANTINE_SCHEMA)

notebook_exit(result)
