/**
 * The project as files: deterministic bytes, canonical JSON, stable names, the design's pages and
 * visuals, parameters that follow the stack, and `relmesh synth --out` writing exactly these files.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { synthCommand } from "../../cli/synth";
import { canonicalJson } from "../../config/json";
import { loadRelmesh } from "../../config/load";
import { MODEL_DIR, powerbiProject, REPORT_DIR } from "../../powerbi";
import { servingNames } from "../../sql";
import { devConfig } from "../stacks/harness";
import { readModel } from "./tmdl-model";
import { devProject, under, visuals } from "./helpers";

const { config, files } = devProject();
const json = (path: string) => JSON.parse(files[path]) as Record<string, unknown>;
const byName = new Map(visuals().map(([, v]) => [v.name, v]));

test("generating twice gives byte-identical files", () => {
  expect(powerbiProject(loadRelmesh("dev").config)).toEqual(files);
});

test("every file is UTF-8 text with LF endings, no BOM, one final newline; JSON is canonical", () => {
  for (const [path, content] of Object.entries(files)) {
    expect([path, content.startsWith("\uFEFF"), content.includes("\r"), content.endsWith("\n"), content.endsWith("\n\n")]).toEqual([
      path,
      false,
      false,
      true,
      false,
    ]);
    if (!path.endsWith(".tmdl") && path !== ".gitignore") expect(content).toBe(`${canonicalJson(JSON.parse(content), 2)}\n`);
  }
});

test("no timestamps or random ids in the output", () => {
  const all = Object.values(files).join("\n");
  expect(all).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:/);
  expect(all).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i);
});

test("the .pbip opens the report, and the report reads the model beside it by path", () => {
  expect(json("RelationshipMesh.pbip").artifacts).toEqual([{ report: { path: REPORT_DIR } }]);
  expect(json(`${REPORT_DIR}/definition.pbir`).datasetReference).toEqual({ byPath: { path: `../${MODEL_DIR}` } });
  expect(Object.keys(files)).toEqual(expect.arrayContaining([`${MODEL_DIR}/definition.pbism`, `${MODEL_DIR}/definition/model.tmdl`]));
});

test("the two pages in order, named from their titles, each folder named as its page and visuals", () => {
  expect(json(`${REPORT_DIR}/definition/pages/pages.json`)).toMatchObject({
    pageOrder: ["portfolio", "account-detail"],
    activePageName: "portfolio",
  });
  expect(json(`${REPORT_DIR}/definition/pages/portfolio/page.json`).displayName).toBe("Portfolio");
  expect(json(`${REPORT_DIR}/definition/pages/account-detail/page.json`).displayName).toBe("Account detail");
  for (const [path, v] of visuals()) {
    expect(path).toMatch(new RegExp(`/visuals/${v.name}/visual.json$`));
    expect(v.name.length).toBeLessThanOrEqual(50);
  }
});

test("the portfolio page: six slicers, three cards, the targets table and four bar charts", () => {
  const types = [...byName.values()].filter((v) => v.name.startsWith("portfolio-")).map((v) => v.visual.visualType);
  expect(types.sort()).toEqual(
    [...Array(3).fill("card"), ...Array(4).fill("clusteredBarChart"), ...Array(6).fill("slicer"), "tableEx"].sort(),
  );
});

test("the portfolio's Open escalations slicer reads account_scores.open_escalations, in the slicer row", () => {
  const slicer = byName.get("portfolio-slicer-open-escalations")!;
  expect(slicer.visual.query.queryState.Values.projections.map((p) => p.queryRef)).toEqual(["account_scores.open_escalations"]);
  expect(slicer.position!.y).toBe(byName.get("portfolio-slicer-tier")!.position!.y);
});

test("the high priority targets table lists each account's order trend and open escalations after its score trend", () => {
  const refs = byName.get("portfolio-high-priority-targets")!.visual.query.queryState.Values.projections.map((p) => p.queryRef);
  expect(refs.slice(-3)).toEqual(["account_scores.trend", "account_scores.order_trend", "account_scores.open_escalations"]);
});

test("the account summary shows the orders, open escalations and open cases measures", () => {
  const refs = JSON.stringify(byName.get("account-account-summary")!.visual.query);
  for (const m of ["Orders (period)", "Open escalations", "Open cases"]) expect(refs).toContain(`"Property":"${m}"`);
});

test("the event tracker and the touchpoints group by the readable source name and colour each as the local dashboard does, ERP orders and service cases included", () => {
  for (const [name, table] of [
    ["account-event-tracker", "interactions_weekly"],
    ["account-top-relationship-touchpoints", "touchpoints"],
  ]) {
    const fills = byName
      .get(name)!
      .visual.objects!.dataPoint.map((d) => [
        d.selector.data[0].scopeId.Comparison.Left.Column,
        d.selector.data[0].scopeId.Comparison.Right.Literal.Value,
        d.properties.fill.solid.color.expr.Literal.Value,
      ]);
    const column = { Expression: { SourceRef: { Entity: table } }, Property: "source_label" };
    expect(fills).toEqual([
      [column, "'Email'", "'#1F5FA8'"],
      [column, "'Meeting'", "'#B45309'"],
      [column, "'ERP order'", "'#18794E'"],
      [column, "'Service case'", "'#8E2D8E'"],
    ]);
  }
});

test("the portfolio's table and bar charts show high-priority accounts only; the connectivity charts keep their top and bottom 10", () => {
  for (const name of [
    "high-priority-targets",
    "highest-connectivity",
    "lowest-connectivity",
    "days-since-last-email",
    "days-since-last-meeting",
  ]) {
    const filters = JSON.stringify(byName.get(`portfolio-${name}`)!.filterConfig);
    expect([name, filters]).toEqual([name, expect.stringContaining('"Property":"is_high_priority"')]);
  }
  const topN = (name: string) =>
    byName.get(`portfolio-${name}`)!.filterConfig!.filters.find((f) => (f as { type?: string }).type === "TopN");
  expect(JSON.stringify(topN("highest-connectivity"))).toMatch(/"Direction":2.*"Top":10/);
  expect(JSON.stringify(topN("lowest-connectivity"))).toMatch(/"Direction":1.*"Top":10/);
});

test("the network is a seller x contact matrix of [Pair score] with a colour scale", () => {
  const network = byName.get("account-network")!;
  const state = network.visual.query.queryState;
  expect(network.visual.visualType).toBe("pivotTable");
  expect(state.Rows.projections.map((p) => p.queryRef)).toEqual(["dim_seller.full_name"]);
  expect(state.Columns.projections.map((p) => p.queryRef)).toEqual(["dim_contact.full_name"]);
  expect(state.Values.projections.map((p) => p.queryRef)).toEqual(["pair_scores.Pair score"]);
  expect(JSON.stringify(network.visual)).toContain('"backColor":{"solid":{"color":{"expr":{"FillRule"');
});

test("the detail page has the design's visuals", () => {
  const types = Object.fromEntries(
    [...byName.values()]
      .filter((v) => v.name.startsWith("account-") && v.visual.visualType !== "slicer")
      .map((v) => [v.name, v.visual.visualType]),
  );
  expect(types).toEqual({
    "account-account-summary": "multiRowCard",
    "account-network": "pivotTable",
    "account-top-contacts": "tableEx",
    "account-top-relationship-touchpoints": "treemap",
    "account-event-tracker": "clusteredColumnChart",
    "account-interactions": "pivotTable",
    "account-prospecting-checklist": "tableEx",
  });
  expect([...byName.keys()].filter((n) => n.startsWith("account-slicer-"))).toHaveLength(6);
});

describe("parameters", () => {
  const parameters = (f: Record<string, string>) => readModel(under(f, MODEL_DIR)).expressions;
  const value = (m: string) => /^"([^"]*)"/.exec(m)![1];

  test("SqlEndpoint is the dev workspace's serverless endpoint; SqlDatabase the serving database", () => {
    const p = parameters(files);
    expect(value(p.get("SqlEndpoint")!)).toBe(`${config.names.synapseWorkspace}-ondemand.sql.azuresynapse.net`);
    expect(value(p.get("SqlDatabase")!)).toBe(servingNames(config).database);
    expect(p.get("SqlEndpoint")).toContain('meta [IsParameterQuery = true, Type = "Text", IsParameterQueryRequired = true]');
  });

  test("both follow the stack config: another prefix and suffix give another workspace and database", () => {
    const p = parameters(powerbiProject(devConfig({ "relmesh:namePrefix": "contoso", "relmesh:nameSuffix": "abc123" })));
    expect(value(p.get("SqlEndpoint")!)).toBe("contoso-syn-abc123-ondemand.sql.azuresynapse.net");
    expect(value(p.get("SqlDatabase")!)).toBe("contoso_serving");
  });
});

describe("relmesh synth --subscription", () => {
  const SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
  const quiet = () => jest.spyOn(process.stdout, "write").mockImplementation(() => true);

  test("names the workspace pulumi up creates in that subscription", async () => {
    const out = mkdtempSync(join(tmpdir(), "relmesh-pbi-sub-"));
    const write = quiet();
    try {
      expect(await synthCommand(["--out", out, "--subscription", SUBSCRIPTION])).toBe(0);
    } finally {
      write.mockRestore();
    }
    const workspace = loadRelmesh("dev", { subscriptionId: SUBSCRIPTION }).config.names.synapseWorkspace;
    expect(workspace).not.toBe(loadRelmesh("dev").config.names.synapseWorkspace);
    const expressions = readFileSync(join(out, "powerbi", "RelationshipMesh.SemanticModel", "definition", "expressions.tmdl"), "utf8");
    expect(expressions).toContain(`"${workspace}-ondemand.sql.azuresynapse.net"`);
    rmSync(out, { recursive: true, force: true });
  });

  test("refuses a value that is not a subscription id, naming it", async () => {
    await expect(synthCommand(["--out", tmpdir(), "--subscription", "my-sub"])).rejects.toThrow(
      /--subscription must be a subscription id.*"my-sub"/,
    );
  });
});

describe("relmesh synth --out", () => {
  let out: string;
  let stdout = "";
  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), "relmesh-pbi-"));
    mkdirSync(join(out, "powerbi", "Old.Report"), { recursive: true });
    writeFileSync(join(out, "powerbi", "Old.Report", "definition.pbir"), "{}");
    const write = jest.spyOn(process.stdout, "write").mockImplementation(() => true);
    expect(await synthCommand(["--out", out])).toBe(0);
    stdout = write.mock.calls.map((c) => String(c[0])).join("");
    write.mockRestore();
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const written = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? written(join(dir, f)) : [join(dir, f)]));

  test("writes exactly the generator's files under powerbi/, replacing what was there", () => {
    const root = join(out, "powerbi");
    const onDisk = Object.fromEntries(written(root).map((f) => [relative(root, f).split(sep).join("/"), readFileSync(f, "utf8")]));
    expect(onDisk).toEqual(files);
  });

  test("checksums the project in the manifest and says where the .pbip is", () => {
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as { files: { path: string }[] };
    expect(manifest.files.filter((f) => f.path.startsWith("powerbi/"))).toHaveLength(Object.keys(files).length);
    expect(stdout).toContain(join(out, "powerbi", "RelationshipMesh.pbip"));
    expect(stdout).toContain(`${Object.keys(files).length} Power BI project files`);
  });
});
