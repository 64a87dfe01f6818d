"""The local SparkSession, sized for a laptop or a 2-core CI machine, with the Delta Lake of the
Synapse runtime. The jars come from RELMESH_DELTA_JARS (fetched once with Maven by the relmesh
command line); without it, Spark's own package download is used."""

import os

from pyspark.sql import SparkSession

DEFAULTS = {
    "spark.master": "local[2]",
    "spark.driver.memory": "3g",
    "spark.sql.shuffle.partitions": "4",
    "spark.default.parallelism": "4",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.extensions": "io.delta.sql.DeltaSparkSessionExtension",
    "spark.sql.catalog.spark_catalog": "org.apache.spark.sql.delta.catalog.DeltaCatalog",
    "spark.databricks.delta.snapshotPartitions": "2",
    "spark.databricks.delta.properties.defaults.enableDeletionVectors": "false",
    "spark.sql.adaptive.enabled": "true",
    "spark.driver.extraJavaOptions": "-Dderby.system.home=/tmp/relmesh-derby",
}


def local_spark(overrides: dict = None) -> SparkSession:
    builder = SparkSession.builder.appName("relmesh-local")
    for key, value in {**DEFAULTS, **(overrides or {})}.items():
        builder = builder.config(key, value)
    jars = os.environ.get("RELMESH_DELTA_JARS")
    if jars:
        builder = builder.config("spark.jars", jars)
        spark = builder.getOrCreate()
    else:
        from delta import configure_spark_with_delta_pip

        spark = configure_spark_with_delta_pip(builder).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark
