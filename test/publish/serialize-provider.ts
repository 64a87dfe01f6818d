/**
 * Run by serialize.test.ts in a child process under tsx (as `pulumi up` runs the program): serializes
 * each dynamic provider the way `pulumi.dynamic.Resource` does, loads the text the way Pulumi's
 * dynamic-provider host does (require-from-string, then `.handler()`), and calls `diff` and `read` on it
 * (read only where it needs no Azure: nothing recorded to look for).
 */
import * as pulumi from "@pulumi/pulumi";
import { artifactsProvider, rbacProvider, sqlLayerProvider } from "../../stacks/publish/providers";
import { privateEndpointsProvider } from "../../stacks/publish/private-endpoint-provider";
import { publishedState } from "../../stacks/publish/planner";
import { fullSet, trigger } from "./fixtures";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => { handler(): any };

async function main() {
  const out: Record<string, unknown> = {};
  for (const [name, provider] of Object.entries({ artifactsProvider, sqlLayerProvider, rbacProvider, privateEndpointsProvider })) {
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    const loaded = requireFromString(sf.text).handler();
    out[name] = {
      requires: [...new Set(sf.text.match(/require\("[^"]*"\)/g) ?? [])].sort(),
      methods: ["create", "read", "diff", "update", "delete"].filter((m) => typeof loaded[m] === "function"),
    };
    if (name === "artifactsProvider") {
      const json = JSON.parse(JSON.stringify(fullSet()));
      const olds = { endpoint: "https://ws.dev.azuresynapse.net", artifacts: json, published: publishedState(json) };
      out.unchanged = await loaded.diff("id", olds, { endpoint: olds.endpoint, artifacts: json });
      const changed = [...json.filter((a: any) => a.kind !== "trigger"), JSON.parse(JSON.stringify(trigger("tr_daily", "pl_daily", 6)))];
      out.changed = await loaded.diff("id", olds, { endpoint: olds.endpoint, artifacts: changed });
      // Nothing recorded as published: read has nothing to ask the workspace, so it runs here without Azure.
      const empty = { endpoint: olds.endpoint, artifacts: [], published: [] };
      out.artifactsRead = await loaded.read("artifacts@ws", empty);
    }
    if (name === "rbacProvider") {
      const state = {
        endpoint: "https://ws.dev.azuresynapse.net",
        workspaceName: "ws",
        deployerObjectId: "d",
        adminGroupObjectId: "a",
        assignments: [],
        created: [],
      };
      out.rbacRead = await loaded.read("rbac@ws", state);
    }
    if (name === "sqlLayerProvider") {
      const state = { server: "ws-ondemand.sql.azuresynapse.net", scripts: [], hash: "h", objects: [] };
      out.sqlRead = await loaded.read("sql@ws", state);
      const withView = [{ name: "03-views.sql", database: "db", batches: ["CREATE OR ALTER VIEW [s].[v] AS SELECT 1 AS x;"] }];
      out.sqlDrift = await loaded.diff("sql@ws", { ...state, scripts: withView, objects: [] }, { ...state, scripts: withView });
      // No onDelete (the serving layer): delete returns without opening a connection, so it runs here without Azure.
      await loaded.delete("sql@ws", state);
      out.sqlDelete = "done";
      const revoke = (database: string) => ({
        scripts: [{ name: "erp-revoke.sql", database, batches: ["PRINT N'x';"] }],
        target: `${database}/sales/ws`,
      });
      out.sqlMoved = await loaded.diff("sql@erp", { ...state, onDelete: revoke("ERP") }, { ...state, onDelete: revoke("ERP2") });
    }
    if (name === "privateEndpointsProvider") {
      const spec = {
        name: "mpe-kv",
        privateLinkResourceId: "/subscriptions/s/resourceGroups/r/providers/Microsoft.KeyVault/vaults/kv",
        groupId: "vault",
        approve: true,
      };
      const olds = {
        devEndpoint: "https://ws.dev.azuresynapse.net",
        endpoints: [spec],
        status: [{ name: "mpe-kv", provisioningState: "Succeeded", connectionState: "Approved" }],
      };
      out.mpeUnchanged = await loaded.diff("id", olds, { devEndpoint: olds.devEndpoint, endpoints: [spec] });
      out.mpeChanged = await loaded.diff("id", olds, { devEndpoint: olds.devEndpoint, endpoints: [{ ...spec, approve: false }] });
      // A customer's endpoint still Pending on its owner: the serialized diff asks for another look.
      const owners = { ...olds, endpoints: [{ ...spec, approve: false }], status: [{ ...olds.status[0], connectionState: "Pending" }] };
      out.mpeOwnerPending = await loaded.diff("id", owners, { devEndpoint: olds.devEndpoint, endpoints: owners.endpoints });
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e));
  process.exit(1);
});
