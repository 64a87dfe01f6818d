/**
 * relmesh:firewallRules, checked after the schema (SEC-22): each item an IPv4 address, CIDR or range
 * that is never allow-all nor "all Azure services" and at most a /16, each named once, and together
 * admitting the deployer, since publishing needs the workspace endpoints. An empty list is the
 * deployer's address alone.
 */
import { parseIpv4, formatIpv4, parseCidr, MAX_FIREWALL_RANGE } from "./azure-reference";
import type { Input } from "./stack-input";
import type { Rules } from "./stack-rules";
import type { FirewallRule } from "./stack-types";

export function firewallRules(r: Rules, items: Input["firewallRules"], deployerIp: string): FirewallRule[] {
  const file = r.file;
  const rules: FirewallRule[] = items.map((item, i) => {
    const key = `firewallRules[${i}]`;
    const name = typeof item === "string" ? undefined : item.name;
    const text = typeof item === "string" ? item : item.cidr !== undefined ? item.cidr : `${item.startIpAddress}-${item.endIpAddress}`;
    let start: number | undefined;
    let end: number | undefined;
    if (text.includes("-")) {
      const [a, b] = text.split("-", 2).map((s) => s.trim());
      start = parseIpv4(a);
      end = parseIpv4(b);
      if (start === undefined || end === undefined) r.fail(key, "an IPv4 range a.b.c.d-e.f.g.h", text);
    } else {
      const c = parseCidr(text.trim());
      if (!c) r.fail(key, "an IPv4 address or CIDR aligned to its prefix (e.g. 203.0.113.0/24)", text);
      start = c.start;
      end = c.end;
    }
    const s = start!;
    const e = end!;
    if (s > e) r.fail(key, "a range whose start is not after its end", text);
    if (s === 0 && e === 0)
      r.fail(
        key,
        "a real address range, not 0.0.0.0-0.0.0.0 ('allow all Azure services' admits every Azure customer, SEC-22)",
        text,
        `remove it from relmesh:firewallRules in ${file}`,
      );
    if (s === 0 && e === 0xffffffff)
      r.fail(
        key,
        "a narrow range, never allow-all 0.0.0.0-255.255.255.255 (SEC-22)",
        text,
        `remove it from relmesh:firewallRules in ${file}`,
      );
    if (e - s + 1 > MAX_FIREWALL_RANGE)
      r.fail(key, `at most a /16 (${MAX_FIREWALL_RANGE} addresses)`, text, `narrow it in relmesh:firewallRules in ${file}`);
    const ruleName = name ?? `allow-${formatIpv4(s).replace(/\./g, "-")}${s === e ? "" : `-to-${formatIpv4(e).replace(/\./g, "-")}`}`;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/.test(ruleName)) r.fail(`${key}.name`, "1–80 letters, digits, '_', '.' or '-'", ruleName);
    return { name: ruleName, startIpAddress: formatIpv4(s), endIpAddress: formatIpv4(e) };
  });
  if (rules.length === 0) return [{ name: "deployer", startIpAddress: deployerIp, endIpAddress: deployerIp }];
  const names = rules.map((x) => x.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) r.fail("firewallRules", "a list of rules with distinct names", dup);
  const deployer = parseIpv4(deployerIp)!;
  if (!rules.some((x) => parseIpv4(x.startIpAddress)! <= deployer && deployer <= parseIpv4(x.endIpAddress)!)) {
    r.fail(
      "firewallRules",
      `a list that admits the deployer address ${deployerIp} (publishing artifacts needs the workspace endpoints)`,
      rules.map((x) => `${x.startIpAddress}-${x.endIpAddress}`),
      `add ${deployerIp}/32 to relmesh:firewallRules in ${file}`,
    );
  }
  return rules;
}
