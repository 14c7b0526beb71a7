package dev.robust4j.attack;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.data.Npy;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.Fixtures;
import dev.robust4j.testing.ResidentMemory;

import java.util.Arrays;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A long attack must not grow native memory: every step's arrays are freed (DESIGN §6). */
class AttackMemoryTest {

    @Test
    void twoThousandStepPgdDoesNotGrowResidentMemory() {
        Assumptions.assumeTrue(ResidentMemory.readable(), "resident memory is read from /proc/self/status (Linux only)");
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
            Assumptions.assumeTrue(ResidentMemory.resetPeak(), "the peak resident memory can be reset (/proc/self/clear_refs)");
            long before = ResidentMemory.residentKb();
            AttackResult r = Attacks.pgd(0.1f).steps(2000).earlyStop(false).generate(model, x, y);
            long peak = ResidentMemory.peakKb();
            assertThat(r.queries()).containsOnly(2001L);
            r.close();
            assertThat(m.getManagedArrays()).hasSize(arrays);
            // One step makes ~20 arrays of up to 16x784 floats (~50 KB): a leak of a single array per
            // step would add ~100 MB over 2,000 steps.
            // The peak, not the resident size after the run: arrays leaked into a scope the attack
            // closes when it returns would be gone from VmRSS by then.
            assertThat(peak - before).as("peak resident memory growth in KB").isLessThan(30_000);
        }
    }

}
