/** `relmesh sample`: writes a synthetic tenant (MGDC layout + CRM files) to a folder, streaming day by day. */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { helpText, intOption, numberOption, parseArgs, UsageError } from "./args";
import { DEFAULT_OPTIONS, SampleOptions } from "../sample/model";
import { generateTenant } from "../sample/generate";
import { FsSink } from "../sample/sink";

const SPEC = {
  values: {
    out: "folder to write the tenant into (required; must be empty or a previous sample)",
    users: `internal mailbox users, 4..5000 (default ${DEFAULT_OPTIONS.users})`,
    accounts: `CRM accounts, 1..10000 (default ${DEFAULT_OPTIONS.accounts})`,
    days: `days of activity ending on --end-date, 1..3650 (default ${DEFAULT_OPTIONS.days})`,
    seed: `random seed, 0..2147483647 (default ${DEFAULT_OPTIONS.seed})`,
    "end-date": `last day of activity, YYYY-MM-DD (default ${DEFAULT_OPTIONS.endDate})`,
    messages: `target message rows (mailbox copies), 0..20000000 (default ${DEFAULT_OPTIONS.messages})`,
    events: `target calendar rows (calendar copies), 0..5000000 (default ${DEFAULT_OPTIONS.events})`,
    "outcome-signal":
      "how strongly won vs lost follows the account's planned engagement before the close date, 0..10 (default 0: independent; see sample/outcome.ts)",
  },
  flags: {
    clean: "leave out the malformed and awkward rows (they are in by default)",
    "no-sources": "leave out the ERP sales orders and service cases (written by default)",
    help: "show this help",
  },
};
const COMMAND = "sample";

export function parseSampleOptions(argv: string[]): { out: string; options: SampleOptions } | null {
  const args = parseArgs(COMMAND, argv, SPEC);
  if (args.flags.has("help")) return null;
  if (args.positionals.length > 0)
    throw new UsageError(`relmesh sample: unexpected argument '${args.positionals[0]}'; options take the form --name value`);
  const out = args.values.out;
  if (!out) throw new UsageError("relmesh sample: --out DIR is required (the folder to write the tenant into)");
  const endDate = args.values["end-date"] ?? DEFAULT_OPTIONS.endDate;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(endDate) || new Date(`${endDate}T00:00:00Z`).toISOString().slice(0, 10) !== endDate) {
    throw new UsageError(`relmesh sample: --end-date must be a calendar date as YYYY-MM-DD, got '${endDate}'`);
  }
  const options: SampleOptions = {
    users: intOption(COMMAND, args, "users", DEFAULT_OPTIONS.users, 4, 5000),
    accounts: intOption(COMMAND, args, "accounts", DEFAULT_OPTIONS.accounts, 1, 10000),
    days: intOption(COMMAND, args, "days", DEFAULT_OPTIONS.days, 1, 3650),
    seed: intOption(COMMAND, args, "seed", DEFAULT_OPTIONS.seed, 0, 2147483647),
    endDate,
    messages: intOption(COMMAND, args, "messages", DEFAULT_OPTIONS.messages, 0, 20_000_000),
    events: intOption(COMMAND, args, "events", DEFAULT_OPTIONS.events, 0, 5_000_000),
    dirty: !args.flags.has("clean"),
    sources: !args.flags.has("no-sources"),
  };
  const signal = numberOption(COMMAND, args, "outcome-signal", 0, 0, 10);
  // Only when planted: with 0 the options, and so tenant.json, are exactly as before the option existed.
  if (signal > 0) options.outcomeSignal = signal;
  return { out, options };
}

/** Empties a folder we may overwrite: absent, empty, or holding a previous sample's tenant.json. */
export function prepareOutput(dir: string): void {
  if (!existsSync(dir)) return;
  const entries = readdirSync(dir);
  if (entries.length === 0) return;
  if (!entries.includes("tenant.json")) {
    throw new UsageError(
      `relmesh sample: ${dir} is not empty and has no tenant.json, so it does not look like a previous sample; choose an empty folder`,
    );
  }
  for (const name of entries) rmSync(join(dir, name), { recursive: true, force: true });
}

export async function sampleCommand(argv: string[]): Promise<number> {
  const parsed = parseSampleOptions(argv);
  if (!parsed) {
    process.stdout.write(`${helpText(COMMAND, "write a synthetic tenant in MGDC's output layout plus CRM files", SPEC)}\n`);
    return 0;
  }
  const dir = resolve(parsed.out);
  prepareOutput(dir);
  const sink = new FsSink(dir);
  // Marks the folder as ours at once, so a run cut short can still be overwritten by the next one.
  sink.write("tenant.json", `${JSON.stringify({ generator: "relmesh-sample", complete: false })}\n`);
  const started = Date.now();
  let reported = 0;
  const manifest = generateTenant(parsed.options, sink, {
    onProgress: ({ day, days, messageRows, eventRows }) => {
      const tenth = Math.floor(((day + 1) * 10) / days);
      if (tenth > reported) {
        reported = tenth;
        process.stderr.write(
          `relmesh sample: ${tenth * 10}% of days, ${messageRows} message rows, ${eventRows} event rows (${((Date.now() - started) / 1000).toFixed(1)} s)\n`,
        );
      }
    },
  });
  sink.write("tenant.json", `${JSON.stringify(manifest, null, 2)}\n`);
  const dirtyRows = Object.values(manifest.dirty).reduce((n, e) => n + e.count, 0);
  process.stdout.write(
    [
      `relmesh sample: wrote ${dir}`,
      `  ${manifest.startDate} .. ${manifest.endDate} (as of ${manifest.asOf}), seed ${manifest.seed}`,
      `  messages: ${manifest.counts.messageRows} rows, ${manifest.counts.distinctInternetMessageIds} distinct internetMessageIds, ${manifest.files.messages} files`,
      `  events:   ${manifest.counts.eventRows} rows, ${manifest.counts.distinctICalUIds} distinct iCalUIds, ${manifest.files.events} files`,
      `  crm:      ${manifest.counts.accounts} accounts, ${manifest.counts.contacts} contacts, ${manifest.counts.opportunities} opportunities, ${manifest.counts.sellers} sellers (crm/)`,
      ...(parsed.options.sources
        ? [
            `  sources:  ${manifest.counts["erp_orders.orders"] ?? 0} ERP orders, ${manifest.counts["service_cases.cases"] ?? 0} service cases (${manifest.counts["service_cases.escalated"] ?? 0} escalated), ${manifest.files.sources} files (erp/, service/)`,
          ]
        : []),
      ...(manifest.outcome
        ? [
            `  outcome:  signal ${manifest.outcome.signal}: ${manifest.outcome.won} won, ${manifest.outcome.lost} lost of ${manifest.outcome.closed} closed opportunities (tenant.json "outcome")`,
          ]
        : []),
      `  dirty:    ${parsed.options.dirty ? `${dirtyRows} rows in ${Object.keys(manifest.dirty).length} kinds, listed in tenant.json` : "none (--clean)"}`,
      "",
    ].join("\n"),
  );
  return 0;
}
