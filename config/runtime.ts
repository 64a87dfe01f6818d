/**
 * The Synapse Spark runtime this project targets, in one place. The Pulumi Spark pool, the local
 * Python environment and the Delta jars all derive from it, so local runs match the cloud.
 * Synapse 3.5 ships Spark 3.5 with Delta 3.2 on Python 3.11 and Java 17 (docs/platform-facts.md §4); delta-spark
 * 3.2.1 is built on Spark 3.5.3. Unpinned pyspark is Spark 4 and breaks parity.
 */
export const SYNAPSE_RUNTIME = {
  /** `sparkVersion` of the Synapse Big Data pool. */
  poolSparkVersion: "3.5",
  pyspark: "3.5.3",
  deltaSpark: "3.2.1",
  scalaBinary: "2.12",
  python: "3.11",
  java: 17,
} as const;

/**
 * The lake databases (Spark metastore) 03_score registers every silver and gold Delta table in, so
 * Synapse Studio lists them; serverless SQL shows them too. The relmesh.* views stay the Power BI contract.
 */
export const LAKE_DATABASES = { silver: "relmesh_silver", gold: "relmesh_gold" } as const;

/** Python packages of the local environment, pinned to the runtime above. */
export function pythonRequirements(): string[] {
  return [
    `pyspark==${SYNAPSE_RUNTIME.pyspark}`,
    `delta-spark==${SYNAPSE_RUNTIME.deltaSpark}`,
    "pytest==8.3.4",
    "pyyaml==6.0.2",
    // Lint and format of the notebooks and their tests (`npm run lint`, the lint stage of `npm test`).
    "ruff==0.17.6",
    // The ERP copy's T-SQL run locally: transpiled by sqlglot, executed on DuckDB (no SQL Server engine installs here).
    "sqlglot==30.31.0",
    "duckdb==2.0.1",
  ];
}

/** Maven coordinates of the Delta jars Spark needs on its classpath. */
export function deltaJarCoordinates(): string[] {
  const v = SYNAPSE_RUNTIME.deltaSpark;
  return [`io.delta:delta-spark_${SYNAPSE_RUNTIME.scalaBinary}:${v}`, `io.delta:delta-storage:${v}`];
}
