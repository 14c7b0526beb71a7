package dev.robust4j.nn;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the model directory's metadata reader: fuzzed bytes as
 * {@code robust4j-model.json} beside a parameter file, read with {@link ModelDirectory#readSpec}.
 * Seeds: {@code src/test/resources/dev/robust4j/nn/ModelDirectoryFuzzTestInputs/metadata/}. A
 * refusal must be an {@link IllegalArgumentException} or an {@link IOException} naming the file.
 */
class ModelDirectoryFuzzTest {

    private static Path dir;

    @BeforeAll
    static void setUp() throws IOException {
        dir = Files.createTempDirectory("robust4j-fuzz-model");
        dir.toFile().deleteOnExit();
        Files.write(dir.resolve("robust4j-params-0000.params"), "DJL@".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    @FuzzTest(maxDuration = "10m")
    void metadata(byte[] data) throws IOException {
        Files.write(dir.resolve(ModelDirectory.METADATA_FILE), data);
        try {
            ModelDirectory.readSpec(dir);
        } catch (IllegalArgumentException | IOException | UncheckedIOException expected) {
            // a refusal naming the file and the field
        }
    }
}
