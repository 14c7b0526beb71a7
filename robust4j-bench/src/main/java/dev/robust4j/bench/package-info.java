/**
 * Benchmarks: JMH throughput of attacks ({@link dev.robust4j.bench.AttackThroughputBenchmark}) and
 * the attack-over-floor overhead ({@link dev.robust4j.bench.OverheadRunner}). Run with
 * {@code robust4j-bench/run}; results go to {@code docs/benchmarks.md}.
 */
package dev.robust4j.bench;
