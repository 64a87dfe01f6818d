# %% [markdown]
# # rm_common — shared seam for the Relationship Mesh notebooks
# Included by the pipeline notebooks with `%run rm_common` (in Synapse and in the local runner alike).
# Everything Synapse-specific (`mssparkutils`) sits here and nowhere else.

# %%
import datetime as dt
import hashlib
import json
import time

from delta.tables import DeltaTable
from py4j.protocol import Py4JJavaError
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql import types as T

try:  # Synapse ships notebookutils; OSS Spark does not.
    from notebookutils import mssparkutils as _mssparkutils
except ImportError:  # local runner and tests
    _mssparkutils = None

# Properties every Delta table gets: the Synapse serverless SQL pool reads Delta reader version 1
# only (docs/platform-facts.md §5.2), so deletion vectors and column mapping stay off, explicitly.
# New tables get reader v1 / writer v2 by default in Delta 3.2; these keep features that raise it off.
SERVERLESS_SAFE_TABLE_PROPERTIES = {
    "delta.enableDeletionVectors": "false",
    "delta.columnMapping.mode": "none",
}

# Rejected raw records, kept with the reason and the (body-redacted) raw text; never silently dropped.
QUARANTINE_SCHEMA = T.StructType(
    [
        T.StructField("quarantine_id", T.StringType(), False),
        T.StructField("dataset", T.StringType(), False),
        T.StructField("source_file", T.StringType(), True),
        T.StructField("window_date", T.DateType(), True),
        T.StructField("reason", T.StringType(), False),
        T.StructField("raw", T.StringType(), True),
        T.StructField("load_id", T.StringType(), True),
        T.StructField("row_hash", T.StringType(), True),
    ]
)


def configure_session(spark: SparkSession) -> None:
    """Session settings the transforms rely on, set at run time so Synapse and local agree."""
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    # MGDC keys arrive as camelCase or PascalCase; lower-casing map keys may meet both spellings in one object.
    spark.conf.set("spark.sql.mapKeyDedupPolicy", "LAST_WIN")
    spark.conf.set("spark.sql.legacy.timeParserPolicy", "CORRECTED")
    spark.conf.set("spark.databricks.delta.properties.defaults.enableDeletionVectors", "false")


def notebook_exit(result: dict) -> str:
    """Ends the notebook with a JSON result: the pipeline reads it in Synapse, the local runner locally."""
    text = json.dumps(result, sort_keys=True, default=str)
    if _mssparkutils is not None:
        _mssparkutils.notebook.exit(text)
    globals()["__notebook_result__"] = text
    return text


def log_step(step: str, **counts) -> None:
    """One JSON line per step: readable in Synapse's cell output and parsed by the local runner."""
    print(json.dumps({"event": "step", "step": step, "at": time.strftime("%H:%M:%S"), **counts}, sort_keys=True, default=str), flush=True)


def list_folder(spark: SparkSession, folder: str) -> list:
    """A folder's direct children as (name, is_dir, path), through Hadoop's FileSystem (abfss:// and
    local alike): one listing call, [] when the folder does not exist."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(folder)
    try:
        statuses = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).listStatus(path)
    except Py4JJavaError as error:
        if error.java_exception.getClass().getName() == "java.io.FileNotFoundException":
            return []
        raise
    return [(s.getPath().getName(), bool(s.isDirectory()), s.getPath().toString()) for s in statuses]


def window_months(start, end) -> list:
    """The `YYYY/MM` folders holding the days start ≤ day < end."""
    if start >= end:
        return []
    last = end - dt.timedelta(days=1)
    first_index, last_index = start.year * 12 + start.month - 1, last.year * 12 + last.month - 1
    return [f"{i // 12:04d}/{i % 12 + 1:02d}" for i in range(first_index, last_index + 1)]


def day_of_folder(month: str, name: str):
    """The date of day folder `name` in month folder `YYYY/MM`; None for anything else (metadata/, a typo)."""
    if len(name) != 2 or not name.isdigit():
        return None
    try:
        return dt.date.fromisoformat(f"{month.replace('/', '-')}-{name}")
    except ValueError:
        return None


def window_files(list_children, dataset_root: str, start, end) -> list:
    """The data files of one dataset for start ≤ day < end, from MGDC's `YYYY/MM/DD/<guid>.json`
    layout: lists only the months the window touches, then only its days. `metadata/`, other files
    and hidden ones (Spark's `_`/`.` convention) are skipped. `list_children(folder)` is `list_folder`
    bound to a session (or a stand-in in tests)."""
    files = []
    for month in window_months(start, end):
        for name, is_dir, path in list_children(f"{dataset_root.rstrip('/')}/{month}"):
            day = day_of_folder(month, name) if is_dir else None
            if day is not None and start <= day < end:
                files += [p for n, d, p in list_children(path) if not d and n.endswith(".json") and n[:1] not in "._"]
    return sorted(files)


def stable_id(*columns) -> "F.Column":
    """A deterministic id from source columns: reprocessing the same input yields the same key."""
    return F.sha2(F.concat_ws("\u001f", *[F.coalesce(c.cast("string"), F.lit("\u0000")) for c in columns]), 256)


# Contacts the CRM does not know, on an account's domain, get ids with this prefix (rm_interactions.classify).
DISCOVERED_PREFIX = "ext-"

# Silver `discovered_contacts` (written by 02, listed in gold by 03): the addresses behind those ids.
DISCOVERED_SCHEMA = T.StructType(
    [
        T.StructField("contact_id", T.StringType(), False),
        T.StructField("window_date", T.DateType(), True),
        T.StructField("email", T.StringType(), False),
        T.StructField("account_id", T.StringType(), True),
        T.StructField("load_id", T.StringType(), True),
        T.StructField("row_hash", T.StringType(), True),
    ]
)


def is_discovered(contact_id) -> F.Column:
    """A contact found in mail or meetings, not in the CRM (its id is derived, not dim_contact's)."""
    return F.col(contact_id).startswith(DISCOVERED_PREFIX) if isinstance(contact_id, str) else contact_id.startswith(DISCOVERED_PREFIX)


def with_row_hash(df: DataFrame, exclude: tuple = ("load_id", "row_hash")) -> DataFrame:
    """Adds row_hash over the business columns, so a MERGE rewrites a row only when it really changed."""
    columns = [c for c in df.columns if c not in exclude]
    return df.withColumn("row_hash", F.sha2(F.to_json(F.struct(*[F.col(c) for c in sorted(columns)])), 256))


def ensure_table(spark: SparkSession, path: str, schema: T.StructType, partition_by: tuple = ()) -> DeltaTable:
    """Creates the Delta table at `path` if missing, with the serverless-safe protocol."""
    builder = DeltaTable.createIfNotExists(spark).location(path).addColumns(schema)
    if partition_by:
        builder = builder.partitionedBy(*partition_by)
    for key, value in SERVERLESS_SAFE_TABLE_PROPERTIES.items():
        builder = builder.property(key, value)
    table = builder.execute()
    # A DeltaTable keeps the snapshot it was made with: after an ALTER, read the table again.
    return DeltaTable.forPath(spark, path) if add_missing_columns(spark, table, path, schema) else table


def add_missing_columns(spark: SparkSession, table: DeltaTable, path: str, schema: T.StructType) -> list:
    """Brings a table written by an earlier release up to the contract: columns the contract added
    are added in contract order (nullable, empty in old rows), so the MERGE that follows succeeds.
    Only additions: a renamed or retyped column is a breaking change and fails the MERGE, loudly."""
    existing = {f.name for f in table.toDF().schema.fields}
    added, previous = [], None
    for field in schema.fields:
        if field.name not in existing:
            position = f"AFTER `{previous}`" if previous else "FIRST"
            spark.sql(f"ALTER TABLE delta.`{path}` ADD COLUMNS (`{field.name}` {field.dataType.simpleString()} {position})")
            added.append(field.name)
        previous = field.name
    if added:
        log_step("schema", table=path.rstrip("/").rsplit("/", 1)[-1], added=added)
    return added


def merge_rows(
    spark: SparkSession,
    path: str,
    rows: DataFrame,
    keys: list,
    schema: T.StructType,
    delete_missing: bool = False,
    delete_where: str = None,
    keep_on_update: tuple = ("load_id",),
    partition_by: tuple = (),
) -> dict:
    """Idempotent upsert (REL-07): insert new keys, update a row only when its row_hash changed
    (leaving `keep_on_update` columns as first written), and, with `delete_missing`, delete target
    rows the new computation no longer has — all of them for snapshot tables, or only those
    matching `delete_where` (a condition on `t.`) for a slice such as one window. The changes are
    counted first: when there are only new keys (a new day's window), they are appended, which
    rewrites no file; a MERGE, which joins and rewrites every file holding a touched row, runs only
    when a row must change or go. Either way a rerun writes nothing it already holds."""
    table = ensure_table(spark, path, schema, partition_by)
    source = rows.select(*[F.col(f.name) for f in schema.fields])
    target = table.toDF().alias("t")
    deletable = (F.expr(delete_where) if delete_where else F.lit(True)) if delete_missing else F.lit(False)
    changes = count_changes(source, target, keys, deletable)
    if changes["updated"] == 0 and changes["deleted"] == 0:
        if changes["inserted"]:
            held = target.select(*[F.col(k).alias(f"_held_{k}") for k in keys])
            new = source.join(held, [source[k].eqNullSafe(held[f"_held_{k}"]) for k in keys], "left_anti")
            new.write.format("delta").mode("append").save(path)
        return changes
    condition = " AND ".join(f"t.`{k}` <=> s.`{k}`" for k in keys)
    update_columns = {f.name: F.col(f"s.`{f.name}`") for f in schema.fields if f.name not in keep_on_update}
    merge = (
        table.alias("t")
        .merge(source.alias("s"), condition)
        .whenMatchedUpdate(condition="t.row_hash <> s.row_hash", set=update_columns)
        .whenNotMatchedInsertAll()
    )
    if delete_missing:
        merge = merge.whenNotMatchedBySourceDelete(condition=delete_where)
    merge.execute()
    return changes


def count_changes(source: DataFrame, target: DataFrame, keys: list, deletable: "F.Column") -> dict:
    """How `source` differs from `target` by key and row_hash, in one pass: keys to insert, rows whose
    hash changed, and target rows that `deletable` marks and the source no longer has."""
    old = target.select(*[F.col(k).alias(f"_old_{k}") for k in keys], F.col("row_hash").alias("_old_hash"), deletable.alias("_deletable"))
    joined = source.select(*keys, "row_hash").join(old, [F.col(k).eqNullSafe(F.col(f"_old_{k}")) for k in keys], "full_outer")
    new_row, old_row = F.col("row_hash").isNotNull(), F.col("_old_hash").isNotNull()
    counts = joined.agg(
        F.sum((new_row & ~old_row).cast("int")).alias("inserted"),
        F.sum((new_row & old_row & (F.col("row_hash") != F.col("_old_hash"))).cast("int")).alias("updated"),
        F.sum((old_row & ~new_row & F.coalesce(F.col("_deletable"), F.lit(False))).cast("int")).alias("deleted"),
    ).collect()[0]
    return {k: int(counts[k] or 0) for k in ("inserted", "updated", "deleted")}


def digest_aggregates(row_hash: "F.Column") -> list:
    """Aggregates from which `combine_digests` builds an order-independent digest of a set of rows:
    the count and two sums of 60-bit slices of each row's hash (a multiset hash; chance collisions
    near 2^-120). Row hashes leave out load_id, so a rerun of the same content has the same digest."""
    slices = [F.conv(F.substring(row_hash, start, 15), 16, 10).cast("decimal(38,0)") for start in (1, 16)]
    return [F.count(F.lit(1)).alias("_n"), F.sum(slices[0]).alias("_a"), F.sum(slices[1]).alias("_b")]


def combine_digests(rows: list, schema: T.StructType) -> str:
    """One digest from rows of `digest_aggregates` (one per group, or one): the schema is part of it,
    so a contract change rewrites the table even when the values did not change."""
    n = sum(int(r["_n"] or 0) for r in rows)
    a = sum(int(r["_a"] or 0) for r in rows)
    b = sum(int(r["_b"] or 0) for r in rows)
    return f"{schema.simpleString()}|{n}|{a}|{b}"


def last_snapshot(spark: SparkSession, path: str) -> dict:
    """What the latest commit of a snapshot table recorded about its content (`write_snapshot`), or {}."""
    if not DeltaTable.isDeltaTable(spark, path):
        return {}
    text = DeltaTable.forPath(spark, path).history(1).select("userMetadata").collect()[0][0]
    try:
        return json.loads(text or "{}").get("relmesh_snapshot", {})
    except ValueError:  # a commit someone else annotated
        return {}


def write_snapshot(
    spark: SparkSession, path: str, rows: DataFrame, keys: list, schema: T.StructType, digest: str, facts: dict = None
) -> dict:
    """Replaces a whole-snapshot table (a CRM dimension, a gold table) with `rows`, the cheapest way
    that keeps the guarantees: when the content digest equals the one the last write recorded, nothing
    is written at all (a rerun adds no commit, REL-07); otherwise one overwrite, reader protocol
    unchanged (serverless-readable), `load_id` kept as first written for keys that stay. A MERGE
    would join and rewrite the same files for a table that is replaced anyway. `facts` (counts the
    caller reports) are stored with the `digest` (combine_digests of the caller's rows, which may
    cover more than the table holds), so an unchanged rerun reports what the first run saw."""
    source = rows.select(*[F.col(f.name) for f in schema.fields])
    previous = last_snapshot(spark, path)
    if previous.get("digest") == digest:
        return {"inserted": 0, "updated": 0, "deleted": 0, "unchanged": True, **previous.get("facts", {})}
    first_write = not DeltaTable.isDeltaTable(spark, path)
    table = ensure_table(spark, path, schema)
    # A caller's digest may cover more than the table's rows (a CRM export's quarantined rows too).
    inserted_all = {"inserted": source.count(), "updated": 0, "deleted": 0} if first_write else None
    changes = inserted_all or count_changes(source, table.toDF(), keys, F.lit(True))
    firsts = table.toDF().select(*keys, F.col("load_id").alias("_old_load_id"))
    kept = source.join(firsts, keys, "left").select(
        *[F.coalesce("_old_load_id", "load_id").alias("load_id") if f.name == "load_id" else F.col(f.name) for f in schema.fields]
    )
    metadata = json.dumps({"relmesh_snapshot": {"digest": digest, "facts": facts or {}}}, sort_keys=True)
    kept.write.format("delta").mode("overwrite").option("userMetadata", metadata).save(path)
    if not any(changes.values()) and last_snapshot(spark, path).get("digest") != digest:
        _record_snapshot(spark, path, metadata)
    return changes


def _record_snapshot(spark: SparkSession, path: str, metadata: str) -> None:
    """Delta writes no commit for an empty overwrite of an empty table (an absent optional CRM
    export, an export whose rows were all quarantined), which would leave its digest and facts
    unrecorded: a rerun would not know it is unchanged, 03_score not that the export is absent.
    A table-property commit carries them instead (the session's commit metadata, set for it alone)."""
    key = "spark.databricks.delta.commitInfo.userMetadata"
    spark.conf.set(key, metadata)
    try:
        marker = hashlib.sha256(metadata.encode("utf-8")).hexdigest()[:16]
        spark.sql(f"ALTER TABLE delta.`{_sql_text(path)}` SET TBLPROPERTIES ('relmesh.snapshot' = '{marker}')")
    finally:
        spark.conf.unset(key)


def table_path(root: str, name: str) -> str:
    return root.rstrip("/") + "/" + name


def lake_database_names(lake_databases_json: str) -> dict:
    """The lake database of each zone, as the pipeline passes them (config/runtime.ts LAKE_DATABASES)."""
    names = json.loads(lake_databases_json or "{}")
    missing = [zone for zone in ("silver", "gold") if not names.get(zone)]
    if missing:
        raise ValueError(f'lake_databases_json names no lake database for {", ".join(missing)}: pass {{"silver": …, "gold": …}}')
    return names


def delta_tables(spark: SparkSession, zone_root: str) -> list:
    """Names of the Delta tables directly under a zone folder (those with a _delta_log), sorted."""
    jvm = spark.sparkContext._jvm
    pattern = jvm.org.apache.hadoop.fs.Path(table_path(zone_root, "*/_delta_log"))
    statuses = pattern.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()).globStatus(pattern) or []
    return sorted(status.getPath().getParent().getName() for status in statuses)


def register_lake_tables(spark: SparkSession, database: str, zone_root: str) -> list:
    """Registers every Delta table of a zone in a lake database (the Spark metastore) at its lake
    location, as the reference architecture does, so Synapse Studio lists them. Idempotent; the data
    stays where it is, and the serving views, not these tables, are the Power BI contract."""
    spark.sql(f"CREATE DATABASE IF NOT EXISTS `{database}` LOCATION '{_sql_text(zone_root)}'")
    names = delta_tables(spark, zone_root)
    for name in names:
        spark.sql(f"CREATE TABLE IF NOT EXISTS `{database}`.`{name}` USING DELTA LOCATION '{_sql_text(table_path(zone_root, name))}'")
    return names


def _sql_text(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")
