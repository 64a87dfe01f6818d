/**
 * Every JSON file of the generated Power BI project validates against the Microsoft schema it
 * declares. The schemas are not part of the repository: this runs when they are found
 * (RELMESH_POWERBI_SCHEMAS, or ../shared/powerbi-schemas beside the clone) and is skipped, with the
 * path searched in its title, when they are not.
 */
import type { ErrorObject } from "ajv";
import { loadRelmesh } from "../../config/load";
import { powerbiProject, SCHEMAS } from "../../powerbi";
import { powerbiSchemasDir, schemaValidator, SCHEMA_URL_PREFIX } from "../fixtures/powerbi-schemas";

const schemas = powerbiSchemasDir();
const suite = schemas.dir ? describe : describe.skip;
if (!schemas.dir) process.stderr.write(`conformance skipped: ${schemas.why}\n`);

const files = powerbiProject(loadRelmesh("dev").config);
const jsonPaths = Object.keys(files).filter((p) => /\.(json|pbip|pbir|pbism)$/.test(p));

const describeErrors = (errors: ErrorObject[] | null | undefined): string[] =>
  (errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`);

suite(`Power BI project against Microsoft's schemas (${schemas.why})`, () => {
  const validator = () => schemaValidator(schemas.dir!);
  let schemaFor: ReturnType<typeof schemaValidator>;
  beforeAll(() => {
    schemaFor = validator();
  });

  it("every JSON file of the project declares one of Microsoft's schemas", () => {
    const declared = jsonPaths.map((p) => (JSON.parse(files[p]) as { $schema?: string }).$schema ?? "");
    expect(declared.filter((s) => !s.startsWith(SCHEMA_URL_PREFIX))).toEqual([]);
    // The .pbip, .pbir, .pbism, version, report, pages, page and visual files are all there.
    expect(new Set(declared).size).toBe(Object.keys(SCHEMAS).length + 1);
  });

  it.each(jsonPaths)("%s validates against the schema it declares", (path) => {
    const doc = JSON.parse(files[path]) as { $schema: string };
    const validate = schemaFor(doc.$schema);
    const ok = validate(doc);
    expect(describeErrors(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
  });

  it("the schemas reject a visual without a position and a page name over 50 characters (the check can fail)", () => {
    const visualPath = jsonPaths.find((p) => p.endsWith("visual.json"))!;
    const { position: _dropped, ...visual } = JSON.parse(files[visualPath]) as Record<string, unknown>;
    expect(schemaFor(visual.$schema as string)(visual)).toBe(false);
    const pagePath = jsonPaths.find((p) => p.endsWith("page.json"))!;
    const page = JSON.parse(files[pagePath]) as { $schema: string; name: string };
    page.name = "p".repeat(51);
    expect(schemaFor(page.$schema)(page)).toBe(false);
  });

  it("the schemas reject a visual-level filter of an unknown type (filters are checked, not passed through)", () => {
    const path = jsonPaths.find((p) => p.endsWith("portfolio-highest-connectivity/visual.json"))!;
    const visual = JSON.parse(files[path]) as { $schema: string; filterConfig: { filters: Record<string, unknown>[] } };
    visual.filterConfig.filters[0].type = "Favourite";
    expect(schemaFor(visual.$schema)(visual)).toBe(false);
  });
});

test("the schemas are looked for beside the repository, or where RELMESH_POWERBI_SCHEMAS says", () => {
  expect(powerbiSchemasDir({}, "/nowhere/relmesh").why).toBe(
    "Microsoft's Power BI schemas not found at /nowhere/shared/powerbi-schemas; set RELMESH_POWERBI_SCHEMAS to run the schema conformance tests",
  );
  expect(powerbiSchemasDir({ RELMESH_POWERBI_SCHEMAS: "/elsewhere/schemas" }, "/nowhere/relmesh").why).toContain("/elsewhere/schemas");
});
