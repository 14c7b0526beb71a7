package dev.robust4j.evaluate;

import dev.robust4j.model.Classifier;
import dev.robust4j.model.ModelRecipe;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Makes {@link PoolRunner}s that run a pool elsewhere (a Spark cluster); found with
 * {@link java.util.ServiceLoader}, so the command line runs on a cluster only when a module that
 * provides one (robust4j-spark) is on the class path, and needs none otherwise.
 */
public interface PoolRunnerProvider {

    /**
     * What a cluster runner needs.
     *
     * @param master where to run, e.g. {@code local[2]}, {@code spark://host:7077}, {@code yarn}
     * @param recipe how executors load the model
     * @param model the model as loaded in this process: the runner runs on the cluster the
     *     attacks against it (or its threat model's view of it), and attacks against any other
     *     model (a defended round's) here
     * @param threatModel the threat model the pool's model is viewed under
     * @param partitions partitions of the data, or 0 for the cluster's default parallelism
     * @param results a directory for per-sample result rows (Parquet) and per-partition results to
     *     resume from, or {@code null} for none
     * @param console where the runner tells the user what runs where; may be {@code null}
     */
    record Settings(String master, ModelRecipe recipe, Classifier model, ThreatModel threatModel, int partitions,
            Path results, PrintWriter console) {
        /**
         * Checks the fields.
         *
         * @param master where to run, e.g. {@code local[2]}, {@code spark://host:7077}, {@code yarn}
         * @param recipe how executors load the model
         * @param model the model as loaded in this process
         * @param threatModel the threat model the pool's model is viewed under
         * @param partitions partitions of the data, or 0 for the cluster's default parallelism
         * @param results a directory for per-sample results and per-partition results to resume
         *     from, or {@code null}
         * @param console where the runner tells the user what runs where; may be {@code null}
         */
        public Settings {
            Objects.requireNonNull(master, "master");
            Objects.requireNonNull(recipe, "recipe");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(threatModel, "threatModel");
            if (partitions < 0) {
                throw new IllegalArgumentException("partitions must be >= 0, got " + partitions);
            }
        }
    }

    /** @return the engine's name, e.g. {@code spark} */
    String name();

    /**
     * Opens a runner; close it when the pool is done.
     *
     * @param settings where and what to run
     * @return the runner
     * @throws IllegalArgumentException naming a setting that cannot be used
     */
    PoolRunner open(Settings settings);
}
