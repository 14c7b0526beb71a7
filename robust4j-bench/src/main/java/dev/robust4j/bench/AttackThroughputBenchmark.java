package dev.robust4j.bench;

import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.EvasionAttack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Samples attacked per second, per attack, on a batch of 128 Fashion-MNIST images and the small
 * traced CNN. Each attack runs with its CLI defaults plus the settings in {@link #PARAMS}; the
 * score is samples per second (one operation = one sample).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true"})
public class AttackThroughputBenchmark {

    static final int BATCH = 128;

    /** Settings per attack: fixed budgets so runs are comparable across versions. */
    static final Map<String, Map<String, String>> PARAMS = Map.ofEntries(
            Map.entry("fgsm", Map.of("eps", "0.1")),
            Map.entry("bim", Map.of("eps", "0.1", "steps", "10")),
            Map.entry("pgd", Map.of("eps", "0.1", "steps", "40")),
            Map.entry("pgd-no-early-stop", Map.of("eps", "0.1", "steps", "40", "early-stop", "false")),
            Map.entry("mim", Map.of("eps", "0.1")),
            Map.entry("apgd-ce", Map.of("eps", "0.1")),
            Map.entry("apgd-dlr", Map.of("eps", "0.1")),
            Map.entry("auto-attack", Map.of("eps", "0.1")),
            Map.entry("cw-l2", Map.of("max-iter", "100")),
            Map.entry("cw-linf", Map.of("eps", "0.1")),
            Map.entry("ead", Map.of()),
            Map.entry("lbfgs", Map.of()),
            Map.entry("deepfool", Map.of()),
            Map.entry("jsma", Map.of()),
            Map.entry("fab", Map.of("eps", "0.1")),
            Map.entry("square", Map.of("eps", "0.1", "max-queries", "1000")),
            Map.entry("simba", Map.of("max-queries", "1000")),
            Map.entry("zoo", Map.of("max-iter", "20")),
            Map.entry("one-pixel", Map.of("pixels", "3", "population", "100", "max-iter", "20")),
            Map.entry("boundary", Map.of("max-queries", "2000")),
            Map.entry("hop-skip-jump", Map.of("max-iter", "10", "max-queries", "2000")));

    /** The attack's registry name (a {@code -no-early-stop} suffix turns early stopping off); JMH runs each. */
    @Param({"fgsm", "bim", "pgd", "pgd-no-early-stop", "mim", "apgd-ce", "apgd-dlr", "auto-attack", "cw-l2", "cw-linf",
        "ead", "lbfgs", "deepfool", "jsma", "fab", "square", "simba", "zoo", "one-pixel", "boundary", "hop-skip-jump"})
    public String attack;

    private BenchSetup setup;
    private EvasionAttack instance;

    /** Loads the model and the batch, and makes the attack from the registry with its {@link #PARAMS}. */
    @Setup(Level.Trial)
    public void setUp() {
        setup = new BenchSetup(BATCH);
        String name = attack.endsWith("-no-early-stop") ? attack.substring(0, attack.indexOf("-no-early-stop")) : attack;
        instance = AttackRegistry.create(name, new LinkedHashMap<>(PARAMS.get(attack)));
    }

    /** Closes the model and the batch. */
    @TearDown(Level.Trial)
    public void tearDown() {
        setup.close();
    }

    /**
     * Attacks the whole batch once.
     *
     * @return whether the attack broke the first sample, returned so that JMH keeps the work alive
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public boolean attackBatch() {
        try (AttackResult r = instance.generate(setup.model, setup.x, setup.y)) {
            return r.success()[0];
        }
    }
}
