/**
 * The data-path check: every run-time path of the config is open on the plan (network route and
 * role), and nothing beyond them is open. `relmesh plan` prints it; `relmesh preflight` runs it
 * without credentials; the tests run it over every config variant.
 */
import type { RelmeshConfig } from "../../config/stack";
import type { Artifact } from "../../synapse-artifacts/model";
import { LINKED } from "../../synapse-artifacts/names";
import type { PlanResource } from "../plan-resource";
import { LOGICAL } from "../logical-names";
import type { AzureRole, GrantScope } from "../../config/roles";
import { deploymentFacts, type DeploymentFacts, type RoleFact } from "./facts";
import { runtimePaths, type DataPath } from "./paths";
import {
  cosmosAdmits,
  routeOf,
  runtimeRunsOffice365,
  sqlServerAdmits,
  storageAdmits,
  vaultAdmits,
  workspaceAdmits,
  type Verdict,
} from "./rules";
import { quoteName } from "../../sql/index";
import { erpGrantScript } from "../../sql/erp-grants";
import { summariseContent } from "../plan-resource";

export interface PathResult {
  path: DataPath;
  open: boolean;
  /** Compute the path runs on, e.g. "Azure IR ir-rm-mgdc (outside the managed VNet)". */
  compute: string;
  /** The network route, or what blocks it. */
  route: string;
  /** The role (or other permission) the identity holds, or what is missing. */
  role: string;
  /** For a closed path: the setting that blocks it and the fix. */
  problems: string[];
}

/** Something open that no run-time path needs. */
export interface Exposure {
  id: string;
  what: string;
  fix: string;
}

export interface DataPathReport {
  ok: boolean;
  paths: PathResult[];
  exposures: Exposure[];
}

/** Roles that include another's data actions. */
const INCLUDES: Partial<Record<AzureRole, AzureRole[]>> = {
  "Storage Blob Data Contributor": ["Storage Blob Data Reader"],
  "Key Vault Secrets Officer": ["Key Vault Secrets User"],
};
/** Scopes that contain another. */
const CONTAINS: Partial<Record<GrantScope, GrantScope[]>> = { lakeAccount: ["curatedFileSystem"] };

/** True when the assignment gives the path's identity the role it needs on its scope. */
function satisfies(r: RoleFact, path: DataPath): boolean {
  const need = path.role;
  return (
    need !== undefined &&
    r.grantee === path.identity &&
    (r.role === need.role || (INCLUDES[r.role] ?? []).includes(need.role)) &&
    (r.scope === need.scope || (CONTAINS[r.scope] ?? []).includes(need.scope))
  );
}

/**
 * The T-SQL grant a path needs: the plan must run sql/erp-grants.ts's script for this config, on
 * the ERP server, unchanged (the plan records scripts by content hash), and that script must hold
 * the user and the GRANT.
 */
function sqlGrantVerdict(grant: NonNullable<DataPath["sqlGrant"]>, facts: DeploymentFacts, config: RelmeshConfig): Verdict {
  const erp = config.erp!;
  const expected = erpGrantScript(erp, grant.user);
  const statement = `GRANT SELECT ON SCHEMA::${quoteName(grant.schema)} TO ${quoteName(grant.user)};`;
  const holds =
    expected.batches.some((b) => b.includes(statement)) && expected.batches.some((b) => b.includes(`CREATE USER ${quoteName(grant.user)}`));
  const want = summariseContent(expected as unknown as Record<string, unknown>);
  const same = (s: Record<string, unknown>) => ["name", "database", "sha256"].every((k) => s[k] === want[k]);
  const runs = facts.erpSql?.server === erp.server.fqdn && facts.erpSql.scripts.some(same);
  return holds && runs
    ? {
        open: true,
        how: `database user ${grant.user} from Entra with SELECT on schema ${grant.schema} (sql/erp-grants.ts, run by the SQL executor)`,
      }
    : {
        open: false,
        how: runs ? `the grant script lacks ${statement}` : `the plan does not run sql/erp-grants.ts's script on ${erp.server.fqdn}`,
        fix: "run sql/erp-grants.ts on the ERP server (stacks/erp-sql.ts)",
      };
}

/**
 * The Cosmos DB data-plane role a path needs: assigned to its identity, on exactly its container.
 * Data-plane roles are Cosmos DB's own (sqlRoleAssignments), not ARM role assignments; the scope is
 * `<account>/dbs/<database>/colls/<container>` at the narrowest
 * (https://learn.microsoft.com/azure/cosmos-db/how-to-setup-rbac).
 */
function cosmosRoleVerdict(path: DataPath, need: NonNullable<DataPath["cosmosRole"]>, facts: DeploymentFacts): Verdict {
  const suffix = `/dbs/${need.database}/colls/${need.container}`;
  const held = facts.cosmosRoles.find(
    (r) => r.grantee === path.identity && r.roleDefinitionGuid === need.roleDefinitionGuid && r.scope.endsWith(suffix),
  );
  return held
    ? { open: true, how: `Cosmos DB Built-in Data Reader on ${need.database}/${need.container} (${held.logicalName})` }
    : {
        open: false,
        how: `${path.identity} holds no Cosmos DB data-plane role ${need.roleDefinitionGuid} on ${need.database}/${need.container}`,
        fix: "assign Cosmos DB Built-in Data Reader on the container to the workspace identity (stacks/service-cases.ts)",
      };
}

function roleVerdict(path: DataPath, facts: DeploymentFacts, config: RelmeshConfig): Verdict {
  if (path.sqlGrant) return sqlGrantVerdict(path.sqlGrant, facts, config);
  if (path.cosmosRole) return cosmosRoleVerdict(path, path.cosmosRole, facts);
  if (!path.role) return { open: true, how: path.permission ?? "—" };
  const need = path.role;
  const held = facts.roles.find((r) => satisfies(r, path));
  return held
    ? { open: true, how: `${held.role} on ${held.scope} (${held.logicalName})` }
    : {
        open: false,
        how: `${path.identity} holds no ${need.role} on ${need.scope}`,
        fix: `grant ${need.role} on ${need.scope} to ${path.identity} (config/roles.ts)`,
      };
}

function evaluate(path: DataPath, facts: DeploymentFacts, config: RelmeshConfig): PathResult {
  const verdicts: Verdict[] = [];
  let compute: string;
  let network: Verdict;
  const { caller } = path;
  const address = caller.kind === "deployer" ? config.deployerIpAddress : undefined;

  if (caller.kind === "linked-service") {
    const runtimeName = facts.linkedServiceRuntime[caller.name];
    const runtime = runtimeName ? facts.runtimes[runtimeName] : undefined;
    if (!runtime) {
      const missing = {
        open: false,
        how: `linked service ${caller.name} runs on ${runtimeName ?? "no runtime"}, which the deployment does not create`,
        fix: "declare the integration runtime",
      };
      return { path, open: false, compute: caller.name, route: missing.how, role: "—", problems: [`${missing.how}: ${missing.fix}`] };
    }
    compute = `${runtime.name} (${runtime.managedVnet ? "in the managed VNet" : "Azure IR outside any VNet"}) via ${caller.name}`;
    if (caller.office365) {
      // The Office 365 copy needs an Azure IR for its source and its sink linked services alike.
      for (const ls of [LINKED.office365, caller.name]) {
        const rt = facts.runtimes[facts.linkedServiceRuntime[ls] ?? ""];
        if (rt) verdicts.push(runtimeRunsOffice365(rt));
      }
    }
    const route = routeOf({ kind: "runtime", managedVnet: runtime.managedVnet }, facts.managedVirtualNetwork);
    network = targetAdmits(path, facts, route, address);
    if (path.id === "mgdc-secret-lookup") {
      // The secret is read where the linked services that reference it run: the MGDC copy's
      // runtime, outside the managed VNet ("a private endpoint for Key Vault is used when a
      // data-store linked service references the vault and runs on the managed-VNet IR", Synapse
      // managed private endpoints page). Both the KV linked service's own runtime and the MGDC
      // runtime must reach the vault.
      const lookups = [LINKED.office365, LINKED.landingSink].flatMap((ls) => {
        const rt = facts.runtimes[facts.linkedServiceRuntime[ls] ?? ""];
        return rt
          ? [
              {
                ls,
                rt,
                verdict: targetAdmits(
                  path,
                  facts,
                  routeOf({ kind: "runtime", managedVnet: rt.managedVnet }, facts.managedVirtualNetwork),
                  undefined,
                ),
              },
            ]
          : [];
      });
      verdicts.push(...lookups.map((l) => l.verdict));
      compute += `; lookups by ${lookups.map((l) => `${l.ls} on ${l.rt.name}`).join(", ")}`;
      if (network.open && lookups.every((l) => l.verdict.open))
        network = {
          open: true,
          how: [network, ...lookups.map((l) => l.verdict)]
            .map((v) => v.how)
            .filter((h, i, a) => a.indexOf(h) === i)
            .join("; "),
        };
    }
  } else if (caller.kind === "runtime") {
    const runtime = facts.runtimes[caller.name];
    if (!runtime)
      return {
        path,
        open: false,
        compute: caller.name,
        route: "—",
        role: "—",
        problems: [`the deployment does not create the runtime ${caller.name}: declare it`],
      };
    compute = `${runtime.name} (${runtime.managedVnet ? "in the managed VNet" : "Azure IR outside any VNet"})`;
    network = targetAdmits(
      path,
      facts,
      routeOf({ kind: "runtime", managedVnet: runtime.managedVnet }, facts.managedVirtualNetwork),
      address,
    );
  } else if (caller.kind === "spark") {
    compute = `Spark pool ${config.sparkPool.name}${facts.managedVirtualNetwork ? " (in the managed VNet)" : " (no managed VNet)"}`;
    network = targetAdmits(path, facts, routeOf({ kind: "spark" }, facts.managedVirtualNetwork), address);
  } else if (caller.kind === "serverless-sql") {
    compute = "serverless SQL pool (Built-in; outside the managed VNet)";
    network = targetAdmits(path, facts, "synapse-sql", address);
  } else if (caller.kind === "deployer") {
    compute = `the deployer's machine (${config.deployerIpAddress})`;
    network = targetAdmits(path, facts, "known-address", address);
  } else {
    compute = "Power BI Desktop or a data gateway at a firewall-listed address";
    const ranges = facts.workspace.firewall;
    network = ranges.length
      ? workspaceAdmits(facts.workspace, ranges[0].startIpAddress, "serverless SQL")
      : {
          open: false,
          how: "no workspace firewall rule admits any report client",
          fix: "add the report authors' or gateway's addresses to relmesh:firewallRules",
        };
    if (network.open)
      network = {
        open: true,
        how: `the serverless SQL endpoint, firewall rules ${ranges.map((r) => r.name).join(", ")} (the Power BI service refreshes through a gateway in those ranges)`,
      };
  }
  verdicts.push(network);
  const role = roleVerdict(path, facts, config);
  verdicts.push(role);
  const problems = [...new Set(verdicts.filter((v) => !v.open).map((v) => `${v.how}: ${v.fix}`))];
  return { path, open: problems.length === 0, compute, route: network.how, role: role.how, problems };
}

function targetAdmits(
  path: DataPath,
  facts: DeploymentFacts,
  route: ReturnType<typeof routeOf> | "synapse-sql" | "known-address",
  address: string | undefined,
): Verdict {
  const { target } = path;
  if (target.kind === "storage") {
    const account = facts.storage[target.logical];
    if (!account) return { open: false, how: `the deployment has no ${target.logical} account`, fix: "check relmesh:mgdcEnabled" };
    return storageAdmits(account, route, { workspaceId: facts.workspaceId, address });
  }
  if (target.kind === "key-vault") {
    if (!facts.vault) return { open: false, how: "the deployment has no Key Vault", fix: "declare the vault" };
    return vaultAdmits(facts.vault, route, { address });
  }
  if (target.kind === "sql-server") {
    if (!facts.erpServer) return { open: false, how: "the deployment has no ERP server", fix: "set relmesh:erp" };
    return route === "synapse-sql"
      ? { open: false, how: "serverless SQL does not read the ERP", fix: "—" }
      : sqlServerAdmits(facts.erpServer, route, { address });
  }
  if (target.kind === "cosmos") {
    if (!facts.casesAccount) return { open: false, how: "the deployment has no service-case account", fix: "set relmesh:serviceCases" };
    return route === "synapse-sql"
      ? { open: false, how: "serverless SQL does not read the service cases", fix: "—" }
      : cosmosAdmits(facts.casesAccount, route);
  }
  return workspaceAdmits(facts.workspace, address, target.endpoint);
}

/** Openings no path needs. */
function exposures(facts: DeploymentFacts, paths: DataPath[], config: RelmeshConfig): Exposure[] {
  const out: Exposure[] = [];
  const lake = facts.storage[LOGICAL.lake];
  if (lake && lake.publicNetworkAccess !== "Disabled" && lake.defaultAction === "Allow" && facts.managedVirtualNetwork) {
    out.push({
      id: "lake-open",
      what: "the lake accepts all networks, though every path reaches it by private endpoint or resource-instance rule",
      fix: "set the lake's networkRuleSet.defaultAction to Deny",
    });
  }
  const needsPublicVault = paths.some((p) => p.id === "mgdc-secret-lookup") && facts.managedVirtualNetwork;
  if (
    facts.vault &&
    facts.vault.defaultAction === "Allow" &&
    facts.vault.publicNetworkAccess !== "Disabled" &&
    !needsPublicVault &&
    !config.mgdcEnabled
  ) {
    out.push({
      id: "vault-open",
      what: "Key Vault accepts all networks, though no run-time path reaches it from outside the managed VNet",
      fix: "set the vault's networkAcls.defaultAction to Deny",
    });
  }
  if (facts.workspace.trustedServiceBypassEnabled) {
    out.push({
      id: "workspace-trusted-bypass",
      what: "trustedServiceBypassEnabled lets Azure Synapse Link for SQL through the workspace firewall; nothing here uses it",
      fix: "set trustedServiceBypassEnabled false (stacks/synapse.ts)",
    });
  }
  for (const rule of facts.workspace.firewall) {
    if (rule.startIpAddress === "0.0.0.0" && rule.endIpAddress === "255.255.255.255") {
      out.push({
        id: `firewall-allow-all:${rule.name}`,
        what: `firewall rule ${rule.name} admits every address`,
        fix: "remove it from relmesh:firewallRules",
      });
    }
  }
  const cases = facts.casesAccount;
  if (cases && !cases.external && cases.publicNetworkAccess !== "Disabled" && cases.ipRules.length === 0 && !cases.virtualNetworkFilter) {
    out.push({
      id: "cases-open",
      what: `${cases.logical} accepts all networks, though the copy reaches it through a managed private endpoint`,
      fix: "set the account's publicNetworkAccess to Disabled (stacks/service-cases.ts)",
    });
  }
  for (const r of facts.cosmosRoles) {
    const used = paths.some(
      (p) => p.cosmosRole && r.grantee === p.identity && r.scope.endsWith(`/dbs/${p.cosmosRole.database}/colls/${p.cosmosRole.container}`),
    );
    if (!used)
      out.push({
        id: `unused-cosmos-role:${r.logicalName}`,
        what: `${r.grantee} holds Cosmos DB role ${r.roleDefinitionGuid} on ${r.scope}, broader than or apart from the container any path reads`,
        fix: `scope ${r.logicalName} to the one container (stacks/service-cases.ts)`,
      });
  }
  for (const r of facts.roles.filter((x) => !paths.some((p) => satisfies(x, p)))) {
    out.push({
      id: `unused-role:${r.logicalName}`,
      what: `${r.grantee} holds ${r.role} on ${r.scope}, which no run-time path uses`,
      fix: `remove the grant ${r.logicalName} (config/roles.ts)`,
    });
  }
  return out;
}

/** Runs the model over a plan and its artifacts. Pure. */
export function checkDataPaths(plan: PlanResource[], artifacts: Artifact[], config: RelmeshConfig): DataPathReport {
  const facts = deploymentFacts(plan, artifacts, config);
  const paths = runtimePaths(config);
  const results = paths.map((p) => evaluate(p, facts, config));
  const exposed = exposures(facts, paths, config);
  return { ok: results.every((r) => r.open) && exposed.length === 0, paths: results, exposures: exposed };
}

/** The report as `relmesh plan` prints it. Pure. */
export function formatDataPaths(report: DataPathReport): string {
  const lines = [
    `run-time paths: ${report.paths.filter((p) => p.open).length} of ${report.paths.length} open${report.exposures.length ? `, ${report.exposures.length} opening(s) no path needs` : ", nothing else open"}`,
  ];
  for (const r of report.paths) {
    lines.push(
      `  ${r.open ? "✓" : "✗"} ${r.path.title}`,
      `      compute: ${r.compute}`,
      `      as: ${r.path.identity}`,
      `      route: ${r.route}`,
      `      role: ${r.role}`,
    );
    for (const p of r.problems) lines.push(`      BLOCKED: ${p}`);
  }
  for (const e of report.exposures) lines.push(`  ✗ open but unused: ${e.what}`, `      fix: ${e.fix}`);
  return `${lines.join("\n")}\n`;
}

/** Plans the config under mocks and runs the model over it (what `relmesh plan` and `relmesh preflight` print). */
export async function dataPathReportFor(config: RelmeshConfig): Promise<DataPathReport> {
  const { runPlan } = await import("../plan");
  const { readArtifactInputs, synapseArtifacts } = await import("../../synapse-artifacts");
  const plan = await runPlan(config);
  return checkDataPaths(plan.resources, synapseArtifacts(readArtifactInputs(config)), config);
}
