"""Every scoring rule on a tiny hand-made input, with the expected value worked out by hand.

Default ruleset unless a test overrides a key: email 1.0, meeting 3.0, audience full up to 4
participants, in-person 1.5, tentative 0.6, half-life 90 days, one-way factor 0.5 (balanced at 3),
score = 100 * (1 - exp(-raw / 10)).
"""

import datetime as dt
import math

import pytest

from conftest import Tenant, attendee, dims, event, ingest_in_memory, interactions_df, message, rules, score_accounts, score_pairs_of

AS_OF = dt.date(2026, 11, 16)


def score_of(raw):
    return 100 * (1 - math.exp(-raw / 10))


def pairs(spark, lib, ruleset, rows, tenant=None):
    d = dims(spark, lib, tenant or Tenant("/unused"))
    result = score_pairs_of(lib, interactions_df(spark, lib, rows), d["contacts"], AS_OF, ruleset)
    return {(r["seller_id"], r["contact_id"]): r for r in result.collect()}


def test_recency_decays_exponentially_with_the_half_life(spark, lib, ruleset):
    # One outbound email exactly 90 days (one half-life) before the as-of date: 2026-08-18 → 2026-11-16.
    # contribution = 1.0 * 0.5^(90/90) = 0.5; one-way pair: factor 0.5 → raw 0.25
    # score = 100 * (1 - e^(-0.25/10)) = 2.469009
    p = pairs(spark, lib, ruleset, [{"occurred_at": "2026-08-18T00:00:00"}])[("s1", "c1")]
    assert p["decayed_weight"] == pytest.approx(0.5, abs=1e-6)
    assert p["raw_score"] == pytest.approx(0.25, abs=1e-6)
    assert p["score"] == pytest.approx(2.469009, abs=1e-5)


def test_decay_is_continuous_not_in_year_steps(spark, lib, ruleset):
    # 45 days old: 0.5^(45/90) = 0.707107 (a year-step rule would give 1.0)
    p = pairs(spark, lib, ruleset, [{"occurred_at": "2026-10-02T00:00:00"}])[("s1", "c1")]
    assert p["decayed_weight"] == pytest.approx(0.707107, abs=1e-6)


def test_two_way_pairs_score_higher_than_broadcasting(spark, lib, ruleset):
    # Six emails one day old, each 0.5^(1/90) = 0.992328; total 5.953968.
    # 3 out + 3 in: r = min(3, 3) = 3 ≥ balanced_at → factor 1.0 → raw 5.953968 → score 44.8683
    # 6 out + 0 in: r = 0 → factor 0.5 → raw 2.976984 → score 25.7479
    day = "2026-11-15T00:00:00"
    two_way = [{"occurred_at": day, "direction": d} for d in ["outbound"] * 3 + ["inbound"] * 3]
    one_way = [{"occurred_at": day, "direction": "outbound", "contact_id": "c2"}] * 6
    p = pairs(spark, lib, ruleset, two_way + one_way)
    assert p[("s1", "c1")]["reciprocity_factor"] == pytest.approx(1.0)
    assert p[("s1", "c1")]["score"] == pytest.approx(score_of(6 * 0.5 ** (1 / 90)), abs=1e-4)
    assert p[("s1", "c2")]["reciprocity_factor"] == pytest.approx(0.5)
    assert p[("s1", "c2")]["score"] == pytest.approx(score_of(3 * 0.5 ** (1 / 90)), abs=1e-4)


def test_a_meeting_counts_as_a_touch_both_ways(spark, lib, ruleset):
    # 1 outbound email + 1 meeting: r = min(1+1, 0+1) = 1 → factor 0.5 + 0.5 * 1/3 = 0.666667
    p = pairs(
        spark,
        lib,
        ruleset,
        [
            {"occurred_at": "2026-11-15T00:00:00"},
            {"occurred_at": "2026-11-15T00:00:00", "source": "meeting", "direction": "mutual", "weight": 3.0},
        ],
    )
    assert p[("s1", "c1")]["reciprocity_factor"] == pytest.approx(2 / 3, abs=1e-6)


def test_the_score_map_saturates_and_never_divides_by_the_largest_pair(spark, lib, ruleset):
    # raw 10 (a microsecond old, one-way factor set to 1) → 100 * (1 - e^-1) = 63.212056, whatever other
    # pairs do; a pair with raw ≈ 1000 approaches 100 but the map never divides by the largest pair.
    alone = pairs(
        spark,
        lib,
        rules(ruleset, **{"reciprocity.one_way_factor": 1.0}),
        [{"weight": 10.0, "occurred_at": dt.datetime(2026, 11, 15, 23, 59, 59, 999999)}],
    )
    busy = [{"occurred_at": "2026-11-15T00:00:00", "contact_id": "c2", "weight": 50.0}] * 20
    with_busy = pairs(
        spark,
        lib,
        rules(ruleset, **{"reciprocity.one_way_factor": 1.0}),
        [{"weight": 10.0, "occurred_at": dt.datetime(2026, 11, 15, 23, 59, 59, 999999)}] + busy,
    )
    assert alone[("s1", "c1")]["score"] == pytest.approx(63.212056, abs=1e-3)
    assert with_busy[("s1", "c1")]["score"] == alone[("s1", "c1")]["score"]
    assert 99.99 < with_busy[("s1", "c2")]["score"] <= 100


def test_history_outside_the_window_or_after_as_of_is_ignored(spark, lib, ruleset):
    # history_days 365: 2025-11-15 is 366 days old; 2026-11-16 is the as-of day itself (excluded: < as_of).
    p = pairs(
        spark,
        lib,
        ruleset,
        [{"occurred_at": "2025-11-15T00:00:00"}, {"occurred_at": "2026-11-16T08:00:00"}, {"occurred_at": "2026-11-15T00:00:00"}],
    )
    assert p[("s1", "c1")]["interactions"] == 1


def test_opted_out_contacts_never_score_even_if_ingested_earlier(spark, lib, ruleset):
    tenant = Tenant("/unused")
    tenant.contacts = [("c1", "a1", "carl@fabrikam.com", "Carl", "CEO", "true")]
    assert pairs(spark, lib, ruleset, [{"occurred_at": "2026-11-15T00:00:00"}], tenant) == {}


def test_email_audience_factor_shrinks_mass_mail(spark, lib, ruleset):
    # 8 participants: factor = (4/8)^1 = 0.5; 2 participants: 1.0; 301: max(0.02, 4/301) = 0.02
    tenant = Tenant("/unused")
    tenant.contacts = [(f"c{i}", "a1", f"p{i}@fabrikam.com", f"P{i}", "Buyer", "false") for i in range(300)]
    small = message("ann@contoso.com", ["p0@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<small@x>")
    eight = message("ann@contoso.com", [f"p{i}@fabrikam.com" for i in range(7)], "2026-11-10T10:00:00Z", imid="<eight@x>")
    mass = message(
        "ann@contoso.com", ["bob@contoso.com"], "2026-11-10T10:00:00Z", imid="<mass@x>", bcc=[f"p{i}@fabrikam.com" for i in range(299)]
    )
    out = ingest_in_memory(spark, lib, ruleset, tenant, messages=[small, eight, mass])
    weights = {r["source_key"]: r["weight"] for r in out["interactions"]}
    assert weights["<small@x>"] == pytest.approx(1.0)
    assert weights["<eight@x>"] == pytest.approx(0.5)
    assert weights["<mass@x>"] == pytest.approx(0.02)


def test_meeting_weight_combines_modality_response_length_and_audience(spark, lib, ruleset):
    # In person (location set), 90 minutes, 3 people (organizer Ann, Carl tentative, Dora accepted):
    #   Carl: 3.0 * audience 1 * in-person 1.5 * tentative 0.6 * length min(2, 90/60) 1.5 = 4.05
    #   Dora: 3.0 * 1 * 1.5 * 1.0 * 1.5 = 6.75
    # Online (Teams), 60 minutes, Ann + Carl accepted: 3.0 * 1 * 1.0 * 1.0 * 1.0 = 3.0
    tenant = Tenant("/unused")
    in_person = event(
        "ann@contoso.com",
        [attendee("carl@fabrikam.com", "tentativelyAccepted"), attendee("dora@fabrikam.com")],
        "2026-11-10T09:00:00.0000000",
        "2026-11-10T10:30:00.0000000",
        ical="room",
        location="Fabrikam HQ",
    )
    online = event(
        "ann@contoso.com",
        [attendee("carl@fabrikam.com")],
        "2026-11-11T09:00:00.0000000",
        "2026-11-11T10:00:00.0000000",
        ical="teams",
        online=True,
    )
    out = ingest_in_memory(spark, lib, ruleset, tenant, events=[in_person, online])
    got = {(r["source_key"].split("|")[0], r["contact_id"]): (r["weight"], r["modality"], r["response"]) for r in out["interactions"]}
    assert got[("room", "c1")] == (pytest.approx(4.05), "in_person", "tentative")
    assert got[("room", "c2")] == (pytest.approx(6.75), "in_person", "accepted")
    assert got[("teams", "c1")] == (pytest.approx(3.0), "online", "accepted")


def test_meeting_time_zones_convert_to_utc(spark, lib, ruleset):
    # 09:00 Pacific Standard Time on 2026-11-10 (PST, UTC-8) = 17:00 UTC
    e = event(
        "ann@contoso.com",
        [attendee("carl@fabrikam.com")],
        "2026-11-10T09:00:00.0000000",
        "2026-11-10T10:00:00.0000000",
        ical="pst",
        tz="Pacific Standard Time",
    )
    out = ingest_in_memory(spark, lib, ruleset, Tenant("/unused"), events=[e])
    assert out["interactions"][0]["occurred_at"] == dt.datetime(2026, 11, 10, 17, 0)


@pytest.mark.parametrize(
    "case, expected",
    [
        ("cancelled", "cancelled"),
        ("declined", "declined"),
        ("all_day", "all_day"),
    ],
)
def test_meeting_exclusions(spark, lib, ruleset, case, expected):
    kwargs = {"cancelled": {"cancelled": True}, "all_day": {"all_day": True}, "declined": {}}[case]
    response = "declined" if case == "declined" else "accepted"
    e = event(
        "ann@contoso.com",
        [attendee("carl@fabrikam.com", response)],
        "2026-11-10T00:00:00.0000000",
        "2026-11-11T00:00:00.0000000",
        ical="x",
        **kwargs,
    )
    out = ingest_in_memory(spark, lib, ruleset, Tenant("/unused"), events=[e])
    assert out["interactions"] == []
    assert out["events"] == {"x": expected}


@pytest.mark.parametrize(
    "sender, to, subject, draft, expected",
    [
        ("carl@fabrikam.com", ["ann@contoso.com"], "Automatic reply: away", False, "auto_reply"),
        ("carl@fabrikam.com", ["ann@contoso.com"], "Out of Office: back Monday", False, "auto_reply"),
        ("ann@contoso.com", ["bob@contoso.com"], "lunch?", False, "internal_only"),
        ("noreply@microsoft.com", ["ann@contoso.com"], "Your invoice", False, "ignored_address"),
        ("ann@contoso.com", ["someone@unknown-vendor.org"], "hi", False, "unknown_domain"),
        ("ann@contoso.com", ["carl@fabrikam.com"], "draft", True, "draft"),
        ("carl@fabrikam.com", ["erin@northwind.com"], "no seller on it", False, "no_seller_party"),
    ],
)
def test_message_exclusions_are_counted_with_their_reason(spark, lib, ruleset, sender, to, subject, draft, expected):
    m = message(sender, to, "2026-11-10T10:00:00Z", imid="<m@x>", subject=subject, is_draft=draft)
    out = ingest_in_memory(spark, lib, ruleset, Tenant("/unused"), messages=[m])
    assert out["interactions"] == []
    assert out["messages"] == {"<m@x>": expected}


def test_opted_out_contacts_are_excluded_at_ingestion(spark, lib, ruleset):
    tenant = Tenant("/unused")
    tenant.contacts = [("c1", "a1", "carl@fabrikam.com", "Carl", "CEO", "true")]
    out = ingest_in_memory(
        spark, lib, ruleset, tenant, messages=[message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<o@x>")]
    )
    assert out["messages"] == {"<o@x>": "opted_out"}


def test_replies_count_and_directions_are_not_mirrored(spark, lib, ruleset):
    # Ann writes to Carl (one outbound row only); Carl replies (one inbound row). Replies are not dropped.
    out_mail = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<q@x>", subject="Proposal")
    reply = message("carl@fabrikam.com", ["ann@contoso.com"], "2026-11-10T12:00:00Z", imid="<r@x>", subject="RE: Proposal")
    out = ingest_in_memory(spark, lib, ruleset, Tenant("/unused"), messages=[out_mail, reply])
    rows = sorted((r["source_key"], r["direction"], r["seller_id"], r["contact_id"]) for r in out["interactions"])
    assert rows == [("<q@x>", "outbound", "s1", "c1"), ("<r@x>", "inbound", "s1", "c1")]


def test_one_email_counts_once_whichever_mailboxes_hold_a_copy(spark, lib, ruleset):
    # MGDC returns Ann's sent copy and Bob's inbox copy of one message: same internetMessageId.
    copies = [
        message("carl@fabrikam.com", ["ann@contoso.com", "bob@contoso.com"], "2026-11-10T10:00:00Z", imid="<same@x>", puser=p)
        for p in ("ann-object-id", "bob-object-id")
    ]
    out = ingest_in_memory(spark, lib, ruleset, Tenant("/unused"), messages=copies)
    assert sorted(r["seller_id"] for r in out["interactions"]) == ["s1", "s2"]  # one inbound row per seller, not two


def test_bcc_recipients_count_whichever_copy_is_kept(spark, lib, ruleset):
    # Ann's sent copy lists Dora in Bcc; Bob's inbox copy (kept: its id sorts first) does not.
    sent = message(
        "ann@contoso.com",
        ["carl@fabrikam.com", "bob@contoso.com"],
        "2026-11-10T10:00:00Z",
        imid="<b@x>",
        bcc=["dora@fabrikam.com"],
        copy_id="z-ann",
    )
    inbox = {**sent, "id": "a-bob", "bccRecipients": []}
    out = ingest_in_memory(spark, lib, ruleset, Tenant("/unused"), messages=[inbox, sent])
    assert sorted(r["contact_id"] for r in out["interactions"]) == ["c1", "c2"]
    # participants: Ann, Carl, Bob and Dora
    assert {r["participants"] for r in out["interactions"]} == {4}


def test_contacts_outside_crm_count_for_their_domains_account(spark, lib, ruleset):
    out = ingest_in_memory(
        spark,
        lib,
        ruleset,
        Tenant("/unused"),
        messages=[message("ann@contoso.com", ["newperson@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<n@x>")],
    )
    (row,) = out["interactions"]
    assert row["account_id"] == "a1" and row["contact_id"].startswith("ext-")


def test_subjects_are_not_stored_unless_configured(spark, lib, ruleset):
    m = message("ann@contoso.com", ["carl@fabrikam.com"], "2026-11-10T10:00:00Z", imid="<s@x>", subject="Pricing")
    assert ingest_in_memory(spark, lib, ruleset, Tenant("/unused"), messages=[m])["interactions"][0]["subject"] is None
    assert (
        ingest_in_memory(spark, lib, ruleset, Tenant("/unused"), messages=[m], keep_subjects=True)["interactions"][0]["subject"]
        == "Pricing"
    )


def _account_pairs(spark):
    """Pair scores set by hand (the rollup's input), as the scoring notebook would produce them."""
    rows = [
        ("s1", "c1", "a1", 80.0),
        ("s1", "c2", "a1", 30.0),
        ("s2", "c2", "a1", 50.0),
        ("s2", "c4", "a1", 10.0),
        ("s1", "c3", "a2", 60.0),
    ]
    return spark.createDataFrame(rows, "seller_id string, contact_id string, account_id string, score double")


def test_account_rollup_combines_depth_breadth_and_executive_coverage(spark, lib, ruleset):
    # a1 contact scores (best seller): c1 80 (CEO), c2 50, c4 10.
    #   depth = (80 + 50 + 10) / 3 = 46.666667; engaged (≥ 20): c1, c2 → breadth = 100 * min(1, 2/5) = 40
    #   executive: c1 engaged and "Chief Executive Officer" → 100
    #   connectivity = 46.666667*0.5 + 40*0.3 + 100*0.2 = 55.333333; two sellers → not single-threaded
    # a2: c3 60 by s1 only: depth 20, breadth 20, no executive → 10 + 6 + 0 = 16, single-threaded × 0.8 = 12.8
    tenant = Tenant("/unused")
    tenant.contacts.append(("c4", "a1", "finn@fabrikam.com", "Finn", "Analyst", "false"))
    result = {r["account_id"]: r for r in lib.connectivity(_account_pairs(spark), dims(spark, lib, tenant)["contacts"], ruleset).collect()}
    a1, a2 = result["a1"], result["a2"]
    assert a1["depth"] == pytest.approx(46.666667, abs=1e-5)
    assert a1["breadth"] == pytest.approx(40.0)
    assert a1["exec_coverage"] is True and a1["single_threaded"] is False
    assert a1["connectivity_score"] == pytest.approx(55.333333, abs=1e-5)
    assert (a2["connectivity_score"], a2["single_threaded"], a2["exec_coverage"]) == (pytest.approx(12.8), True, False)


def test_executive_titles_match_whole_words_after_normalising(spark, lib):
    df = spark.createDataFrame(
        [("VP, Sales",), ("Chief Financial Officer",), ("Supervisor",), ("ceo",), ("Vice-President EMEA",)], "t string"
    )
    got = [r[0] for r in df.select(lib.title_matches(lib.F.col("t"), ["ceo", "vp", "chief", "vice president"])).collect()]
    assert got == [True, True, False, True, True]


def _accounts(spark, lib, ruleset, rows, tenant=None, **overrides):
    return score_accounts(spark, lib, ruleset, rows, AS_OF, tenant, **overrides)


def test_status_uses_the_last_touch_by_email_or_meeting_against_the_tier_cadence(spark, lib, ruleset):
    # Tier-1 cadence is 30 days. a1: email 10 days ago (meeting 100 days ago) → good_standing.
    # a2 (tier 2, 60 days): last touch 61 days ago → needs_attention. a3: nothing → no_coverage.
    # needs_attention_below is 0 here so that only the cadence decides.
    rows = [
        {"occurred_at": "2026-11-06T00:00:00"},
        {"occurred_at": "2026-08-08T00:00:00", "source": "meeting", "direction": "mutual", "weight": 3.0},
        {"occurred_at": "2026-09-16T00:00:00", "contact_id": "c3", "account_id": "a2"},
    ]
    acc, *_ = _accounts(spark, lib, ruleset, rows, **{"status.needs_attention_below": 0})
    assert (acc["a1"]["status"], acc["a1"]["days_since_last_interaction"]) == ("good_standing", 10)
    assert (acc["a2"]["status"], acc["a2"]["days_since_last_interaction"]) == ("needs_attention", 61)
    assert (acc["a3"]["status"], acc["a3"]["days_since_last_interaction"]) == ("no_coverage", None)


def test_a_low_score_needs_attention_even_when_recent(spark, lib, ruleset):
    # One email yesterday to a non-executive: depth ≈ 1.6, far under 35 → needs_attention.
    acc, *_ = _accounts(spark, lib, ruleset, [{"occurred_at": "2026-11-15T00:00:00", "contact_id": "c3", "account_id": "a2"}])
    assert acc["a2"]["status"] == "needs_attention"


def test_high_priority_comes_from_tier_or_open_pipeline(spark, lib, ruleset):
    # a1 is tier 1; a2 is tier 2 with an open 300,000 opportunity (≥ 250,000); a3 is tier 3 with none.
    acc, *_ = _accounts(spark, lib, ruleset, [])
    assert [acc[a]["is_high_priority"] for a in ("a1", "a2", "a3")] == [True, True, False]
    assert acc["a2"]["open_pipeline"] == 300000.0


def test_checklist_items_record_whether_and_when_they_were_satisfied(spark, lib, ruleset):
    # CEO meeting 100 days ago (within 180) on a1; emails both ways 5 days ago on a1.
    # a2: a meeting with an engineer only → the executive-meeting item is not satisfied.
    rows = [
        {"occurred_at": "2026-08-08T10:00:00", "source": "meeting", "direction": "mutual", "weight": 3.0},
        {"occurred_at": "2026-11-11T10:00:00", "direction": "outbound"},
        {"occurred_at": "2026-11-11T11:00:00", "direction": "inbound"},
        {"occurred_at": "2026-11-01T10:00:00", "source": "meeting", "direction": "mutual", "contact_id": "c3", "account_id": "a2"},
    ]
    acc, p, inter, d, r = _accounts(spark, lib, ruleset, rows)
    items = {
        (x["account_id"], x["item"]): x for x in lib.checklist(lib.as_groups(inter), p, d["accounts"], d["contacts"], AS_OF, r).collect()
    }
    assert items[("a1", "exec_meeting_180d")]["satisfied"] is True
    assert items[("a1", "exec_meeting_180d")]["evidence_at"] == dt.datetime(2026, 8, 8, 10, 0)
    assert items[("a1", "two_way_email_30d")]["evidence_at"] == dt.datetime(2026, 11, 11, 11, 0)
    assert items[("a2", "exec_meeting_180d")]["satisfied"] is False
    assert items[("a2", "exec_meeting_180d")]["evidence_at"] is None
    assert items[("a2", "two_way_email_30d")]["satisfied"] is False


def test_the_engaged_contacts_item_counts_engaged_contacts_not_contacts_touched(spark, lib, ruleset):
    # Issue 11: one outbound email each to three a1 contacts, 5 days ago, scores each pair about 4.7,
    # below engaged_min_score 20: the account has 0 engaged contacts, so the item must not hold.
    tenant = Tenant("/unused")
    tenant.contacts.append(("c4", "a1", "finn@fabrikam.com", "Finn", "Analyst", "false"))
    touched = [{"occurred_at": "2026-11-11T10:00:00", "contact_id": c} for c in ("c1", "c2", "c4")]
    acc, p, inter, d, r = _accounts(spark, lib, ruleset, touched, tenant)
    assert acc["a1"]["engaged_contacts"] == 0
    items = {
        (x["account_id"], x["item"]): x for x in lib.checklist(lib.as_groups(inter), p, d["accounts"], d["contacts"], AS_OF, r).collect()
    }
    assert items[("a1", "three_engaged_contacts_90d")]["satisfied"] is False
    # Three emails each way with each of them yesterday: all three engaged, and the item holds.
    both_ways = [
        {"occurred_at": f"2026-11-15T1{k}:00:00", "contact_id": c, "direction": direction}
        for c in ("c1", "c2", "c4")
        for k, direction in enumerate(["outbound", "inbound"] * 3)
    ]
    acc, p, inter, d, r = _accounts(spark, lib, ruleset, both_ways, tenant)
    items = {
        (x["account_id"], x["item"]): x for x in lib.checklist(lib.as_groups(inter), p, d["accounts"], d["contacts"], AS_OF, r).collect()
    }
    assert acc["a1"]["engaged_contacts"] == 3
    assert items[("a1", "three_engaged_contacts_90d")]["satisfied"] is True
    assert items[("a1", "three_engaged_contacts_90d")]["evidence_at"] == dt.datetime(2026, 11, 15, 15, 0)


def test_trend_compares_with_the_score_one_period_earlier(spark, lib, ruleset):
    # One outbound email 40 days before as-of. Now: 0.5^(40/90) = 0.734867, one-way × 0.5 → raw 0.367434
    #   → 100 * (1 - e^-0.0367434) = 3.607652.
    # 30 days earlier it was 10 days old: 0.5^(10/90) = 0.925875 → raw 0.462937 → 4.523853. trend = -0.916201
    p = pairs(spark, lib, ruleset, [{"occurred_at": "2026-10-07T00:00:00"}])[("s1", "c1")]
    assert p["score"] == pytest.approx(3.607652, abs=1e-5)
    assert p["previous_score"] == pytest.approx(4.523853, abs=1e-5)
    assert p["trend"] == pytest.approx(-0.916201, abs=1e-5)


def test_touchpoints_rank_the_interactions_that_contributed_most(spark, lib, ruleset):
    # A meeting (3.0) outranks two emails (1.0 each); shares are 3/5, 1/5, 1/5 (all one day old).
    rows = [
        {"occurred_at": "2026-11-15T00:00:00"},
        {"occurred_at": "2026-11-15T00:00:00", "direction": "inbound"},
        {"occurred_at": "2026-11-15T00:00:00", "source": "meeting", "direction": "mutual", "weight": 3.0},
    ]
    d = dims(spark, lib, Tenant("/unused"))
    contrib = lib.contributions(interactions_df(spark, lib, rows), d["contacts"], AS_OF, ruleset)
    tp = lib.touchpoints(contrib, lib.as_groups(contrib), ruleset).collect()
    assert [(t["rank"], t["source"], round(t["share"], 6)) for t in sorted(tp, key=lambda t: t["rank"])] == [
        (1, "meeting", 0.6),
        (2, "email", 0.2),
        (3, "email", 0.2),
    ]
