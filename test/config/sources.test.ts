/**
 * config/sources.ts: relmesh:erp and relmesh:serviceCases. Off by default; each invalid value
 * fails with its own message naming the key and the fix; the two modes resolve to what the
 * pipelines need (server FQDN, database, schema, table, watermark; endpoint, database, container).
 */
import { ERP_ORDERS, SERVICE_CASES, sourceColumnMap } from "../../config/source-tables";
import { ConfigError } from "../../config/errors";
import { cosmosRoleAssignmentId } from "../../config/roles";
import { COSMOS_WATERMARK, sourceNames } from "../../config/sources";
import { validateConfig } from "../../config/stack";
import { devConfig, devRaw, ROOT } from "../stacks/harness";

const validate = (overrides: Record<string, unknown>) => validateConfig(devRaw(overrides), { stack: "dev", rootDir: ROOT });

const SERVER_ID = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/erp-rg/providers/Microsoft.Sql/servers/contoso-erp";
const ACCOUNT_ID =
  "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/crm-rg/providers/Microsoft.DocumentDB/databaseAccounts/contoso-cases";

const INVALID: Array<[string, Record<string, unknown>, string]> = [
  [
    "an ERP source without a mode",
    { "relmesh:erp": { server: "contoso.database.windows.net", database: "erp" } },
    "relmesh:erp.mode is missing: set relmesh:erp.mode in Pulumi.dev.yaml to existing (point at your server) or create",
  ],
  [
    "an unknown ERP mode",
    { "relmesh:erp": { mode: "copy" } },
    "relmesh:erp.mode must be one of existing, create, got 'copy': set relmesh:erp.mode in Pulumi.dev.yaml",
  ],
  [
    "an existing ERP without its server",
    { "relmesh:erp": { mode: "existing", database: "erp" } },
    "relmesh:erp.server must be the ERP server's resource id or FQDN while relmesh:erp.mode is existing: set relmesh:erp.server in Pulumi.dev.yaml to /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Sql/servers/<name> (lets the stack request a private endpoint) or <name>.database.windows.net",
  ],
  [
    "an ERP server that is neither a resource id nor an FQDN",
    { "relmesh:erp": { mode: "existing", server: "contoso", database: "erp" } },
    "relmesh:erp.server must be the server's ARM resource id (/subscriptions/…/providers/Microsoft.Sql/servers/<name>) or its FQDN <name>.database.windows.net, got 'contoso': set relmesh:erp.server in Pulumi.dev.yaml",
  ],
  [
    "an existing ERP without its database",
    { "relmesh:erp": { mode: "existing", server: "contoso.database.windows.net" } },
    "relmesh:erp.database must be the ERP database's name while relmesh:erp.mode is existing: set relmesh:erp.database in Pulumi.dev.yaml",
  ],
  [
    "vCores for a server the customer runs",
    { "relmesh:erp": { mode: "existing", server: "contoso.database.windows.net", database: "erp", vCores: 4 } },
    "relmesh:erp.vCores must be set only with relmesh:erp.mode create, got 4: remove relmesh:erp.vCores from Pulumi.dev.yaml (with mode existing it is the customer's)",
  ],
  [
    "a server name for a server the stack creates",
    { "relmesh:erp": { mode: "create", server: "contoso.database.windows.net" } },
    "relmesh:erp.server must be set only with relmesh:erp.mode existing, got 'contoso.database.windows.net': remove relmesh:erp.server from Pulumi.dev.yaml (with mode create the stack names it)",
  ],
  [
    "a vCore count Hyperscale does not offer",
    { "relmesh:erp": { mode: "create", vCores: 3 } },
    "relmesh:erp.vCores must be one of 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 24, 32, 40, 80, got 3: set relmesh:erp.vCores in Pulumi.dev.yaml",
  ],
  [
    "a table without its schema",
    { "relmesh:erp": { mode: "create", table: "orders" } },
    "relmesh:erp.table must be schema.table, each a SQL identifier (letters, digits, '_'), got 'orders': set relmesh:erp.table in Pulumi.dev.yaml",
  ],
  [
    "a watermark column that is not an identifier",
    { "relmesh:erp": { mode: "create", watermarkColumn: "modified at" } },
    "relmesh:erp.watermarkColumn must be a SQL identifier: letters, digits and '_', not starting with a digit, at most 128, got 'modified at': set relmesh:erp.watermarkColumn in Pulumi.dev.yaml",
  ],
  [
    "an Entra admin without its object id",
    { "relmesh:erp": { mode: "create", entraAdmin: { login: "erp-admins" } } },
    "relmesh:erp.entraAdmin.objectId is missing: set relmesh:erp.entraAdmin to { login, objectId } of an Entra group in Pulumi.dev.yaml",
  ],
  [
    "an Entra admin object id that is not a GUID",
    { "relmesh:erp": { mode: "create", entraAdmin: { login: "erp-admins", objectId: "nope" } } },
    "relmesh:erp.entraAdmin.objectId must be an Entra object id (a GUID like 00000000-0000-0000-0000-000000000000), got 'nope': set relmesh:erp.entraAdmin.objectId in Pulumi.dev.yaml",
  ],
  [
    "an ERP key the program does not read",
    { "relmesh:erp": { mode: "create", serverName: "x" } },
    "relmesh:erp.serverName is not an ERP source setting: use mode, server, database, table, watermarkColumn, columns, vCores or entraAdmin (README, 'ERP and service cases')",
  ],
  [
    "an existing Cosmos DB account not named",
    { "relmesh:serviceCases": { mode: "existing" } },
    "relmesh:serviceCases.account must be the Cosmos DB account's resource id while relmesh:serviceCases.mode is existing (the read role is assigned on it): set relmesh:serviceCases.account in Pulumi.dev.yaml to /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.DocumentDB/databaseAccounts/<name>",
  ],
  [
    "a Cosmos DB account given by endpoint instead of resource id",
    { "relmesh:serviceCases": { mode: "existing", account: "https://contoso-cases.documents.azure.com" } },
    "relmesh:serviceCases.account must be the account's ARM resource id /subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.DocumentDB/databaseAccounts/<name>, got 'https://contoso-cases.documents.azure.com': set relmesh:serviceCases.account in Pulumi.dev.yaml",
  ],
  [
    "an account for the account the stack creates",
    { "relmesh:serviceCases": { mode: "create", account: ACCOUNT_ID } },
    `relmesh:serviceCases.account must be set only with relmesh:serviceCases.mode existing, got '${ACCOUNT_ID}': remove relmesh:serviceCases.account from Pulumi.dev.yaml (with mode create the stack names it)`,
  ],
  [
    "a partition key path without its slash",
    { "relmesh:serviceCases": { mode: "create", partitionKeyPath: "accountId" } },
    "relmesh:serviceCases.partitionKeyPath must be a path such as /accountId, got 'accountId': set relmesh:serviceCases.partitionKeyPath in Pulumi.dev.yaml",
  ],
  [
    "a partition key path for a container the customer runs",
    { "relmesh:serviceCases": { mode: "existing", account: ACCOUNT_ID, partitionKeyPath: "/x" } },
    "relmesh:serviceCases.partitionKeyPath must be set only with relmesh:serviceCases.mode create, got '/x': remove relmesh:serviceCases.partitionKeyPath from Pulumi.dev.yaml (with mode existing it is the customer's)",
  ],
  [
    "a container name with a slash",
    { "relmesh:serviceCases": { mode: "create", container: "a/b" } },
    "relmesh:serviceCases.container must be 1–255 characters without / \\ # ?, got 'a/b': set relmesh:serviceCases.container in Pulumi.dev.yaml",
  ],
  [
    "engine JSON that does not parse",
    { "relmesh:serviceCases": '{"mode": "create"' },
    `relmesh:serviceCases must be a map of keys to values, got '{"mode": "create"': set relmesh:serviceCases in Pulumi.dev.yaml`,
  ],
];

describe("invalid ERP and service-case settings", () => {
  test("the invalid cases each have their own message", () => {
    expect(new Set(INVALID.map(([, , m]) => m)).size).toBe(INVALID.length);
  });

  test.each(INVALID)("%s", (_name, overrides, message) => {
    expect(() => validate(overrides)).toThrow(new ConfigError(message));
  });
});

test("an existing Cosmos DB account in another subscription than the stack's fails before anything is declared", () => {
  expect(() =>
    validate({
      "azure-native:subscriptionId": "00000000-0000-4000-8000-000000000002",
      "relmesh:serviceCases": { mode: "existing", account: ACCOUNT_ID },
    }),
  ).toThrow(
    new ConfigError(
      `relmesh:serviceCases.account must be an account in the subscription the stack deploys to (00000000-0000-4000-8000-000000000002), through which the read role is assigned, got '${ACCOUNT_ID}': deploy the stack to the account's subscription, or have the account's owner assign Cosmos DB Built-in Data Reader on the container to the workspace identity and leave relmesh:serviceCases out of Pulumi.dev.yaml`,
    ),
  );
  expect(
    validate({
      "azure-native:subscriptionId": "00000000-0000-4000-8000-000000000001",
      "relmesh:serviceCases": { mode: "existing", account: ACCOUNT_ID },
    }).serviceCases!.account.resourceGroupName,
  ).toBe("crm-rg");
});

describe("valid ERP and service-case settings", () => {
  test("both sources are off by default", () => {
    const config = devConfig();
    expect([config.erp, config.serviceCases]).toEqual([undefined, undefined]);
  });

  test("mode existing with resource ids resolves what the pipelines read, and keeps the ids for the private endpoint and the role", () => {
    const config = validate({
      "relmesh:erp": { mode: "existing", server: SERVER_ID, database: "ERP", table: "sales.orders", watermarkColumn: "ModifiedAt" },
      "relmesh:serviceCases": { mode: "existing", account: ACCOUNT_ID, database: "support", container: "tickets" },
    });
    expect(config.erp).toEqual({
      mode: "existing",
      server: { name: "contoso-erp", fqdn: "contoso-erp.database.windows.net", resourceId: SERVER_ID },
      database: "ERP",
      schema: "sales",
      table: "orders",
      watermarkColumn: "ModifiedAt",
      columns: sourceColumnMap(ERP_ORDERS, { modified_at: "ModifiedAt" }),
    });
    expect(config.serviceCases).toEqual({
      mode: "existing",
      account: {
        name: "contoso-cases",
        endpoint: "https://contoso-cases.documents.azure.com:443/",
        resourceGroupName: "crm-rg",
        resourceId: ACCOUNT_ID,
      },
      database: "support",
      container: "tickets",
      watermarkColumn: COSMOS_WATERMARK,
      columns: sourceColumnMap(SERVICE_CASES),
    });
  });

  test("an existing ERP server named by FQDN has no resource id (the stack cannot request a private endpoint to it)", () => {
    const config = validate({ "relmesh:erp": { mode: "existing", server: "Contoso.database.windows.net", database: "erp" } });
    expect(config.erp!.server).toEqual({ name: "contoso", fqdn: "contoso.database.windows.net" });
  });

  test("mode create takes the documented defaults and derives global names like the other resources", () => {
    const config = validate({ "relmesh:erp": { mode: "create" }, "relmesh:serviceCases": { mode: "create" } });
    const names = sourceNames(config.namePrefix, config.stack, config.nameSuffix);
    expect(config.erp).toEqual({
      mode: "create",
      server: { name: names.erpServer, fqdn: `${names.erpServer}.database.windows.net` },
      database: "erp",
      schema: "erp",
      table: "orders",
      watermarkColumn: "modified_at",
      columns: sourceColumnMap(ERP_ORDERS),
      create: { vCores: 2, entraAdmin: { login: config.adminGroupName, objectId: config.adminGroupObjectId } },
    });
    expect(config.serviceCases).toEqual({
      mode: "create",
      account: { name: names.casesAccount, endpoint: `https://${names.casesAccount}.documents.azure.com:443/` },
      database: "service",
      container: "cases",
      watermarkColumn: "_ts",
      columns: sourceColumnMap(SERVICE_CASES),
      create: { partitionKeyPath: "/accountId" },
    });
    expect(names.erpServer).toMatch(/^[a-z0-9][a-z0-9-]{0,61}[a-z0-9]$/);
    expect(names.casesAccount).toMatch(/^[a-z0-9][a-z0-9-]{1,42}[a-z0-9]$/);
  });

  test("relmesh:<source>.columns maps the customer's own names; every other column keeps its default", () => {
    const config = validate({
      "relmesh:erp": { mode: "create", columns: { order_id: "SalesOrderID", account_crm_id: "CrmAccountId" } },
      "relmesh:serviceCases": { mode: "create", columns: { account_crm_id: "customer.accountId" } },
    });
    expect(config.erp!.columns).toMatchObject({
      order_id: "SalesOrderID",
      account_crm_id: "CrmAccountId",
      status: "status",
      modified_at: "modified_at",
    });
    expect(config.serviceCases!.columns).toMatchObject({ account_crm_id: "customer.accountId", case_id: "id", _ts: "_ts" });
  });

  test("a column Relationship Mesh does not extract cannot be mapped: the error names the key and the columns it can", () => {
    expect(() => validate({ "relmesh:erp": { mode: "create", columns: { order_notes: "Notes" } } })).toThrow(
      /relmesh:erp\.columns must be canonical column names only \(order_id, account_crm_id, .*\).*'order_notes'/,
    );
  });

  test("values from the Pulumi engine (JSON text) validate like YAML maps", () => {
    const yaml = validate({ "relmesh:erp": { mode: "create", vCores: 4 } });
    const engine = validate({ "relmesh:erp": JSON.stringify({ mode: "create", vCores: 4 }) });
    expect(engine.erp).toEqual(yaml.erp);
  });

  test("the Cosmos role assignment id is a GUID, stable for the same scope, principal and role, and differs per scope", () => {
    const a = cosmosRoleAssignmentId(`${ACCOUNT_ID}/dbs/support/colls/tickets`, "p", "00000000-0000-0000-0000-000000000001");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(cosmosRoleAssignmentId(`${ACCOUNT_ID}/dbs/support/colls/tickets`, "p", "00000000-0000-0000-0000-000000000001")).toBe(a);
    expect(cosmosRoleAssignmentId(`${ACCOUNT_ID}/dbs/support/colls/other`, "p", "00000000-0000-0000-0000-000000000001")).not.toBe(a);
  });
});
