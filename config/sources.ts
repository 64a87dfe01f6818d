/**
 * The two optional business sources of issue 12: ERP orders on Azure SQL Database and
 * customer-service cases on Azure Cosmos DB for NoSQL (`relmesh:erp`, `relmesh:serviceCases`).
 * Both are off unless set. Each is either `existing` (the customer's server or account: the common
 * case, nothing is created there except the workspace identity's read access) or `create` (the
 * stack provisions a secured one, e.g. for a demo tenant).
 *
 * The schema (config/stack.schema.json) checks the shape; the rules below check what depends on
 * the mode. The resolved types are what the later stages read: the pipelines need the server FQDN,
 * database, schema.table and watermark column of the ERP, and the endpoint, database and container
 * of the service cases, whichever the mode.
 */

import { ERP_ORDERS, SERVICE_CASES, sourceColumnMap, type SourceTable } from "./source-tables";

/** Hyperscale vCore counts of the Gen5 (standard-series) hardware (the schema's enum). */
export const HYPERSCALE_VCORES = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 32, 40, 80] as const;

/** Cosmos DB's last-modified system property (epoch seconds): the only watermark a container always has. */
export const COSMOS_WATERMARK = "_ts" as const;

/** An Azure SQL logical server, however it was named in the config. */
export interface SqlServerRef {
  /** `<name>.database.windows.net`: what the linked service and the grant connect to. */
  fqdn: string;
  /** Server name (first label of the FQDN). */
  name: string;
  /**
   * ARM id of an existing server, when relmesh:erp.server is one (with mode create the stack's
   * resource gives it). Without it the stack cannot request a managed private endpoint to the server.
   */
  resourceId?: string;
}

/** The ERP source (`relmesh:erp`) as the stages read it. */
export interface ErpSource {
  mode: "existing" | "create";
  server: SqlServerRef;
  /** The ERP database. @default - `erp` with mode create; required with mode existing */
  database: string;
  /** Schema of the orders table; the workspace identity gets SELECT on it. @default - `erp` (relmesh:erp.table `erp.orders`) */
  schema: string;
  /** The orders table the incremental copy reads, without its schema. @default - `orders` */
  table: string;
  /** Last-modified column of the orders table (the copy's watermark). @default - `modified_at` */
  watermarkColumn: string;
  /** Canonical column → the orders table's column (config/source-tables.ts ERP_ORDERS), every one resolved. */
  columns: Record<string, string>;
  /** Only with mode create: what the stack provisions. */
  create?: {
    /** Hyperscale Gen5 vCores (the sku's capacity). @default - 2 */
    vCores: (typeof HYPERSCALE_VCORES)[number];
    /** Entra group that administers the server (Entra-only auth). @default - the Synapse admin group */
    entraAdmin: { login: string; objectId: string };
  };
}

/** A Cosmos DB account, however it was named in the config. */
export interface CosmosAccountRef {
  name: string;
  /** `https://<name>.documents.azure.com:443/`, or relmesh:serviceCases.endpoint. */
  endpoint: string;
  /** Resource group of the account: the stack's with mode create, parsed from the id with mode existing. */
  resourceGroupName?: string;
  /** ARM id of an existing account; with mode create the stack's output gives it. */
  resourceId?: string;
}

/** The service-case source (`relmesh:serviceCases`) as the stages read it. */
export interface ServiceCasesSource {
  mode: "existing" | "create";
  account: CosmosAccountRef;
  /** @default - `service` */
  database: string;
  /** The only container the workspace identity may read. @default - `cases` */
  container: string;
  /** Always `_ts` ({@link COSMOS_WATERMARK}). */
  watermarkColumn: typeof COSMOS_WATERMARK;
  /** Canonical column → the case documents' property path (config/source-tables.ts SERVICE_CASES), every one resolved. */
  columns: Record<string, string>;
  /** Only with mode create. */
  create?: {
    /** Partition key path of the container. @default - `/accountId` */
    partitionKeyPath: string;
  };
}

/** How config/stack.ts reports a problem: `relmesh:<key> must be <rule>, got <value>: <fix>`. */
export type Fail = (key: string, rule: string, ...rest: [got?: unknown, fix?: string]) => never;

export interface SourceContext {
  fail: Fail;
  /** `Pulumi.<stack>.yaml`, for the fixes. */
  file: string;
  namePrefix: string;
  stack: string;
  nameSuffix: string;
  /** The subscription the stack deploys to, when known (empty for offline tools). */
  subscriptionId: string;
  adminGroupName: string;
  adminGroupObjectId: string;
}

const SQL_SERVER_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Sql\/servers\/([a-z0-9][a-z0-9-]{0,61}[a-z0-9]?)$/i;
const SQL_SERVER_FQDN = /^([a-z0-9][a-z0-9-]{0,61}[a-z0-9]?)\.database\.windows\.net$/i;
const COSMOS_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DocumentDB\/databaseAccounts\/([a-z0-9-]{3,44})$/;

/** Globally unique names of what mode create provisions, from the same prefix, stack and suffix as the rest. Pure. */
export function sourceNames(namePrefix: string, stack: string, nameSuffix: string): { erpServer: string; casesAccount: string } {
  const s = stack
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 20);
  return { erpServer: `${namePrefix}-erp-${s}-${nameSuffix}`, casesAccount: `${namePrefix}-cases-${s}-${nameSuffix}` };
}

/** relmesh:<source>.columns resolved over the table's defaults; a name Relationship Mesh does not extract fails. */
function columnMap(
  ctx: SourceContext,
  key: string,
  table: SourceTable,
  given: Record<string, string>,
  watermark?: string,
): Record<string, string> {
  try {
    return sourceColumnMap(table, { ...given, ...(watermark ? { [table.watermark.column]: watermark } : {}) });
  } catch (e) {
    return ctx.fail(
      key,
      `canonical column names only (${[...table.columns.map((c) => c.name)].join(", ")})`,
      Object.keys(given),
      (e as Error).message,
    );
  }
}

/** Keys valid only with one mode; naming one with the other is a mistake worth an error, not a silent ignore. */
function onlyWith(ctx: SourceContext, source: "erp" | "serviceCases", o: Record<string, unknown>, mode: string, keys: string[]): void {
  for (const k of keys) {
    if (o[k] !== undefined)
      ctx.fail(
        `${source}.${k}`,
        `set only with relmesh:${source}.mode ${mode === "create" ? "existing" : "create"}`,
        o[k],
        `remove relmesh:${source}.${k} from ${ctx.file} (with mode ${mode} ${mode === "create" ? "the stack names it" : "it is the customer's"})`,
      );
  }
}

/** `relmesh:erp` → {@link ErpSource}. The schema has checked the shape and filled `table` and `watermarkColumn`. */
export function erpSource(ctx: SourceContext, o: Record<string, any> | undefined): ErpSource | undefined {
  if (o === undefined) return undefined;
  const [schema, table] = String(o.table).split(".");
  const watermarkColumn = o.watermarkColumn as string;
  const columns = columnMap(ctx, "erp.columns", ERP_ORDERS, (o.columns ?? {}) as Record<string, string>, watermarkColumn);
  const common = { database: "", schema, table, watermarkColumn, columns };
  if (o.mode === "existing") {
    onlyWith(ctx, "erp", o, "existing", ["vCores", "entraAdmin"]);
    const text = o.server as string | undefined;
    if (text === undefined)
      ctx.fail(
        "erp.server",
        "the ERP server's resource id or FQDN while relmesh:erp.mode is existing",
        undefined,
        `set relmesh:erp.server in ${ctx.file} to /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Sql/servers/<name> (lets the stack request a private endpoint) or <name>.database.windows.net`,
      );
    const byId = SQL_SERVER_ID.exec(text);
    const byFqdn = SQL_SERVER_FQDN.exec(text);
    if (!byId && !byFqdn)
      ctx.fail(
        "erp.server",
        "the server's ARM resource id (/subscriptions/…/providers/Microsoft.Sql/servers/<name>) or its FQDN <name>.database.windows.net",
        text,
      );
    if (o.database === undefined)
      ctx.fail(
        "erp.database",
        "the ERP database's name while relmesh:erp.mode is existing",
        undefined,
        `set relmesh:erp.database in ${ctx.file}`,
      );
    const name = (byId ? byId[1] : byFqdn![1]).toLowerCase();
    return {
      mode: "existing",
      ...common,
      database: o.database as string,
      server: { name, fqdn: `${name}.database.windows.net`, ...(byId ? { resourceId: text } : {}) },
    };
  }
  onlyWith(ctx, "erp", o, "create", ["server"]);
  const name = sourceNames(ctx.namePrefix, ctx.stack, ctx.nameSuffix).erpServer;
  if (name.length > 63)
    ctx.fail("namePrefix", `a prefix and stack short enough for the ERP server name (at most 63 characters, got ${name})`, ctx.namePrefix);
  const admin = (o.entraAdmin as { login: string; objectId: string } | undefined) ?? {
    login: ctx.adminGroupName,
    objectId: ctx.adminGroupObjectId,
  };
  return {
    mode: "create",
    ...common,
    database: (o.database as string | undefined) ?? "erp",
    server: { name, fqdn: `${name}.database.windows.net` },
    create: {
      vCores: (o.vCores ?? 2) as (typeof HYPERSCALE_VCORES)[number],
      entraAdmin: { login: admin.login, objectId: admin.objectId.toLowerCase() },
    },
  };
}

/** `relmesh:serviceCases` → {@link ServiceCasesSource}. The schema has filled `database` and `container`. */
export function serviceCasesSource(ctx: SourceContext, o: Record<string, any> | undefined): ServiceCasesSource | undefined {
  if (o === undefined) return undefined;
  const columns = columnMap(ctx, "serviceCases.columns", SERVICE_CASES, (o.columns ?? {}) as Record<string, string>);
  const common = { database: o.database as string, container: o.container as string, watermarkColumn: COSMOS_WATERMARK, columns };
  if (o.mode === "existing") {
    onlyWith(ctx, "serviceCases", o, "existing", ["partitionKeyPath"]);
    if (o.account === undefined)
      ctx.fail(
        "serviceCases.account",
        "the Cosmos DB account's resource id while relmesh:serviceCases.mode is existing (the read role is assigned on it)",
        undefined,
        `set relmesh:serviceCases.account in ${ctx.file} to /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.DocumentDB/databaseAccounts/<name>`,
      );
    const m = COSMOS_ID.exec(o.account as string)!;
    const name = m[2];
    // The role assignment is an ARM child of the account, created through the stack's subscription.
    const accountSubscription = (o.account as string).split("/")[2];
    if (ctx.subscriptionId && accountSubscription.toLowerCase() !== ctx.subscriptionId.toLowerCase())
      ctx.fail(
        "serviceCases.account",
        `an account in the subscription the stack deploys to (${ctx.subscriptionId}), through which the read role is assigned`,
        o.account,
        `deploy the stack to the account's subscription, or have the account's owner assign Cosmos DB Built-in Data Reader on the container to the workspace identity and leave relmesh:serviceCases out of ${ctx.file}`,
      );
    return {
      mode: "existing",
      ...common,
      account: {
        name,
        endpoint: (o.endpoint as string | undefined) ?? `https://${name}.documents.azure.com:443/`,
        resourceGroupName: m[1],
        resourceId: o.account as string,
      },
    };
  }
  onlyWith(ctx, "serviceCases", o, "create", ["account", "endpoint"]);
  const name = sourceNames(ctx.namePrefix, ctx.stack, ctx.nameSuffix).casesAccount;
  if (name.length > 44)
    ctx.fail(
      "namePrefix",
      `a prefix and stack short enough for the Cosmos DB account name (at most 44 characters, got ${name})`,
      ctx.namePrefix,
    );
  return {
    mode: "create",
    ...common,
    account: { name, endpoint: `https://${name}.documents.azure.com:443/` },
    create: { partitionKeyPath: (o.partitionKeyPath as string | undefined) ?? "/accountId" },
  };
}
