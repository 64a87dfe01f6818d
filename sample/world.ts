/** The people, accounts and CRM records of a tenant: drawn once, up front, from their own stream. */
import { Rng } from "./rng";
import {
  CEO_TITLES,
  COMPANY_SUFFIXES,
  COMPANY_WORDS,
  EXEC_TITLES,
  FIRST_NAMES,
  INDUSTRIES,
  INTERNAL_TOPICS,
  LAST_NAMES,
  SELLER_TITLES,
  STAFF_CONTACT_TITLES,
  STAFF_TITLES,
  UNKNOWN_SENDERS,
  ZONE_NAMES,
} from "./names";
import { Account, Contact, Opportunity, Pair, SampleOptions, User, World } from "./model";
import { addDays } from "./time";
import { plantOutcomes } from "./outcome";

export const INTERNAL_DOMAIN = "contoso.com";

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "");

/** Distinct "first last" names, so that every address is unique without numeric suffixes where possible. */
function nameMaker(rng: Rng) {
  const used = new Set<string>();
  return (domain: string) => {
    for (let attempt = 0; ; attempt++) {
      const first = rng.pick(FIRST_NAMES);
      const last = rng.pick(LAST_NAMES);
      const local = `${first}.${last.replace(/[^A-Za-z]/g, "")}${attempt > 20 ? attempt : ""}`;
      const key = `${local}@${domain}`.toLowerCase();
      if (used.has(key)) continue;
      used.add(key);
      return { name: `${first} ${last}`, local };
    }
  };
}

function makeUsers(rng: Rng, count: number): User[] {
  const nextName = nameMaker(rng);
  const sellerCount = Math.max(2, Math.round(count * 0.6));
  const users: User[] = [];
  for (let i = 0; i < count; i++) {
    const { name, local } = nextName(INTERNAL_DOMAIN);
    const isSeller = i < sellerCount;
    users.push({
      index: i,
      name,
      // Exchange keeps the case the admin typed; CRM may store it differently (see crm.ts).
      address: `${local}@${INTERNAL_DOMAIN}`,
      objectId: rng.guid(),
      isSeller,
      sellerId: isSeller ? rng.guid() : null,
      title: rng.pick(isSeller ? SELLER_TITLES : STAFF_TITLES),
      timeZone: rng.pick(ZONE_NAMES),
      inboxFolderId: `AQMkA${rng.base64(54)}`,
      sentFolderId: `AQMkA${rng.base64(54)}`,
    });
  }
  return users;
}

/** Splits account indexes into the states the scoring rules need to see, each at least once. */
function assignStates(rng: Rng, count: number, days: number) {
  const order = rng.sample(
    Array.from({ length: count }, (_, i) => i),
    count,
  );
  const atLeastOne = (share: number) => (count >= 5 ? Math.max(1, Math.round(count * share)) : 0);
  const untouched = new Set(order.splice(0, atLeastOne(0.08)));
  const cold = new Set(order.splice(0, atLeastOne(0.12)));
  const single = new Set(order.splice(0, atLeastOne(0.15)));
  // Half of the remaining active accounts meet their CEO contact; the others never do.
  const exec = new Set(order.filter(() => rng.chance(0.5)));
  return {
    untouched,
    cold,
    single,
    exec,
    coldLastDay: () => days - 1 - rng.int(45, 100),
    execDay: () => days - 1 - rng.int(2, Math.max(2, Math.min(170, days - 1))),
  };
}

function makeContacts(rng: Rng, accountIndex: number, domain: string, wantsCeo: boolean): Contact[] {
  const nextName = nameMaker(rng);
  const count = Math.min(25, Math.floor(3 * rng.pareto(1.2)));
  const contacts: Contact[] = [];
  for (let i = 0; i < count; i++) {
    const { name, local } = nextName(domain);
    const isCeo = i === 0 && wantsCeo;
    const jobTitle = isCeo ? rng.pick(CEO_TITLES) : rng.chance(0.2) ? rng.pick(EXEC_TITLES) : rng.pick(STAFF_CONTACT_TITLES);
    const address = `${local}@${domain}`.toLowerCase();
    contacts.push({
      contactId: rng.guid(),
      accountIndex,
      name,
      address,
      jobTitle,
      isCeo,
      optedOut: rng.chance(0.03),
      crmEmail: rng.chance(0.25) ? `${local}@${domain[0].toUpperCase()}${domain.slice(1)}` : address,
    });
  }
  return contacts;
}

function makeAccounts(rng: Rng, options: SampleOptions, sellers: User[]): Account[] {
  const states = assignStates(rng, options.accounts, options.days);
  const usedNames = new Set<string>();
  const accounts: Account[] = [];
  for (let i = 0; i < options.accounts; i++) {
    let base = "";
    do {
      base = `${rng.pick(COMPANY_WORDS)}${usedNames.size >= COMPANY_WORDS.length ? ` ${rng.int(2, 999)}` : ""}`;
    } while (usedNames.has(base));
    usedNames.add(base);
    const suffix = rng.pick(COMPANY_SUFFIXES);
    // "Fabrikam, Inc." puts a comma in a CSV field on purpose.
    const name = suffix === "Inc." ? `${base}, Inc.` : `${base} ${suffix}`;
    const domains = [`${slug(base)}.com`];
    if (rng.chance(0.3)) domains.push(rng.chance(0.5) ? `${slug(base)}.co.uk` : `${slug(base)}-${slug(suffix)}.com`);
    const state = states.untouched.has(i) ? "untouched" : states.cold.has(i) ? "cold" : "active";
    const teamSize = states.single.has(i) ? 1 : rng.int(2, Math.min(4, sellers.length));
    const team = rng.sample(sellers, teamSize).map((s) => s.index);
    const exec = states.exec.has(i);
    accounts.push({
      index: i,
      accountId: rng.guid(),
      name,
      domains,
      tier: ([1, 2, 3] as const)[rng.weighted([0.2, 0.35, 0.45])],
      industry: rng.pick(INDUSTRIES),
      ownerSellerIndex: team[0],
      state,
      team,
      contacts: makeContacts(rng, i, domains[0], exec || rng.chance(0.5)),
      notInCrm: [],
      lastActiveDay: state === "cold" ? states.coldLastDay() : options.days - 1,
      execMeetingDay: exec ? states.execDay() : null,
    });
  }
  // Mail to people who opted out must occur: make sure one engaged contact has opted out.
  const engaged = accounts.find((a) => a.state === "active" && a.contacts.length > 1);
  if (engaged) engaged.contacts[1].optedOut = true;
  return accounts;
}

function makeOpportunities(rng: Rng, accounts: Account[], endDate: string, days: number): Opportunity[] {
  const out: Opportunity[] = [];
  for (const account of accounts) {
    const n = rng.int(0, 4);
    for (let k = 0; k < n; k++) {
      const statecode = ([0, 1, 2] as const)[rng.weighted([0.5, 0.3, 0.2])];
      out.push({
        opportunityId: rng.guid(),
        accountIndex: account.index,
        name: `${account.name.replace(/,.*$/, "")} - ${rng.pick(["Expansion", "Renewal", "New licences", "Services"])}`,
        amount: Math.min(5_000_000, Math.round((5000 * rng.pareto(1.1)) / 100) * 100),
        statecode,
        closeDate: addDays(endDate, statecode === 0 ? rng.int(1, 180) : -rng.int(0, days)),
      });
    }
  }
  return out;
}

/** Heavy-tailed weight per seller↔contact pair: a few pairs carry most of the traffic. */
function makePairs(rng: Rng, accounts: Account[]): Pair[] {
  const pairs: Pair[] = [];
  for (const account of accounts) {
    if (account.state === "untouched") continue;
    const tierBoost = account.tier === 1 ? 2 : account.tier === 2 ? 1.3 : 1;
    for (const seller of account.team) {
      account.contacts.forEach((_, contact) => {
        pairs.push({ seller, account: account.index, contact, weight: tierBoost * Math.min(200, rng.pareto(1.1)) });
      });
    }
  }
  return pairs;
}

/** Half the worked accounts get one or two people the CRM does not list, from a stream of their own (the rest of the world is unchanged). */
function addPeopleNotInCrm(accounts: Account[], rng: Rng): void {
  const nextName = nameMaker(rng);
  for (const account of accounts.filter((a) => a.state !== "untouched")) {
    if (!rng.chance(0.5)) continue;
    const known = new Set(account.contacts.map((c) => c.address));
    for (let k = rng.int(1, 2); k > 0; k--) {
      const { name, local } = nextName(account.domains[0]);
      const address = `${local}@${account.domains[0]}`.toLowerCase();
      if (!known.has(address)) account.notInCrm.push({ name, address });
    }
  }
}

export function buildWorld(options: SampleOptions): World {
  const rng = new Rng(options.seed, "world");
  const tenantId = rng.guid();
  const users = makeUsers(rng, options.users);
  const sellers = users.filter((u) => u.isSeller);
  const accounts = makeAccounts(rng, options, sellers);
  const drawn = makeOpportunities(rng, accounts, options.endDate, options.days);
  const pairs = makePairs(rng, accounts);
  // After every draw of the world stream, from a stream of its own: the rest of the tenant is unchanged.
  const planted = options.outcomeSignal
    ? plantOutcomes(drawn, accounts, pairs, { ...options, signal: options.outcomeSignal })
    : { opportunities: drawn, planted: undefined };
  const opportunities = planted.opportunities;
  addPeopleNotInCrm(accounts, new Rng(options.seed, "not-in-crm"));
  const pairCumulative: number[] = [];
  let sum = 0;
  for (const p of pairs) pairCumulative.push((sum += p.weight));
  const series = Array.from({ length: Math.max(2, Math.round(users.length / 6)) }, () => {
    const organizer = rng.int(0, users.length - 1);
    const others = users.filter((u) => u.index !== organizer).map((u) => u.index);
    return {
      organizer,
      attendees: rng.sample(others, rng.int(2, 6)),
      subject: `Weekly ${rng.pick(INTERNAL_TOPICS).toLowerCase()}`,
      masterId: `AAMkAD${rng.base64(105)}`,
      hourUtc: rng.int(14, 20),
    };
  });
  return {
    tenantId,
    domain: INTERNAL_DOMAIN,
    users,
    sellers,
    accounts,
    opportunities,
    pairs,
    pairCumulative,
    unknownSenders: UNKNOWN_SENDERS,
    series,
    ...(planted.planted ? { plantedOutcome: planted.planted } : {}),
  };
}

/** Draws a pair by weight, skipping accounts that are cold by `day`. Null when none is active. */
export function drawPair(world: World, rng: Rng, day: number): Pair | null {
  const { pairs, pairCumulative } = world;
  if (pairs.length === 0) return null;
  const total = pairCumulative[pairCumulative.length - 1];
  for (let attempt = 0; attempt < 30; attempt++) {
    const r = rng.next() * total;
    let lo = 0;
    let hi = pairs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (pairCumulative[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    const pair = pairs[lo];
    if (world.accounts[pair.account].lastActiveDay >= day) return pair;
  }
  return null;
}
