"""Fixtures for the notebook tests: one local SparkSession, the library notebooks loaded the way
`%run` loads them (into one namespace), and builders for MGDC rows and CRM files."""

import csv
import functools
import json
import os
import subprocess
import sys
import tempfile
import types
import uuid
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "notebooks" / "local"))

from evaluate import with_overrides  # noqa: E402
from run_notebooks import execute_notebook, run_step  # noqa: E402
from spark_session import local_spark  # noqa: E402

LIBRARIES = [
    "rm_common",
    "rm_reconcile",
    "rm_time_zones",
    "rm_ingest_m365",
    "rm_interactions",
    "rm_ingest_crm",
    "rm_ingest_sources",
    "rm_response_times",
    "rm_scoring",
    "rm_business_signals",
    "rm_serving",
    "rm_score_state",
]
# Test-only lake databases: a name of their own, so tests never write into the real ones' metastore entries.
LAKE_DATABASES = json.dumps({"silver": "relmesh_test_silver", "gold": "relmesh_test_gold"})
# Our MGDC rows in Microsoft's shape (test/fixtures/README.md). Microsoft's own samples are optional:
# the conformance tests find them through RELMESH_MGDC_SAMPLES or beside the clone, and skip without them.
FIXTURES = ROOT / "test" / "fixtures" / "mgdc"
MICROSOFT_SAMPLES = Path(os.environ.get("RELMESH_MGDC_SAMPLES") or ROOT.parent / "shared" / "mgdc-samples").resolve()


@functools.cache
def notebooks_dir() -> Path:
    """The notebooks as the publisher sends them (wire JSON from `relmesh synth`), which the local
    runner executes: one reader of the percent-format sources, synapse-artifacts/notebooks.ts."""
    out = Path(tempfile.mkdtemp(prefix="relmesh-notebooks-"))
    done = subprocess.run(["node", str(ROOT / "bin" / "relmesh.js"), "synth", "--out", str(out)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"relmesh synth failed, so the notebooks could not be converted:\n{done.stderr}")
    return out / "notebook"


@pytest.fixture(scope="session")
def spark():
    session = local_spark({"spark.sql.shuffle.partitions": "2", "spark.default.parallelism": "2", "spark.driver.memory": "2g"})
    yield session
    session.stop()


@pytest.fixture(scope="module", autouse=True)
def _release_cached_data():
    """Tests that call the libraries directly persist what the notebooks persist; one session runs every
    module, so each module's cached data is released when it ends (run_step does so per notebook).
    A module that never started Spark does not start it here."""
    yield
    from pyspark.sql import SparkSession

    session = SparkSession.getActiveSession()
    if session is not None:
        session.catalog.clearCache()


@pytest.fixture(scope="session")
def lib(spark):
    namespace = {"spark": spark, "__name__": "__notebook__"}
    for name in LIBRARIES:
        execute_notebook(notebooks_dir() / f"{name}.json", {}, namespace, notebooks_dir())
    namespace["configure_session"](spark)
    return types.SimpleNamespace(**namespace)


@pytest.fixture(scope="session")
def ruleset():
    return yaml.safe_load((ROOT / "config" / "ruleset.yaml").read_text())


def rules(base: dict, **overrides) -> dict:
    """A deep copy of the ruleset with dotted-key overrides: rules(r, **{"recency.half_life_days": 10})."""
    return with_overrides(base, overrides)


# ---- MGDC row builders (camelCase, as in Microsoft's samples) -------------------------------------


def party(address: str, name: str = None) -> dict:
    return {"emailAddress": {"name": name or address.split("@")[0], "address": address}}


def message(
    sender: str, to: list, sent: str, imid: str = None, cc=(), bcc=(), subject="Hello", puser=None, is_draft=False, copy_id=None
) -> dict:
    imid = imid or f"<{uuid.uuid4()}@test>"
    return {
        "id": copy_id or str(uuid.uuid4()),
        "createdDateTime": sent,
        "lastModifiedDateTime": sent,
        "receivedDateTime": sent,
        "sentDateTime": sent,
        "hasAttachments": False,
        "internetMessageId": imid,
        "subject": subject,
        "bodyPreview": "secret body text",
        "importance": "normal",
        "conversationId": "conv",
        "isDraft": is_draft,
        "isRead": True,
        "sender": party(sender),
        "from": party(sender),
        "toRecipients": [party(a) for a in to],
        "ccRecipients": [party(a) for a in cc],
        "bccRecipients": [party(a) for a in bcc],
        "replyTo": [],
        "body": {"contentType": "html", "content": "<p>secret</p>"},
        "puser": puser or str(uuid.uuid4()),
        "ptenant": "tenant",
        "datarow": 0,
        "userrow": 0,
        "pagerow": 0,
    }


def attendee(address: str, response: str = "accepted", kind: str = "required") -> dict:
    return {
        "type": f"microsoft.graph.attendeeType'{kind}'",
        "status": {
            "response": response
            if response.startswith("microsoft") or response[:1].isupper()
            else f"microsoft.graph.responseType'{response}'",
            "time": "0001-01-01T00:00:00Z",
        },
        "emailAddress": {"name": address.split("@")[0], "address": address},
    }


def event(
    organizer: str,
    attendees: list,
    start: str,
    end: str,
    ical: str = None,
    tz="UTC",
    subject="Meeting",
    online=False,
    location="",
    cancelled=False,
    all_day=False,
    is_organizer=True,
    puser=None,
) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "iCalUId": ical or f"ical-{uuid.uuid4()}",
        "subject": subject,
        "start": {"dateTime": start, "timeZone": tz},
        "end": {"dateTime": end, "timeZone": tz},
        "originalStartTimeZone": tz,
        "originalEndTimeZone": tz,
        "isAllDay": all_day,
        "isCancelled": cancelled,
        "isOrganizer": is_organizer,
        "isOnlineMeeting": online,
        "onlineMeetingProvider": "teamsForBusiness" if online else "unknown",
        "location": {"displayName": location, "locationType": "microsoft.graph.locationType'default'"},
        "organizer": party(organizer),
        "attendees": attendees,
        "type": "singleInstance",
        "lastModifiedDateTime": "2026-01-01T00:00:00Z",
        "responseStatus": {"response": "microsoft.graph.responseType'organizer'", "time": "0001-01-01T00:00:00Z"},
        "puser": puser or str(uuid.uuid4()),
    }


# The columns each CRM table must map, from the schema, as config/crm-mapping.ts CRM_REQUIRED_COLUMNS reads them.
REQUIRED_COLUMNS = {
    t: spec["properties"]["columns"]["required"]
    for t, spec in json.loads((ROOT / "config" / "crm-mapping.schema.json").read_text())["properties"]["tables"]["properties"].items()
}


def notebook_mapping(mapping: dict) -> dict:
    """A CRM mapping as config/crm-mapping.ts crmMappingForNotebook passes it to 01_ingest_crm."""
    return {**mapping, "required_columns": REQUIRED_COLUMNS}


def shipped_mapping(name: str) -> dict:
    """A shipped mapping (relmesh:crmMapping: dynamics365 | salesforce) as the notebook receives it."""
    source = f"config/crm-mappings/{name}.yaml"  # as config/crm-mapping.ts loadCrmMapping records it
    return notebook_mapping({**yaml.safe_load((ROOT / source).read_text()), "source": source})


class Tenant:
    """A data folder in the MGDC + CRM layout, written from hand-made rows."""

    MAPPING = {
        "version": 1,
        # As config/crm-mapping.ts crmMappingForNotebook passes it: the schema's lists, read from the schema.
        "required_columns": REQUIRED_COLUMNS,
        "tables": {
            "accounts": {
                "file": "accounts.csv",
                "columns": {
                    "account_id": "accountid",
                    "name": "name",
                    "domains": "rm_emaildomains",
                    "tier": "rm_tier",
                    "industry": "industrycode",
                    "owner_seller_id": "ownerid",
                },
            },
            "contacts": {
                "file": "contacts.csv",
                "columns": {
                    "contact_id": "contactid",
                    "account_id": "parentcustomerid",
                    "email": "emailaddress1",
                    "full_name": "fullname",
                    "job_title": "jobtitle",
                    "opted_out": "donotemail",
                },
            },
            "opportunities": {
                "file": "opportunities.csv",
                "columns": {
                    "opportunity_id": "opportunityid",
                    "account_id": "parentaccountid",
                    "amount": "estimatedvalue",
                    "status": "statecode",
                    "close_date": "estimatedclosedate",
                },
                "values": {"status": {"0": "open", "1": "won", "2": "lost"}},
            },
            "sellers": {
                "file": "employees.csv",
                "columns": {
                    "seller_id": "systemuserid",
                    "email": "internalemailaddress",
                    "full_name": "fullname",
                    "title": "title",
                    "user_object_id": "azureactivedirectoryobjectid",
                },
            },
        },
    }

    def __init__(self, root: Path):
        self.root = Path(root)
        self.sellers = [("s1", "ann@contoso.com", "Ann Seller"), ("s2", "bob@contoso.com", "Bob Seller")]
        self.accounts = [("a1", "Fabrikam", "fabrikam.com", "1"), ("a2", "Northwind", "northwind.com", "2")]
        self.contacts = [
            ("c1", "a1", "carl@fabrikam.com", "Carl Chief", "Chief Executive Officer", "false"),
            ("c2", "a1", "dora@fabrikam.com", "Dora Buyer", "Procurement Manager", "false"),
            ("c3", "a2", "erin@northwind.com", "Erin", "Engineer", "false"),
        ]
        self.opportunities = [("o1", "a2", "300000", "0", "2026-12-01")]

    def write_crm(self):
        crm = self.root / "crm"
        crm.mkdir(parents=True, exist_ok=True)

        def write(name, header, rows):
            with open(crm / name, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(header)
                w.writerows(rows)

        write(
            "employees.csv",
            ["systemuserid", "internalemailaddress", "fullname", "title", "azureactivedirectoryobjectid"],
            [(i, e, n, "Account Executive", str(uuid.uuid5(uuid.NAMESPACE_DNS, e))) for i, e, n in self.sellers],
        )
        write(
            "accounts.csv",
            ["accountid", "name", "rm_emaildomains", "rm_tier", "industrycode", "ownerid"],
            [(i, n, d, t, "Retail", "s1") for i, n, d, t in self.accounts],
        )
        write("contacts.csv", ["contactid", "parentcustomerid", "emailaddress1", "fullname", "jobtitle", "donotemail"], self.contacts)
        write(
            "opportunities.csv",
            ["opportunityid", "parentaccountid", "estimatedvalue", "statecode", "estimatedclosedate"],
            self.opportunities,
        )
        return self

    def write_lines(self, dataset: str, day: str, lines: list, name: str = None):
        folder = self.root / "m365" / dataset / day.replace("-", "/")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (name or f"{uuid.uuid4()}.json")
        path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n", encoding="utf-8")
        return path

    def messages(self, day: str, rows: list, name: str = None):
        return self.write_lines("BasicDataSet_v0.Message_v1", day, rows, name)

    def events(self, day: str, rows: list, name: str = None):
        return self.write_lines("BasicDataSet_v0.CalendarView_v0", day, rows, name)

    def source_rows(self, raw_folder: str, table_id: str, day: str, lines: list):
        """ERP orders or service cases of one day, where the incremental copy lands them."""
        folder = self.root / raw_folder / day.replace("-", "/")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{table_id}.json"
        path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n", encoding="utf-8")
        return path


PIPELINE = ("01_ingest_crm", "02_ingest_m365", "03_score")
# With the ERP orders and service cases (02_ingest_sources) between ingestion and scoring.
WITH_SOURCES = ("01_ingest_crm", "02_ingest_m365", "02_ingest_sources", "03_score")


@functools.cache
def sources_spec() -> dict:
    """`sources_json` as config/source-tables.ts sourcesForNotebook() generates it for the notebook."""
    code = 'import { sourcesForNotebook } from "./config/source-tables"; process.stdout.write(JSON.stringify(sourcesForNotebook()))'
    done = subprocess.run([str(ROOT / "node_modules" / ".bin" / "tsx"), "-e", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise RuntimeError(f"could not read config/source-tables.ts:\n{done.stderr}")
    return json.loads(done.stdout)


def run_pipeline(
    spark,
    tenant: Tenant,
    out: Path,
    ruleset: dict,
    window: tuple,
    as_of: str,
    keep_subjects=False,
    load_id="test",
    notebooks=PIPELINE,
    mapping: dict = None,
):
    """Runs the notebooks (the three, or the first ones a test checks) over `tenant` into `out`,
    returning their results in order. `mapping` is the CRM mapping as the notebook receives it
    (notebook_mapping); the default is the test tenant's Dynamics-style one."""
    common = {"load_id": load_id}
    steps = [
        {
            "notebook": "01_ingest_crm",
            "parameters": {
                **common,
                "raw_root": str(tenant.root),
                "curated_root": str(out),
                "crm_mapping_json": json.dumps(mapping or Tenant.MAPPING),
            },
        },
        {
            "notebook": "02_ingest_m365",
            "parameters": {
                **common,
                "raw_root": str(tenant.root),
                "curated_root": str(out),
                "window_start": window[0],
                "window_end": window[1],
                "ruleset_json": json.dumps(ruleset),
                "keep_subjects": keep_subjects,
            },
        },
        {
            "notebook": "02_ingest_sources",
            "parameters": {
                **common,
                "raw_root": str(tenant.root),
                "curated_root": str(out),
                "window_start": window[0],
                "window_end": window[1],
                "sources_json": json.dumps(sources_spec()),
                "ruleset_json": json.dumps(ruleset),
            },
        },
        {
            "notebook": "03_score",
            "parameters": {
                **common,
                "curated_root": str(out),
                "as_of": as_of,
                "ruleset_json": json.dumps(ruleset),
                "lake_databases_json": LAKE_DATABASES,
            },
        },
    ]
    return [run_step(spark, notebooks_dir(), s) for s in steps if s["notebook"] in notebooks]


def read_table(spark, out: Path, zone: str, name: str):
    return spark.read.format("delta").load(str(out / zone / name))


# ---- in-memory inputs for transform-level tests (no Delta, fast) ----------------------------------

import datetime as _dt  # noqa: E402


def ts(text: str) -> _dt.datetime:
    return _dt.datetime.fromisoformat(text)


def interactions_df(spark, lib, rows: list):
    """Silver interactions from short dicts; unspecified columns get neutral defaults."""
    defaults = {
        "source": "email",
        "direction": "outbound",
        "seller_id": "s1",
        "contact_id": "c1",
        "account_id": "a1",
        "duration_min": None,
        "participants": 2,
        "modality": "n/a",
        "response": "n/a",
        "subject": None,
        "conversation_id": None,
        "weight": 1.0,
        "window_date": None,
        "load_id": "t",
        "row_hash": None,
    }
    full = []
    for i, r in enumerate(rows):
        row = {**defaults, "interaction_id": f"i{i}", "source_key": f"k{i}", **r}
        row["occurred_at"] = ts(row["occurred_at"]) if isinstance(row["occurred_at"], str) else row["occurred_at"]
        full.append(tuple(row[f.name] for f in lib.INTERACTION_SCHEMA.fields))
    return spark.createDataFrame(full, lib.INTERACTION_SCHEMA)


def dims(spark, lib, tenant: Tenant) -> dict:
    """The tenant's CRM as silver dimension DataFrames, without going through Delta."""
    s = lib.DIM_SCHEMAS
    accounts = [(i, n, [d], int(t), "Retail", "Commercial", "s1", "t", None) for i, n, d, t in tenant.accounts]
    contacts = [(i, a, e.lower(), n, j, o == "true", "t", None) for i, a, e, n, j, o in tenant.contacts]
    sellers = [(i, e, n, "AE", None, "t", None) for i, e, n in tenant.sellers]
    opps = [(i, a, float(v), {"0": "open", "1": "won", "2": "lost"}[st], None, "t", None) for i, a, v, st, _ in tenant.opportunities]
    return {
        "accounts": spark.createDataFrame(accounts, s["accounts"]),
        "contacts": spark.createDataFrame(contacts, s["contacts"]),
        "sellers": spark.createDataFrame(sellers, s["sellers"]),
        "opportunities": spark.createDataFrame(opps, s["opportunities"]),
    }


def lines_df(spark, lines: list, source_file: str = "/data/m365/x/2026/11/01/f.json"):
    return spark.createDataFrame(
        [(line if isinstance(line, str) else json.dumps(line), source_file) for line in lines], "value string, source_file string"
    )


def ingest_in_memory(spark, lib, ruleset: dict, tenant: Tenant, messages=(), events=(), keep_subjects=False):
    """Messages and events (dicts or raw lines) → (interactions, message outcomes, event outcomes) as lists of Rows."""
    d = dims(spark, lib, tenant)
    lookup = lib.directory(d["sellers"], d["contacts"], d["accounts"])
    out = {"interactions": [], "messages": {}, "events": {}}
    if messages:
        parsed = lib.parse_messages(lib.split_records(lines_df(spark, list(messages)), lib.MESSAGE_DATASET))
        good = lib.dedupe_copies(lib.union_recipients(parsed.filter("reason IS NULL")), "internet_message_id", ["copy_id"])
        rows, outcomes = lib.message_interactions(good, lookup, ruleset, keep_subjects, "t")
        out["interactions"] += rows.collect()
        out["messages"] = {r["internet_message_id"]: r["outcome"] for r in outcomes.collect()}
    if events:
        parsed = lib.parse_events(lib.split_records(lines_df(spark, list(events)), lib.EVENT_DATASET))
        good = lib.with_event_key(parsed.filter("reason IS NULL"))
        good = lib.dedupe_copies(good, "event_key", [lib.F.desc("is_organizer"), "copy_id"])
        rows, outcomes = lib.meeting_interactions(good, lookup, ruleset, keep_subjects, "t")
        out["interactions"] += rows.collect()
        out["events"] = {r["event_key"].split("|")[0]: r["outcome"] for r in outcomes.collect()}
    return out


def score_pairs_of(lib, interactions, contacts, as_of, ruleset: dict):
    """Pair scores the way gold_tables composes them (from the full recompute's inputs): contributions
    at as_of, the scores a period before."""
    inputs = lib.gold_inputs_from_silver(interactions, contacts, as_of, ruleset)
    before = lib.score_pairs(lib.pair_aggregates(inputs["groups_before"]), ruleset)
    return lib.pair_scores(lib.pair_aggregates(inputs["groups"]), before, as_of, ruleset)


def score_accounts(spark, lib, ruleset: dict, rows: list, as_of, tenant: Tenant = None, opportunities_export=True, **overrides):
    """Pair and account scores of hand-made interactions over the test tenant plus an untouched
    account a3: (accounts by id, pairs, interactions, dims, ruleset used). `opportunities_export`
    False scores as 03_score does when the CRM has no opportunities export."""
    r = rules(ruleset, **overrides)
    tenant = tenant or Tenant("/unused")
    tenant.accounts = tenant.accounts + [("a3", "Tailspin", "tailspin.com", "3")]
    d = dims(spark, lib, tenant)
    inter = interactions_df(spark, lib, rows)
    inputs = lib.gold_inputs_from_silver(inter, d["contacts"], as_of, r)
    before = lib.score_pairs(lib.pair_aggregates(inputs["groups_before"]), r)
    p = lib.pair_scores(lib.pair_aggregates(inputs["groups"]), before, as_of, r)
    scored = lib.account_scores(
        p,
        before,
        lib.last_touch(inputs["groups"]),
        d["accounts"],
        d["contacts"],
        d["opportunities"] if opportunities_export else None,
        d["sellers"],
        as_of,
        r,
    )
    return {row["account_id"]: row for row in scored.collect()}, p, inter, d, r


# ---- one pipeline run shared by test_pipeline.py and test_gold_contract.py --------------------------

AS_OF = "2026-11-04"
PIPELINE_GOLD = ["pair_scores", "account_scores", "checklist", "touchpoints"]


def day_messages(day: str, n: int):
    rows = []
    for i in range(n):
        rows.append(message("ann@contoso.com", ["carl@fabrikam.com"], f"{day}T09:{i:02d}:00Z", imid=f"<{day}-out-{i}@x>"))
        # the reply sits in two mailboxes: Ann's and Bob's copies of one message
        reply = message("carl@fabrikam.com", ["ann@contoso.com", "bob@contoso.com"], f"{day}T10:{i:02d}:00Z", imid=f"<{day}-in-{i}@x>")
        rows += [reply, {**reply, "id": reply["id"] + "-bob", "puser": "bob"}]
    return rows


@pytest.fixture(scope="session")
def pipeline_tenant(tmp_path_factory):
    """Three days of mail both ways (one reply in two mailboxes, one malformed line a day), a meeting with
    a contact the CRM lacks, an untouched account: every silver and gold table gets rows."""
    t = Tenant(tmp_path_factory.mktemp("tenant")).write_crm()
    for day in ("2026-11-01", "2026-11-02", "2026-11-03"):
        t.messages(day, day_messages(day, 2) + ["{not json"])
    t.events(
        "2026-11-02",
        [
            event(
                "ann@contoso.com",
                # newperson is on Fabrikam's domain but not in the CRM: a discovered contact.
                [attendee("carl@fabrikam.com"), attendee("dora@fabrikam.com", "declined"), attendee("newperson@fabrikam.com")],
                "2026-11-02T14:00:00.0000000",
                "2026-11-02T15:00:00.0000000",
                ical="kickoff",
                location="HQ",
            )
        ],
    )
    return t


@pytest.fixture(scope="session")
def first_window(spark, pipeline_tenant, ruleset, tmp_path_factory):
    """One run of the three notebooks over the first two days, shared by the pipeline and contract tests
    (a run costs tens of seconds): (output folder, notebook results, gold rows as first written)."""
    out = tmp_path_factory.mktemp("out")
    results = run_pipeline(spark, pipeline_tenant, out, ruleset, ("2026-11-01", "2026-11-03"), AS_OF)
    snapshot = {name: sorted(map(tuple, read_table(spark, out, "gold", name).drop("load_id").collect())) for name in PIPELINE_GOLD}
    return out, results, snapshot
