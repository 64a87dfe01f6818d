/**
 * Undoing a grant when the SQL executor's resource is deleted (the ERP database of a customer,
 * sql/erp-grants.ts): the scripts run like any other (execute.ts, same retries), and a failure is
 * loud, with the reason and the manual fix, unless the target is provably gone (then nothing is left
 * to revoke). "Provably gone" is decided only after the scripts failed, from two answers that cannot
 * come from a mere network or permission problem:
 * - the server's name does not exist in DNS (NXDOMAIN, `ENOTFOUND` from a resolver query) while the
 *   same resolver does resolve a name that must exist (`controlHost`, Azure Resource Manager's, which
 *   the same `pulumi up` is talking to): a resolver that answers NXDOMAIN for everything (a sandbox, a
 *   split-horizon DNS without public names; this session's machine was one) proves nothing, and one
 *   that cannot be reached answers ECONNREFUSED/ETIMEOUT; both are failures;
 * - the database could not be opened (error 4060) and the server's master, reachable and asked by
 *   the same deployer, does not list it in sys.databases.
 * Everything else (firewall 40615, login 18456, a missing admin right, a timeout) fails the delete.
 */
import type { SqlScript } from "../../../sql/script";
import { literal } from "../../../sql";
import { executeSqlScripts, querySql, type ExecuteOptions } from "./execute";

export interface RevokeOptions extends ExecuteOptions {
  /** Resolves a host name (A records; the error's `code` is `ENOTFOUND` for NXDOMAIN). Asked only after a failure. */
  resolveHost: (host: string) => Promise<unknown>;
  /** A name that must resolve if the resolver answers for public names at all. @default - `management.azure.com` */
  controlHost?: string;
}

/** Azure Resource Manager's public endpoint: resolvable wherever `pulumi up` can deploy to Azure's public cloud. */
export const DEFAULT_CONTROL_HOST = "management.azure.com";

/** What became of one script of the revoke. */
export type RevokeOutcome = "revoked" | "server gone" | "database gone";

/** SQL Server error 4060: "Cannot open database … requested by the login." */
const CANNOT_OPEN_DATABASE = 4060;

/** Error number of a SqlScriptError's cause, or of the error itself. */
function sqlErrorNumber(error: unknown): number | undefined {
  const e = error as { number?: unknown; cause?: { number?: unknown } } | undefined;
  const n = e?.cause?.number ?? e?.number;
  return typeof n === "number" ? n : undefined;
}

/**
 * Whether `server` is missing from DNS (NXDOMAIN) according to a resolver that does resolve
 * `controlHost`. Any other answer, including a resolver failure, is "not known to be gone".
 */
export async function serverGone(
  server: string,
  resolveHost: RevokeOptions["resolveHost"],
  controlHost = DEFAULT_CONTROL_HOST,
): Promise<boolean> {
  const answers = (host: string) =>
    resolveHost(host).then(
      () => "found" as const,
      (error: { code?: unknown }) => (error?.code === "ENOTFOUND" ? ("nxdomain" as const) : ("no answer" as const)),
    );
  return (await answers(server)) === "nxdomain" && (await answers(controlHost)) === "found";
}

/** Whether the server's master answers and does not list `database`. A failure to ask is "not known to be gone". */
export async function databaseGone(database: string, options: ExecuteOptions): Promise<boolean> {
  try {
    const rows = await querySql(
      "master",
      `SELECT name FROM sys.databases WHERE name = ${literal(database)};`,
      "database lookup (revoke)",
      options,
    );
    return !rows.some((r) => r.name === database);
  } catch {
    return false;
  }
}

/** The message of a revoke that could not run: what failed, why, and how to finish it by hand. Pure. */
export function revokeFailureMessage(server: string, script: SqlScript, error: unknown): string {
  const reason = error instanceof Error ? error.message : String(error);
  return [
    `Revoking on delete failed: ${script.name} on ${server}, database ${script.database}: ${reason}.`,
    "The stack no longer reads this database, so the access it granted there must go (least privilege, SEC-31).",
    "Fix what stopped the deployer (a firewall rule admitting this machine, membership of the server's Entra admin group) and run pulumi again;",
    `or run ${script.name} (relmesh synth writes it under sql/erp/) in database [${script.database}] as a member of that group,`,
    "then remove this resource from the state with `pulumi state delete <urn>` (`pulumi stack --show-urns` lists it).",
  ].join(" ");
}

/**
 * Runs each revoke script on `server`; returns what became of each, in order. Throws (with
 * {@link revokeFailureMessage}) on any failure that does not prove the target gone.
 */
export async function revokeOnDelete(server: string, scripts: readonly SqlScript[], options: RevokeOptions): Promise<RevokeOutcome[]> {
  const outcomes: RevokeOutcome[] = [];
  for (const script of scripts) {
    try {
      await executeSqlScripts([script], options);
      outcomes.push("revoked");
      continue;
    } catch (error) {
      if (await serverGone(server, options.resolveHost, options.controlHost)) {
        options.log?.(
          `${script.name}: ${server} no longer exists in DNS (NXDOMAIN): the server and the grant on it are gone, nothing to revoke`,
        );
        // Every later script targets the same server.
        return [...outcomes, ...scripts.slice(outcomes.length).map((): RevokeOutcome => "server gone")];
      }
      if (sqlErrorNumber(error) === CANNOT_OPEN_DATABASE && (await databaseGone(script.database, options))) {
        options.log?.(
          `${script.name}: database ${script.database} is no longer on ${server}: the grant in it went with it, nothing to revoke`,
        );
        outcomes.push("database gone");
        continue;
      }
      throw new Error(revokeFailureMessage(server, script, error), { cause: error });
    }
  }
  return outcomes;
}
