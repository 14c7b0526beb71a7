package dev.robust4j.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robust4j.data.Dataset;
import dev.robust4j.model.BlockClassifier;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objectives;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

class ModelDirectoryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Dataset DATA = Synthetic.shapes(256, 16, 3);

    @TempDir
    static Path shared;

    private static TrainedModel trained;
    private static Path saved;

    @BeforeAll
    static void trainAndSave() throws IOException {
        NetworkSpec spec = new NetworkSpec(Architecture.CNN, Activation.parse("brelu:1.0"), new long[] {1, 16, 16}, 4);
        TrainingConfig config = TrainingConfig.builder().optEpochs(1).optBatchSize(32).optSeed(9).build();
        trained = Trainer.train(DATA, spec, new Bounds(0f, 1f), config, TrainingListener.NONE);
        saved = shared.resolve("cnn-model");
        trained.save(saved);
    }

    @AfterAll
    static void close() {
        trained.close();
    }

    private static float[] logits(BlockClassifier model) {
        try (NDManager m = NDManager.newBaseManager(Networks.ENGINE)) {
            return model.predict(DATA.features(m, 0, 64)).toFloatArray();
        }
    }

    @Test
    void loadedModelGivesBitIdenticalLogits() throws IOException {
        try (BlockClassifier loaded = ModelDirectory.load(saved)) {
            float[] expected = logits(trained.classifier());
            float[] actual = logits(loaded);
            assertThat(Arrays.equals(expected, actual)).isTrue();
            assertThat(loaded.inputShape()).isEqualTo(trained.classifier().inputShape());
            assertThat(loaded.bounds()).isEqualTo(Bounds.UNIT);
            assertThat(loaded.numClasses()).isEqualTo(4);
            assertThat(loaded.classNames()).isEqualTo(DATA.classNames());
            assertThat(loaded.description()).isEqualTo("cnn(brelu:1.0) 1x16x16 -> 4");
        }
    }

    @ParameterizedTest
    @EnumSource(Architecture.class)
    void everyArchitectureRoundTrips(Architecture architecture, @TempDir Path dir) throws IOException {
        NetworkSpec spec = new NetworkSpec(architecture, Activation.relu(), new long[] {1, 16, 16}, 4);
        TrainingConfig config = TrainingConfig.builder().optEpochs(1).optBatchSize(64).build();
        try (TrainedModel model = Trainer.train(DATA.limit(128), spec, config, TrainingListener.NONE)) {
            model.save(dir.resolve("m"));
            try (TrainedModel loaded = ModelDirectory.loadTrained(dir.resolve("m"))) {
                assertThat(Arrays.equals(logits(model.classifier()), logits(loaded.classifier()))).isTrue();
                assertThat(loaded.spec()).isEqualTo(spec);
                assertThat(loaded.training()).isEqualTo(model.training());
            }
        }
    }

    @Test
    void writesTheDocumentedMetadata() throws IOException {
        JsonNode root = JSON.readTree(saved.resolve(ModelDirectory.METADATA_FILE).toFile());
        assertThat(root.get("format").asText()).isEqualTo("robust4j-model");
        assertThat(root.get("format_version").asInt()).isEqualTo(1);
        assertThat(root.get("architecture").asText()).isEqualTo("cnn");
        assertThat(root.get("activation").asText()).isEqualTo("brelu:1.0");
        assertThat(root.get("input_shape").toString()).isEqualTo("[1,16,16]");
        assertThat(root.get("bounds").toString()).isEqualTo("{\"min\":0.0,\"max\":1.0}");
        assertThat(root.get("num_classes").asInt()).isEqualTo(4);
        assertThat(root.get("class_names")).hasSize(4);
        JsonNode training = root.get("training");
        assertThat(training.get("epochs").asInt()).isEqualTo(1);
        assertThat(training.get("seed").asLong()).isEqualTo(9);
        assertThat(training.get("optimiser").asText()).isEqualTo("adam");
        assertThat(training.get("learning_rate").toString()).isEqualTo("0.001");
        assertThat(training.get("final_train_accuracy").asDouble())
                .isEqualTo(trained.training().finalTrainAccuracy());
        assertThat(training.get("history")).hasSize(1);
        assertThat(root.get("versions").get("djl").asText()).isEqualTo("0.36.0");
        assertThat(root.get("versions").get("engine").asText()).isEqualTo("PyTorch");
        String file = root.get("parameters").get("file").asText();
        assertThat(saved.resolve(file)).isRegularFile();
        try (Stream<Path> files = Files.list(saved)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(file, ModelDirectory.METADATA_FILE);
        }
    }

    @Test
    void replacesAModelDirectoryAtomicallyAndRefusesOtherDirectories(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("model");
        trained.save(target);
        trained.save(target);
        assertThat(ModelDirectory.isModelDirectory(target)).isTrue();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("model");
        }
        Path other = Files.createDirectories(dir.resolve("photos"));
        Files.writeString(other.resolve("holiday.jpg"), "not a model");
        assertThatThrownBy(() -> trained.save(other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("photos")
                .hasMessageContaining("refusing");
        assertThat(other.resolve("holiday.jpg")).hasContent("not a model");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        trained.save(empty);
        assertThat(ModelDirectory.isModelDirectory(empty)).isTrue();
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("model", "photos", "empty");
        }
    }

    static Stream<Arguments> corruptions() {
        return Stream.of(
                corrupt("missing architecture", root -> root.remove("architecture"), "architecture", "missing"),
                corrupt("unknown architecture", root -> root.put("architecture", "vgg"), "architecture", "vgg"),
                corrupt("bad activation", root -> root.put("activation", "brelu:-1"), "activation", "brelu:-1"),
                corrupt("num_classes not a number", root -> root.put("num_classes", "ten"), "num_classes", "ten"),
                corrupt("newer format", root -> root.put("format_version", 2), "format_version", "newer"),
                corrupt("wrong format", root -> root.put("format", "other"), "format", "other"),
                corrupt("short input shape", root -> root.putArray("input_shape").add(1).add(16), "cnn", "[1, 16]"),
                corrupt("negative input dim", root -> root.putArray("input_shape").add(1).add(-16).add(16),
                        "input_shape", "positive"),
                corrupt("too few class names", root -> root.putArray("class_names").add("a"), "class_names", "1 names"),
                corrupt("inverted bounds", root -> ((ObjectNode) root.get("bounds")).put("min", 2.0), "bounds", "min < max"),
                corrupt("missing training", root -> root.remove("training"), "training", "missing"),
                corrupt("escaping parameter file",
                        root -> ((ObjectNode) root.get("parameters")).put("file", "../cnn-model/x.params"),
                        "parameters.file", "plain file name"),
                corrupt("missing parameter file",
                        root -> ((ObjectNode) root.get("parameters")).put("file", "nope.params"),
                        "parameters.file", "missing"),
                corrupt("wrong checksum",
                        root -> ((ObjectNode) root.get("parameters")).put("sha256", "00"), "SHA-256", "corrupt"),
                corrupt("fewer classes than the parameters have", root -> {
                    root.put("num_classes", 3);
                    root.putArray("class_names");
                }, "(1, 4)", "(1, 3)"));
    }

    private static Arguments corrupt(String name, Consumer<ObjectNode> change, String... fragments) {
        return Arguments.of(name, change, fragments);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptions")
    void rejectsCorruptMetadataNamingFileAndField(
            String name, Consumer<ObjectNode> change, String[] fragments, @TempDir Path dir) throws IOException {
        Path copy = copyOfSaved(dir);
        Path file = copy.resolve(ModelDirectory.METADATA_FILE);
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        change.accept(root);
        JSON.writeValue(file.toFile(), root);
        assertThatThrownBy(() -> ModelDirectory.load(copy))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(copy.toString())
                .hasMessageContainingAll(fragments);
    }

    @Test
    void rejectsMissingOrUnreadableFiles(@TempDir Path dir) throws IOException {
        assertThatThrownBy(() -> ModelDirectory.load(dir.resolve("absent")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> ModelDirectory.load(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ModelDirectory.METADATA_FILE + " is missing");
        Path copy = copyOfSaved(dir.resolve("copy"));
        Files.writeString(copy.resolve(ModelDirectory.METADATA_FILE), "{\"format\": ");
        assertThatThrownBy(() -> ModelDirectory.load(copy))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ModelDirectory.METADATA_FILE)
                .hasMessageContaining("not valid JSON");
        Path flipped = copyOfSaved(dir.resolve("flipped"));
        String file = JSON.readTree(flipped.resolve(ModelDirectory.METADATA_FILE).toFile())
                .get("parameters").get("file").asText();
        byte[] bytes = Files.readAllBytes(flipped.resolve(file));
        bytes[bytes.length / 2] ^= 1;
        Files.write(flipped.resolve(file), bytes);
        assertThatThrownBy(() -> ModelDirectory.load(flipped))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file)
                .hasMessageContaining("SHA-256");
    }

    private static Path copyOfSaved(Path dir) throws IOException {
        Path copy = dir.resolve("cnn-model");
        Files.createDirectories(copy);
        try (Stream<Path> files = Files.list(saved)) {
            for (Path p : files.toList()) {
                Files.copy(p, copy.resolve(p.getFileName()));
            }
        }
        return copy;
    }

    @Test
    void aLoadedModelCanBeTrainedFurtherAndAttacked() throws IOException {
        try (BlockClassifier loaded = ModelDirectory.load(saved);
                NDManager m = NDManager.newBaseManager(Networks.ENGINE)) {
            float[] before = TrainerTest.weights(loaded);
            NDArray x = DATA.features(m, 0, 8);
            try (Evaluation e = loaded.evaluate(x, Objectives.crossEntropy(), DATA.labels(m, 0, 8))) {
                assertThat(e.gradient().abs().sum().getFloat()).isPositive();
            }
            TrainingConfig config = TrainingConfig.builder().optEpochs(1).optBatchSize(64).build();
            TrainingHistory history = new Trainer(config).fit(loaded, DATA, TrainingListener.NONE);
            assertThat(history.epochs()).hasSize(1);
            assertThat(Arrays.equals(before, TrainerTest.weights(loaded))).isFalse();
        }
    }

    @Test
    void readsTheSpecWithoutLoading() throws IOException {
        assertThat(ModelDirectory.readSpec(saved)).isEqualTo(trained.spec());
        assertThat(List.of(ModelDirectory.isModelDirectory(saved), ModelDirectory.isModelDirectory(shared)))
                .containsExactly(true, false);
    }
}
