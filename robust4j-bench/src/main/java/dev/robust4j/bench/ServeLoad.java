package dev.robust4j.bench;

import dev.robust4j.data.Npy;
import dev.robust4j.data.NpyArray;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A load driver for {@code robust4j serve}: {@code C} concurrent clients, each sending single-row
 * {@code POST /v1/predict} requests one after the other (closed loop), rows taken in turn from an
 * NPY file. After a warm-up of {@code W} requests per client, it times {@code R} requests per
 * client and prints the throughput (requests per second over the wall time), the latency
 * percentiles p50 and p99, and the count of answers other than 200.
 *
 * <pre>{@code java -cp ... dev.robust4j.bench.ServeLoad URL DATA.npy [clients=16] [requests=100] [warmup=10]}</pre>
 */
public final class ServeLoad {

    private ServeLoad() {}

    /**
     * Runs the load.
     *
     * @param args URL, data file, clients, requests per client, warm-up requests per client
     * @throws Exception on a failure to read the data
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: ServeLoad URL DATA.npy [clients=16] [requests=100] [warmup=10]");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        NpyArray data = Npy.read(Path.of(args[1]));
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int requests = args.length > 3 ? Integer.parseInt(args[3]) : 100;
        int warmup = args.length > 4 ? Integer.parseInt(args[4]) : 10;
        int n = (int) data.shape()[0];
        int dim = data.size() / n;
        float[] x = data.toFloats();
        String[] bodies = new String[n];
        for (int i = 0; i < n; i++) {
            StringBuilder b = new StringBuilder(dim * 8 + 16).append("{\"inputs\":[[");
            for (int j = 0; j < dim; j++) {
                b.append(j == 0 ? "" : ",").append(x[i * dim + j]);
            }
            bodies[i] = b.append("]]}").toString();
        }
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger flagged = new AtomicInteger();
        try {
            run(pool, client, url, bodies, clients, warmup, failures, flagged, null);
            failures.set(0);
            flagged.set(0);
            long[][] latencies = new long[clients][requests];
            long start = System.nanoTime();
            run(pool, client, url, bodies, clients, requests, failures, flagged, latencies);
            double seconds = (System.nanoTime() - start) / 1e9;
            long[] all = Arrays.stream(latencies).flatMapToLong(Arrays::stream).sorted().toArray();
            System.out.printf(Locale.ROOT, "%d clients x %d single-row requests: %.1f requests/s, p50 %.1f ms,"
                    + " p99 %.1f ms, non-200 answers %d, flagged %d (%.3f)%n", clients, requests, all.length / seconds,
                    percentile(all, 0.50) / 1e6, percentile(all, 0.99) / 1e6, failures.get(), flagged.get(),
                    flagged.get() / (double) all.length);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void run(ExecutorService pool, HttpClient client, URI url, String[] bodies, int clients,
            int requests, AtomicInteger failures, AtomicInteger flagged, long[][] latencies) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int id = c;
            done.add(pool.submit(() -> {
                for (int k = 0; k < requests; k++) {
                    String body = bodies[(id * requests + k) % bodies.length];
                    HttpRequest r = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    long t0 = System.nanoTime();
                    HttpResponse<String> a = client.send(r, HttpResponse.BodyHandlers.ofString());
                    long t = System.nanoTime() - t0;
                    if (latencies != null) {
                        latencies[id][k] = t;
                    }
                    if (a.statusCode() != 200) {
                        failures.incrementAndGet();
                    } else if (a.body().contains("\"flagged\":[true]")) {
                        flagged.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    /** The nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
