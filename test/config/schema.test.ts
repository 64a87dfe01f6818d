/**
 * config/stack.schema.json is the stack config's shape; config/stack-types.ts its TypeScript type.
 * These checks fail when the two drift apart, and pin the one loader's contract.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadRelmesh } from "../../config/load";
import { DW_SKUS, LAKE_SKUS, SPARK_NODE_SIZES, type ConfigKey, type DerivedConfigKey, type RelmeshConfig } from "../../config/stack";
import schema from "../../config/stack.schema.json";
import { devRaw, ROOT } from "../stacks/harness";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// Compile-time: the schema's properties are exactly the keys of RelmeshConfig that are not derived.
const sameKeys: Same<ConfigKey, Exclude<keyof RelmeshConfig, DerivedConfigKey>> = true;

describe("the stack config schema", () => {
  test("its properties are the keys of the RelmeshConfig type (checked by tsc), and every key Pulumi.dev.yaml sets is one", () => {
    expect(sameKeys).toBe(true);
    const dev = Object.keys(parse(readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8")).config).filter((k) => k.startsWith("relmesh:"));
    expect(dev.map((k) => k.slice("relmesh:".length)).filter((k) => !(k in schema.properties))).toEqual([]);
  });

  test("the reference tables the code uses are the schema's enums", () => {
    expect(Object.keys(SPARK_NODE_SIZES)).toEqual(schema.properties.sparkPool.properties.nodeSize.enum);
    expect(LAKE_SKUS).toBe(schema.properties.lakeSku.enum);
    expect(DW_SKUS).toBe(schema.properties.dedicatedSqlPool.properties.sku.enum);
  });

  test("every key has a description (the schema is the key reference)", () => {
    expect(
      Object.entries(schema.properties)
        .filter(([, s]) => !(s as { description?: string }).description)
        .map(([k]) => k),
    ).toEqual([]);
  });
});

describe("loadRelmesh", () => {
  test("validates once and hands out the ruleset and CRM mapping the config holds", () => {
    const loaded = loadRelmesh("dev", { rootDir: ROOT });
    expect(loaded.ruleset).toBe(loaded.config.ruleset);
    expect(loaded.crmMapping).toBe(loaded.config.crmColumnMapping);
    expect(loaded.ruleset.recency.half_life_days).toBeGreaterThan(0);
    expect(loaded.crmMapping.tables.contacts.columns.email).toBe("emailaddress1");
  });

  test("takes the engine's config map instead of the file (pulumi up)", () => {
    const fromEngine = loadRelmesh("dev", { rootDir: ROOT, raw: devRaw() });
    expect(fromEngine.config).toEqual(loadRelmesh("dev", { rootDir: ROOT }).config);
  });

  test("resolves an absolute rulesetPath as is and a relative one against the repository root", () => {
    const absolute = loadRelmesh("dev", { rootDir: ROOT, raw: devRaw({ "relmesh:rulesetPath": join(ROOT, "config", "ruleset.yaml") }) });
    expect(absolute.ruleset).toEqual(loadRelmesh("dev", { rootDir: ROOT }).ruleset);
  });

  test("a stack without a file names the file and the fix", () => {
    expect(() => loadRelmesh("nope", { rootDir: ROOT })).toThrow(
      `stack config ${ROOT}/Pulumi.nope.yaml does not exist: create Pulumi.nope.yaml (copy Pulumi.dev.yaml) or pass another --stack`,
    );
  });
});
