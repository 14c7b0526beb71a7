package dev.robust4j.cli;

import dev.robust4j.evaluate.PoolRunner;
import dev.robust4j.evaluate.PoolRunnerProvider;
import dev.robust4j.evaluate.ThreatModel;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.ModelRecipe;
import dev.robust4j.model.Normalization;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ServiceLoader;

import picocli.CommandLine.Option;

/**
 * The options that run {@code evaluate}'s attack pool on Spark: found with {@link ServiceLoader}
 * in the robust4j-spark module, which only the Spark launcher and the spark-submit jar put on the
 * class path; without {@code --spark-master} the pool runs here.
 */
final class ScaleOutOptions {

    @Option(names = "--spark-master", paramLabel = "URL",
            description = "Run the attack pool on Spark: local[N], local-cluster[W,C,MB], spark://host:port, yarn,"
                    + " k8s://... Needs the robust4j-spark module (./robust4j builds it on first use). Same figures"
                    + " as without it.")
    String master;

    @Option(names = "--spark-partitions", paramLabel = "N",
            description = "Partitions of the data on Spark (default: the cluster's default parallelism); each holds"
                    + " whole batches.")
    Integer partitions;

    @Option(names = "--spark-results", paramLabel = "DIR",
            description = "Keep per-sample results of every attack as Parquet (DIR/samples) and each partition's"
                    + " result (DIR/partitions), which a rerun reads back instead of recomputing.")
    Path results;

    /**
     * Opens the runner the options ask for.
     *
     * @param location the model's path or URL, or {@code null} when the run trains its model
     * @param loaded the model as loaded
     * @param model the model attacks see (normalised, if asked)
     * @param normalization the normalisation, or {@code null}
     * @param numClasses the classes given for an HTTP model, or {@code null}
     * @param threatModel the threat model's name
     * @param err where the runner says what runs where
     * @return the runner: {@link PoolRunner#LOCAL} without {@code --spark-master}
     */
    PoolRunner open(String location, Classifier loaded, Classifier model, Normalization normalization,
            Integer numClasses, String threatModel, PrintWriter err) {
        if (master == null) {
            if (partitions != null) {
                throw new IllegalArgumentException("--spark-partitions applies to a Spark run; give --spark-master too");
            }
            if (results != null) {
                throw new IllegalArgumentException("--spark-results applies to a Spark run; give --spark-master too");
            }
            return PoolRunner.LOCAL;
        }
        if (master.isBlank()) {
            throw new IllegalArgumentException("--spark-master must be a Spark master URL (local[N], spark://host:port,"
                    + " yarn, k8s://...), got ''");
        }
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("--spark-partitions must be >= 1, got " + partitions);
        }
        if (location == null || loaded == null) {
            throw new IllegalArgumentException("--spark-master needs the model as a file or URL (--model / model:);"
                    + " a model trained in this run is not shipped to executors");
        }
        PoolRunnerProvider provider = ServiceLoader.load(PoolRunnerProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals("spark")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("--spark-master " + master + " needs the robust4j-spark"
                        + " module, which is not on the class path; run ./robust4j (it builds the module when"
                        + " --spark-master is given) or spark-submit robust4j-spark/target/robust4j-spark.jar"));
        return provider.open(new PoolRunnerProvider.Settings(master,
                ModelRecipe.of(location, loaded, normalization, numClasses), model, ThreatModel.parse(threatModel),
                partitions == null ? 0 : partitions, results, err));
    }
}
