// @ts-check
// Chart.js wrappers: one chart per canvas, replaced on every render. Animation is off so a filter
// change shows its numbers at once (and screenshots and tests see the final state).
"use strict";
(function (RM) {
  const INK = "#1f2933";
  const GRID = "#e4e7eb";
  /** Colours with at least 3:1 contrast to white (WCAG non-text contrast). */
  RM.COLORS = { blue: "#1f5fa8", teal: "#0f766e", orange: "#b45309", red: "#b42318", green: "#18794e", slate: "#52606d" };
  Chart.defaults.animation = false;
  Chart.defaults.color = INK;
  Chart.defaults.font.family = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  Chart.defaults.font.size = 12;
  Chart.defaults.maintainAspectRatio = false;

  /** @param {string} id */
  function canvas(id) {
    const c = /** @type {HTMLCanvasElement} */ (document.getElementById(id));
    const old = Chart.getChart(c);
    if (old) old.destroy();
    return c;
  }

  /** Says so in the chart's box when there is nothing to draw (the stylesheet shows the text). @param {HTMLCanvasElement} c @param {number} n */
  function markEmpty(c, n) {
    const box = /** @type {HTMLElement} */ (c.parentElement);
    if (n) box.removeAttribute("data-empty");
    else box.setAttribute("data-empty", "Nothing to show for this selection");
  }

  /** Fits the canvas's box to the number of bars so long lists stay readable. @param {HTMLCanvasElement} c @param {number} bars */
  function fitHeight(c, bars) {
    const box = /** @type {HTMLElement} */ (c.parentElement);
    box.style.height = `${Math.max(160, Math.min(520, 40 + bars * 24))}px`;
  }

  /**
   * A horizontal bar chart of accounts (or any labelled values). `keys` ride along in the dataset so
   * a click can tell which account a bar is, and the browser test can read them back.
   * @param {string} id @param {{ labels: string[], values: number[], keys?: string[], color: string, max?: number, onPick?: (key: string) => void, title: string }} spec
   */
  RM.barChart = function barChart(id, spec) {
    const c = canvas(id);
    fitHeight(c, spec.labels.length);
    markEmpty(c, spec.labels.length);
    c.setAttribute("aria-label", `${spec.title}: ${spec.labels.map((l, i) => `${l} ${spec.values[i]}`).join(", ") || "no data"}`);
    return new Chart(c, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: [
          { label: spec.title, data: spec.values, keys: spec.keys, backgroundColor: spec.color, borderRadius: 3, maxBarThickness: 18 },
        ],
      },
      options: {
        indexAxis: "y",
        plugins: { legend: { display: false } },
        scales: {
          x: { beginAtZero: true, max: spec.max, grid: { color: GRID } },
          y: { grid: { display: false }, ticks: { autoSkip: false, callback: (/** @type {number} */ v) => clip(spec.labels[v], 26) } },
        },
        onClick: (/** @type {any} */ _e, /** @type {any[]} */ hits) => {
          if (spec.onPick && spec.keys && hits.length) spec.onPick(spec.keys[hits[0].index]);
        },
        onHover: (/** @type {any} */ e, /** @type {any[]} */ hits) => {
          if (e.native && e.native.target) e.native.target.style.cursor = spec.onPick && hits.length ? "pointer" : "default";
        },
      },
    });
  };

  /**
   * Stacked columns: one dataset per series (the event tracker: weeks × source).
   * Series are named by source; the legend shows its label and colour.
   * @param {string} id @param {{ labels: string[], series: Array<{ name: string, values: number[] }>, title: string }} spec
   */
  RM.stackedColumns = function stackedColumns(id, spec) {
    const c = canvas(id);
    /** @type {HTMLElement} */ (c.parentElement).style.height = "260px";
    markEmpty(c, spec.labels.length);
    c.setAttribute("aria-label", `${spec.title}: ${spec.labels.length} weeks`);
    return new Chart(c, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map((s) => ({
          label: RM.sourceLabel(s.name),
          source: s.name,
          data: s.values,
          backgroundColor: RM.SOURCES[s.name] ? RM.SOURCES[s.name].color : RM.COLORS.slate,
        })),
      },
      options: {
        plugins: { legend: { position: "top", align: "end" } },
        scales: {
          x: { stacked: true, grid: { display: false } },
          y: { stacked: true, beginAtZero: true, grid: { color: GRID }, ticks: { precision: 0 } },
        },
      },
    });
  };

  /** @param {string} text @param {number} n */
  function clip(text, n) {
    return text && text.length > n ? `${text.slice(0, n - 1)}…` : text;
  }
})(/** @type {any} */ (window.RM = window.RM || {}));
