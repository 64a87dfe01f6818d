/** Shared readers for generated tenants: they parse what a notebook would read, from the sink's files. */
import { createHash } from "node:crypto";
import { generateTenant, MemorySink, SampleOptions, TenantManifest } from "../../sample";

export type Row = Record<string, any>;

export interface Tenant {
  manifest: TenantManifest;
  files: Map<string, string>;
}

const cache = new Map<string, Tenant>();

/** Generates (once per options per test file) into memory. */
export function tenant(options: Partial<SampleOptions> = {}): Tenant {
  const key = JSON.stringify(options);
  let t = cache.get(key);
  if (!t) {
    const sink = new MemorySink();
    const manifest = generateTenant(options, sink);
    t = { manifest, files: sink.files };
    cache.set(key, t);
  }
  return t;
}

export function hashFiles(files: Map<string, string>): string {
  const h = createHash("sha256");
  for (const path of [...files.keys()].sort()) h.update(`${path}\0${files.get(path)}\0`);
  return h.digest("hex");
}

export const isData = (path: string, dataset: string) => path.startsWith(`m365/${dataset}/`) && !path.includes("/metadata/");

/** Lower-cases the first letter of every key, as a case-insensitive reader effectively does. */
export function camel(value: any): any {
  if (Array.isArray(value)) return value.map(camel);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k[0].toLowerCase() + k.slice(1), camel(v)]));
}

export interface Rows {
  rows: Row[];
  bad: string[];
  byFile: Map<string, Row[]>;
}
const parsed = new WeakMap<Tenant, Map<string, Rows>>();

/** Every parseable row of a dataset (array files included), with the lines that failed to parse; parsed once per tenant. */
export function readRows(t: Tenant, dataset: string): Rows {
  const known = parsed.get(t) ?? new Map<string, Rows>();
  parsed.set(t, known);
  if (!known.has(dataset)) known.set(dataset, parseRows(t, dataset));
  return known.get(dataset)!;
}

function parseRows(t: Tenant, dataset: string): Rows {
  const rows: Row[] = [];
  const bad: string[] = [];
  const byFile = new Map<string, Row[]>();
  for (const [path, text] of t.files) {
    if (!isData(path, dataset)) continue;
    const list: Row[] = [];
    if (text.startsWith("[")) list.push(...JSON.parse(text));
    else {
      for (const line of text.split("\n")) {
        if (!line) continue;
        try {
          list.push(JSON.parse(line));
        } catch {
          bad.push(line);
        }
      }
    }
    byFile.set(path, list);
    rows.push(...list);
  }
  return { rows, bad, byFile };
}

/** A small RFC 4180 reader, written independently of the generator's writer. */
export function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(field);
      field = "";
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      out.push(row);
      row = [];
      field = "";
    } else field += ch;
  }
  if (field || row.length) out.push([...row, field]);
  return out;
}

export function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}
