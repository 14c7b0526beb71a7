package dev.robust4j.data;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing of every data reader (Jazzer). In a normal test run each target runs
 * once per committed seed in {@code src/test/resources/dev/robust4j/data/ReaderFuzzTestInputs/<target>/}
 * (regression mode, fast); {@code JAZZER_FUZZ=1} fuzzes one target for real (docs/reliability.md).
 *
 * <p>A reader may refuse its input only with {@link IllegalArgumentException} (e.g.
 * {@link DataFormatException}) or {@link UncheckedIOException}; any other exception, an
 * {@link OutOfMemoryError} or a hang is a finding. The array limit is lowered to 2^20 values so that
 * inputs near it are cheap to try; the limit logic is the same.
 */
class ReaderFuzzTest {

    private static Path dir;
    private static String savedLimit;

    @BeforeAll
    static void setUp() throws IOException {
        savedLimit = System.getProperty(Limits.ARRAY_VALUES);
        System.setProperty(Limits.ARRAY_VALUES, Long.toString(1 << 20));
        dir = Files.createTempDirectory("robust4j-fuzz");
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (savedLimit == null) {
            System.clearProperty(Limits.ARRAY_VALUES);
        } else {
            System.setProperty(Limits.ARRAY_VALUES, savedLimit);
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @FuzzTest(maxDuration = "10m")
    void npy(byte[] data) {
        try {
            Npy.read(new ByteArrayInputStream(data), "fuzz.npy");
        } catch (IllegalArgumentException | UncheckedIOException expected) {
            // a refusal naming the fault
        }
    }

    @FuzzTest(maxDuration = "10m")
    void npz(byte[] data) throws IOException {
        Path f = dir.resolve("fuzz.npz");
        Files.write(f, data);
        try {
            DataReaders.read(f);
        } catch (IllegalArgumentException | UncheckedIOException expected) {
            // a refusal naming the fault
        }
    }

    @FuzzTest(maxDuration = "10m")
    void idx(byte[] data) {
        try {
            Idx.read(new ByteArrayInputStream(data), "fuzz.idx");
        } catch (IllegalArgumentException | UncheckedIOException expected) {
            // a refusal naming the fault
        }
    }

    @FuzzTest(maxDuration = "10m")
    void csv(byte[] data) throws IOException {
        Path f = dir.resolve("fuzz.csv");
        Files.write(f, data);
        try {
            CsvReader.defaults().read(f);
        } catch (IllegalArgumentException | UncheckedIOException expected) {
            // a refusal naming the fault
        }
    }

    /** The same bytes as the one image of two classes, read for a 1×28×28 model. */
    @FuzzTest(maxDuration = "10m")
    void imageFolderHeaders(byte[] data) throws IOException {
        Path root = dir.resolve("images");
        for (String c : new String[] {"a", "b"}) {
            Files.createDirectories(root.resolve(c));
            Files.write(root.resolve(c).resolve("x.png"), data);
        }
        try {
            ImageFolder.read(root, new long[] {1, 28, 28});
        } catch (IllegalArgumentException | UncheckedIOException expected) {
            // a refusal naming the fault
        }
    }
}
