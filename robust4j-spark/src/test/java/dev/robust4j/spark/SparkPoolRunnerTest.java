package dev.robust4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.robust4j.Robust4j;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Split;
import dev.robust4j.evaluate.AttackOutcome;
import dev.robust4j.evaluate.AttackPool;
import dev.robust4j.evaluate.Example;
import dev.robust4j.evaluate.PoolResult;
import dev.robust4j.evaluate.PoolRunnerProvider;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.ModelRecipe;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pool on Spark in local mode (one session for every test; {@code local[2,3]}: two task
 * threads, a failed task tried up to three times) against the same pool run here, on the committed
 * TorchScript CNN fixture and the first 16 bundled test images: a gradient attack (PGD with a
 * random start), a score-based one (Square) and a label-only one (HopSkipJump) give the same
 * figures, sample by sample, with 4 partitions, with a task failure injected, and when read back
 * from kept partition results.
 */
class SparkPoolRunnerTest {

    private static final Path MODEL = Path.of("../robust4j-core/src/test/resources/fixtures/torchscript/cnn_traced.pt");
    private static final int BATCH = 4;

    private static SparkSession spark;
    private static Classifier model;
    private static ModelRecipe recipe;
    private static Dataset data;
    private static AttackPool pool;
    private static PoolResult local;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2,3]").appName("robust4j-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        data = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TEST).limit(16);
        model = Robust4j.loadModel(MODEL, data.sampleShape(), Bounds.UNIT);
        recipe = ModelRecipe.of(MODEL.toString(), model, null, null);
        pool = AttackPool.parse(List.of("pgd:eps=0.05,steps=5,random-start=true", "square:eps=0.1,max-queries=60",
                "hop-skip-jump:max-iter=2,max-queries=150"), null);
        local = pool.run(model, data, null, BATCH, 4, null);
    }

    @AfterAll
    static void stop() throws Exception {
        model.close();
        spark.stop();
    }

    private static SparkPoolRunner.Builder runner() {
        return SparkPoolRunner.builder().setSession(spark).setModel(model, recipe).optPartitions(4);
    }

    private static void assertSameFigures(PoolResult spark, PoolResult here) {
        assertThat(spark.samples()).isEqualTo(here.samples());
        assertThat(spark.cleanAccuracy()).isEqualTo(here.cleanAccuracy());
        assertThat(spark.successRate()).isEqualTo(here.successRate());
        assertThat(spark.robustAccuracy()).isEqualTo(here.robustAccuracy());
        assertThat(spark.broken()).isEqualTo(here.broken());
        for (int i = 0; i < here.attacks().size(); i++) {
            AttackOutcome a = spark.attacks().get(i);
            AttackOutcome b = here.attacks().get(i);
            assertThat(a.label()).isEqualTo(b.label());
            double[] fa = {a.successRate(), a.robustAccuracy(), a.l0Mean(), a.l2Mean(), a.l2Median(), a.linfMean(),
                a.linfMax(), a.queriesMean()};
            double[] fb = {b.successRate(), b.robustAccuracy(), b.l0Mean(), b.l2Mean(), b.l2Median(), b.linfMean(),
                b.linfMax(), b.queriesMean()};
            assertThat(fa).as(a.label()).isEqualTo(fb);
        }
        assertThat(spark.examples()).hasSameSizeAs(here.examples());
        for (int i = 0; i < here.examples().size(); i++) {
            Example a = spark.examples().get(i);
            Example b = here.examples().get(i);
            assertThat(a.index()).isEqualTo(b.index());
            assertThat(Arrays.equals(a.adversarial(), b.adversarial())).as("adversarial of sample %d", b.index()).isTrue();
        }
    }

    @Test
    void thePoolOnSparkGivesTheFiguresOfTheLocalRun() {
        // the three kinds of attack did something here, so the comparison means something
        for (AttackOutcome o : local.attacks()) {
            assertThat(o.ran()).as(o.label()).isTrue();
            assertThat(o.successRate()).as(o.label()).isGreaterThan(0);
        }
        try (SparkPoolRunner r = runner().build()) {
            assertSameFigures(pool.withRunner(r).run(model, data, null, BATCH, 4, null), local);
            assertThat(r.lastMeasurements()).hasSize(4);
        }
    }

    @Test
    void aFailedTaskIsRetriedWithTheSameResult(@TempDir Path dir) throws Exception {
        try (SparkPoolRunner r = runner().optInjectFailure(1).optResults(dir).build()) {
            assertSameFigures(pool.withRunner(r).run(model, data, null, BATCH, 4, null), local);
        }
        // per-sample rows of every attack, as Parquet
        List<Path> samples;
        try (var s = Files.list(dir.resolve("samples"))) {
            samples = s.sorted().toList();
        }
        assertThat(samples).hasSize(3);
        List<Row> rows = spark.read().parquet(samples.get(0).toString()).orderBy("index").collectAsList();
        assertThat(rows).hasSize(16);
        assertThat(rows.get(3).getAs("label").equals(data.labels()[3])).isTrue();
        // a rerun reads every partition back instead of attacking again, with the same figures
        try (SparkPoolRunner r = runner().optResults(dir).build()) {
            assertSameFigures(pool.withRunner(r).run(model, data, null, BATCH, 4, null), local);
            assertThat(r.lastMeasurements()).allMatch(SparkPoolRunner.PartitionMeasurement::resumed);
        }
    }

    @Test
    void partitionsAreWholeBatches() {
        assertThat(SparkPoolRunner.bounds(16, 4, 3)).containsExactly(0, 8, 16);
        assertThat(SparkPoolRunner.bounds(17, 4, 3)).containsExactly(0, 8, 16, 17);
        assertThat(SparkPoolRunner.bounds(5, 128, 8)).containsExactly(0, 5);
        assertThat(SparkPoolRunner.bounds(2000, 32, 2)).containsExactly(0, 1024, 2000);
    }

    @Test
    void theCommandLineFindsTheProvider() {
        assertThat(ServiceLoader.load(PoolRunnerProvider.class).stream().map(p -> p.get().name()).toList())
                .contains("spark");
    }

    @Test
    void parquetRoundTrip(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("test.parquet");
        SparkData.writeParquet(spark, data, out);
        Dataset back = SparkData.readParquet(spark, out, null);
        assertThat(back.sampleShape()).isEqualTo(data.sampleShape());
        assertThat(back.labels()).isEqualTo(data.labels());
        assertThat(Arrays.equals(back.features(), data.features())).isTrue();
    }

    private static org.apache.spark.sql.Dataset<Row> rows(float[][] features, int[] labels, boolean withLabel) {
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType));
        if (withLabel) {
            schema = schema.add("label", DataTypes.IntegerType);
        }
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < features.length; i++) {
            Float[] boxed = new Float[features[i].length];
            for (int j = 0; j < boxed.length; j++) {
                boxed[j] = features[i][j];
            }
            rows.add(withLabel ? RowFactory.create(boxed, labels[i]) : RowFactory.create((Object) boxed));
        }
        return spark.createDataFrame(rows, schema);
    }

    @Test
    void badRowsAreRefusedWithOneClearLine() {
        long[] shape = {1, 2, 2};
        assertThatThrownBy(() -> SparkData.collect(rows(new float[][] {{0, 0, 0, 0}}, null, false), shape, "in.parquet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("in.parquet: no column 'label'; expected columns features (array<float>, one sample in C×H×W"
                        + " order), label (int) and optionally index (long); found [features]");
        assertThatThrownBy(() -> SparkData.collect(rows(new float[][] {{0, 0, 0, 0}, {0, 0, 0}}, new int[] {1, 2}, true),
                shape, "in.parquet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("in.parquet: row 1 has 3 features; expected 4 (a sample of shape [1, 2, 2])");
        assertThatThrownBy(() -> SparkData.collect(rows(new float[][] {{0, Float.NaN, 0, 0}}, new int[] {1}, true),
                shape, "in.parquet"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("in.parquet: row 0: feature 1 is NaN; expected a finite number");
    }
}
