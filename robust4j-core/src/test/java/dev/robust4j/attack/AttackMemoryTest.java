package dev.robust4j.attack;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;
import dev.robust4j.data.Npy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A long attack must not grow native memory: every step's arrays are freed (DESIGN §6). */
class AttackMemoryTest {

    private static final Path STATUS = Path.of("/proc/self/status");

    @Test
    void twoThousandStepPgdDoesNotGrowResidentMemory() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(STATUS), "resident memory is read from /proc/self/status (Linux only)");
        float[] xs = Arrays.copyOf(Npy.read(Fixtures.path("torchscript/x.npy")).floats(), 16 * 784);
        long[] ys = Arrays.copyOf(Npy.read(Fixtures.path("torchscript/y.npy")).longs(), 16);
        try (TorchScriptClassifier model = TorchScriptClassifier.builder()
                        .setModelFile(Fixtures.path("torchscript/cnn_traced.pt"))
                        .setInputShape(1, 28, 28).build();
                NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(xs, new Shape(16, 1, 28, 28));
            NDArray y = m.create(ys);
            // Warm up allocator pools and JIT so the measurement sees steady state only.
            Attacks.pgd(0.1f).steps(300).earlyStop(false).generate(model, x, y).close();
            int arrays = m.getManagedArrays().size();
            long before = residentKb();
            AttackResult r = Attacks.pgd(0.1f).steps(2000).earlyStop(false).generate(model, x, y);
            long after = residentKb();
            assertThat(r.queries()).containsOnly(2001L);
            r.close();
            assertThat(m.getManagedArrays()).hasSize(arrays);
            // One step makes ~20 arrays of up to 16x784 floats (~50 KB): a leak of a single array per
            // step would add ~100 MB over 2,000 steps.
            assertThat(after - before).as("resident memory growth in KB").isLessThan(30_000);
        }
    }

    private static long residentKb() throws IOException {
        System.gc();
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in " + STATUS);
    }
}
