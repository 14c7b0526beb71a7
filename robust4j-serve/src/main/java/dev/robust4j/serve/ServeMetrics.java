package dev.robust4j.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's meters in a Micrometer {@link PrometheusMeterRegistry}, scraped as Prometheus text
 * at {@code GET /metrics}:
 * <ul>
 *   <li>{@code robust4j_requests_total{path,status}}: requests answered, by status code;
 *   <li>{@code robust4j_rows_total}: input rows scored;
 *   <li>{@code robust4j_flagged_total}: rows a guard flagged;
 *   <li>{@code robust4j_request_seconds}: latency of {@code /v1/predict}, a histogram
 *       ({@code _bucket}, {@code _count}, {@code _sum});
 *   <li>{@code robust4j_batch_rows}: rows per model call (micro-batching), a histogram;
 *   <li>{@code robust4j_in_flight}: prediction requests admitted and not yet answered;
 *   <li>{@code robust4j_queue_capacity}: the most requests admitted at once.
 * </ul>
 */
public final class ServeMetrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, Counter> requests = new ConcurrentHashMap<>();
    private final Counter rows;
    private final Counter flagged;
    private final Timer latency;
    private final DistributionSummary batchRows;
    private final AtomicInteger inFlight = new AtomicInteger();

    ServeMetrics(int queueCapacity) {
        rows = Counter.builder("robust4j.rows").description("Input rows scored").register(registry);
        flagged = Counter.builder("robust4j.flagged").description("Input rows a guard flagged").register(registry);
        latency = Timer.builder("robust4j.request")
                .description("Latency of POST /v1/predict, from admission to answer")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
        batchRows = DistributionSummary.builder("robust4j.batch.rows")
                .description("Rows per model call")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(4096.0)
                .register(registry);
        Gauge.builder("robust4j.in.flight", inFlight, AtomicInteger::get)
                .description("Prediction requests admitted and not yet answered")
                .register(registry);
        Gauge.builder("robust4j.queue.capacity", () -> queueCapacity)
                .description("The most prediction requests admitted at once (--max-queue)")
                .register(registry);
    }

    void request(String path, int status) {
        requests.computeIfAbsent(path + " " + status, k -> Counter.builder("robust4j.requests")
                .description("Requests answered")
                .tag("path", path)
                .tag("status", Integer.toString(status))
                .register(registry)).increment();
    }

    void rows(int n, int nFlagged) {
        rows.increment(n);
        flagged.increment(nFlagged);
    }

    void batch(int n) {
        batchRows.record(n);
    }

    void latency(long nanos) {
        latency.record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    AtomicInteger inFlight() {
        return inFlight;
    }

    /** @return the registry, to add meters or read them */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** @return the meters in the Prometheus text format */
    public String scrape() {
        return registry.scrape();
    }
}
