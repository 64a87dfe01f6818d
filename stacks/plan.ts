/**
 * `relmesh plan`: runs the Pulumi program offline under mocks and records every resource the
 * program registers — type token, logical name, inputs (secrets masked), parent, dependencies.
 *
 * The mock monitor's `newResource` sees neither parents nor dependencies, so the recorder wraps the
 * monitor's `registerResource` and reads them from the request itself (parent URN, dependency
 * URNs, per-property dependencies) together with the serialized inputs, where Pulumi secrets are
 * still marked at their exact position.
 */
import * as pulumi from "@pulumi/pulumi";
import type { RelmeshConfig } from "../config/stack";
import { canonicalJson } from "../config/json";
import { relmeshMocks } from "./plan-mocks";
import { createRelmesh, stackOutputs } from "./relmesh";
import { summariseContent, type PlanResource } from "./plan-resource";

export type { PlanResource } from "./plan-resource";

export interface PlanResult {
  resources: PlanResource[];
  /** Stack outputs under the mocks (for the human form; not part of the JSON contract). */
  outputs: Record<string, unknown>;
}

/** The clock the plan runs with, so the MGDC secret's dates are the same on every run. */
export const PLAN_CLOCK = new Date("2026-01-01T00:00:00Z");

export const SECRET_MASK = "[secret]";
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Input names whose values are secrets whatever their marking (password, secret, key value…). */
export function isSecretInputName(key: string, type: string): boolean {
  if (/(password|passwd|secret|clientsecret|privatekey|accesskey|accountkey|sharedkey|connectionstring|servicePrincipalKey)$/i.test(key))
    return true;
  return key === "value" && /secret|password|key/i.test(type);
}

/** Masks secrets and decodes Pulumi's special values in serialized inputs. Pure. */

export function sanitizeInputs(value: unknown, type: string, key = ""): unknown {
  if (value === UNKNOWN) return "[unknown]";
  // A dynamic resource's provider code, serialized by Pulumi: not a setting, and it changes with every code edit.
  if (key === "__provider" && type.startsWith("pulumi-nodejs:dynamic")) return "[dynamic provider code]";
  // Artifact bodies and SQL text are reviewed in `relmesh synth` output; the plan names each with its
  // content hash, so it stays readable and still changes exactly when an artifact does.
  if (type.startsWith("pulumi-nodejs:dynamic") && Array.isArray(value) && (key === "artifacts" || key === "scripts")) {
    return value.map((item) => summariseContent(item as Record<string, unknown>));
  }
  if (Array.isArray(value)) return value.map((v) => sanitizeInputs(v, type, key));
  if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (o[SECRET_SIG_KEY] === SECRET_SIG) return SECRET_MASK;
    if (o[SECRET_SIG_KEY] === RESOURCE_SIG) return o.urn;
    if (o[SECRET_SIG_KEY] !== undefined) return `[${String(o[SECRET_SIG_KEY])}]`;
    return Object.fromEntries(Object.keys(o).map((k) => [k, sanitizeInputs(o[k], type, k)]));
  }
  if (value !== null && value !== undefined && key && isSecretInputName(key, type)) return SECRET_MASK;
  return value;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): { forEach(cb: (v: { getUrnsList(): string[] }, k: string) => void): void };
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface Recorded {
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  dependencies: string[];
  inputs: Record<string, unknown>;
}

function urnOf(parent: string, type: string, name: string, stack: string, project: string): string {
  let t = type;
  if (parent) t = `${parent.split("::")[2].split("$").pop()}$${type}`;
  return `urn:pulumi:${stack}::${project}::${t}::${name}`;
}

export interface PlanOptions {
  /** @default - {@link PLAN_CLOCK} */
  now?: Date;
  /** @default - `relmesh` */
  project?: string;
}

/**
 * Runs {@link createRelmesh} for a validated config under the mocks and returns every resource.
 * Sets the process-wide Pulumi mocks: run it once per process (or per jest test file).
 */
export async function runPlan(config: RelmeshConfig, opts: PlanOptions = {}): Promise<PlanResult> {
  const project = opts.project ?? "relmesh";
  const stack = config.stack;
  await pulumi.runtime.setMocks(relmeshMocks(), project, stack, false);
  const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: unknown): void };
  const original = monitor.registerResource.bind(monitor);
  const recorded: Recorded[] = [];
  monitor.registerResource = (req: RegisterRequest, cb: unknown) => {
    const deps = new Set(req.getDependenciesList());
    req.getPropertydependenciesMap().forEach((v) => v.getUrnsList().forEach((u) => deps.add(u)));
    recorded.push({
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent(),
      custom: req.getCustom(),
      dependencies: [...deps],
      inputs: req.getObject()?.toJavaScript() ?? {},
    });
    return original(req, cb);
  };

  const outputs =
    (await pulumi.runtime.runInPulumiStack(async () => stackOutputs(createRelmesh(config, { now: opts.now ?? PLAN_CLOCK })))) ?? {};
  await pulumi.runtime.disconnect();

  const byUrn = new Map<string, Recorded>();
  for (const r of recorded) byUrn.set(urnOf(r.parent, r.type, r.name, stack, project), r);
  const topComponent = (urn: string): string | null => {
    let current = byUrn.get(urn);
    let child: Recorded | undefined;
    while (current && current.parent) {
      child = current;
      current = byUrn.get(current.parent);
      if (current && !current.parent) return child === byUrn.get(urn) && child.custom ? null : child.name;
    }
    return null;
  };
  const resources: PlanResource[] = [...byUrn.entries()]
    .filter(([, r]) => !r.type.startsWith("pulumi:providers:"))
    .map(([urn, r]) => ({
      type: r.type,
      name: r.name,
      urn,
      custom: r.custom,
      parent: r.parent || null,
      component: topComponent(urn),
      dependencies: [...new Set(r.dependencies)].filter((d) => d !== r.parent).sort(),
      inputs: sanitizeInputs(r.inputs, r.type) as Record<string, unknown>,
    }))
    .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0));
  return { resources, outputs: JSON.parse(JSON.stringify(outputs)) as Record<string, unknown> };
}

/** The `--json` document. **Contract**: `{ "resources": [...] }`, keys sorted. */
export function planJson(plan: PlanResult): string {
  return `${canonicalJson({ resources: plan.resources }, 2)}\n`;
}

function flatten(value: unknown, prefix: string, out: Array<[string, string]>): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push([prefix, "[]"]);
    value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  } else if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) out.push([prefix, "{}"]);
    for (const k of keys) flatten((value as Record<string, unknown>)[k], prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, typeof value === "string" ? value : JSON.stringify(value)]);
  }
}

/** Logical name of a URN (its last segment). */
function shortUrn(urn: string): string {
  const parts = urn.split("::");
  return `${parts[3]} (${parts[2].split("$").pop()})`;
}

/** The human form: one section per component, one block per resource, inputs flattened. */
export function planTable(plan: PlanResult): string {
  const lines: string[] = [];
  const groups = new Map<string, PlanResource[]>();
  for (const r of plan.resources) {
    if (r.type === "pulumi:pulumi:Stack") continue;
    const key = r.component ?? (r.custom ? "(stack)" : r.name);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const custom = plan.resources.filter((r) => r.custom).length;
  lines.push(`relmesh plan: ${custom} resources in ${groups.size} groups (offline, Pulumi mocks; secrets shown as ${SECRET_MASK})`, "");
  for (const key of [...groups.keys()].sort()) {
    const members = groups
      .get(key)!
      .sort((a, b) => (a.custom === b.custom ? a.type.localeCompare(b.type) || a.name.localeCompare(b.name) : a.custom ? 1 : -1));
    const head = members.find((m) => !m.custom && m.name === key);
    lines.push(`== ${key}${head ? ` [${head.type}]` : ""} ${"=".repeat(Math.max(3, 90 - key.length))}`);
    for (const r of members) {
      if (!r.custom) continue;
      lines.push(`  ${r.type}  ${r.name}`);
      lines.push(`      parent: ${r.parent ? shortUrn(r.parent) : "-"}`);
      lines.push(`      depends on: ${r.dependencies.length ? r.dependencies.map(shortUrn).join(", ") : "-"}`);
      const flat: Array<[string, string]> = [];
      flatten(r.inputs, "", flat);
      const width = Math.min(48, Math.max(...flat.map(([k]) => k.length)));
      for (const [k, v] of flat) lines.push(`      ${k.padEnd(width)}  ${v}`);
      lines.push("");
    }
  }
  const flat: Array<[string, string]> = [];
  flatten(plan.outputs, "", flat);
  lines.push(`== stack outputs (ids and endpoints come from the mocks) ${"=".repeat(40)}`);
  for (const [k, v] of flat) lines.push(`  ${k}  ${v}`);
  return `${lines.join("\n")}\n`;
}
