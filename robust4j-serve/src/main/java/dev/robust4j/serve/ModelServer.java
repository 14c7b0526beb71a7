package dev.robust4j.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.robust4j.model.Classifier;
import io.javalin.Javalin;
import io.javalin.http.Context;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link Classifier} served over HTTP (Javalin on Jetty), optionally behind {@link Guard}s.
 *
 * <h2>Endpoints</h2>
 * <ul>
 *   <li>{@code POST /v1/predict} with {@code {"inputs": [[x_1, ..., x_d], ...]}} (rows flattened
 *       row-major, the protocol of {@link dev.robust4j.model.HttpClassifier}) answers
 *       {@code {"scores": [[...]], "labels": [...], "flagged": [...], "detector_scores": [...]}}:
 *       the model's scores, the arg-max labels, whether any guard flagged the row, and the guards'
 *       scores (a number per row with one guard, an array per row with several, {@code null} per
 *       row with none). Guards may add per-row fields of their own.
 *   <li>{@code GET /health}: {@code {"status": "ok", ...}} with the model and guards; 503 while
 *       shutting down.
 *   <li>{@code GET /metrics}: the {@link ServeMetrics} in the Prometheus text format.
 * </ul>
 *
 * <h2>Limits</h2>
 * A body over {@code maxBody} bytes is refused with 413 before it is read in full. At most
 * {@code maxQueue} prediction requests are admitted at once (queued or being scored); one more is
 * refused at once with 503 and {@code Retry-After: 1}, so memory stays bounded by about
 * {@code maxQueue × maxBody}. A malformed request gets 400 with {@code {"error": "..."}}; none of
 * these touch the model or other requests. The model and guards run on one worker thread that
 * micro-batches concurrent requests up to {@code maxBatch} rows per call.
 *
 * <h2>Shutdown</h2>
 * {@link #close()} stops admitting (new requests get 503), waits for the requests in flight to be
 * answered (at most the drain timeout), then stops Jetty and the worker.
 */
public final class ModelServer implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelServer.class);
    private static final JsonFactory JSON = new JsonFactory();
    private static final Set<String> PATHS = Set.of("/v1/predict", "/health", "/metrics");

    private final Classifier model;
    private final List<Guard> guards;
    private final int maxBatch;
    private final int maxQueue;
    private final long drainMillis;
    private final ServeMetrics metrics;
    private final RequestReader reader;
    private final Semaphore admission;
    private final Predictor predictor;
    private final Javalin app;
    private final AtomicBoolean draining = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();

    private ModelServer(Builder b) {
        this.model = b.model;
        this.guards = List.copyOf(b.guards);
        this.maxBatch = b.maxBatch;
        this.maxQueue = b.maxQueue;
        this.drainMillis = b.drainMillis;
        this.metrics = new ServeMetrics(maxQueue);
        this.reader = new RequestReader((int) model.inputShape().size(),
                model.inputShape().toString().replaceAll("[()]", ""), model.bounds(), b.maxBody);
        this.admission = new Semaphore(maxQueue);
        int threads = b.threads;
        this.app = Javalin.create(config -> {
            config.showJavalinBanner = false;
            config.startupWatcherEnabled = false;
            // Jetty's acceptor and selector threads come out of the same pool: leave them room.
            QueuedThreadPool pool = new QueuedThreadPool(threads + 8, Math.min(threads + 8, 8), 60_000);
            pool.setName("robust4j-serve-http");
            config.jetty.threadPool = pool;
            config.http.maxRequestSize = b.maxBody;
        });
        app.post("/v1/predict", this::predict);
        app.get("/health", this::health);
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        app.error(404, ctx -> error(ctx, 404, "no such endpoint: " + ctx.method() + " " + excerpt(ctx.path())
                + "; this server answers POST /v1/predict, GET /health and GET /metrics"));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("{} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal error: " + e);
        });
        app.after(ctx -> {
            if (!ctx.path().equals("/v1/predict")) {
                metrics.request(PATHS.contains(ctx.path()) ? ctx.path() : "other", ctx.statusCode());
            }
        });
        this.predictor = new Predictor(model, guards, maxBatch, metrics);
        try {
            app.start(b.host, b.port);
        } catch (RuntimeException e) {
            predictor.close();
            throw new IllegalArgumentException("cannot listen on " + b.host + ":" + b.port + ": "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), e);
        }
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the port the server listens on (the one picked when 0 was asked for) */
    public int port() {
        return app.port();
    }

    /** @return the metrics */
    public ServeMetrics metrics() {
        return metrics;
    }

    /** @return the guards, in order */
    public List<Guard> guards() {
        return guards;
    }

    private void predict(Context ctx) throws IOException {
        long start = System.nanoTime();
        int status;
        if (!admission.tryAcquire()) {
            ctx.header("Retry-After", "1");
            status = sendError(ctx, 503, "overloaded: " + maxQueue + " requests are already in flight (--max-queue);"
                    + " retry later");
            metrics.request("/v1/predict", status);
            return;
        }
        metrics.inFlight().incrementAndGet();
        try {
            if (draining.get()) {
                ctx.header("Retry-After", "1");
                status = sendError(ctx, 503, "the server is shutting down");
                return;
            }
            status = answer(ctx);
        } catch (RequestReader.ApiException e) {
            status = sendError(ctx, e.status(), e.getMessage());
        } finally {
            metrics.inFlight().decrementAndGet();
            admission.release();
        }
        metrics.request("/v1/predict", status);
        metrics.latency(System.nanoTime() - start);
    }

    private int answer(Context ctx) throws IOException {
        byte[] body = reader.readBody(ctx.req().getInputStream(), ctx.req().getContentLengthLong());
        float[][] rows = reader.parse(body);
        Predictor.Row[] out;
        try {
            out = predictor.submit(rows).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return sendError(ctx, 503, "interrupted while waiting for the model");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof UncheckedIOException) {
                // the model is itself remote (a guarding proxy) and it failed
                return sendError(ctx, 502, "the model behind this server failed: " + c.getMessage());
            }
            if (c instanceof IllegalStateException && draining.get()) {
                return sendError(ctx, 503, "the server is shutting down");
            }
            LOG.warn("scoring failed", c);
            return sendError(ctx, 500, "scoring failed: " + c);
        }
        return send(ctx, 200, encode(out));
    }

    private byte[] encode(Predictor.Row[] rows) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(rows.length * (model.numClasses() * 12 + 48) + 64);
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeArrayFieldStart("scores");
            for (Predictor.Row r : rows) {
                g.writeArray(toDoubles(r.scores()), 0, r.scores().length);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("labels");
            for (Predictor.Row r : rows) {
                g.writeNumber(r.label());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("flagged");
            for (Predictor.Row r : rows) {
                g.writeBoolean(r.flagged());
            }
            g.writeEndArray();
            g.writeArrayFieldStart("detector_scores");
            for (Predictor.Row r : rows) {
                float[] s = r.guardScores();
                if (s.length == 0) {
                    g.writeNull();
                } else if (s.length == 1) {
                    number(g, s[0]);
                } else {
                    g.writeStartArray();
                    for (float v : s) {
                        number(g, v);
                    }
                    g.writeEndArray();
                }
            }
            g.writeEndArray();
            if (rows.length > 0 && !rows[0].fields().isEmpty()) {
                com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
                for (String name : rows[0].fields().keySet()) {
                    g.writeFieldName(name);
                    g.writeStartArray();
                    for (Predictor.Row r : rows) {
                        mapper.writeValue(g, r.fields().get(name));
                    }
                    g.writeEndArray();
                }
            }
            g.writeEndObject();
        }
        return bytes.toByteArray();
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            // the float's shortest decimal, so that the client reads back the same float32
            d[i] = Double.parseDouble(Float.toString(f[i]));
        }
        return d;
    }

    private static void number(JsonGenerator g, float v) throws IOException {
        if (Float.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeNull();
        }
    }

    private void health(Context ctx) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean up = !draining.get();
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("status", up ? "ok" : "shutting down");
            g.writeStringField("model", model.description());
            g.writeArrayFieldStart("input_shape");
            for (long d : model.inputShape().getShape()) {
                g.writeNumber(d);
            }
            g.writeEndArray();
            g.writeNumberField("num_classes", model.numClasses());
            g.writeArrayFieldStart("bounds");
            g.writeNumber(model.bounds().min());
            g.writeNumber(model.bounds().max());
            g.writeEndArray();
            g.writeArrayFieldStart("guards");
            for (Guard guard : guards) {
                g.writeString(guard.description());
            }
            g.writeEndArray();
            g.writeNumberField("max_batch", maxBatch);
            g.writeNumberField("max_queue", maxQueue);
            g.writeEndObject();
        }
        ctx.status(up ? 200 : 503).contentType("application/json").result(bytes.toByteArray());
    }

    /**
     * Writes and flushes a prediction answer inside the handler, so that it has left before the
     * request stops counting as in flight (a graceful stop waits for that count).
     */
    private static int send(Context ctx, int status, byte[] body) throws IOException {
        jakarta.servlet.http.HttpServletResponse res = ctx.res();
        res.setStatus(status);
        res.setContentType("application/json");
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
        res.flushBuffer();
        return status;
    }

    private static byte[] errorBody(String message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("error", message);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static int sendError(Context ctx, int status, String message) throws IOException {
        return send(ctx, status, errorBody(message));
    }

    private static int error(Context ctx, int status, String message) {
        ctx.status(status).contentType("application/json").result(errorBody(message));
        return status;
    }

    private static String excerpt(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    /**
     * Stops gracefully: refuses new requests with 503, waits until the requests in flight are
     * answered (at most the drain timeout), then stops the HTTP server and the model worker.
     * Idempotent. The model is not closed: its owner closes it.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            awaitStopped();
            return;
        }
        draining.set(true);
        long deadline = System.nanoTime() + drainMillis * 1_000_000L;
        while (metrics.inFlight().get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int left = metrics.inFlight().get();
        if (left > 0) {
            LOG.warn("stopping with {} requests still in flight after {} ms", left, drainMillis);
        }
        try {
            app.stop();
        } finally {
            predictor.close();
            stopped.countDown();
        }
    }

    /** Blocks until {@link #close()} has finished. */
    public void awaitStopped() {
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Builds and starts a {@link ModelServer}. */
    public static final class Builder {
        private Classifier model;
        private final List<Guard> guards = new ArrayList<>();
        private String host = "127.0.0.1";
        private int port = 8080;
        private int maxBatch = 64;
        private long maxBody = 8L << 20;
        private int maxQueue = 64;
        private int threads = 64;
        private long drainMillis = 30_000;

        private Builder() {}

        /**
         * @param model the model to serve; the server does not close it
         * @return this builder
         */
        public Builder setModel(Classifier model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /**
         * @param guard a guard; a row is flagged when any guard flags it
         * @return this builder
         */
        public Builder addGuard(Guard guard) {
            guards.add(Objects.requireNonNull(guard, "guard"));
            return this;
        }

        /**
         * @param host the address to listen on; default {@code 127.0.0.1} (loopback only)
         * @return this builder
         */
        public Builder optHost(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * @param port the port, 0 for any free one; default 8080
         * @return this builder
         */
        public Builder optPort(int port) {
            this.port = port;
            return this;
        }

        /**
         * @param rows the most rows per model call; default 64
         * @return this builder
         */
        public Builder optMaxBatch(int rows) {
            this.maxBatch = rows;
            return this;
        }

        /**
         * @param bytes the largest request body read; default 8 MiB
         * @return this builder
         */
        public Builder optMaxBody(long bytes) {
            this.maxBody = bytes;
            return this;
        }

        /**
         * @param requests the most prediction requests admitted at once; default 64
         * @return this builder
         */
        public Builder optMaxQueue(int requests) {
            this.maxQueue = requests;
            return this;
        }

        /**
         * @param threads HTTP request threads (Jetty gets 8 more for accepting and selecting); default 64
         * @return this builder
         */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /**
         * @param millis how long {@link ModelServer#close()} waits for requests in flight; default 30000
         * @return this builder
         */
        public Builder optDrainMillis(long millis) {
            this.drainMillis = millis;
            return this;
        }

        /**
         * Validates the settings and starts listening.
         *
         * @return the running server
         * @throws IllegalArgumentException naming the first invalid setting, or if the port is taken
         */
        public ModelServer start() {
            if (model == null) {
                throw new IllegalArgumentException("a model is required");
            }
            check("port", port, 0, 65535);
            check("max batch", maxBatch, 1, 1 << 16);
            check("max queue", maxQueue, 1, 1 << 16);
            check("threads", threads, 1, 4096);
            if (maxBody < 2 || maxBody > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("max body must be in [2, " + (Integer.MAX_VALUE - 8) + "] bytes, got "
                        + maxBody);
            }
            if (drainMillis < 0) {
                throw new IllegalArgumentException("drain timeout must be >= 0 ms, got " + drainMillis);
            }
            return new ModelServer(this);
        }

        private static void check(String what, long v, long min, long max) {
            if (v < min || v > max) {
                throw new IllegalArgumentException(
                        String.format(Locale.ROOT, "%s must be in [%d, %d], got %d", what, min, max, v));
            }
        }
    }
}
