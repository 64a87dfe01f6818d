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
import { literal, quoteName } from "./index";
import type { SqlScript } from "./script";

/** Name of the script (and of its file in `synth` output). */
export const ERP_GRANT_SCRIPT = "erp-grants.sql";

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
