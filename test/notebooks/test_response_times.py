"""Response times (issue 11, part 3): the reply rule of notebooks/rm_response_times.py on hand-made
threads, the arithmetic in each test, and the reply factor of the ruleset (response_times).

Default ruleset unless a test overrides a key: max_reply_days 14 (336 hours), fast_reply_hours 24,
fast_reply_factor 1.0, history 365 days, as of 2026-11-16, so the window is [2025-11-16, 2026-11-16).
"""

import datetime as dt

import pytest
from pyspark.sql import types as T

from conftest import Tenant, dims, ingest_in_memory, interactions_df, message, rules, score_accounts

AS_OF = dt.date(2026, 11, 16)


def mail(at: str, direction: str, conversation="t1", seller="s1", contact="c1"):
    return {"occurred_at": at, "direction": direction, "conversation_id": conversation, "seller_id": seller, "contact_id": contact}


def replies(spark, lib, ruleset, rows, **overrides):
    """(pair stats by (seller, contact), account stats by account) at AS_OF, as gold_tables finds them."""
    r = rules(ruleset, **overrides)
    d = dims(spark, lib, Tenant("/unused"))
    found = lib.replies_by_window(lib.thread_mail(interactions_df(spark, lib, rows), d["contacts"], AS_OF), AS_OF, r)
    pairs = {(x["seller_id"], x["contact_id"]): x for x in found["pairs"].collect()}
    accounts = {x["account_id"]: x for x in found["accounts"].collect()}
    return pairs, accounts


# One thread of s1 and c1: out, a nudge a day later, the contact's answer, the seller's answer, the contact's.
THREAD = [
    mail("2026-11-02T09:00:00", "outbound"),
    mail("2026-11-03T09:00:00", "outbound"),  # a nudge: the clock still runs from 11-02 09:00
    mail("2026-11-04T09:00:00", "inbound"),  # contact reply: 48 h after 11-02 09:00, not 24 h after the nudge
    mail("2026-11-04T15:00:00", "outbound"),  # seller reply: 6 h
    mail("2026-11-05T03:00:00", "inbound"),  # contact reply: 12 h
]


def test_a_contact_reply_and_a_seller_reply_are_timed_from_the_run_they_answer(spark, lib, ruleset):
    # contact replies 48 h and 12 h → median 30 h; seller reply 6 h
    p = replies(spark, lib, ruleset, THREAD)[0][("s1", "c1")]
    assert (p["contact_replies"], p["contact_reply_hours_median"]) == (2, pytest.approx(30.0))
    assert (p["seller_replies"], p["seller_reply_hours_median"]) == (1, pytest.approx(6.0))


def test_a_nudge_does_not_reset_the_clock(spark, lib, ruleset):
    # Out 11-02 09:00, nudge 11-03 09:00, answer 11-04 09:00: 48 h (24 h would be timing from the nudge).
    p = replies(spark, lib, ruleset, THREAD[:3])[0][("s1", "c1")]
    assert (p["contact_replies"], p["contact_reply_hours_median"], p["seller_replies"]) == (1, pytest.approx(48.0), 0)
    assert p["seller_reply_hours_median"] is None


def test_two_conversations_of_one_pair_are_not_mixed(spark, lib, ruleset):
    # t2: the contact writes 11-06 00:00, the seller answers 11-06 02:00: 2 h. Mixed into t1 (whose last
    # mail is the contact's, 11-05 03:00) the contact's mail would join that run and the answer take 23 h.
    # Seller replies 6 h (t1) and 2 h (t2) → median 4 h (mixed: median(6, 23) = 14.5).
    rows = THREAD + [mail("2026-11-06T00:00:00", "inbound", "t2"), mail("2026-11-06T02:00:00", "outbound", "t2")]
    p = replies(spark, lib, ruleset, rows)[0][("s1", "c1")]
    assert (p["seller_replies"], p["seller_reply_hours_median"]) == (2, pytest.approx(4.0))
    assert (p["contact_replies"], p["contact_reply_hours_median"]) == (2, pytest.approx(30.0))


def test_an_answer_after_max_reply_days_is_not_a_reply(spark, lib, ruleset):
    # Out 10-01 00:00, in 10-16 00:00: 360 h > 14 days (336 h), a new topic; the seller's answer 6 h later counts.
    rows = [mail("2026-10-01T00:00:00", "outbound"), mail("2026-10-16T00:00:00", "inbound"), mail("2026-10-16T06:00:00", "outbound")]
    p = replies(spark, lib, ruleset, rows)[0][("s1", "c1")]
    assert (p["contact_replies"], p["seller_replies"], p["seller_reply_hours_median"]) == (0, 1, pytest.approx(6.0))
    # With max_reply_days 15 (360 h) the same answer is a reply of 360 h.
    p = replies(spark, lib, ruleset, rows, **{"response_times.max_reply_days": 15})[0][("s1", "c1")]
    assert (p["contact_replies"], p["contact_reply_hours_median"]) == (1, pytest.approx(360.0))


def test_mail_outside_the_window_does_not_count(spark, lib, ruleset):
    # Answered 2025-11-15 (before the window's first day, 2025-11-16), answered again inside: not counted,
    # the mail answered is outside. The answer on the as-of day itself (2026-11-16 02:00) is outside too.
    rows = [
        mail("2025-11-15T12:00:00", "outbound"),
        mail("2025-11-16T12:00:00", "inbound"),
        mail("2026-11-15T20:00:00", "outbound", "t2"),
        mail("2026-11-16T02:00:00", "inbound", "t2"),
    ]
    pairs, _ = replies(spark, lib, ruleset, rows)
    assert ("s1", "c1") not in pairs
    # The same thread a day later is inside: 24 h.
    later = [mail("2025-11-16T12:00:00", "outbound"), mail("2025-11-17T12:00:00", "inbound")]
    assert replies(spark, lib, ruleset, later)[0][("s1", "c1")]["contact_reply_hours_median"] == pytest.approx(24.0)


def test_mail_without_a_conversation_takes_no_part(spark, lib, ruleset):
    rows = [mail("2026-11-02T09:00:00", "outbound", None), mail("2026-11-02T10:00:00", "inbound", None)]
    assert replies(spark, lib, ruleset, rows) == ({}, {})


def test_an_accounts_median_is_over_all_its_replies_not_a_median_of_medians(spark, lib, ruleset):
    # a1: s1–c1 contact replies 48 h and 12 h (median 30); s2–c2 one contact reply of 1 h.
    # Over all three replies: median(1, 12, 48) = 12 h (a median of medians would be median(30, 1) = 15.5).
    other = [
        mail("2026-11-10T08:00:00", "outbound", "t9", "s2", "c2"),
        mail("2026-11-10T09:00:00", "inbound", "t9", "s2", "c2"),
    ]
    pairs, accounts = replies(spark, lib, ruleset, THREAD + other)
    assert pairs[("s2", "c2")]["contact_reply_hours_median"] == pytest.approx(1.0)
    a1 = accounts["a1"]
    assert (a1["contact_replies"], a1["contact_reply_hours_median"]) == (3, pytest.approx(12.0))
    assert (a1["seller_replies"], a1["seller_reply_hours_median"]) == (1, pytest.approx(6.0))


# c1 answers s1 in 1 h (fast, ≤ 24 h); c2 answers s1 in 48 h (slow).
FACTOR_ROWS = [
    mail("2026-11-02T09:00:00", "outbound"),
    mail("2026-11-02T10:00:00", "inbound"),
    mail("2026-11-02T09:00:00", "outbound", "t2", contact="c2"),
    mail("2026-11-04T09:00:00", "inbound", "t2", contact="c2"),
]


def gold(spark, lib, ruleset, rows, **overrides):
    r = rules(ruleset, **overrides)
    tenant = Tenant("/unused")
    tenant.accounts = tenant.accounts + [("a3", "Tailspin", "tailspin.com", "3")]  # as score_accounts adds it
    d = dims(spark, lib, tenant)
    dims_ = {"dim_contact": d["contacts"], "dim_account": d["accounts"], "dim_opportunity": d["opportunities"], "dim_seller": d["sellers"]}
    dims_["discovered_contacts"] = spark.createDataFrame([], lib.DISCOVERED_SCHEMA)
    tables = lib.gold_tables(lib.gold_inputs_from_silver(interactions_df(spark, lib, rows), d["contacts"], AS_OF, r), dims_, AS_OF, r)
    pairs = {(x["seller_id"], x["contact_id"]): x.asDict() for x in tables["pair_scores"].collect()}
    return pairs, {x["account_id"]: x.asDict() for x in tables["account_scores"].collect()}


def test_at_fast_reply_factor_1_every_score_is_identical_to_scoring_without_reply_times(spark, lib, ruleset):
    # score_accounts composes the scoring functions as gold_tables did before reply times existed.
    before_accounts, before_pairs, *_ = score_accounts(spark, lib, ruleset, FACTOR_ROWS, AS_OF)
    pairs, accounts = gold(spark, lib, ruleset, FACTOR_ROWS)
    for row in before_pairs.collect():
        new = pairs[(row["seller_id"], row["contact_id"])]
        assert {k: new[k] for k in row.asDict()} == row.asDict()
    for account_id, row in before_accounts.items():
        assert {k: accounts[account_id][k] for k in row.asDict()} == row.asDict()
    assert pairs[("s1", "c1")]["contact_reply_hours_median"] == pytest.approx(1.0)
    assert pairs[("s1", "c2")]["contact_reply_hours_median"] == pytest.approx(48.0)


def test_fast_reply_factor_2_doubles_the_raw_score_of_a_fast_pair_only(spark, lib, ruleset):
    base, _ = gold(spark, lib, ruleset, FACTOR_ROWS)
    doubled, _ = gold(spark, lib, ruleset, FACTOR_ROWS, **{"response_times.fast_reply_factor": 2.0})
    assert doubled[("s1", "c1")]["raw_score"] == pytest.approx(2 * base[("s1", "c1")]["raw_score"], abs=2e-6)
    assert doubled[("s1", "c1")]["score"] > base[("s1", "c1")]["score"]
    assert doubled[("s1", "c2")]["raw_score"] == base[("s1", "c2")]["raw_score"]
    # The weight itself is unchanged: the factor is on the raw score, as reciprocity is.
    assert doubled[("s1", "c1")]["decayed_weight"] == base[("s1", "c1")]["decayed_weight"]


def test_the_conversation_is_read_in_either_casing_and_is_null_for_meetings_and_mail_without_one(spark, lib, ruleset):
    camel = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-02T09:00:00Z", imid="<a@x>")
    pascal = {k: v for k, v in message("carl@fabrikam.com", ["ann@contoso.com"], "2026-11-02T10:00:00Z", imid="<b@x>").items()}
    pascal["ConversationId"] = pascal.pop("conversationId")
    pascal["conversationId"] = None  # the PascalCase spelling is read when the camelCase one is null
    blank = dict(message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-03T09:00:00Z", imid="<c@x>"), conversationId=" ")
    rows = ingest_in_memory(spark, lib, ruleset, Tenant("/unused"), messages=[camel, pascal, blank])["interactions"]
    by_key = {r["source_key"]: r["conversation_id"] for r in rows}
    assert by_key == {"<a@x>": "conv", "<b@x>": "conv", "<c@x>": None}


def test_a_silver_interactions_table_of_the_previous_release_gains_conversation_id(spark, lib, tmp_path):
    # The table as the release before response times wrote it: every column but conversation_id.
    path = str(tmp_path / "interactions")
    previous = T.StructType([f for f in lib.INTERACTION_SCHEMA.fields if f.name != "conversation_id"])
    old = interactions_df(spark, lib, [mail("2026-11-02T09:00:00", "outbound", None)]).select(*previous.fieldNames())
    spark.createDataFrame(old.rdd, previous).write.format("delta").save(path)
    new = interactions_df(spark, lib, [mail("2026-11-02T10:00:00", "inbound")]).withColumn("interaction_id", lib.F.lit("i-new"))
    new = lib.with_row_hash(new.drop("row_hash"))
    lib.merge_rows(spark, path, new, ["interaction_id"], lib.INTERACTION_SCHEMA)
    stored = spark.read.format("delta").load(path)
    names = stored.schema.fieldNames()
    assert names == lib.INTERACTION_SCHEMA.fieldNames() and names.index("conversation_id") == names.index("subject") + 1
    assert sorted((r["interaction_id"], r["conversation_id"]) for r in stored.collect()) == [("i-new", "t1"), ("i0", None)]


def test_relmesh_evaluate_applies_the_reply_factor_as_03_score_does(spark, lib, ruleset):
    # point_in_time (what `relmesh evaluate` scores with) against gold_tables, at fast_reply_factor 2.0,
    # where the fast pair's doubled raw score moves a1's connectivity score.
    from point_in_time import PointInTimeScorer, load_libraries

    r = rules(ruleset, **{"response_times.fast_reply_factor": 2.0})
    _, doubled = gold(spark, lib, ruleset, FACTOR_ROWS, **{"response_times.fast_reply_factor": 2.0})
    _, plain = gold(spark, lib, ruleset, FACTOR_ROWS)
    assert doubled["a1"]["connectivity_score"] != plain["a1"]["connectivity_score"]
    d = dims(spark, lib, Tenant("/unused"))
    crm = {"dim_contact": d["contacts"], "dim_account": d["accounts"], "dim_opportunity": d["opportunities"], "dim_seller": d["sellers"]}
    interactions = interactions_df(spark, lib, FACTOR_ROWS)
    scorer = PointInTimeScorer(spark, load_libraries(spark), interactions, crm, [("a1", AS_OF)], 3.0, [3.0])
    got = scorer.scores(r)[3.0][("a1", AS_OF)]
    scorer.close()
    assert got == pytest.approx(doubled["a1"]["connectivity_score"], abs=2e-6)
