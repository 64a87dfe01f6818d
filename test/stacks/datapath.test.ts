/**
 * The data-path model over real plans: every run-time path open and nothing else, for every config
 * variant the suite deploys; each review finding as a regression (a setting of today's fix undone in
 * the plan closes exactly the path it should, for the stated reason); and one firewall setting
 * broken at a time.
 */
import type { RelmeshConfig } from "../../config/stack";
import { checkDataPaths, formatDataPaths, type DataPathReport } from "../../stacks/datapath/check";
import { MANAGED_PRIVATE_ENDPOINTS_NAME } from "../../stacks/datapath/facts";
import { runPlan, type PlanResource } from "../../stacks/plan";
import { readArtifactInputs, synapseArtifacts, type Artifact } from "../../synapse-artifacts";
import { LINKED } from "../../synapse-artifacts/names";
import { devConfig } from "./harness";

interface Variant {
  config: RelmeshConfig;
  plan: PlanResource[];
  artifacts: Artifact[];
}

const VARIANTS: Record<string, Record<string, unknown>> = {
  default: {},
  "full (locks, dedicated pool, existing groups, readers, approved)": {
    "relmesh:lockResources": true,
    "relmesh:dedicatedSqlPool": { name: "relmeshdw", sku: "DW100c" },
    "relmesh:allowedGroupObjectIds": ["44444444-4444-4444-8444-444444444444"],
    "relmesh:sqlReadersGroupObjectId": "33333333-3333-4333-8333-333333333333",
    "relmesh:mgdcApprovedFingerprint": "0".repeat(64),
  },
  "CRM only (no MGDC)": { "relmesh:mgdcEnabled": false, "relmesh:location": "swedencentral" },
  "no managed VNet (fallback), MGDC on": { "relmesh:managedVirtualNetwork": false },
  "no managed VNet, CRM only": { "relmesh:managedVirtualNetwork": false, "relmesh:mgdcEnabled": false },
  "extra Key Vault CIDRs and firewall rules": {
    "relmesh:keyVaultAllowedCidrs": ["198.51.100.0/24"],
    "relmesh:firewallRules": [
      { name: "deployer", cidr: "203.0.113.10/32" },
      { name: "gateway", cidr: "198.51.100.0/28" },
    ],
  },
};

const variants = new Map<string, Variant>();

beforeAll(async () => {
  for (const [name, overrides] of Object.entries(VARIANTS)) {
    const config = devConfig(overrides);
    const plan = (await runPlan(config)).resources;
    variants.set(name, { config, plan, artifacts: synapseArtifacts(readArtifactInputs(config)) });
  }
}, 240000);

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const check = (v: Variant, edit: (plan: PlanResource[], artifacts: Artifact[]) => void = () => undefined): DataPathReport => {
  const plan = clone(v.plan);
  const artifacts = clone(v.artifacts);
  edit(plan, artifacts);
  return checkDataPaths(plan, artifacts, v.config);
};
const res = (plan: PlanResource[], type: string, name: string): Record<string, any> => {
  const r = plan.find((p) => p.type === type && p.name === name);
  if (!r) throw new Error(`no ${type} ${name}`);
  return r.inputs as Record<string, any>;
};
const closed = (report: DataPathReport) =>
  report.paths
    .filter((p) => !p.open)
    .map((p) => p.path.id)
    .sort();
const problems = (report: DataPathReport, id: string) => report.paths.find((p) => p.path.id === id)!.problems.join(" | ");
const base = () => variants.get("default")!;

describe.each(Object.keys(VARIANTS))("the %s deployment", (name) => {
  it("opens every run-time path and nothing else", () => {
    const report = check(variants.get(name)!);
    expect({ closed: closed(report), exposures: report.exposures.map((e) => e.what) }).toEqual({ closed: [], exposures: [] });
    expect(report.ok).toBe(true);
  });
});

describe("the paths a deployment uses", () => {
  it("cover MGDC, the copies, Spark, serverless SQL, Power BI, the publisher and the SQL executor", () => {
    expect(check(base()).paths.map((p) => p.path.id)).toEqual([
      "mgdc-copy-to-landing",
      "mgdc-secret-lookup",
      "secret-rotation-store",
      "landing-to-lake-read",
      "pipeline-write-lake",
      "spark-lake",
      "serverless-lake",
      "publisher-dev-endpoint",
      "sql-executor-serverless",
      "power-bi-serverless",
    ]);
  });

  it("print with compute, identity, route and role for each path", () => {
    const text = formatDataPaths(check(base()));
    expect(text).toMatch(/^run-time paths: 10 of 10 open, nothing else open$/m);
    expect(text).toContain(
      "✓ Spark notebooks ↔ lake (read raw, write curated)\n      compute: Spark pool spark35 (in the managed VNet)\n      as: synapseWorkspaceIdentity\n      route: managed private endpoint to lake (storage) (dfs)",
    );
    expect(text).toContain("compute: ir-rm-mgdc (Azure IR outside any VNet) via ls_rm_landing_mgdc");
  });
});

describe("regressions: each finding of the deployment review fails for its own reason", () => {
  it("SEC-15 the MGDC linked services cannot read their secret from a vault that denies by default: Key Vault trusts Synapse only for customer-managed keys", () => {
    const report = check(
      base(),
      (plan) => (res(plan, "azure-native:keyvault:Vault", "key-vault").properties.networkAcls.defaultAction = "Deny"),
    );
    expect(closed(report)).toEqual(["mgdc-secret-lookup", "secret-rotation-store"]);
    expect(problems(report, "mgdc-secret-lookup")).toContain("the trusted-services bypass covers Synapse only for customer-managed keys");
  });

  it("SEC-05 Spark cannot reach a default-deny lake through a resource-instance rule alone: those admit the SQL pools, not Spark", () => {
    const report = check(base(), (plan) => {
      delete res(plan, "azure-native:synapse:Workspace", "synapse").managedVirtualNetwork;
      plan.splice(
        plan.findIndex((p) => p.name === MANAGED_PRIVATE_ENDPOINTS_NAME),
        1,
      );
    });
    expect(closed(report)).toContain("spark-lake");
    expect(problems(report, "spark-lake")).toContain(
      "Spark outside a managed VNet is admitted neither by resource-instance rules (SQL pools only) nor by IP rules",
    );
  });

  it("the workspace's trusted-service bypass (Synapse Link for SQL) is an opening nothing uses", () => {
    const report = check(base(), (plan) => (res(plan, "azure-native:synapse:Workspace", "synapse").trustedServiceBypassEnabled = true));
    expect(report.exposures.map((e) => e.id)).toEqual(["workspace-trusted-bypass"]);
    expect(report.ok).toBe(false);
  });

  it("a storage role for the report readers on curated is an opening no path uses (the views read through the workspace credential)", () => {
    const report = check(base(), (plan) => {
      const lake = plan.find((p) => p.name === "synapse-lake-contributor")!;
      plan.push({
        ...clone(lake),
        name: "sql-readers-curated-reader",
        inputs: {
          ...clone(lake.inputs),
          principalType: "Group",
          scope: `${(lake.inputs as any).scope}/blobServices/default/containers/curated`,
        },
      });
    });
    expect(report.exposures.map((e) => e.id)).toEqual(["unused-role:sql-readers-curated-reader"]);
    expect(report.ok).toBe(false);
  });

  it("the MGDC copy fails on the managed-VNet runtime: the Office 365 connector runs only on an Azure IR outside it", () => {
    const report = check(base(), (_plan, artifacts) => {
      for (const a of artifacts)
        if (a.name === LINKED.office365 || a.name === LINKED.landingSink) delete (a.body.properties as any).connectVia;
    });
    expect(closed(report)).toContain("mgdc-copy-to-landing");
    expect(problems(report, "mgdc-copy-to-landing")).toContain(
      "the Office 365 connector does not run on the managed-VNet integration runtime AutoResolveIntegrationRuntime",
    );
  });
});

describe("one firewall setting broken at a time names the path it closes", () => {
  const cases: Array<[string, (plan: PlanResource[], artifacts: Artifact[]) => void, string[], RegExp]> = [
    [
      "the lake's public network access disabled",
      (p) => (res(p, "azure-native:storage:StorageAccount", "lake").publicNetworkAccess = "Disabled"),
      ["serverless-lake"],
      /lake \(storage\) has publicNetworkAccess Disabled/,
    ],
    [
      "the lake's resource-instance rule removed",
      (p) => (res(p, "azure-native:storage:StorageAccount", "lake").networkRuleSet.resourceAccessRules = []),
      ["serverless-lake"],
      /no resource-instance rule for the workspace/,
    ],
    [
      "the lake's managed private endpoint removed",
      (p) => {
        const mpe = res(p, "pulumi-nodejs:dynamic/relmesh:SynapseManagedPrivateEndpoints", MANAGED_PRIVATE_ENDPOINTS_NAME);
        mpe.endpoints = mpe.endpoints.filter((e: { name: string }) => e.name !== "mpe-rm-lake-dfs");
      },
      ["pipeline-write-lake", "spark-lake"],
      /no approved managed private endpoint from the workspace's managed VNet to lake/,
    ],
    [
      "the vault's managed private endpoint left unapproved",
      (p) => {
        const mpe = res(p, "pulumi-nodejs:dynamic/relmesh:SynapseManagedPrivateEndpoints", MANAGED_PRIVATE_ENDPOINTS_NAME);
        for (const e of mpe.endpoints) if (e.name === "mpe-rm-key-vault") e.approve = false;
      },
      ["mgdc-secret-lookup"],
      /no approved managed private endpoint from the workspace's managed VNet to key-vault/,
    ],
    [
      "the landing account set to deny by default",
      (p) => (res(p, "azure-native:storage:StorageAccount", "mgdc-landing").networkRuleSet.defaultAction = "Deny"),
      ["mgdc-copy-to-landing"],
      /region's changing Azure addresses/,
    ],
    [
      "the deployer's workspace firewall rule removed",
      (p) =>
        p.splice(
          p.findIndex((r) => r.type === "azure-native:synapse:IpFirewallRule"),
          1,
        ),
      ["power-bi-serverless", "publisher-dev-endpoint", "sql-executor-serverless"],
      /no workspace firewall rule admits (203\.0\.113\.10|any report client)/,
    ],
    [
      "the workspace's public network access disabled",
      (p) => (res(p, "azure-native:synapse:Workspace", "synapse").publicNetworkAccess = "Disabled"),
      ["power-bi-serverless", "publisher-dev-endpoint", "sql-executor-serverless"],
      /public network access disabled/,
    ],
    [
      "the workspace identity's lake role removed",
      (p) =>
        p.splice(
          p.findIndex((r) => r.name === "synapse-lake-contributor"),
          1,
        ),
      ["pipeline-write-lake", "serverless-lake", "spark-lake"],
      /synapseWorkspaceIdentity holds no Storage Blob Data (Contributor on lakeAccount|Reader on curatedFileSystem)/,
    ],
    [
      "the MGDC service principal's landing role removed",
      (p) =>
        p.splice(
          p.findIndex((r) => r.name === "mgdc-landing-writer"),
          1,
        ),
      ["mgdc-copy-to-landing"],
      /mgdcServicePrincipal holds no Storage Blob Data Contributor on landingContainer/,
    ],
  ];

  it.each(cases)("%s", (_title, edit, expectedClosed, reason) => {
    const report = check(base(), edit);
    expect(closed(report)).toEqual(expectedClosed);
    for (const id of expectedClosed) expect(problems(report, id)).toMatch(reason);
  });
});
