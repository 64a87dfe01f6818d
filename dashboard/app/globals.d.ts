/** The browser app's globals, for `tsc -p dashboard/app` (the app is plain JavaScript checked by its JSDoc). */
interface Window {
  /** The app's namespace: each script adds its part. */
  RM: any;
  /** Set by data.js. */
  RELMESH_DASHBOARD: unknown;
}
/** Chart.js's UMD global (vendor/chart.umd.min.js). */
declare const Chart: any;
/** cytoscape's UMD global (vendor/cytoscape.min.js). */
declare const cytoscape: any;
