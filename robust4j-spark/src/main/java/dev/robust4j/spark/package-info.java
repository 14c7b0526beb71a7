/**
 * Scale-out on Apache Spark: {@link dev.robust4j.spark.SparkPoolRunner} runs an attack pool's
 * attacks as Spark jobs with the same results as one machine; {@link dev.robust4j.spark.SparkData}
 * moves labelled samples between robust4j and Spark's {@code Dataset<Row>} and Parquet.
 */
package dev.robust4j.spark;
