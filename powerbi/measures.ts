/**
 * Every number on the two dashboard pages, once: the DAX measure Power BI evaluates and the name the
 * local dashboard gives its same-named function (dashboard/ imports MEASURE_NAMES). Each DAX stays a
 * single aggregation or filter over one view, because nothing here can evaluate DAX: the local
 * dashboard's function for the same name is the tested side of the pair.
 */

/** A view of the serving contract that a measure can live on (the model's table names). */
export type MeasureTable = "account_scores" | "pair_scores" | "checklist" | "touchpoints" | "interactions_weekly" | "who_knows_whom";

export interface Measure {
  /** Display name, shared with the local dashboard; DAX refers to it as `[name]`. */
  name: string;
  /** Model table the measure is stored on (its home table). */
  table: MeasureTable;
  dax: string;
  /** Power BI format string: whole numbers for counts and days, one decimal for 0–100 scores; "" for a text measure (none written). */
  formatString: string;
  description: string;
}

const COUNT = "0";
const SCORE = "0.0";

export const MEASURES: readonly Measure[] = [
  {
    name: "Accounts",
    table: "account_scores",
    dax: "COUNTROWS('account_scores')",
    formatString: COUNT,
    description: "Accounts in the current filter.",
  },
  {
    name: "High priority accounts",
    table: "account_scores",
    dax: "CALCULATE(COUNTROWS('account_scores'), 'account_scores'[is_high_priority] = TRUE())",
    formatString: COUNT,
    description: "High-priority accounts in the current filter.",
  },
  {
    name: "High priority in good standing",
    table: "account_scores",
    dax: "CALCULATE([High priority accounts], 'account_scores'[status] = \"good_standing\")",
    formatString: COUNT,
    description: "High-priority accounts whose status is good_standing.",
  },
  {
    name: "High priority needing attention",
    table: "account_scores",
    dax: "[High priority accounts] - [High priority in good standing]",
    formatString: COUNT,
    description: "High-priority accounts that need attention or have no coverage.",
  },
  {
    name: "Connectivity score",
    table: "account_scores",
    dax: "AVERAGE('account_scores'[connectivity_score])",
    formatString: SCORE,
    description: "Average connectivity score (0-100); for one account, its score.",
  },
  {
    name: "Email gap (days)",
    table: "account_scores",
    dax: "MAX('account_scores'[email_gap_days])",
    formatString: COUNT,
    description: "Days since the last email with the account (the longest in the filter).",
  },
  {
    name: "Meeting gap (days)",
    table: "account_scores",
    dax: "MAX('account_scores'[meeting_gap_days])",
    formatString: COUNT,
    description: "Days since the last meeting with the account (the longest in the filter).",
  },
  {
    name: "Median reply (contact)",
    table: "account_scores",
    dax: "MAX('account_scores'[contact_reply_hours_median]) / 24",
    formatString: "0.0",
    description:
      "Median days the account's contacts took to answer a seller, over all their replies in the window (blank when none replied); over several accounts, the slowest.",
  },
  {
    name: "Median reply (seller)",
    table: "account_scores",
    dax: "MAX('account_scores'[seller_reply_hours_median]) / 24",
    formatString: "0.0",
    description:
      "Median days the sellers took to answer the account's contacts, over all their replies in the window (blank when none); over several accounts, the slowest.",
  },
  {
    name: "Orders (period)",
    table: "account_scores",
    // Text, as the card shows it ("12 · 48k · down"); the amount carries no currency because gold keeps none.
    dax: [
      "VAR n = SUM('account_scores'[orders_in_period])",
      "VAR v = SUM('account_scores'[order_value_in_period]) + 0",
      "VAR t = SELECTEDVALUE('account_scores'[order_trend])",
      'VAR amount = SWITCH(TRUE(), v >= 1000000, FORMAT(v / 1000000, "0.0") & "M", v >= 1000, FORMAT(v / 1000, "0") & "k", FORMAT(v, "0"))',
      'RETURN IF(ISBLANK(n), BLANK(), FORMAT(n, "0") & " · " & amount & IF(ISBLANK(t), "", " · " & t))',
    ].join(" "),
    formatString: "",
    description:
      "Orders placed in the ruleset's business_signals.period_days before as_of, their total value and the trend against the period before (the trend only when one value is in the filter); blank when the stack has no ERP source.",
  },
  {
    name: "Open escalations",
    table: "account_scores",
    dax: "SUM('account_scores'[open_escalations])",
    formatString: COUNT,
    description:
      "Escalated service cases open at as_of (one makes the account need attention); blank when the stack has no service-case source.",
  },
  {
    name: "Open cases",
    table: "account_scores",
    dax: "SUM('account_scores'[open_cases])",
    formatString: COUNT,
    description: "Service cases open at as_of; blank when the stack has no service-case source.",
  },
  {
    name: "Connected contacts",
    table: "account_scores",
    dax: "SUM('account_scores'[connected_contacts])",
    formatString: COUNT,
    description: "Contacts with at least one scored pair.",
  },
  {
    name: "Contacts not in CRM",
    table: "account_scores",
    dax: "SUM('account_scores'[discovered_contacts])",
    formatString: COUNT,
    description:
      "People on the account's email domain whom sellers mailed or met but the CRM does not know (gold discovered_contacts lists them).",
  },
  {
    name: "Connected sellers",
    table: "account_scores",
    dax: "SUM('account_scores'[connected_sellers])",
    formatString: COUNT,
    description: "Sellers with at least one scored pair.",
  },
  {
    name: "Pair score",
    table: "pair_scores",
    dax: "MAX('pair_scores'[score])",
    formatString: SCORE,
    description: "Seller-contact pair score (0-100): the network's edge weight.",
  },
  {
    name: "Interactions",
    table: "pair_scores",
    dax: "SUM('pair_scores'[interactions])",
    formatString: COUNT,
    description: "Interactions counted in the pair scores.",
  },
  {
    name: "Weekly interactions",
    table: "interactions_weekly",
    dax: "SUM('interactions_weekly'[interactions])",
    formatString: COUNT,
    description: "Interactions per week and source (the event tracker).",
  },
  {
    name: "Touchpoint contribution",
    table: "touchpoints",
    dax: "SUM('touchpoints'[contribution])",
    formatString: "0.00",
    description: "Contribution of the top touchpoints to the account score (weight x decay).",
  },
  {
    name: "Contact score",
    table: "who_knows_whom",
    dax: "MAX('who_knows_whom'[contact_score])",
    formatString: SCORE,
    description: "How well the best-connected colleague knows the contact (0-100).",
  },
  {
    name: "Checklist items met",
    table: "checklist",
    dax: "CALCULATE(COUNTROWS('checklist'), 'checklist'[satisfied] = TRUE())",
    formatString: COUNT,
    description: "Prospecting checklist items satisfied.",
  },
];

/** The measure names, in the order above; the local dashboard implements one function per name. */
export const MEASURE_NAMES: readonly string[] = MEASURES.map((m) => m.name);

/** The measure called `name`; throws naming the known measures, so a typo in a visual fails at generation. */
export function measure(name: string): Measure {
  const found = MEASURES.find((m) => m.name === name);
  if (!found) throw new Error(`unknown measure "${name}": known measures are ${MEASURE_NAMES.join(", ")}`);
  return found;
}
