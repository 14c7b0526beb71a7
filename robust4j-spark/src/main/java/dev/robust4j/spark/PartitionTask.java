package dev.robust4j.spark;

import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.data.Dataset;
import dev.robust4j.evaluate.ThreatModel;
import dev.robust4j.model.ModelRecipe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

/**
 * One Spark task: attacks one partition's samples on an executor. It loads the model from the
 * shipped file (its own copy, closed when the task ends), rebuilds the attack from its spec and
 * runs it batch after batch exactly as the local run does; the per-sample random streams make a
 * retried task compute the same result. With a directory for partition results it first looks for
 * this partition's kept result and writes its own atomically.
 */
final class PartitionTask implements Function<Chunk, PartitionResult> {

    private static final long serialVersionUID = 1L;

    private final ModelRecipe recipe;
    private final String shipped;
    private final ThreatModel threatModel;
    private final AttackSpec attack;
    private final int batchSize;
    private final long[] sampleShape;
    private final String keep;
    private final int failPartition;

    PartitionTask(ModelRecipe recipe, String shipped, ThreatModel threatModel, AttackSpec attack, int batchSize,
            long[] sampleShape, String keep, int failPartition) {
        this.recipe = recipe;
        this.shipped = shipped;
        this.threatModel = threatModel;
        this.attack = attack;
        this.batchSize = batchSize;
        this.sampleShape = sampleShape.clone();
        this.keep = keep;
        this.failPartition = failPartition;
    }

    /** @return the file this partition's result is kept in */
    static Path keptFile(String dir, int partition) {
        return Path.of(dir, String.format(Locale.ROOT, "part-%05d.bin", partition));
    }

    @Override
    public PartitionResult call(Chunk chunk) throws Exception {
        if (keep != null) {
            Path file = keptFile(keep, chunk.partition());
            if (Files.isRegularFile(file)) {
                PartitionResult kept = PartitionResult.read(file);
                if (kept.from() == chunk.from() && kept.size() == chunk.size()) {
                    return kept.asResumed();
                }
            }
        }
        TaskContext task = TaskContext.get();
        if (chunk.partition() == failPartition && task != null && task.attemptNumber() == 0) {
            throw new IllegalStateException("injected failure of partition " + chunk.partition()
                    + " (first attempt), to test that a retried task computes the same result");
        }
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        long t0 = System.nanoTime();
        Path local = shipped == null ? null : Path.of(SparkFiles.get(shipped));
        try (ModelRecipe.Opened opened = recipe.open(local); NDManager manager = NDManager.newBaseManager()) {
            double load = (System.nanoTime() - t0) / 1e9;
            Dataset data = new Dataset(chunk.features(), sampleShape, chunk.labels(), List.of(),
                    "partition " + chunk.partition());
            try (AttackResult r = AttackRunner.run(attack.build(), threatModel.view(opened.model()), data, null, batchSize,
                    manager, null)) {
                PartitionResult out = new PartitionResult(chunk.partition(), chunk.from(), r.adversarial().toFloatArray(),
                        r.success(), r.cleanPredictions(), r.adversarialPredictions(), r.l0(), r.l2(), r.linf(),
                        r.queries(), r.seconds(), load, false);
                if (keep != null) {
                    try {
                        out.write(keptFile(keep, chunk.partition()));
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot keep the result of partition " + chunk.partition() + " in "
                                + keep + ": " + e.getMessage(), e);
                    }
                }
                return out;
            }
        }
    }
}
