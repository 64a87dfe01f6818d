/**
 * The data-path model over the optional sources (relmesh:erp, relmesh:serviceCases): the copies
 * from Azure SQL and Cosmos DB and the deployer's grant are open in both modes, and each setting
 * that closes one (a missing private endpoint, a missing grant, a role on the wrong scope, a
 * firewall without the deployer) closes exactly that path, with the fix in the message.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { RelmeshConfig } from "../../config/stack";
import { checkDataPaths, type DataPathReport } from "../../stacks/datapath/check";
import { MANAGED_PRIVATE_ENDPOINTS_NAME } from "../../stacks/datapath/facts";
import { LOGICAL } from "../../stacks/logical-names";
import { runPlan, type PlanResource } from "../../stacks/plan";
import { readArtifactInputs, synapseArtifacts, type Artifact } from "../../synapse-artifacts";
import { devConfig, ROOT } from "./harness";

const SERVER_ID = "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/erp-rg/providers/Microsoft.Sql/servers/contoso-erp";
const ACCOUNT_ID =
  "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/crm-rg/providers/Microsoft.DocumentDB/databaseAccounts/contoso-cases";
const CREATED = parse(readFileSync(join(ROOT, "test", "fixtures", "Pulumi.sources.yaml"), "utf8")).config as Record<string, unknown>;
const EXISTING = {
  "relmesh:erp": { mode: "existing", server: SERVER_ID, database: "ERP", table: "sales.orders", watermarkColumn: "ModifiedAt" },
  "relmesh:serviceCases": { mode: "existing", account: ACCOUNT_ID, database: "support", container: "tickets" },
};

interface Variant {
  config: RelmeshConfig;
  plan: PlanResource[];
  artifacts: Artifact[];
}
const variants = new Map<string, Variant>();
const VARIANTS: Record<string, Record<string, unknown>> = {
  "both sources created": CREATED,
  "both sources existing (resource ids)": EXISTING,
  "existing ERP server named by FQDN": { "relmesh:erp": { mode: "existing", server: "contoso-erp.database.windows.net", database: "ERP" } },
  "both sources created, no managed VNet": { ...CREATED, "relmesh:managedVirtualNetwork": false },
};

beforeAll(async () => {
  for (const [name, overrides] of Object.entries(VARIANTS)) {
    const config = devConfig(overrides);
    variants.set(name, { config, plan: (await runPlan(config)).resources, artifacts: synapseArtifacts(readArtifactInputs(config)) });
  }
}, 240000);

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const check = (name: string, edit: (plan: PlanResource[]) => void = () => undefined): DataPathReport => {
  const v = variants.get(name)!;
  const plan = clone(v.plan);
  edit(plan);
  return checkDataPaths(plan, clone(v.artifacts), v.config);
};
const closed = (r: DataPathReport) =>
  r.paths
    .filter((p) => !p.open)
    .map((p) => p.path.id)
    .sort();
const problems = (r: DataPathReport, id: string) => r.paths.find((p) => p.path.id === id)!.problems.join(" | ");
const inputsOf = (plan: PlanResource[], name: string) => plan.find((p) => p.name === name)!.inputs as Record<string, any>;
const withoutEndpoint = (groupId: string) => (plan: PlanResource[]) => {
  const i = inputsOf(plan, MANAGED_PRIVATE_ENDPOINTS_NAME);
  i.endpoints = (i.endpoints as Array<{ groupId: string }>).filter((e) => e.groupId !== groupId);
};

describe.each(["both sources created", "both sources existing (resource ids)"])("the %s deployment", (name) => {
  it("opens the ERP copy, the deployer's grant and the service-case copy, and nothing else", () => {
    const report = check(name);
    expect(report.paths.map((p) => p.path.id)).toEqual(expect.arrayContaining(["erp-copy", "erp-grant", "cases-copy"]));
    expect({ closed: closed(report), exposures: report.exposures.map((e) => e.what) }).toEqual({ closed: [], exposures: [] });
  });
});

describe("settings that close a source path, each with its fix", () => {
  test("Cosmos DB with public access off and no private endpoint: the copy is blocked and told to add one", () => {
    const report = check("both sources created", withoutEndpoint("Sql"));
    expect(closed(report)).toEqual(["cases-copy"]);
    expect(problems(report, "cases-copy")).toBe(
      `no managed private endpoint from the workspace's managed VNet to ${LOGICAL.casesAccount}: add a managed private endpoint (Sql) to ${variants.get("both sources created")!.config.serviceCases!.account.name} and approve it`,
    );
  });

  test("a Cosmos DB account left open to all networks is an opening no path needs", () => {
    const report = check("both sources created", (plan) => {
      delete inputsOf(plan, LOGICAL.casesAccount).publicNetworkAccess;
    });
    expect(closed(report)).toEqual([]);
    expect(report.exposures.map((e) => e.id)).toEqual(["cases-open"]);
    expect(report.exposures[0].fix).toBe("set the account's publicNetworkAccess to Disabled (stacks/service-cases.ts)");
  });

  test("the reader role on the whole account instead of the container: the copy is blocked and the broad role reported", () => {
    const report = check("both sources created", (plan) => {
      const i = inputsOf(plan, LOGICAL.casesReader);
      i.scope = String(i.scope).replace(/\/dbs\/.*$/, "");
    });
    expect(closed(report)).toEqual(["cases-copy"]);
    expect(problems(report, "cases-copy")).toContain("assign Cosmos DB Built-in Data Reader on the container to the workspace identity");
    expect(report.exposures.map((e) => e.id)).toEqual([`unused-cosmos-role:${LOGICAL.casesReader}`]);
  });

  test("the ERP server without its private endpoint: the copy is blocked", () => {
    const report = check("both sources created", withoutEndpoint("sqlServer"));
    expect(closed(report)).toEqual(["erp-copy"]);
    expect(problems(report, "erp-copy")).toContain(`add a managed private endpoint (sqlServer) to ${LOGICAL.erpServer} and approve it`);
  });

  test("an existing ERP server named only by FQDN gets no private endpoint: the copy says to name it by resource id", () => {
    const report = check("existing ERP server named by FQDN");
    expect(closed(report)).toEqual(["erp-copy"]);
    expect(problems(report, "erp-copy")).toContain(
      "set relmesh:erp.server to the server's resource id, so the stack requests a managed private endpoint (sqlServer) for its owner to approve",
    );
  });

  test("a plan whose ERP grant script differs from sql/erp-grants.ts: the copy has no permission", () => {
    const report = check("both sources existing (resource ids)", (plan) => {
      (inputsOf(plan, LOGICAL.erpGrants).scripts as Array<Record<string, unknown>>)[0].sha256 = "0000000000000000";
    });
    expect(closed(report)).toEqual(["erp-copy"]);
    expect(problems(report, "erp-copy")).toBe(
      "the plan does not run sql/erp-grants.ts's script on contoso-erp.database.windows.net: run sql/erp-grants.ts on the ERP server (stacks/erp-sql.ts)",
    );
  });

  test("an ERP firewall without the deployer's address: the grant cannot run", () => {
    const report = check("both sources created", (plan) => {
      for (const r of plan.filter((p) => p.type === "azure-native:sql:FirewallRule"))
        r.inputs.startIpAddress = r.inputs.endIpAddress = "198.51.100.1";
    });
    expect(closed(report)).toEqual(["erp-grant"]);
    expect(problems(report, "erp-grant")).toBe(
      "no firewall rule of erp-sql-server (Azure SQL) admits 203.0.113.10: add the address to relmesh:firewallRules",
    );
  });

  test("without a managed VNet the copies run outside any VNet and reach neither source", () => {
    const report = check("both sources created, no managed VNet");
    expect(closed(report)).toEqual(["cases-copy", "erp-copy"]);
    expect(problems(report, "erp-copy")).toContain(
      "run the copy on the managed-VNet integration runtime with a managed private endpoint (sqlServer)",
    );
    expect(problems(report, "cases-copy")).toContain("reach cases-cosmos through a managed private endpoint (Sql)");
  });
});
