/**
 * Every name an artifact uses resolves: linked services, datasets, pipelines, notebooks, the Spark
 * pool, pipeline and dataset parameters, and the notebook parameters a pipeline passes.
 */
import { PUBLISH_ORDER, type Artifact } from "../../synapse-artifacts";
import { includedNotebooks, notebookParameters } from "../../synapse-artifacts/notebooks";
import { activitiesOf, artifactsFor, byKind, devConfig, inputsFor, objects, sourcesConfig, strings } from "./helpers";

const config = devConfig();
const inputs = inputsFor(config);
const variants: Array<[string, Artifact[]]> = [
  ["dev stack", artifactsFor(config)],
  [
    "MGDC off",
    artifactsFor(devConfig({ "relmesh:mgdcEnabled": false, "relmesh:managedVirtualNetwork": true, "relmesh:location": "swedencentral" })),
  ],
  // Issue 12: the ERP and service-case linked services, datasets and incremental copies.
  ["ERP and service cases on", artifactsFor(sourcesConfig())],
];

const REF_KIND: Record<string, Artifact["kind"]> = {
  LinkedServiceReference: "linkedService",
  DatasetReference: "dataset",
  PipelineReference: "pipeline",
  NotebookReference: "notebook",
};

describe.each(variants)("%s", (_label, artifacts) => {
  const names = (kind: Artifact["kind"]) => new Set(byKind(artifacts, kind).map((a) => a.name));

  test("every linked service, dataset, pipeline and notebook reference names an artifact that is generated", () => {
    const missing: string[] = [];
    for (const a of artifacts) {
      for (const [path, o] of objects(a.body)) {
        const kind = REF_KIND[o.type];
        if (kind && typeof o.referenceName === "string" && !names(kind).has(o.referenceName))
          missing.push(`${a.name} ${path} → ${o.type} ${o.referenceName}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test("every Spark pool reference names the configured pool", () => {
    const pools = artifacts.flatMap((a) =>
      objects(a.body)
        .filter(([, o]) => o.type === "BigDataPoolReference")
        .map(([, o]) => o.referenceName),
    );
    expect(pools.length).toBeGreaterThan(0);
    expect(new Set(pools)).toEqual(new Set([config.sparkPool.name]));
  });

  test("every referenced artifact is published before the artifact that uses it (order within the list)", () => {
    const position = new Map(artifacts.map((a, i) => [`${a.kind}:${a.name}`, i]));
    for (const [i, a] of artifacts.entries()) {
      for (const [, o] of objects(a.body)) {
        const kind = REF_KIND[o.type];
        if (kind) expect(position.get(`${kind}:${o.referenceName}`)!).toBeLessThan(i);
      }
    }
  });

  test("every pipeline parameter an expression reads is declared by that pipeline", () => {
    for (const p of byKind(artifacts, "pipeline")) {
      const declared = Object.keys((p.body as any).parameters ?? {});
      const used = strings(p.body).flatMap((s) => [...s.matchAll(/pipeline\(\)\.parameters\.(\w+)/g)].map((m) => m[1]));
      expect({ pipeline: p.name, undeclared: used.filter((u) => !declared.includes(u)) }).toEqual({ pipeline: p.name, undeclared: [] });
    }
  });

  test("every dataset parameter an expression reads is declared, and every parameterised dataset is given its parameters", () => {
    const datasets = new Map(byKind(artifacts, "dataset").map((d) => [d.name, d.body as any]));
    for (const d of datasets.values()) {
      const used = strings(d).flatMap((s) => [...s.matchAll(/dataset\(\)\.(\w+)/g)].map((m) => m[1]));
      expect(used.filter((u) => !(u in (d.properties.parameters ?? {})))).toEqual([]);
    }
    for (const p of byKind(artifacts, "pipeline")) {
      for (const [, ref] of objects(p.body).filter(([, o]) => o.type === "DatasetReference")) {
        const required = Object.keys(datasets.get(ref.referenceName).properties.parameters ?? {});
        expect({ ref: ref.referenceName, passed: Object.keys(ref.parameters ?? {}).sort() }).toEqual({
          ref: ref.referenceName,
          passed: required.sort(),
        });
      }
    }
  });

  test("ExecutePipeline and the trigger pass exactly the parameters the called pipeline declares", () => {
    const pipelines = new Map(byKind(artifacts, "pipeline").map((p) => [p.name, (p.body as any).parameters ?? {}]));
    const calls = [
      ...byKind(artifacts, "pipeline").flatMap((p) =>
        activitiesOf(p)
          .filter((a) => a.type === "ExecutePipeline")
          .map((a) => [a.pipeline.referenceName, a.parameters ?? {}]),
      ),
      // Tumbling-window triggers name one pipeline, schedule triggers a list.
      ...byKind(artifacts, "trigger").flatMap((t) => {
        const p = (t.body as any).properties;
        return (p.pipelines ?? [p.pipeline]).map((x: any) => [x.pipelineReference.referenceName, x.parameters ?? {}]);
      }),
    ] as Array<[string, Record<string, unknown>]>;
    for (const [target, passed] of calls) {
      const declared = pipelines.get(target);
      const required = Object.keys(declared).filter((k) => declared[k].defaultValue === undefined);
      expect(Object.keys(passed).filter((k) => !(k in declared))).toEqual([]);
      expect(required.filter((k) => !(k in passed))).toEqual([]);
    }
  });

  test("publishing in the publisher's order (kind, then name: stacks/publish/planner.ts) never meets a missing reference", () => {
    const rank = (a: Artifact) => PUBLISH_ORDER.indexOf(a.kind);
    const ordered = [...artifacts].sort((a, b) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const published = new Set<string>();
    for (const a of ordered) {
      for (const [, o] of objects(a.body)) {
        const kind = REF_KIND[o.type];
        if (kind)
          expect(`${a.name} → ${kind}:${o.referenceName} ${published.has(`${kind}:${o.referenceName}`) ? "published" : "missing"}`).toMatch(
            /published$/,
          );
      }
      published.add(`${a.kind}:${a.name}`);
    }
  });

  test("activity dependencies name activities of the same pipeline", () => {
    for (const p of byKind(artifacts, "pipeline")) {
      const activityNames = new Set(activitiesOf(p).map((a) => a.name));
      expect(activityNames.size).toBe(activitiesOf(p).length);
      for (const a of activitiesOf(p)) for (const d of a.dependsOn ?? []) expect(activityNames.has(d.activity)).toBe(true);
    }
  });
});

test("every notebook a pipeline runs is generated from notebooks/, and every %run target too", () => {
  const artifacts = artifactsFor(config);
  const notebooks = new Set(byKind(artifacts, "notebook").map((n) => n.name));
  expect([...notebooks].sort()).toEqual(Object.keys(inputs.notebooks).sort());
  for (const source of Object.values(inputs.notebooks))
    for (const target of includedNotebooks(source)) expect(notebooks.has(target)).toBe(true);
});

test("every notebook parameter a pipeline passes exists in that notebook's parameters cell, with the cell's type", () => {
  const pipelines = byKind(artifactsFor(config), "pipeline");
  const runs = pipelines.flatMap(activitiesOf).filter((a) => a.type === "SynapseNotebook");
  expect(runs.map((r) => r.notebook.referenceName)).toEqual(["01_ingest_crm", "02_ingest_m365", "03_score"]);
  for (const run of runs) {
    const source = inputs.notebooks[run.notebook.referenceName];
    const declared = notebookParameters(source);
    expect({ notebook: run.notebook.referenceName, unknown: Object.keys(run.parameters).filter((k) => !declared.includes(k)) }).toEqual({
      notebook: run.notebook.referenceName,
      unknown: [],
    });
    for (const [name, p] of Object.entries<any>(run.parameters)) {
      const literal = new RegExp(`^${name}\\s*=\\s*(.+)$`, "m").exec(source)![1].trim();
      expect({ name, type: p.type }).toEqual({ name, type: /^(True|False)$/.test(literal) ? "bool" : "string" });
    }
  }
});

test("the processing pipeline passes what the local runner passes, with the window from pipeline parameters", () => {
  const process = byKind(artifactsFor(config), "pipeline").find((p) => p.name === "pl_rm_process")!;
  const [crm, m365, score] = activitiesOf(process);
  expect(Object.keys(crm.parameters).sort()).toEqual(["crm_mapping_json", "curated_root", "load_id", "raw_root"]);
  expect(m365.parameters.raw_root.value).toBe(`abfss://raw@${config.names.lakeAccount}.dfs.core.windows.net/`);
  expect(m365.parameters.window_start.value.value).toBe("@formatDateTime(pipeline().parameters.windowStart, 'yyyy-MM-dd')");
  expect(score.parameters.as_of.value.value).toBe("@formatDateTime(pipeline().parameters.windowEnd, 'yyyy-MM-dd')");
  expect(JSON.parse(score.parameters.ruleset_json.value)).toEqual(inputs.ruleset);
  expect(m365.parameters.load_id.value.value).toBe("@pipeline().RunId");
  expect(m365.dependsOn).toEqual([{ activity: crm.name, dependencyConditions: ["Succeeded"] }]);
  expect(score.dependsOn).toEqual([{ activity: m365.name, dependencyConditions: ["Succeeded"] }]);
});
