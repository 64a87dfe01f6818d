/**
 * `relmesh who-knows --contact EMAIL | --account NAME [--seller EMAIL]`: who can introduce you, from
 * the last local run's gold `contact_colleagues` (notebooks/local/who_knows.py reads it; this module
 * words the answer). Introductions go through one colleague, the only path the data measures.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { helpText, intOption, OptionSpec, parseArgs, UsageError } from "./args";
import { runStreaming } from "./proc";
import { ensurePythonEnv, REPO_ROOT } from "./pyenv";
import { WORK_DIR } from "./start";

const SPEC: OptionSpec = {
  values: {
    contact: "the contact's email address (as in the CRM)",
    account: "the account's name (as in the CRM; a unique part of it will do)",
    seller: "your own email address (as in the CRM's sellers): shows whether you know them or whom to ask",
    out: "the run's output folder (default: .relmesh/out, where `npm start` writes)",
    top: "how many colleagues (--contact) or contacts (--account) to list (default 5)",
  },
  flags: { help: "show this help" },
};

export interface Colleague {
  rank: number;
  seller_id: string;
  seller_name: string | null;
  score: number;
  emails_outbound: number | null;
  emails_inbound: number | null;
  meetings: number | null;
  last_interaction_at: string | null;
  /** Median hours the contact took to answer this colleague (gold pair_scores); null or absent when never. */
  contact_reply_hours_median?: number | null;
}

export type IntroPath =
  | { kind: "none_asked" }
  | { kind: "direct"; rank: number; score: number; better: Colleague | null }
  | { kind: "through"; colleague: Colleague }
  | { kind: "nobody" };

interface Asker {
  seller_id: string;
  full_name: string | null;
  email: string;
}

export type WhoKnowsAnswer =
  | {
      kind: "contact";
      as_of: string | null;
      asker: Asker | null;
      contact: { contact_id: string; full_name: string | null; job_title: string | null; account_name: string | null };
      colleagues: Colleague[];
      colleagues_total: number;
      path: IntroPath;
    }
  | {
      kind: "account";
      as_of: string | null;
      asker: Asker | null;
      account: { account_id: string; name: string; tier: number | null };
      crm_contacts: number;
      contacts: Array<{
        contact_id: string;
        full_name: string | null;
        job_title: string | null;
        contact_score: number;
        colleagues: Colleague[];
        colleagues_total: number;
        path: IntroPath;
      }>;
      contacts_total: number;
    };

const score = (s: number): string => s.toFixed(1);
const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
const who = (c: Colleague): string => c.seller_name ?? c.seller_id;

/** "score 72.4: 12 emails sent, 9 received, 3 meetings; last 2026-11-12; answers them in a median 3.2 days" */
export function evidence(c: Colleague): string {
  const parts = [
    c.emails_outbound ? `${plural(c.emails_outbound, "email")} sent` : null,
    c.emails_inbound ? `${plural(c.emails_inbound, "email")} received` : null,
    c.meetings ? plural(c.meetings, "meeting") : null,
  ].filter(Boolean);
  const last = c.last_interaction_at ? `; last ${c.last_interaction_at.slice(0, 10)}` : "";
  const hours = c.contact_reply_hours_median;
  const answers = hours === null || hours === undefined ? "" : `; answers them in a median ${(hours / 24).toFixed(1)} days`;
  return `score ${score(c.score)}: ${parts.join(", ") || "no scored interaction"}${last}${answers}`;
}

/** One sentence for the asker: whether they know the contact, or whom to ask. */
export function pathLine(path: IntroPath, contactName: string): string | null {
  switch (path.kind) {
    case "none_asked":
      return null;
    case "direct":
      return path.better
        ? `You know ${contactName} yourself (rank ${path.rank}, score ${score(path.score)}); ${who(path.better)} knows them better (score ${score(path.better.score)}).`
        : `You know ${contactName} best yourself (score ${score(path.score)}).`;
    case "through":
      return `Ask ${who(path.colleague)} to introduce you: you → ${who(path.colleague)} → ${contactName}.`;
    case "nobody":
      return `No colleague has a scored interaction with ${contactName}: nobody to ask yet.`;
  }
}

/** The readable answer `relmesh who-knows` prints. Pure. */
export function formatWhoKnows(a: WhoKnowsAnswer): string {
  const asOf = a.as_of ? ` (scores as of ${a.as_of})` : "";
  const lines: string[] = [];
  if (a.kind === "contact") {
    const c = a.contact;
    const name = c.full_name ?? c.contact_id;
    lines.push(`${name}${c.job_title ? `, ${c.job_title}` : ""}${c.account_name ? ` at ${c.account_name}` : ""}${asOf}`);
    if (a.colleagues_total === 0) {
      lines.push("  No colleague has a scored interaction with them.");
    } else {
      lines.push(`  Colleagues who know them, strongest first (${a.colleagues.length} of ${a.colleagues_total}):`);
      for (const col of a.colleagues) lines.push(`  ${col.rank}. ${who(col)}: ${evidence(col)}`);
    }
    const path = pathLine(a.path, name);
    if (path) lines.push(`  ${path}`);
  } else {
    const acct = a.account;
    lines.push(`${acct.name}${acct.tier != null ? ` (tier ${acct.tier})` : ""}${asOf}`);
    lines.push(
      `  ${a.contacts_total} of ${plural(a.crm_contacts, "CRM contact")} known to a colleague; the ${a.contacts.length} strongest, with who knows them best:`,
    );
    for (const c of a.contacts) {
      const name = c.full_name ?? c.contact_id;
      const [best, second] = c.colleagues;
      const runnerUp = second ? `; then ${who(second)} (${score(second.score)})` : "";
      lines.push(`  • ${name}${c.job_title ? `, ${c.job_title}` : ""}: ${who(best)} (${evidence(best)})${runnerUp}`);
      const path = pathLine(c.path, name);
      if (path) lines.push(`      ${path}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export async function whoKnowsCommand(argv: string[]): Promise<number> {
  const args = parseArgs("who-knows", argv, SPEC);
  if (args.flags.has("help")) {
    process.stdout.write(`${helpText("who-knows", "who can introduce you to a contact or an account", SPEC)}\n`);
    return 0;
  }
  const { contact, account, seller } = args.values;
  if (Boolean(contact) === Boolean(account)) {
    throw new UsageError("relmesh who-knows: give exactly one of --contact EMAIL or --account NAME");
  }
  const request = {
    out: resolve(args.values.out ?? join(WORK_DIR, "out")),
    contact,
    account,
    seller,
    top: intOption("who-knows", args, "top", 5, 1, 100),
  };
  const dir = mkdtempSync(join(tmpdir(), "relmesh-who-knows-"));
  try {
    const requestPath = join(dir, "request.json");
    writeFileSync(requestPath, JSON.stringify(request));
    const python = await ensurePythonEnv();
    let answer: WhoKnowsAnswer | undefined;
    let failure: string | undefined;
    const code = await runStreaming(python.python, [join(REPO_ROOT, "notebooks", "local", "who_knows.py"), requestPath], {
      env: python.env,
      onLine: (line, stream) => {
        if (stream !== "stdout" || !line.startsWith("{")) {
          if (process.env.RELMESH_DEBUG) process.stderr.write(`  ${line}\n`);
          return;
        }
        const event = JSON.parse(line) as { event: string; error?: string } & WhoKnowsAnswer;
        if (event.event === "who_knows") answer = event;
        if (event.event === "failed") failure = event.error;
      },
    });
    if (failure) throw new UsageError(`relmesh who-knows: ${failure}`);
    if (code !== 0 || !answer) throw new Error(`relmesh who-knows: python exited with ${code} (RELMESH_DEBUG=1 shows Spark's log)`);
    process.stdout.write(formatWhoKnows(answer));
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
