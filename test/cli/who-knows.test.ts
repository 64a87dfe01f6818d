/** cli/who-knows.ts: the words `relmesh who-knows` prints for an answer from notebooks/local/who_knows.py (issue 11, who knows whom). */
import { Colleague, evidence, formatWhoKnows, pathLine, WhoKnowsAnswer } from "../../cli/who-knows";

const bob: Colleague = {
  rank: 1,
  seller_id: "s2",
  seller_name: "Bob Seller",
  score: 72.44,
  emails_outbound: 12,
  emails_inbound: 9,
  meetings: 3,
  last_interaction_at: "2026-11-12T15:00:00",
};
const ann: Colleague = { ...bob, rank: 2, seller_id: "s1", seller_name: "Ann Seller", score: 40, emails_inbound: 0, meetings: 1 };
const asker = { seller_id: "s1", full_name: "Ann Seller", email: "ann@contoso.com" };

test("the evidence names what the pair did, leaving out what it did not", () => {
  expect(evidence(bob)).toBe("score 72.4: 12 emails sent, 9 emails received, 3 meetings; last 2026-11-12");
  expect(evidence(ann)).toBe("score 40.0: 12 emails sent, 1 meeting; last 2026-11-12");
  expect(evidence({ ...ann, emails_outbound: 0, meetings: 0, last_interaction_at: null })).toBe("score 40.0: no scored interaction");
});

test("the evidence says how fast the contact answers that colleague, and nothing when they never replied", () => {
  // 76.8 hours = 3.2 days
  expect(evidence({ ...bob, contact_reply_hours_median: 76.8 })).toBe(
    "score 72.4: 12 emails sent, 9 emails received, 3 meetings; last 2026-11-12; answers them in a median 3.2 days",
  );
  expect(evidence({ ...bob, contact_reply_hours_median: null })).toBe(evidence(bob));
});

test("the path says whether you know them, whom to ask, or that nobody can introduce you", () => {
  expect(pathLine({ kind: "none_asked" }, "Carl")).toBeNull();
  expect(pathLine({ kind: "direct", rank: 2, score: 40, better: bob }, "Carl")).toBe(
    "You know Carl yourself (rank 2, score 40.0); Bob Seller knows them better (score 72.4).",
  );
  expect(pathLine({ kind: "direct", rank: 1, score: 72.44, better: null }, "Carl")).toBe("You know Carl best yourself (score 72.4).");
  expect(pathLine({ kind: "through", colleague: bob }, "Carl")).toBe("Ask Bob Seller to introduce you: you → Bob Seller → Carl.");
  expect(pathLine({ kind: "nobody" }, "Carl")).toBe("No colleague has a scored interaction with Carl: nobody to ask yet.");
});

test("a contact: who they are, the colleagues strongest first with the evidence, and the asker's path", () => {
  const answer: WhoKnowsAnswer = {
    kind: "contact",
    as_of: "2026-11-16",
    asker,
    contact: { contact_id: "c1", full_name: "Carl Chief", job_title: "CEO", account_name: "Fabrikam" },
    colleagues: [bob, ann],
    colleagues_total: 2,
    path: { kind: "direct", rank: 2, score: 40, better: bob },
  };
  expect(formatWhoKnows(answer).split("\n")).toEqual([
    "Carl Chief, CEO at Fabrikam (scores as of 2026-11-16)",
    "  Colleagues who know them, strongest first (2 of 2):",
    "  1. Bob Seller: score 72.4: 12 emails sent, 9 emails received, 3 meetings; last 2026-11-12",
    "  2. Ann Seller: score 40.0: 12 emails sent, 1 meeting; last 2026-11-12",
    "  You know Carl Chief yourself (rank 2, score 40.0); Bob Seller knows them better (score 72.4).",
    "",
  ]);
  const alone = formatWhoKnows({ ...answer, asker: null, colleagues: [], colleagues_total: 0, path: { kind: "none_asked" } });
  expect(alone).toBe("Carl Chief, CEO at Fabrikam (scores as of 2026-11-16)\n  No colleague has a scored interaction with them.\n");
});

test("an account: its known contacts strongest first, each with the best colleague, the runner-up and the path", () => {
  const answer: WhoKnowsAnswer = {
    kind: "account",
    as_of: "2026-11-16",
    asker,
    account: { account_id: "a1", name: "Fabrikam", tier: 1 },
    crm_contacts: 3,
    contacts: [
      {
        contact_id: "c1",
        full_name: "Carl Chief",
        job_title: "CEO",
        contact_score: 72.44,
        colleagues: [bob, ann],
        colleagues_total: 2,
        path: { kind: "direct", rank: 2, score: 40, better: bob },
      },
      {
        contact_id: "c2",
        full_name: "Dora Buyer",
        job_title: null,
        contact_score: 10,
        colleagues: [{ ...bob, score: 10 }],
        colleagues_total: 1,
        path: { kind: "through", colleague: bob },
      },
    ],
    contacts_total: 2,
  };
  expect(formatWhoKnows(answer).split("\n")).toEqual([
    "Fabrikam (tier 1) (scores as of 2026-11-16)",
    "  2 of 3 CRM contacts known to a colleague; the 2 strongest, with who knows them best:",
    "  • Carl Chief, CEO: Bob Seller (score 72.4: 12 emails sent, 9 emails received, 3 meetings; last 2026-11-12); then Ann Seller (40.0)",
    "      You know Carl Chief yourself (rank 2, score 40.0); Bob Seller knows them better (score 72.4).",
    "  • Dora Buyer: Bob Seller (score 10.0: 12 emails sent, 9 emails received, 3 meetings; last 2026-11-12)",
    "      Ask Bob Seller to introduce you: you → Bob Seller → Dora Buyer.",
    "",
  ]);
});
