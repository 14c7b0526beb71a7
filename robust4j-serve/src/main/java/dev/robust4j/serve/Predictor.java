package dev.robust4j.serve;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Classifier;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The one thread that calls the model and the guards. Requests queue here; the worker takes the
 * first waiting request and, without waiting for more, every next one that still fits in
 * {@code maxBatch} rows, and scores them in one model call (micro-batching: while a batch runs,
 * the requests that arrive meanwhile form the next). A request larger than {@code maxBatch} rows
 * is scored alone, in chunks of {@code maxBatch}. One thread means the model and its native
 * library are never called concurrently, whatever their thread safety. The queue's length is
 * bounded by the server's admission limit.
 */
final class Predictor implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Predictor.class);

    /** One row's answer. */
    record Row(float[] scores, int label, boolean flagged, float[] guardScores, Map<String, Object> fields) {}

    private record Job(float[][] rows, CompletableFuture<Row[]> done) {}

    private static final Job STOP = new Job(new float[0][], null);

    private final Classifier model;
    private final List<Guard> guards;
    private final int maxBatch;
    private final ServeMetrics metrics;
    private final BlockingQueue<Job> queue = new LinkedBlockingQueue<>();
    private final Thread worker;

    Predictor(Classifier model, List<Guard> guards, int maxBatch, ServeMetrics metrics) {
        this.model = model;
        this.guards = List.copyOf(guards);
        this.maxBatch = maxBatch;
        this.metrics = metrics;
        this.worker = new Thread(this::loop, "robust4j-serve-model");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Queues rows for scoring.
     *
     * @param rows flattened inputs, each of the model's input size, finite and inside its bounds
     * @return the answers, one per row, in order
     */
    CompletableFuture<Row[]> submit(float[][] rows) {
        CompletableFuture<Row[]> done = new CompletableFuture<>();
        queue.add(new Job(rows, done));
        return done;
    }

    private void loop() {
        try (NDManager base = NDManager.newBaseManager()) {
            while (true) {
                Job first = queue.take();
                if (first == STOP) {
                    return;
                }
                List<Job> batch = new ArrayList<>();
                batch.add(first);
                int rows = first.rows.length;
                Job next;
                while ((next = queue.peek()) != null && next != STOP && rows + next.rows.length <= maxBatch) {
                    queue.poll();
                    batch.add(next);
                    rows += next.rows.length;
                }
                run(base, batch, rows);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Job left;
            while ((left = queue.poll()) != null) {
                if (left != STOP) {
                    left.done.completeExceptionally(new IllegalStateException("the server is shutting down"));
                }
            }
        }
    }

    private void run(NDManager base, List<Job> batch, int total) {
        float[][] all = new float[total][];
        int at = 0;
        for (Job j : batch) {
            System.arraycopy(j.rows, 0, all, at, j.rows.length);
            at += j.rows.length;
        }
        Row[] out = new Row[total];
        try {
            for (int from = 0; from < total; from += maxBatch) {
                int to = Math.min(total, from + maxBatch);
                score(base, all, from, to, out);
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("scoring a batch of {} rows failed: {}", total, e.toString());
            for (Job j : batch) {
                j.done.completeExceptionally(e);
            }
            return;
        }
        at = 0;
        for (Job j : batch) {
            Row[] mine = new Row[j.rows.length];
            System.arraycopy(out, at, mine, 0, mine.length);
            at += mine.length;
            j.done.complete(mine);
        }
    }

    private void score(NDManager base, float[][] all, int from, int to, Row[] out) {
        int n = to - from;
        Shape shape = model.inputShape();
        int dim = (int) shape.size();
        float[] flat = new float[n * dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(all[from + i], 0, flat, i * dim, dim);
        }
        long[] full = new long[shape.dimension() + 1];
        full[0] = n;
        System.arraycopy(shape.getShape(), 0, full, 1, shape.dimension());
        try (NDManager scope = base.newSubManager()) {
            NDArray x = scope.create(flat, new Shape(full));
            NDArray logits = model.predict(x);
            int k = model.numClasses();
            float[] s = logits.toFloatArray();
            if (s.length != n * k) {
                throw new IllegalStateException(model.description() + " answered " + s.length + " scores for " + n
                        + " rows of " + k + " classes");
            }
            for (int i = 0; i < s.length; i++) {
                if (!Float.isFinite(s[i])) {
                    throw new IllegalStateException(model.description() + " answered a non-finite score (" + s[i]
                            + ") in row " + (i / k) + " of a batch of " + n);
                }
            }
            boolean[] flagged = new boolean[n];
            float[][] guardScores = new float[n][guards.size()];
            List<Map<String, List<Object>>> fields = new ArrayList<>();
            for (int g = 0; g < guards.size(); g++) {
                Guard.Verdict v = guards.get(g).inspect(x, logits);
                if (v.flagged().length != n) {
                    throw new IllegalStateException(guards.get(g).description() + " answered " + v.flagged().length
                            + " verdicts for " + n + " rows");
                }
                for (int i = 0; i < n; i++) {
                    flagged[i] |= v.flagged()[i];
                    guardScores[i][g] = v.scores()[i];
                }
                fields.add(v.fields());
            }
            int nFlagged = 0;
            for (int i = 0; i < n; i++) {
                float[] row = new float[k];
                System.arraycopy(s, i * k, row, 0, k);
                int label = 0;
                for (int c = 1; c < k; c++) {
                    if (row[c] > row[label]) {
                        label = c;
                    }
                }
                Map<String, Object> extra = Map.of();
                for (Map<String, List<Object>> f : fields) {
                    if (!f.isEmpty()) {
                        if (extra.isEmpty()) {
                            extra = new LinkedHashMap<>();
                        }
                        for (Map.Entry<String, List<Object>> e : f.entrySet()) {
                            extra.put(e.getKey(), e.getValue().get(i));
                        }
                    }
                }
                nFlagged += flagged[i] ? 1 : 0;
                out[from + i] = new Row(row, label, flagged[i], guardScores[i], extra);
            }
            metrics.batch(n);
            metrics.rows(n, nFlagged);
        }
    }

    /** Scores what is queued, then stops the worker (waits at most {@code timeoutMillis}). */
    @Override
    public void close() {
        close(30_000);
    }

    void close(long timeoutMillis) {
        queue.add(STOP);
        try {
            worker.join(timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            worker.interrupt();
        }
        try {
            worker.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
