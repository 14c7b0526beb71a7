package dev.robust4j.spark;

import dev.robust4j.evaluate.PoolRunner;
import dev.robust4j.evaluate.PoolRunnerProvider;

/**
 * The {@link PoolRunnerProvider} the command line finds with {@link java.util.ServiceLoader} when
 * this module is on the class path: {@code robust4j evaluate ... --spark-master local[2]}.
 */
public final class SparkPoolRunnerProvider implements PoolRunnerProvider {

    /** Makes the provider (for {@link java.util.ServiceLoader}). */
    public SparkPoolRunnerProvider() {}

    @Override
    public String name() {
        return "spark";
    }

    @Override
    public PoolRunner open(Settings s) {
        return SparkPoolRunner.builder()
                .setMaster(s.master())
                .setModel(s.model(), s.recipe())
                .optThreatModel(s.threatModel())
                .optPartitions(s.partitions())
                .optResults(s.results())
                .optConsole(s.console())
                .build();
    }
}
