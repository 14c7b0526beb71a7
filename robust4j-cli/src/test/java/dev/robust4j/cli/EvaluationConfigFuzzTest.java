package dev.robust4j.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of the {@code evaluate --config} reader: fuzzed bytes as a YAML file.
 * Seeds: {@code src/test/resources/dev/robust4j/cli/EvaluationConfigFuzzTestInputs/config/}. A
 * refusal must be an {@link IllegalArgumentException} naming the file, key and value.
 */
class EvaluationConfigFuzzTest {

    private static Path file;

    @BeforeAll
    static void setUp() throws IOException {
        file = Files.createTempFile("robust4j-fuzz", ".yaml");
        file.toFile().deleteOnExit();
    }

    @FuzzTest(maxDuration = "10m")
    void config(byte[] data) throws IOException {
        Files.write(file, data);
        try {
            EvaluationConfig.read(file);
        } catch (IllegalArgumentException expected) {
            // a refusal naming the file, key and value
        }
    }
}
