/** sample/outcome.ts: the planted relationship between engagement and won/lost (issue 11, weights checked against outcomes). */
import { csvObjects, hashFiles, tenant } from "./helpers";
import { parseSampleOptions } from "../../cli/sample";
import { Rng } from "../../sample/rng";
import { activeShare, BASE_WON_SHARE, drawOutcomes, engagement, standardize, wonProbability } from "../../sample/outcome";

const small = { messages: 4000, events: 800, days: 60, accounts: 120 };

describe("the pure parts", () => {
  it("active share: the days of the 90 before the close on which the account is worked", () => {
    expect(activeShare(100, 200)).toBe(1);
    // Cold from day 49: days 10..49 of 10..99 are active.
    expect(activeShare(100, 49)).toBeCloseTo(40 / 90, 12);
    expect(activeShare(100, 5)).toBe(0);
    // Before the data's first day the account counts as worked: the relationship did not start with the data.
    expect(activeShare(5, 200)).toBe(1);
  });

  it("engagement is log(1 + weight × share), 0 for an account nobody works", () => {
    expect(engagement(0, 1)).toBe(0);
    expect(engagement(10, 0.5)).toBeCloseTo(Math.log(6), 12);
  });

  it("standardize centres and scales, and leaves a constant list at 0", () => {
    const z = standardize([1, 2, 3]);
    expect(z[1]).toBe(0);
    expect(z[2]).toBeCloseTo(Math.sqrt(1.5), 12);
    expect(z[0]).toBeCloseTo(-Math.sqrt(1.5), 12);
    expect(standardize([4, 4])).toEqual([0, 0]);
    expect(standardize([])).toEqual([]);
  });

  it("P(won) is the base share at average engagement or with no signal, and rises with engagement when planted", () => {
    expect(wonProbability(0, 2)).toBeCloseTo(BASE_WON_SHARE, 12);
    expect(wonProbability(1.7, 0)).toBeCloseTo(BASE_WON_SHARE, 12);
    expect(wonProbability(1, 1.5)).toBeGreaterThan(wonProbability(0, 1.5));
    expect(wonProbability(-1, 1.5)).toBeLessThan(wonProbability(0, 1.5));
    // logit(0.6) + 1 · 1 = 1.405…: sigmoid of it.
    expect(wonProbability(1, 1)).toBeCloseTo(1 / (1 + Math.exp(-(Math.log(1.5) + 1))), 12);
  });

  it("with a strong signal the engaged win and the unengaged lose; with none the engagement does not matter", () => {
    const z = Array.from({ length: 2000 }, (_, i) => (i % 2 === 0 ? 1 : -1));
    const share = (outcomes: number[], parity: number) =>
      outcomes.filter((o, i) => i % 2 === parity && o === 1).length / outcomes.filter((_, i) => i % 2 === parity).length;
    const planted = drawOutcomes(z, 3, new Rng(1, "t"));
    expect(share(planted, 0)).toBeGreaterThan(0.9);
    expect(share(planted, 1)).toBeLessThan(0.2);
    const none = drawOutcomes(z, 0, new Rng(1, "t"));
    expect(Math.abs(share(none, 0) - share(none, 1))).toBeLessThan(0.06);
  });
});

describe("the generator", () => {
  it("signal 0 (or none) leaves every file byte-identical to a tenant made without the option", () => {
    expect(hashFiles(tenant({ ...small, outcomeSignal: 0 }).files)).toBe(hashFiles(tenant(small).files));
    expect(tenant({ ...small, outcomeSignal: 0 }).manifest).toEqual(tenant(small).manifest);
    expect(tenant(small).manifest.outcome).toBeUndefined();
    expect("outcomeSignal" in tenant(small).manifest.options).toBe(false);
  });

  it("a planted signal changes only won vs lost of closed opportunities, and tenant.json records it", () => {
    const none = tenant(small);
    const planted = tenant({ ...small, outcomeSignal: 2 });
    const changed = [...planted.files.keys()].filter((p) => planted.files.get(p) !== none.files.get(p));
    expect(changed).toEqual(["crm/opportunities.csv"]);
    const before = csvObjects(none.files.get("crm/opportunities.csv")!);
    const after = csvObjects(planted.files.get("crm/opportunities.csv")!);
    expect(after.map(({ statecode: _s, ...rest }) => rest)).toEqual(before.map(({ statecode: _s, ...rest }) => rest));
    after.forEach((o, i) => expect(o.statecode === "0").toBe(before[i].statecode === "0"));
    const closed = after.filter((o) => o.statecode !== "0" && o.opportunityid !== "");
    const { outcome, options } = planted.manifest;
    expect(options.outcomeSignal).toBe(2);
    expect(outcome).toMatchObject({
      signal: 2,
      baseWonShare: BASE_WON_SHARE,
      closed: closed.length,
      won: closed.filter((o) => o.statecode === "1").length,
      lost: closed.filter((o) => o.statecode === "2").length,
    });
    expect(outcome!.engagement).toMatch(/^log\(1 \+ the account's planned activity in the 90 days before the close date\)/);
  });

  it("at signal 3, accounts nobody works lose far more often than the rest", () => {
    const planted = tenant({ ...small, outcomeSignal: 3 });
    const untouched = new Set(planted.manifest.scenarios.untouchedAccounts as string[]);
    const closed = csvObjects(planted.files.get("crm/opportunities.csv")!).filter((o) => o.statecode !== "0" && o.opportunityid);
    const wonShare = (rows: typeof closed) => rows.filter((o) => o.statecode === "1").length / rows.length;
    const cold = closed.filter((o) => untouched.has(o.parentaccountid));
    const worked = closed.filter((o) => !untouched.has(o.parentaccountid));
    expect(cold.length).toBeGreaterThan(5);
    expect(wonShare(cold)).toBeLessThan(0.15);
    expect(wonShare(worked)).toBeGreaterThan(0.5);
  });
});

describe("relmesh sample --outcome-signal", () => {
  it("is recorded only when above 0", () => {
    expect(parseSampleOptions(["--out", "x", "--outcome-signal", "1.5"])!.options.outcomeSignal).toBe(1.5);
    expect("outcomeSignal" in parseSampleOptions(["--out", "x", "--outcome-signal", "0"])!.options).toBe(false);
    expect("outcomeSignal" in parseSampleOptions(["--out", "x"])!.options).toBe(false);
  });

  it.each([["-1"], ["abc"], ["11"], [""]])("rejects %j", (value) => {
    // `=` keeps a leading minus a value rather than an option.
    expect(() => parseSampleOptions(["--out", "x", `--outcome-signal=${value}`])).toThrow(
      `relmesh sample: --outcome-signal must be a number from 0 to 10, got '${value}'`,
    );
  });
});
