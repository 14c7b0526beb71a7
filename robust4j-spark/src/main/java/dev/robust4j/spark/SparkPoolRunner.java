package dev.robust4j.spark;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.Dataset;
import dev.robust4j.evaluate.AttackPool;
import dev.robust4j.evaluate.PoolRunner;
import dev.robust4j.evaluate.ThreatModel;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.ModelRecipe;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Runs the attacks of an {@link AttackPool} as Spark jobs: one task per partition of the data,
 * each on an executor that loads the model from the file Spark shipped to it ({@code SparkFiles}),
 * rebuilds the attack from its parameters and attacks its samples batch after batch. The driver
 * merges the partitions' per-sample results into the {@link AttackResult} the local run returns,
 * and the pool computes the same figures from it.
 *
 * <p>Same results as one machine: partitions are cut on batch boundaries (a partition is a whole
 * number of batches), so every batch an executor attacks is a batch the local run attacks with
 * the same {@code batchSize}, and attacks draw their random numbers per sample; the adversarials
 * are the same bits, whatever the number of partitions and executors. A failed task is retried by
 * Spark and computes the same result.
 *
 * <pre>{@code
 * try (SparkPoolRunner spark = SparkPoolRunner.builder()
 *         .setSession(session).setModel(model, ModelRecipe.of("cnn.pt", model, null, null)).build()) {
 *     PoolResult r = AttackPool.of(Attacks.pgd(0.1f)).withRunner(spark).run(model, data);
 * }
 * }</pre>
 *
 * <p>Only the model the runner was given (or its threat model's view of it) is shipped; an attack
 * against another model (a defended round's model, which exists only in this process) runs here,
 * and the runner says so on its console.
 */
public final class SparkPoolRunner implements PoolRunner {

    private final SparkSession session;
    private final boolean ownsSession;
    private final ModelRecipe recipe;
    private final Classifier model;
    private final ThreatModel threatModel;
    private final int partitions;
    private final Path results;
    private final PrintWriter console;
    private final int failPartition;
    private String shipped;
    private int jobs;

    private SparkPoolRunner(Builder b) {
        session = b.session;
        ownsSession = b.ownsSession;
        recipe = b.recipe;
        model = b.model;
        threatModel = b.threatModel;
        partitions = b.partitions;
        results = b.results;
        console = b.console;
        failPartition = b.failPartition;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the Spark session the runner submits its jobs to */
    public SparkSession session() {
        return session;
    }

    /**
     * The partitions of a run: contiguous, each a whole number of batches but the last.
     *
     * @param n samples
     * @param batchSize samples per batch
     * @param wanted partitions asked for
     * @return the first sample of each partition, then {@code n}
     */
    static int[] bounds(int n, int batchSize, int wanted) {
        int batches = (n + batchSize - 1) / batchSize;
        int p = Math.max(1, Math.min(wanted, batches));
        int perPartition = (batches + p - 1) / p * batchSize;
        List<Integer> out = new ArrayList<>();
        for (int from = 0; from < n; from += perPartition) {
            out.add(from);
        }
        out.add(n);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public AttackResult run(EvasionAttack attack, Classifier attacked, Dataset data, int batchSize, NDManager manager,
            AttackRunner.Progress progress) {
        String label = AttackPool.labelOf(attack);
        if (!threatModel.isViewOf(attacked, model)) {
            say("spark: " + label + " against " + attacked.description() + ": that model exists only in this process"
                    + " (a defended round's); the attack runs here, not on Spark");
            return PoolRunner.LOCAL.run(attack, attacked, data, batchSize, manager, progress);
        }
        AttackSpec spec = AttackSpec.of(attack);
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(session.sparkContext());
        shipModel();
        int n = data.size();
        int dim = data.sampleSize();
        int wanted = partitions > 0 ? partitions : jsc.defaultParallelism();
        int[] cut = bounds(n, batchSize, wanted);
        List<Chunk> chunks = new ArrayList<>();
        for (int p = 0; p + 1 < cut.length; p++) {
            chunks.add(new Chunk(p, cut[p], Arrays.copyOfRange(data.features(), cut[p] * dim, cut[p + 1] * dim),
                    Arrays.copyOfRange(data.labels(), cut[p], cut[p + 1])));
        }
        int job = ++jobs;
        String keep = results == null ? null
                : results.resolve("partitions").resolve(key(spec, data, batchSize, cut)).toAbsolutePath().toString();
        say(String.format(Locale.ROOT, "spark: %s: %d samples in %d partitions on %s%s", label, n, chunks.size(),
                session.sparkContext().master(), keep == null ? "" : " (partition results kept in " + keep + ")"));
        long start = System.nanoTime();
        PartitionTask task = new PartitionTask(recipe, shipped, threatModel, spec, batchSize, data.sampleShape(), keep,
                failPartition);
        jsc.setJobGroup("robust4j-" + job, "robust4j: " + label, false);
        JavaFutureAction<List<PartitionResult>> future = jsc.parallelize(chunks, chunks.size()).map(task).collectAsync();
        List<PartitionResult> parts = await(future, jsc, chunks, n, progress);
        double seconds = (System.nanoTime() - start) / 1e9;

        float[] adv = new float[n * dim];
        boolean[] success = new boolean[n];
        int[] clean = new int[n];
        int[] predicted = new int[n];
        float[] l0 = new float[n];
        float[] l2 = new float[n];
        float[] linf = new float[n];
        long[] queries = new long[n];
        int resumed = 0;
        for (PartitionResult r : parts) {
            int from = r.from();
            int m = r.size();
            System.arraycopy(r.adversarial(), 0, adv, from * dim, m * dim);
            System.arraycopy(r.success(), 0, success, from, m);
            System.arraycopy(r.cleanPredictions(), 0, clean, from, m);
            System.arraycopy(r.adversarialPredictions(), 0, predicted, from, m);
            System.arraycopy(r.l0(), 0, l0, from, m);
            System.arraycopy(r.l2(), 0, l2, from, m);
            System.arraycopy(r.linf(), 0, linf, from, m);
            System.arraycopy(r.queries(), 0, queries, from, m);
            resumed += r.resumed() ? 1 : 0;
        }
        if (resumed > 0) {
            say("spark: " + label + ": " + resumed + " of " + parts.size() + " partitions read back from kept results");
        }
        double slowest = 0;
        double attackSum = 0;
        double loadSum = 0;
        for (PartitionResult r : parts) {
            if (!r.resumed()) {
                slowest = Math.max(slowest, r.seconds() + r.loadSeconds());
                attackSum += r.seconds();
                loadSum += r.loadSeconds();
            }
        }
        say(String.format(Locale.ROOT, "spark: %s: %.2f s on the driver; partitions: attack %.2f s in all (slowest"
                + " partition %.2f s with loading), model loading %.2f s in all", label, seconds, attackSum, slowest, loadSum));
        lastParts = List.copyOf(parts);
        lastSeconds = seconds;
        long[] shape = new long[data.sampleShape().length + 1];
        shape[0] = n;
        System.arraycopy(data.sampleShape(), 0, shape, 1, shape.length - 1);
        AttackResult merged = new AttackResult(manager.create(adv, new Shape(shape)), success, data.labels().clone(), null,
                clean, predicted, l0, l2, linf, queries, seconds);
        if (results != null) {
            SampleRows.write(session, results.resolve(String.format(Locale.ROOT, "samples/%03d-%s", job, slug(label))),
                    label, merged);
        }
        return merged;
    }

    private List<PartitionResult> lastParts = List.of();
    private double lastSeconds;

    /** @return the partition results of the last job run on Spark, in partition order (for measurements) */
    public List<PartitionMeasurement> lastMeasurements() {
        List<PartitionMeasurement> out = new ArrayList<>();
        for (PartitionResult r : lastParts) {
            out.add(new PartitionMeasurement(r.partition(), r.size(), r.seconds(), r.loadSeconds(), r.resumed()));
        }
        return out;
    }

    /** @return the wall-clock seconds of the last job run on Spark, as the driver saw it */
    public double lastSeconds() {
        return lastSeconds;
    }

    /**
     * One partition of a job, as measured on its executor.
     *
     * @param partition the partition's number
     * @param samples its samples
     * @param attackSeconds the attack's time
     * @param loadSeconds the model's loading time
     * @param resumed true if read back from a kept result
     */
    public record PartitionMeasurement(int partition, int samples, double attackSeconds, double loadSeconds,
            boolean resumed) {}

    private List<PartitionResult> await(JavaFutureAction<List<PartitionResult>> future, JavaSparkContext jsc,
            List<Chunk> chunks, int n, AttackRunner.Progress progress) {
        int perPartition = chunks.get(0).size();
        int reported = -1;
        try {
            while (!future.isDone()) {
                int done = completedTasks(future, jsc);
                if (done != reported && progress != null) {
                    progress.update(Math.min(n, done * perPartition), n);
                }
                reported = done;
                try {
                    future.get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    // poll again
                }
            }
            List<PartitionResult> parts = new ArrayList<>(future.get());
            if (progress != null) {
                progress.update(n, n);
            }
            return parts;
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while Spark ran the attack", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("the Spark job failed: " + rootMessage(cause), cause);
        }
    }

    private static String rootMessage(Throwable t) {
        String m = t.getMessage();
        return m == null ? t.toString() : m.lines().findFirst().orElse(m);
    }

    private static int completedTasks(JavaFutureAction<?> future, JavaSparkContext jsc) {
        int done = 0;
        for (int id : future.jobIds()) {
            SparkJobInfo info = jsc.statusTracker().getJobInfo(id);
            if (info == null) {
                continue;
            }
            for (int stage : info.stageIds()) {
                SparkStageInfo s = jsc.statusTracker().getStageInfo(stage);
                if (s != null) {
                    done += s.numCompletedTasks();
                }
            }
        }
        return done;
    }

    private void shipModel() {
        if (shipped != null || recipe.remote()) {
            return;
        }
        Path file = Path.of(recipe.location()).toAbsolutePath();
        session.sparkContext().addFile(file.toString(), Files.isDirectory(file));
        shipped = recipe.fileName();
    }

    /** A key of everything a partition's result depends on: model, attack, data, batch size, cuts. */
    private String key(AttackSpec spec, Dataset data, int batchSize, int[] cut) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((recipe + "|" + threatModel + "|" + spec + "|" + batchSize + "|" + Arrays.toString(cut) + "|"
                    + Arrays.toString(data.sampleShape())).getBytes(StandardCharsets.UTF_8));
            Path model = Path.of(recipe.location());
            if (!recipe.remote() && Files.isRegularFile(model)) {
                md.update(Long.toString(Files.size(model)).getBytes(StandardCharsets.UTF_8));
                md.update(Long.toString(Files.getLastModifiedTime(model).toMillis()).getBytes(StandardCharsets.UTF_8));
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * 4096);
            float[] f = data.features();
            for (int i = 0; i < f.length; i++) {
                if (!b.hasRemaining()) {
                    md.update(b.array(), 0, b.position());
                    b.clear();
                }
                b.putInt(Float.floatToRawIntBits(f[i]));
            }
            md.update(b.array(), 0, b.position());
            for (int y : data.labels()) {
                md.update((byte) y);
            }
            return HexFormat.of().formatHex(md.digest(), 0, 12);
        } catch (NoSuchAlgorithmException | java.io.IOException e) {
            throw new IllegalStateException("cannot key the partition results: " + e.getMessage(), e);
        }
    }

    private static String slug(String label) {
        return label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-|-$", "");
    }

    private void say(String line) {
        if (console != null) {
            console.println(line);
            console.flush();
        }
    }

    /** Stops the Spark session if the runner started it. */
    @Override
    public void close() {
        if (ownsSession) {
            session.stop();
        }
    }

    /** Builds a {@link SparkPoolRunner}: {@code setSession} or {@code setMaster}, and {@code setModel}, are required. */
    public static final class Builder {
        private SparkSession session;
        private boolean ownsSession;
        private ModelRecipe recipe;
        private Classifier model;
        private ThreatModel threatModel = ThreatModel.WHITE_BOX;
        private int partitions;
        private Path results;
        private PrintWriter console;
        private int failPartition = -1;

        private Builder() {}

        /**
         * Uses a running session, which the runner does not stop.
         *
         * @param value the session
         * @return this builder
         */
        public Builder setSession(SparkSession value) {
            session = Objects.requireNonNull(value, "session");
            ownsSession = false;
            return this;
        }

        /**
         * Starts a session on a master ({@code local[2]}, {@code spark://host:7077}, {@code yarn}, ...),
         * which the runner stops when closed; under {@code spark-submit}, the master it was given.
         *
         * @param master the master URL
         * @return this builder
         */
        public Builder setMaster(String master) {
            if (master == null || master.isBlank()) {
                throw new IllegalArgumentException("--spark-master must be a Spark master URL (local[N], spark://host:port,"
                        + " yarn, k8s://...), got '" + master + "'");
            }
            try {
                session = SparkSession.builder().master(master).appName("robust4j").getOrCreate();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--spark-master " + master + ": Spark cannot start: " + rootMessage(e), e);
            }
            ownsSession = true;
            return this;
        }

        /**
         * Sets the model whose attacks run on Spark, and how executors load it.
         *
         * @param loaded the model as loaded here
         * @param value its recipe
         * @return this builder
         */
        public Builder setModel(Classifier loaded, ModelRecipe value) {
            model = Objects.requireNonNull(loaded, "model");
            recipe = Objects.requireNonNull(value, "recipe");
            return this;
        }

        /**
         * Sets the threat model the pool sees the model under (default white-box).
         *
         * @param value the threat model
         * @return this builder
         */
        public Builder optThreatModel(ThreatModel value) {
            threatModel = Objects.requireNonNull(value, "threatModel");
            return this;
        }

        /**
         * Sets the number of partitions (default 0: the cluster's default parallelism); a
         * partition holds at least one batch.
         *
         * @param value partitions, at least 0
         * @return this builder
         */
        public Builder optPartitions(int value) {
            if (value < 0) {
                throw new IllegalArgumentException("--spark-partitions must be >= 0, got " + value);
            }
            partitions = value;
            return this;
        }

        /**
         * Keeps results in a directory: per-sample rows of each attack as Parquet
         * ({@code samples/NNN-label/}) and each partition's result ({@code partitions/KEY/}), which a
         * rerun of the same attack, model, data and batch size reads back instead of recomputing.
         *
         * @param value the directory, or {@code null} for none
         * @return this builder
         */
        public Builder optResults(Path value) {
            results = value;
            return this;
        }

        /**
         * Tells the runner where to say what runs where.
         *
         * @param value the console, or {@code null}
         * @return this builder
         */
        public Builder optConsole(PrintWriter value) {
            console = value;
            return this;
        }

        /**
         * Makes the first attempt of one partition's task fail, to test that Spark's retry computes
         * the same result (needs a master that retries, e.g. {@code local[2,3]}).
         *
         * @param partition the partition, or -1 for none
         * @return this builder
         */
        public Builder optInjectFailure(int partition) {
            failPartition = partition;
            return this;
        }

        /** @return the runner */
        public SparkPoolRunner build() {
            if (session == null) {
                throw new IllegalStateException("a Spark pool runner needs a session (setSession or setMaster)");
            }
            if (recipe == null) {
                throw new IllegalStateException("a Spark pool runner needs the model and its recipe (setModel)");
            }
            return new SparkPoolRunner(this);
        }
    }
}
