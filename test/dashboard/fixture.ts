/** A small DashboardData with one account of each status, for the unit tests. */
import type { AccountScoreRow, DashboardData } from "../../dashboard/data";

export function account(over: Partial<AccountScoreRow>): AccountScoreRow {
  return {
    account_id: "a1",
    name: "Fabrikam",
    tier: 1,
    connectivity_score: 72.5,
    status: "good_standing",
    days_since_last_interaction: 3,
    last_interaction_at: "2026-11-13T09:00:00",
    last_email_at: "2026-11-13T09:00:00",
    last_meeting_at: "2026-11-01T09:00:00",
    cadence_days: 30,
    connected_contacts: 5,
    discovered_contacts: 0,
    engaged_contacts: 4,
    connected_sellers: 2,
    exec_coverage: true,
    single_threaded: false,
    depth: 60,
    breadth: 80,
    open_pipeline: 300000,
    is_high_priority: true,
    trend: 1.5,
    industry: "Retail",
    sector: "Commercial",
    owner_seller_id: "s1",
    owner_name: "Omar Mendes",
    transaction_size: "Large (250k+)",
    transaction_size_order: 1,
    email_gap_days: 3,
    meeting_gap_days: 15,
    contact_reply_hours_median: 76.8,
    seller_reply_hours_median: 79.2,
    contact_replies: 4,
    seller_replies: 2,
    as_of: "2026-11-16",
    ...over,
  };
}

/** Three accounts; the first one's fields can be overridden (a hostile name, say). */
export function sampleData(first: Partial<AccountScoreRow> = {}): DashboardData {
  return {
    as_of: "2026-11-16",
    account_scores: [
      account({
        account_id: "a2",
        name: "Woodgrove",
        status: "needs_attention",
        connectivity_score: 5.3,
        trend: -1.3,
        single_threaded: true,
        ...first,
      }),
      account({}),
      account({
        account_id: "a3",
        name: "Tailspin",
        status: "no_coverage",
        connectivity_score: 0,
        is_high_priority: false,
        industry: null,
        transaction_size: "No open pipeline",
        transaction_size_order: 4,
        email_gap_days: null,
        meeting_gap_days: null,
      }),
    ],
    pair_scores: [
      {
        seller_id: "s1",
        contact_id: "c1",
        account_id: "a1",
        score: 61.2,
        interactions: 7,
        emails_outbound: 3,
        emails_inbound: 2,
        meetings: 2,
        last_interaction_at: "2026-11-13T09:00:00",
      },
    ],
    who_knows_whom: [],
    interactions_weekly: [
      {
        account_id: "a1",
        seller_id: "s1",
        week_start: "2026-11-09",
        source: "email",
        interactions: 2,
        contribution: 1.7,
        as_of: "2026-11-16",
      },
    ],
    checklist: [
      {
        account_id: "a1",
        item: "multi_threaded",
        description: "More than one seller",
        satisfied: true,
        evidence_at: null,
        as_of: "2026-11-16",
      },
    ],
    touchpoints: [],
    dim_seller: [{ seller_id: "s1", full_name: "Omar Mendes", title: "Account Executive" }],
    dim_contact: [{ contact_id: "c1", account_id: "a1", full_name: "Alex Ueda", job_title: "CFO" }],
  };
}
