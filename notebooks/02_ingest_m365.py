# %% [markdown]
# # 02 · Ingest Microsoft 365 (MGDC) → silver `interactions`, `discovered_contacts`
# Reads the MGDC JSON-lines files of one extraction window (`window_start` ≤ day < `window_end`),
# quarantines what cannot be parsed, counts each email once (`internetMessageId`) and each meeting once
# (`iCalUId` + start), whichever mailbox the copy came from, and MERGEs seller↔contact interactions,
# and the addresses of contacts on an account's domain that the CRM does not know (for CRM hygiene).
# Rerunning a window replaces that window's rows; a new window adds only its own.

# %% tags=["parameters"]
raw_root = "/tmp/relmesh-sample"
curated_root = "/tmp/relmesh-out"
window_start = "2026-07-01"
window_end = "2026-11-16"
ruleset_json = "{}"
keep_subjects = False
load_id = "local"

# %%
# %run rm_common

# %%
# %run rm_reconcile

# %%
# %run rm_time_zones

# %%
# %run rm_ingest_m365

# %%
# %run rm_interactions

# %%
import datetime as dt
from functools import reduce

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

configure_session(spark)
ruleset = json.loads(ruleset_json)
silver = table_path(curated_root, "silver")
start, end = dt.date.fromisoformat(window_start), dt.date.fromisoformat(window_end)
result = {"notebook": "02_ingest_m365", "window_start": window_start, "window_end": window_end, "datasets": {}}
dims = {name: spark.read.format("delta").load(table_path(silver, name)) for name in ("dim_seller", "dim_contact", "dim_account")}
lookup = directory(dims["dim_seller"], dims["dim_contact"], dims["dim_account"])

interactions, quarantined = [], []
for dataset in DATASET_STEPS:
    # The window's GUID-named .json files, from listing only the months it touches. Spark gets exact
    # files, so it globs nothing itself and never reads MGDC's metadata/ folder.
    found = window_files(lambda folder: list_folder(spark, folder), table_path(raw_root, f"m365/{dataset}"), start, end)
    if not found:
        result["datasets"][dataset] = {"rows_in": 0, "files": 0}
        log_step(dataset, rows_in=0, note="no files in the window")
        continue
    rows, bad, counts = ingest_dataset(
        spark.read.text(found).withColumn("source_file", F.input_file_name()), dataset, lookup, ruleset, keep_subjects, load_id
    )
    result["datasets"][dataset] = counts
    log_step(dataset, **counts)
    interactions.append(rows)
    quarantined.append(bad)

if interactions:
    all_rows = reduce(DataFrame.unionByName, interactions).dropDuplicates(["interaction_id"]).persist()
    in_window = f"t.window_date >= DATE'{window_start}' AND t.window_date < DATE'{window_end}'"
    # Rows of this window that the new computation no longer produces (e.g. a contact opted out) go;
    # a message seen again in a later window keeps the window it was first stored under.
    merged = merge_rows(
        spark,
        table_path(silver, "interactions"),
        all_rows,
        ["interaction_id"],
        INTERACTION_SCHEMA,
        delete_missing=True,
        # Only mail and meetings: the ERP's and service desk's touches are 02_ingest_sources' to keep.
        delete_where=f"{in_window} AND t.source IN ('email', 'meeting')",
        keep_on_update=("load_id", "window_date"),
    )
    result["interactions"] = {"rows": all_rows.count(), **merged}
    log_step("interactions", **result["interactions"])
    result["discovered_contacts"] = merge_rows(
        spark,
        table_path(silver, "discovered_contacts"),
        discovered_contacts(all_rows, load_id),
        ["contact_id", "window_date"],
        DISCOVERED_SCHEMA,
        delete_missing=True,
        delete_where=in_window,
    )
    q = reduce(DataFrame.unionByName, quarantined).dropDuplicates(["quarantine_id"])
    result["quarantine"] = merge_rows(spark, table_path(silver, "quarantine"), q, ["quarantine_id"], QUARANTINE_SCHEMA)

notebook_exit(result)
