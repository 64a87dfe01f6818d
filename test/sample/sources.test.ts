/** The sample's ERP orders and service cases (sample/sources.ts): where the copies land them, as they land them. */
import { ERP_ORDERS, SERVICE_CASES, type SourceTable } from "../../config/source-tables";
import { csvObjects, hashFiles, tenant, type Row } from "./helpers";

const small = { days: 40, messages: 2000, events: 400 };

function rowsOf(files: Map<string, string>, table: SourceTable): { rows: Row[]; bad: string[]; paths: string[] } {
  const paths = [...files.keys()].filter((p) => p.startsWith(`${table.rawFolder}/`)).sort();
  const rows: Row[] = [];
  const bad: string[] = [];
  for (const p of paths)
    for (const line of files.get(p)!.split("\n").filter(Boolean)) {
      try {
        rows.push(JSON.parse(line));
      } catch {
        bad.push(line);
      }
    }
  return { rows, bad, paths };
}

test("orders and cases leave every mail, meeting and CRM file byte-identical (their own random streams)", () => {
  const withSources = tenant(small).files;
  const without = tenant({ ...small, sources: false }).files;
  const others = (files: Map<string, string>) =>
    new Map([...files].filter(([p]) => !p.startsWith("erp/") && !p.startsWith("service/") && p !== "tenant.json"));
  expect(hashFiles(others(withSources))).toBe(hashFiles(others(without)));
  expect([...without.keys()].filter((p) => p.startsWith("erp/") || p.startsWith("service/"))).toEqual([]);
});

test.each([ERP_ORDERS, SERVICE_CASES])(
  "$label land as JSON lines of the canonical columns in <rawFolder>/yyyy/MM/dd/<table>.json",
  (table) => {
    const { files, manifest } = tenant(small);
    const { rows, paths } = rowsOf(files, table);
    expect(paths.length).toBe(new Set(paths).size);
    for (const p of paths) expect(p).toMatch(new RegExp(`^${table.rawFolder}/\\d{4}/\\d{2}/\\d{2}/${table.id}\\.json$`));
    const columns = [...table.columns.map((c) => c.name), table.watermark.column].sort();
    for (const r of rows) expect(Object.keys(r).sort()).toEqual(columns);
    expect(rows.length).toBe(manifest.counts[`${table.id}.versions`] - (manifest.dirty[`${table.id}.malformed_json`]?.count ?? 0));
    // Each version lands in the day folder of its change: the watermark is on that day.
    for (const p of paths) {
      const day = p.split("/").slice(-4, -1).join("-");
      for (const line of files.get(p)!.split("\n").filter(Boolean)) {
        let r: Row;
        try {
          r = JSON.parse(line);
        } catch {
          continue;
        }
        const wm = table.watermark.kind === "epochSeconds" ? new Date(r._ts * 1000).toISOString() : String(r.modified_at);
        expect(wm.slice(0, 10)).toBe(day);
      }
    }
  },
);

test("a changed order or resolved case is a second version of the same id, with a later watermark", () => {
  const { files } = tenant(small);
  for (const [table, key] of [
    [ERP_ORDERS, "order_id"],
    [SERVICE_CASES, "case_id"],
  ] as const) {
    const versions = new Map<string, Row[]>();
    for (const r of rowsOf(files, table).rows) versions.set(r[key], [...(versions.get(r[key]) ?? []), r]);
    const changed = [...versions.values()].filter((v) => v.length > 1);
    expect(changed.length).toBeGreaterThan(0);
    for (const [first, second] of changed)
      expect(String(second[table.watermark.column]) > String(first[table.watermark.column])).toBe(true);
  }
});

test("every dirty row the manifest lists is in the file it names, spoiled as described; --clean has none", () => {
  const { files, manifest } = tenant(small);
  const accounts = new Set(csvObjects(files.get("crm/accounts.csv")!).map((a) => a.accountid));
  const kinds = Object.entries(manifest.dirty).filter(([k]) => k.startsWith("erp_orders.") || k.startsWith("service_cases."));
  expect(kinds.map(([k]) => k).sort()).toEqual(
    [
      "erp_orders.bad_timestamp",
      "erp_orders.malformed_json",
      "erp_orders.missing_account",
      "erp_orders.unknown_account",
      "erp_orders.unknown_contact",
      "service_cases.malformed_json",
      "service_cases.missing_account",
      "service_cases.unknown_account",
    ].sort(),
  );
  for (const [kind, entry] of kinds) {
    const text = files.get(entry.files[0])!;
    const lines = text.split("\n").filter(Boolean);
    const id = entry.ids[0];
    const spoiled = lines.find((l) => l.includes(id));
    expect(spoiled).toBeDefined();
    if (kind.endsWith("malformed_json")) expect(() => JSON.parse(spoiled!)).toThrow();
    else {
      const r = JSON.parse(spoiled!);
      if (kind.endsWith("missing_account")) expect(r.account_crm_id || null).toBeNull();
      if (kind.endsWith("unknown_account")) expect(accounts.has(r.account_crm_id)).toBe(false);
      if (kind.endsWith("bad_timestamp")) expect(Number.isNaN(Date.parse(r.ordered_at))).toBe(true);
    }
  }
  const clean = tenant({ ...small, dirty: false });
  for (const table of [ERP_ORDERS, SERVICE_CASES]) {
    const { rows, bad } = rowsOf(clean.files, table);
    expect(bad).toEqual([]);
    for (const r of rows) expect(accounts.has(r.account_crm_id)).toBe(true);
  }
});
