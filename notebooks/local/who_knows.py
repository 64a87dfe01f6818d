"""`relmesh who-knows`: who can introduce a seller to a contact or an account, from the last run's gold
`contact_colleagues` (every colleague with a scored pair to a CRM contact, ranked by pair score, with
the evidence) and the CRM dimensions. Reads only; prints one JSON line that cli/who-knows.ts words.

Usage: python who_knows.py REQUEST.json   ({"out": DIR, "contact": EMAIL | "account": NAME, "seller": EMAIL?, "top": N})

Introductions go through one colleague: seller → colleague → contact. Mail between colleagues is not
scored (internal-only items are excluded at ingestion), and mail between two customers is never seen,
so a longer path would rest on nothing measured.
"""

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from last_run import NoAnswer, answer_request, missing_run, read_delta  # noqa: E402


def _plain(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _rows(df) -> list:
    return [{k: _plain(v) for k, v in row.asDict().items()} for row in df.collect()]


def colleagues_of(ranking: list, contact_id: str) -> list:
    """A contact's colleagues, best first (the gold table's rank)."""
    mine = sorted((r for r in ranking if r["contact_id"] == contact_id), key=lambda r: r["rank"])
    return [
        {
            k: r[k]
            for k in ("rank", "seller_id", "seller_name", "score", "emails_outbound", "emails_inbound", "meetings", "last_interaction_at")
        }
        | {"contact_reply_hours_median": r.get("contact_reply_hours_median")}
        for r in mine
    ]


def with_reply_times(ranking: list, pairs) -> list:
    """Each ranking row with how fast the contact answers that colleague (gold pair_scores'
    contact_reply_hours_median; None when never, or when the run predates reply times)."""
    ids = sorted({r["contact_id"] for r in ranking})
    if not ids or "contact_reply_hours_median" not in pairs.columns:
        return ranking
    found = _rows(pairs.filter(pairs.contact_id.isin(ids)).select("seller_id", "contact_id", "contact_reply_hours_median"))
    hours = {(p["seller_id"], p["contact_id"]): p["contact_reply_hours_median"] for p in found}
    return [{**r, "contact_reply_hours_median": hours.get((r["seller_id"], r["contact_id"]))} for r in ranking]


def path_for(asker, colleagues: list) -> dict:
    """How `asker` (a seller row, or None) reaches the contact: directly, through the best colleague
    other than themselves, or not at all."""
    if asker is None:
        return {"kind": "none_asked"}
    own = next((c for c in colleagues if c["seller_id"] == asker["seller_id"]), None)
    via = next((c for c in colleagues if c["seller_id"] != asker["seller_id"]), None)
    if own:
        return {"kind": "direct", "rank": own["rank"], "score": own["score"], "better": via if via and via["rank"] < own["rank"] else None}
    if via:
        return {"kind": "through", "colleague": via}
    return {"kind": "nobody"}


def answer(spark, request: dict) -> dict:
    out = Path(request["out"])
    top = int(request.get("top", 5))

    def read(zone, name):
        path = out / zone / name
        return read_delta(spark, path, missing_run(path, out, "who-knows"))

    ranking_df = read("gold", "contact_colleagues")
    contacts = read("silver", "dim_contact")
    accounts = read("silver", "dim_account")
    sellers = read("silver", "dim_seller")
    as_of = ranking_df.select("as_of").limit(1).collect()
    asker = None
    if request.get("seller"):
        found = _rows(sellers.filter(f"lower(email) = '{_quoted(request['seller'])}'").select("seller_id", "full_name", "email"))
        if not found:
            raise NoAnswer(f"--seller {request['seller']}: no seller (dim_seller) has that email address")
        asker = found[0]
    base = {"as_of": as_of[0]["as_of"].isoformat() if as_of else None, "asker": asker}

    if request.get("contact"):
        email = request["contact"].strip().lower()
        found = _rows(contacts.filter(f"lower(email) = '{_quoted(email)}'").select("contact_id", "account_id", "full_name", "job_title"))
        if not found:
            raise NoAnswer(_unknown_contact(read, email))
        contact = found[0]
        account = _rows(accounts.filter(f"account_id = '{_quoted(contact['account_id'] or '')}'").select("name"))
        ranking = with_reply_times(
            _rows(ranking_df.filter(f"contact_id = '{_quoted(contact['contact_id'])}'")), read("gold", "pair_scores")
        )
        everyone = colleagues_of(ranking, contact["contact_id"])
        shown = everyone[:top]
        return {
            **base,
            "kind": "contact",
            "contact": {**contact, "account_name": account[0]["name"] if account else None},
            "colleagues": shown,
            "colleagues_total": len(everyone),
            "path": path_for(asker, everyone),
        }

    name = request["account"].strip().lower()
    named = _rows(accounts.select("account_id", "name", "tier"))
    exact = [a for a in named if (a["name"] or "").lower() == name]
    partial = exact or [a for a in named if name in (a["name"] or "").lower()]
    if not partial:
        raise NoAnswer(f"--account {request['account']}: no CRM account (dim_account) has that name or contains it")
    if len(partial) > 1:
        listed = ", ".join(sorted(a["name"] for a in partial)[:10])
        raise NoAnswer(f"--account {request['account']} matches {len(partial)} accounts ({listed}): give the full name")
    account = partial[0]
    ranking = with_reply_times(_rows(ranking_df.filter(f"account_id = '{_quoted(account['account_id'])}'")), read("gold", "pair_scores"))
    by_contact = {}
    for r in ranking:
        by_contact.setdefault(r["contact_id"], []).append(r)
    people = {c["contact_id"]: c for c in _rows(contacts.filter(f"account_id = '{_quoted(account['account_id'])}'"))}
    listed = []
    for contact_id, rows in by_contact.items():
        everyone = colleagues_of(rows, contact_id)
        person = people.get(contact_id, {})
        listed.append(
            {
                "contact_id": contact_id,
                "full_name": person.get("full_name"),
                "job_title": person.get("job_title"),
                "contact_score": everyone[0]["score"],
                "colleagues": everyone[:2],
                "colleagues_total": len(everyone),
                "path": path_for(asker, everyone),
            }
        )
    listed.sort(key=lambda c: (-(c["contact_score"] or 0), c["full_name"] or ""))
    return {
        **base,
        "kind": "account",
        "account": account,
        "crm_contacts": len(people),
        "contacts": listed[:top],
        "contacts_total": len(listed),
    }


def _unknown_contact(read, email: str) -> str:
    """Why an address has no answer: not in the CRM at all, or found in mail but not in the CRM."""
    try:
        found = _rows(read("gold", "discovered_contacts").filter(f"email = '{_quoted(email)}'"))
    except NoAnswer:
        found = []
    if found:
        return (
            f"--contact {email} is not in the CRM; it is a discovered contact (gold discovered_contacts): "
            f"{found[0]['interactions']} interactions with {found[0]['sellers_connected']} colleague(s). Add it to the CRM to score it."
        )
    return f"--contact {email}: no CRM contact (dim_contact) has that email address, and no colleague mailed or met it"


def _quoted(text: str) -> str:
    """A value inside a single-quoted Spark SQL literal."""
    return text.replace("\\", "\\\\").replace("'", "\\'")


def main(request_path: str) -> int:
    return answer_request(request_path, "who_knows", answer, {"spark.driver.memory": "1g"})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
