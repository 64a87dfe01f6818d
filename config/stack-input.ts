/**
 * The raw stack config as config/stack.schema.json sees it, kept apart from the rules that run after
 * the schema: the `relmesh:` keys shaped for Ajv (the engine passes lists and maps as JSON text), the
 * compiled schema, the type it guarantees, and how its problems are worded for `Pulumi.<stack>.yaml`
 * (config/problems.ts renders them). config/stack.ts runs these first.
 */
import { SHIPPED_CRM_MAPPINGS } from "./crm-mapping";
import { configAjv, nearestKey, type Wording } from "./problems";
import schema from "./stack.schema.json";
import type { RelmeshConfig, ConfigKey } from "./stack-types";

const PROPERTIES = schema.properties as Record<string, { type?: string }>;
/** Every key this project reads, without the `relmesh:` prefix: the schema's properties. */
const CONFIG_KEYS = Object.keys(schema.properties);

// Engine values arrive as text ("30", "true"): coerceTypes reads them like YAML values.
export const validateSchema = configAjv({ coerceTypes: true, useDefaults: true }).compile(schema);

/** Keys an earlier release read, with the fix that replaces each. */
const REPLACED_KEYS: Record<string, string> = {
  crmMappingPath: `rename it to relmesh:crmMapping: ${Object.keys(SHIPPED_CRM_MAPPINGS).join(", ")} (the former config/crm-mapping.yaml is ${SHIPPED_CRM_MAPPINGS.dynamics365}), or the path of your own mapping`,
};

export function wording(stack: string): Wording {
  const file = `Pulumi.${stack}.yaml`;
  return {
    prefix: "relmesh:",
    describe: true,
    fix: (key) => `set relmesh:${key} in ${file}`,
    expand: (text) => text.replace(/\{file\}/g, file),
    unknown: (key, known) => {
      if (key.includes(".")) return { rule: "not a known setting", fix: `use one of ${known.join(", ")}` };
      if (key in REPLACED_KEYS) return { rule: "not a key Relationship Mesh reads any more", fix: REPLACED_KEYS[key] };
      const near = nearestKey(key, CONFIG_KEYS);
      return {
        rule: "not a key Relationship Mesh reads",
        fix: near ? `rename it to relmesh:${near}` : "remove it (known keys are documented in Pulumi.dev.yaml)",
      };
    },
  };
}

/**
 * The `relmesh:` keys of a raw config map as the schema validates them: prefix removed, other
 * providers' keys left out, empty values absent, strings trimmed, and the JSON text the engine
 * passes for lists and maps decoded.
 */
export function schemaInput(raw: Record<string, unknown>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(raw)) {
    const key = name.startsWith("relmesh:") ? name.slice("relmesh:".length) : name.includes(":") ? undefined : name;
    if (key === undefined || value === undefined || value === null || value === "") continue;
    let v = typeof value === "string" ? value.trim() : value;
    const type = PROPERTIES[key]?.type;
    if ((type === "array" || type === "object") && typeof v === "string" && /^[[{]/.test(v)) {
      try {
        v = JSON.parse(v);
      } catch {
        /* the schema names the key */
      }
    }
    if (Array.isArray(v)) v = v.map((item) => (typeof item === "string" ? item.trim() : item));
    input[key] = v;
  }
  return input;
}

/**
 * What the schema guarantees: each key has its type, and its static default when the schema has
 * one. (`Pick` also fails to compile when the schema has a key {@link RelmeshConfig} lacks.)
 */
type Derived = "nameSuffix" | "allowedGroupName" | "budgetContactEmails";
type Loose = "tags" | "lakeSku" | "firewallRules" | "sparkPool" | "sparkSession" | "dedicatedSqlPool" | "erp" | "serviceCases";
export type Input = Omit<Pick<RelmeshConfig, ConfigKey>, Derived | Loose> &
  Partial<Pick<RelmeshConfig, Derived>> & {
    tags: Record<string, string>;
    lakeSku: string;
    firewallRules: Array<string | Record<string, string>>;
    sparkPool: Record<string, any>;
    sparkSession: Record<string, any>;
    dedicatedSqlPool?: Record<string, any>;
    erp?: Record<string, any>;
    serviceCases?: Record<string, any>;
  };
