/**
 * A known relationship between engagement and deal outcome, planted on request (`--outcome-signal S`),
 * so that `relmesh evaluate` can be shown to find a signal that is there and none where there is none.
 *
 * Which opportunities are closed, and when, stays as `world.ts` drew it; only the split of the closed
 * ones into won and lost changes, drawn from a stream of its own. Every other file of the tenant is
 * therefore byte-identical with and without the signal: a planted and a null sample differ in nothing
 * but the outcomes.
 */
import { Rng } from "./rng";
import { Account, Opportunity, Pair, PlantedOutcome } from "./model";
import { parseDate, DAY_MS } from "./time";

/** The generator's own share of won among closed opportunities (0.3 won : 0.2 lost in world.ts). */
export const BASE_WON_SHARE = 0.6;
/** The engagement measure looks at the activity planned for this many days before the close date. */
export const ENGAGEMENT_DAYS = 90;

export const ENGAGEMENT_RULE =
  `log(1 + the account's planned activity in the ${ENGAGEMENT_DAYS} days before the close date), where planned activity is the ` +
  "sum of its seller-contact pair weights (each pair's share of the tenant's mail and meetings) times the share of those days " +
  "the account was active (all of them, except after a cold account's last active day)";

/**
 * Days of [closeDay − ENGAGEMENT_DAYS, closeDay) on which an account with activity up to lastActiveDay
 * is active, as a share. Days before the data's first day count as active: the account's relationship
 * did not start with the data, and an outcome that followed the data's start would plant a signal in
 * the calendar rather than in the engagement.
 */
export function activeShare(closeDay: number, lastActiveDay: number): number {
  const from = closeDay - ENGAGEMENT_DAYS;
  const to = Math.min(closeDay, lastActiveDay + 1);
  return Math.max(0, to - from) / ENGAGEMENT_DAYS;
}

/** log(1 + planned activity weight × active share): 0 for an account nobody works. */
export function engagement(pairWeight: number, share: number): number {
  return Math.log1p(pairWeight * share);
}

/** (x − mean) / sd over the list; all zeros when every value is the same. */
export function standardize(values: number[]): number[] {
  if (values.length === 0) return [];
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return values.map((v) => (sd > 0 ? (v - mean) / sd : 0));
}

/** P(won) = sigmoid(logit(base) + signal × z): with signal 0 every closed deal is won at the base rate. */
export function wonProbability(z: number, signal: number, base = BASE_WON_SHARE): number {
  const logit = Math.log(base / (1 - base));
  return 1 / (1 + Math.exp(-(logit + signal * z)));
}

/** Won (1) or lost (2) for each closed opportunity, given its standardized engagement, one draw each in order. */
export function drawOutcomes(z: number[], signal: number, rng: Rng): Array<1 | 2> {
  return z.map((zi) => (rng.next() < wonProbability(zi, signal) ? 1 : 2));
}

/**
 * Re-decides won vs lost for the closed opportunities (statecode 1 or 2) from each account's planned
 * engagement before the close date; open ones are untouched. Returns new opportunities and what was planted.
 */
export function plantOutcomes(
  opportunities: Opportunity[],
  accounts: Account[],
  pairs: Pair[],
  options: { seed: number; days: number; endDate: string; signal: number },
): { opportunities: Opportunity[]; planted: PlantedOutcome } {
  const weight = new Map<number, number>();
  for (const p of pairs) weight.set(p.account, (weight.get(p.account) ?? 0) + p.weight);
  const start = parseDate(options.endDate) - (options.days - 1) * DAY_MS;
  const closed = opportunities.filter((o) => o.statecode !== 0);
  const measure = closed.map((o) => {
    const account = accounts[o.accountIndex];
    const closeDay = Math.round((parseDate(o.closeDate) - start) / DAY_MS);
    return engagement(weight.get(account.index) ?? 0, activeShare(closeDay, account.lastActiveDay));
  });
  const outcomes = drawOutcomes(standardize(measure), options.signal, new Rng(options.seed, "outcome"));
  const decided = new Map(closed.map((o, i) => [o, outcomes[i]]));
  const out = opportunities.map((o) => (decided.has(o) ? { ...o, statecode: decided.get(o)! } : o));
  const won = outcomes.filter((s) => s === 1).length;
  return {
    opportunities: out,
    planted: {
      signal: options.signal,
      baseWonShare: BASE_WON_SHARE,
      engagement: ENGAGEMENT_RULE,
      closed: closed.length,
      won,
      lost: closed.length - won,
    },
  };
}
