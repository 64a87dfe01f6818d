/** The customer's ERP database the SQL tests grant on and revoke from (mode existing, as most customers run it). */
import type { ErpSource } from "../../config/sources";
import { ERP_ORDERS, sourceColumnMap } from "../../config/source-tables";

export function existingErp(server = "contoso"): ErpSource {
  return {
    mode: "existing",
    server: { name: server, fqdn: `${server}.database.windows.net` },
    database: "ERP",
    schema: "sales",
    table: "orders",
    watermarkColumn: "ModifiedAt",
    columns: sourceColumnMap(ERP_ORDERS, { modified_at: "ModifiedAt" }),
  };
}
