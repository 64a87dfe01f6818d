import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** The gold tables as the local dashboard needs them (written by notebooks/local/summary.py). */
export interface DashboardData {
  as_of: string;
  accounts: Array<{
    account_id: string;
    name: string;
    tier: number | null;
    connectivity_score: number;
    status: "good_standing" | "needs_attention" | "no_coverage";
    days_since_last_interaction: number | null;
    connected_contacts: number;
    connected_sellers: number;
    exec_coverage: boolean;
    single_threaded: boolean;
    is_high_priority: boolean;
    open_pipeline: number;
    trend: number;
  }>;
  checklist: Record<string, Array<{ item: string; description: string; satisfied: boolean; evidence_at: string | null }>>;
  touchpoints: Record<string, Array<{ rank: number; source: string; direction: string; occurred_at: string; share: number }>>;
}

const STATUS_LABEL = { good_standing: "Good standing", needs_attention: "Needs attention", no_coverage: "No coverage" } as const;

/** Everything from the data is escaped: account names come from the CRM. */
export function escapeHtml(text: unknown): string {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function checklistCells(items: DashboardData["checklist"][string] = []): string {
  return items
    .map(
      (i) =>
        `<span class="check ${i.satisfied ? "yes" : "no"}" title="${escapeHtml(i.description)}${i.evidence_at ? ` (${escapeHtml(i.evidence_at.slice(0, 10))})` : ""}">${i.satisfied ? "✓" : "✗"}</span>`,
    )
    .join("");
}

function touchpointText(points: DashboardData["touchpoints"][string] = []): string {
  return points
    .map(
      (t) => `${escapeHtml(t.source)} ${escapeHtml(t.direction)} ${escapeHtml(t.occurred_at.slice(0, 10))} (${Math.round(t.share * 100)}%)`,
    )
    .join("<br>");
}

/** A static, script-free page: opens from disk, safe to mail around, readable in review. */
export function renderDashboard(data: DashboardData): string {
  const count = (status: string) => data.accounts.filter((a) => a.status === status).length;
  const urgent = data.accounts.filter((a) => a.is_high_priority && a.status !== "good_standing").length;
  const rows = data.accounts
    .map(
      (a) => `
      <tr class="${a.status}" data-account="${escapeHtml(a.account_id)}">
        <td>${a.is_high_priority ? '<span class="star" title="high priority">★</span> ' : ""}${escapeHtml(a.name)}</td>
        <td class="num">${escapeHtml(a.tier ?? "–")}</td>
        <td><div class="bar" style="--w:${Math.max(0, Math.min(100, a.connectivity_score)).toFixed(1)}%"></div><span class="num">${a.connectivity_score.toFixed(1)}</span></td>
        <td><span class="badge ${a.status}">${STATUS_LABEL[a.status]}</span></td>
        <td class="num">${a.days_since_last_interaction ?? "–"}</td>
        <td class="num">${a.connected_contacts}</td>
        <td class="num">${a.connected_sellers}${a.single_threaded ? ' <span class="risk" title="one seller holds the account">single-threaded</span>' : ""}</td>
        <td>${a.exec_coverage ? "yes" : "no"}</td>
        <td class="num ${a.trend < 0 ? "down" : "up"}">${a.trend >= 0 ? "+" : ""}${a.trend.toFixed(1)}</td>
        <td>${checklistCells(data.checklist[a.account_id])}</td>
        <td class="small">${touchpointText(data.touchpoints[a.account_id])}</td>
      </tr>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Relationship Mesh — as of ${escapeHtml(data.as_of)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b1f24; }
  h1 { font-size: 20px; margin: 0 0 4px; } .sub { color: #57606a; margin-bottom: 16px; }
  .cards { display: flex; gap: 12px; margin-bottom: 16px; }
  .card { border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 14px; min-width: 120px; }
  .card b { display: block; font-size: 22px; }
  table { border-collapse: collapse; width: 100%; } th, td { padding: 5px 8px; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; }
  th { background: #f6f8fa; position: sticky; top: 0; } .num { text-align: right; font-variant-numeric: tabular-nums; }
  .bar { display: inline-block; width: 80px; height: 8px; background: linear-gradient(90deg, #2da44e var(--w), #eaeef2 var(--w)); margin-right: 6px; border-radius: 4px; }
  .badge { padding: 1px 8px; border-radius: 10px; font-size: 12px; white-space: nowrap; }
  .badge.good_standing { background: #dafbe1; } .badge.needs_attention { background: #fff1c2; } .badge.no_coverage { background: #ffd7d5; }
  .star { color: #bf8700; } .risk { color: #cf222e; font-size: 12px; } .down { color: #cf222e; } .up { color: #1a7f37; }
  .check { display: inline-block; width: 18px; text-align: center; } .check.yes { color: #1a7f37; } .check.no { color: #cf222e; }
  .small { font-size: 12px; color: #57606a; }
</style>
</head>
<body>
<h1>Relationship Mesh</h1>
<div class="sub">Connectivity as of ${escapeHtml(data.as_of)} · high-priority accounts first, weakest first · hover a checklist mark for the item</div>
<div class="cards">
  <div class="card"><b>${data.accounts.length}</b>accounts</div>
  <div class="card"><b>${count("good_standing")}</b>good standing</div>
  <div class="card"><b>${count("needs_attention")}</b>need attention</div>
  <div class="card"><b>${count("no_coverage")}</b>no coverage</div>
  <div class="card"><b>${urgent}</b>high priority needing attention</div>
</div>
<table>
  <thead><tr><th>Account</th><th>Tier</th><th>Score</th><th>Status</th><th>Days since touch</th><th>Contacts</th><th>Sellers</th><th>Exec</th><th>Trend</th><th>Checklist</th><th>Top touchpoints</th></tr></thead>
  <tbody>${rows}
  </tbody>
</table>
</body>
</html>
`;
}

export function writeDashboard(outDir: string, data: DashboardData): string {
  const dir = join(outDir, "dashboard");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "index.html");
  writeFileSync(path, renderDashboard(data));
  return path;
}
