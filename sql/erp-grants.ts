/**
 * The ERP database's one grant: the Synapse workspace identity as a contained database user from
 * Entra, with SELECT on the ERP schema (SEC-30: no SQL login or password anywhere; the pipeline
 * copies with the workspace's managed identity). Pure; the SQL executor (stacks/publish/sql/) runs
 * it on the ERP server during `pulumi up`, so it must be safe to run on every deploy: each batch
 * checks before it creates, and GRANT of a permission already held changes nothing.
 *
 * A managed identity's database user is named after its display name, which for a Synapse
 * workspace's system-assigned identity is the workspace name ("CREATE USER … FROM EXTERNAL
 * PROVIDER", https://learn.microsoft.com/azure/azure-sql/database/authentication-aad-service-principal).
 */
import type { ErpSource } from "../config/sources";
import type { RelmeshConfig } from "../config/stack";
import { renderBatches } from "./batches";
import { literal, quoteName } from "./index";
import type { SqlScript } from "./script";

/** Name of the script (and of its file in `synth` output). */
export const ERP_GRANT_SCRIPT = "erp-grants.sql";
/** Name of the script that undoes it (and of its file in `synth` output). */
export const ERP_REVOKE_SCRIPT = "erp-revoke.sql";

/**
 * The grant script for an ERP source. With mode create the stack owns the empty database, so it
 * also creates the schema the ERP application writes into; with mode existing a missing schema is
 * the customer's to fix and the GRANT fails loudly, naming it. Pure.
 */
export function erpGrantScript(erp: ErpSource, workspaceName: string): SqlScript {
  const user = quoteName(workspaceName);
  const schema = quoteName(erp.schema);
  const batches: string[] = [];
  if (erp.mode === "create") {
    // CREATE SCHEMA must be alone in its batch, hence EXEC: the check and the statement stay one batch.
    batches.push(`IF SCHEMA_ID(${literal(erp.schema)}) IS NULL\n    EXEC (${literal(`CREATE SCHEMA ${schema}`)});`);
  }
  batches.push(
    [
      "-- The workspace's managed identity, found in Entra by its display name (the workspace name).",
      `IF NOT EXISTS (SELECT 1 FROM sys.database_principals WHERE name = ${literal(workspaceName)})`,
      `    EXEC (${literal(`CREATE USER ${user} FROM EXTERNAL PROVIDER`)});`,
    ].join("\n"),
    [
      "-- Read only, and only the ERP schema: the incremental copy selects the orders table and nothing else.",
      `GRANT SELECT ON SCHEMA::${schema} TO ${user};`,
    ].join("\n"),
  );
  return { name: ERP_GRANT_SCRIPT, database: erp.database, batches };
}

/**
 * What undoes {@link erpGrantScript} on a customer's database (mode existing), run by the SQL
 * executor when the stack stops reading that database: relmesh:erp removed, or pointed at another
 * server, database or schema, or the workspace renamed (least privilege, SEC-31: access the stack no
 * longer needs goes with it). Pure.
 *
 * Two idempotent batches, each touching only what the grant made:
 * 1. REVOKE SELECT ON SCHEMA::schema from the workspace's user, only while the user holds exactly that
 *    grant (state G). A DENY, or a grant WITH GRANT OPTION, is not the stack's doing and stays (a
 *    REVOKE would lift a DENY too, and needs CASCADE for a grantable permission).
 * 2. DROP USER, only when the user is an Entra user (type E, what CREATE USER … FROM EXTERNAL
 *    PROVIDER makes) and nothing else holds it: no permission left except database CONNECT (given to
 *    every user at creation), none it granted to others, no role membership, no schema or object it
 *    owns. Otherwise the customer has given it more by hand: the user is kept and the batch says so
 *    with PRINT (sqlcmd and SSMS show it; on delete the executor logs it to the pulumi output).
 *
 * Mode create has no revoke: its server and database are the stack's and go with it.
 */
export function erpRevokeScript(erp: ErpSource, workspaceName: string): SqlScript {
  const user = quoteName(workspaceName);
  const name = literal(workspaceName);
  const id = `DATABASE_PRINCIPAL_ID(${name})`;
  const revoke = [
    "-- Undo erp-grants.sql's GRANT: SELECT on the ERP schema, only while the workspace's user holds exactly that grant.",
    "IF EXISTS (SELECT 1 FROM sys.database_permissions",
    `           WHERE grantee_principal_id = ${id} AND class = 3 AND major_id = SCHEMA_ID(${literal(erp.schema)})`,
    "             AND permission_name = N'SELECT' AND state = 'G')",
    `    EXEC (${literal(`REVOKE SELECT ON SCHEMA::${quoteName(erp.schema)} FROM ${user}`)});`,
  ].join("\n");
  const drop = [
    "-- Drop the user only if the stack's grant was all it had (CONNECT comes with every user).",
    `IF EXISTS (SELECT 1 FROM sys.database_principals WHERE name = ${name} AND type = 'E')`,
    "BEGIN",
    "    IF NOT EXISTS (SELECT 1 FROM sys.database_permissions",
    `                   WHERE (grantee_principal_id = ${id} AND NOT (class = 0 AND permission_name = N'CONNECT' AND state = 'G'))`,
    `                      OR grantor_principal_id = ${id})`,
    `       AND NOT EXISTS (SELECT 1 FROM sys.database_role_members WHERE member_principal_id = ${id})`,
    `       AND NOT EXISTS (SELECT 1 FROM sys.schemas WHERE principal_id = ${id})`,
    `       AND NOT EXISTS (SELECT 1 FROM sys.objects WHERE principal_id = ${id})`,
    `        EXEC (${literal(`DROP USER ${user}`)});`,
    "    ELSE",
    `        PRINT ${literal(`Kept user ${user}: it holds permissions, roles or objects the stack did not grant; drop it by hand if they are no longer wanted.`)};`,
    "END",
  ].join("\n");
  return { name: ERP_REVOKE_SCRIPT, database: erp.database, batches: [revoke, drop] };
}

/**
 * What the grant is on: database, schema and user (the workspace name). The SQL executor replaces
 * the grant, revoking the old one, when this changes (stacks/publish/providers.ts). Pure.
 */
export function erpGrantTarget(erp: ErpSource, workspaceName: string): string {
  return [erp.database, erp.schema, workspaceName].join("/");
}

/**
 * What undoes the grant when the stack stops reading the database, and what the grant is on (a
 * change of it moves the grant): mode existing only. With mode create the server is the stack's and
 * goes with it, and a revoke against a server being deleted must not hold up destroy. Pure.
 */
export function erpRevoke(erp: ErpSource, workspaceName: string): { scripts: SqlScript[]; target: string } | undefined {
  if (erp.mode !== "existing") return undefined;
  return { scripts: [erpRevokeScript(erp, workspaceName)], target: erpGrantTarget(erp, workspaceName) };
}

/**
 * The ERP scripts the stack runs for this config, as `relmesh synth` shows them for review: the grant
 * (both modes) and, with mode existing, the revoke that runs when the grant goes. The workspace
 * identity's user is named after the workspace, as in stacks/erp-sql.ts. Pure.
 * @default - none without relmesh:erp
 */
export function erpSqlScripts(config: RelmeshConfig): SqlScript[] {
  const erp = config.erp;
  if (!erp) return [];
  const workspace = config.names.synapseWorkspace;
  return [erpGrantScript(erp, workspace), ...(erpRevoke(erp, workspace)?.scripts ?? [])];
}

/** The .sql file of an ERP script: where and when it runs, then its batches joined by GO. Pure. */
export function renderErpSqlFile(script: SqlScript, erp: ErpSource): string {
  const when =
    script.name === ERP_REVOKE_SCRIPT
      ? "-- The stack runs it when relmesh:erp is removed or moved to another server, database or schema, or the workspace is renamed (mode existing only)."
      : "-- The stack runs it on every `pulumi up`.";
  return renderBatches(
    [
      `-- ${script.name}: generated by relmesh from relmesh:erp; do not edit.`,
      `-- Run against database [${script.database}] on ${erp.server.fqdn} as a member of the server's Entra admin group; every batch is rerunnable.`,
      when,
    ],
    script.batches,
  );
}
