"""`relmesh who-knows` (notebooks/local/who_knows.py) over the shared pipeline run (conftest.first_window):
Ann mailed and met Carl, Bob only received Carl's replies, so Ann ranks first for Carl and Bob second;
newperson@fabrikam.com is a discovered contact, not in the CRM. Issue 11, who knows whom."""

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "notebooks" / "local"))
import who_knows  # noqa: E402


def ask(spark, out, **request):
    return who_knows.answer(spark, {"out": str(out), "top": 5, **request})


def test_a_contact_lists_every_colleague_strongest_first_with_the_evidence(spark, first_window):
    out, _, _ = first_window
    got = ask(spark, out, contact="Carl@Fabrikam.com")
    assert got["contact"]["full_name"] == "Carl Chief" and got["contact"]["account_name"] == "Fabrikam"
    ranked = [(c["rank"], c["seller_name"], c["emails_outbound"], c["emails_inbound"], c["meetings"]) for c in got["colleagues"]]
    # Two days: Ann sent 4 and got 4 replies, and met Carl once; Bob got the same 4 replies.
    assert ranked == [(1, "Ann Seller", 4, 4, 1), (2, "Bob Seller", 0, 4, 0)]
    assert got["colleagues"][0]["score"] > got["colleagues"][1]["score"]
    assert got["path"] == {"kind": "none_asked"}


def test_each_colleague_comes_with_how_fast_the_contact_answers_them(spark, first_window):
    # One conversation: Ann writes at 09:00 and 09:01, Carl answers at 10:00 (1 h from 09:00, the nudge does not
    # reset the clock) and 10:01; the next day the same: Carl's replies take 1 h and 1 h → median 1 h. Bob only
    # received copies of Carl's replies: Carl never answered him, so nothing is said.
    got = ask(spark, first_window[0], contact="carl@fabrikam.com")
    assert [(c["seller_name"], c["contact_reply_hours_median"]) for c in got["colleagues"]] == [("Ann Seller", 1.0), ("Bob Seller", None)]


def test_the_asker_learns_whether_they_know_the_contact_or_whom_to_ask(spark, first_window):
    out, _, _ = first_window
    bob = ask(spark, out, contact="carl@fabrikam.com", seller="bob@contoso.com")["path"]
    assert (bob["kind"], bob["rank"], bob["better"]["seller_name"]) == ("direct", 2, "Ann Seller")
    ann = ask(spark, out, contact="carl@fabrikam.com", seller="ann@contoso.com")["path"]
    assert (ann["kind"], ann["better"]) == ("direct", None)


def test_an_account_lists_its_crm_contacts_known_to_a_colleague(spark, first_window):
    out, _, _ = first_window
    got = ask(spark, out, account="fabrik", seller="bob@contoso.com")
    assert got["account"]["name"] == "Fabrikam" and got["crm_contacts"] == 2
    # Dora declined the meeting and newperson is not in the CRM: Carl is the one known contact.
    assert [c["full_name"] for c in got["contacts"]] == ["Carl Chief"]
    assert [c["seller_name"] for c in got["contacts"][0]["colleagues"]] == ["Ann Seller", "Bob Seller"]


@pytest.mark.parametrize(
    "request_,message",
    [
        ({"contact": "newperson@fabrikam.com"}, "is not in the CRM; it is a discovered contact"),
        ({"contact": "nobody@fabrikam.com"}, "no CRM contact (dim_contact) has that email address"),
        ({"account": "i"}, "matches 2 accounts (Fabrikam, Northwind): give the full name"),
        ({"account": "Tailspin"}, "no CRM account (dim_account) has that name"),
        ({"contact": "carl@fabrikam.com", "seller": "eve@contoso.com"}, "--seller eve@contoso.com: no seller"),
    ],
)
def test_what_the_run_cannot_answer_is_said_plainly(spark, first_window, request_, message):
    out, _, _ = first_window
    with pytest.raises(who_knows.NoAnswer, match=message.replace("(", r"\(").replace(")", r"\)")):
        ask(spark, out, **request_)


def test_without_a_run_it_says_how_to_make_one(spark, tmp_path):
    with pytest.raises(who_knows.NoAnswer, match="run `npm start` or `relmesh run --out"):
        ask(spark, tmp_path, contact="carl@fabrikam.com")
