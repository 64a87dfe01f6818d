/**
 * The artifacts go through the SDK's own serializer (a real ArtifactsClient over a recording HTTP
 * client), and read back through its deserializer without losing a field.
 */
import { devWire } from "./helpers";

const PATHS = { linkedService: "linkedservices", dataset: "datasets", notebook: "notebooks", pipeline: "pipelines", trigger: "triggers" };

test("every artifact round-trips through the SDK serializer and deserializer unchanged", async () => {
  for (const w of await devWire()) {
    // toEqual compares Dates by value; the trigger's startTime comes back as a Date.
    expect({ name: w.artifact.name, body: w.roundTrip }).toEqual({ name: w.artifact.name, body: w.artifact.body });
  }
});

test("each artifact is a PUT to its own data-plane path at api-version 2020-12-01", async () => {
  for (const w of await devWire()) {
    expect(w.request).toEqual({ method: "PUT", path: `/${PATHS[w.artifact.kind]}/${w.artifact.name}`, apiVersion: "2020-12-01" });
  }
});

test("on the wire, flattened model fields sit under properties.typeProperties as the service expects", async () => {
  const wire = await devWire();
  const pipeline = wire.find((w) => w.artifact.name === "pl_rm_extract_m365")!.wire as any;
  expect(pipeline.properties.activities[0].typeProperties.source.type).toBe("Office365Source");
  const ls = wire.find((w) => w.artifact.name === "ls_rm_office365")!.wire as any;
  expect(Object.keys(ls.properties.typeProperties).sort()).toEqual([
    "office365TenantId",
    "servicePrincipalId",
    "servicePrincipalKey",
    "servicePrincipalTenantId",
  ]);
  const trigger = wire.find((w) => w.artifact.kind === "trigger")!.wire as any;
  expect(trigger.properties.pipeline.pipelineReference.referenceName).toBe("pl_rm_run_window");
  expect(trigger.properties.typeProperties.frequency).toBe("Hour");
});

test("notebooks reach the wire in .ipynb form: cell_type, nbformat_minor, display_name, language_info", async () => {
  const nb = (await devWire()).find((w) => w.artifact.name === "02_ingest_m365")!.wire as any;
  expect(nb.properties.nbformat).toBe(4);
  expect(nb.properties.nbformat_minor).toBe(2);
  expect(nb.properties.metadata).toEqual({
    kernelspec: { name: "synapse_pyspark", display_name: "Synapse PySpark" },
    language_info: { name: "python" },
  });
  expect(nb.properties.cells.every((c: any) => typeof c.cell_type === "string")).toBe(true);
});
