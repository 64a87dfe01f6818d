// The functions passed to page.evaluate run in the browser: they are typed against the DOM.
/// <reference lib="dom" />
/** Reads what the dashboard shows: the text of cards and tables, and the data of each Chart.js chart. */
import type { Page } from "playwright-core";
import type { ChartView } from "./gold-expect";

/** Cards by their measure name → the value text. */
export function cards(page: Page, container: string): Promise<Record<string, string>> {
  return page.$$eval(`#${container} .card`, (els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute("data-measure") ?? "", (e.querySelector(".value")?.textContent ?? "").trim()])),
  );
}

/** A table's body rows: an id attribute and the text of each cell. */
export function tableRows(page: Page, container: string, idAttr: string): Promise<Array<{ id: string; cells: string[] }>> {
  return page.$$eval(
    `#${container} tbody tr`,
    (trs, attr) =>
      trs.map((tr) => ({
        id: tr.getAttribute(attr as string) ?? "",
        cells: Array.from(tr.querySelectorAll("td")).map((td) => (td.textContent ?? "").trim()),
      })),
    idAttr,
  );
}

/** The labels, values and (when present) keys of a bar chart's first dataset, from its Chart.js instance. */
export function barChart(page: Page, canvasId: string): Promise<ChartView> {
  return page.evaluate((id) => {
    const chart = (window as any).Chart.getChart(document.getElementById(id));
    const ds = chart.data.datasets[0];
    return { labels: [...chart.data.labels], values: [...ds.data], ...(ds.keys ? { keys: [...ds.keys] } : {}) };
  }, canvasId);
}

/** A stacked chart's weeks and one series per dataset. */
export function stackedChart(
  page: Page,
  canvasId: string,
): Promise<{ labels: string[]; series: Array<{ name: string; values: number[] }> }> {
  return page.evaluate((id) => {
    const chart = (window as any).Chart.getChart(document.getElementById(id));
    return { labels: [...chart.data.labels], series: chart.data.datasets.map((d: any) => ({ name: d.label, values: [...d.data] })) };
  }, canvasId);
}

/** A select's option values and texts. */
export function options(page: Page, selectId: string): Promise<Array<{ value: string; text: string }>> {
  return page.$$eval(`#${selectId} option`, (os) =>
    os.map((o) => ({ value: (o as HTMLOptionElement).value, text: (o.textContent ?? "").trim() })),
  );
}

/** The network's node and edge counts, from the drawn cytoscape graph. */
export function network(page: Page): Promise<{ nodes: number; edges: number; sellers: number; contacts: number }> {
  return page.evaluate(() => {
    const cy = (window as any).RM.network();
    if (!cy) return { nodes: 0, edges: 0, sellers: 0, contacts: 0 };
    return {
      nodes: cy.nodes().length,
      edges: cy.edges().length,
      sellers: cy.nodes("[kind = 'seller']").length,
      contacts: cy.nodes("[kind != 'seller']").length,
    };
  });
}

/** The checklist's items: id, whether met, and the description. */
export function checklist(page: Page): Promise<Array<{ item: string; met: boolean; description: string }>> {
  return page.$$eval("#checklist li", (lis) =>
    lis.map((li) => ({
      item: li.getAttribute("data-item") ?? "",
      met: li.classList.contains("yes"),
      description: (li.querySelector("span:not(.mark):not(.sr-only):not(.muted)")?.textContent ?? "").trim(),
    })),
  );
}

/** Opens an account's detail through the URL hash, as a link would, and waits until it is drawn. */
export async function openAccount(page: Page, accountId: string): Promise<void> {
  await page.evaluate((id) => (location.hash = `account=${encodeURIComponent(id)}`), accountId);
  await page.waitForFunction(
    (id) =>
      !document.getElementById("page-detail")!.hidden && document.getElementById("page-detail")!.getAttribute("data-account-id") === id,
    accountId,
  );
}

/** Back to the portfolio page. */
export async function openPortfolio(page: Page): Promise<void> {
  await page.evaluate(() => (location.hash = "portfolio"));
  await page.waitForFunction(() => !document.getElementById("page-portfolio")!.hidden);
}
