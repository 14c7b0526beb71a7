package dev.robust4j.attack.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.testing.ResidentMemory;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A long black-box attack frees every query's arrays (DESIGN §6). */
class BlackBoxMemoryTest {

    @Test
    void threeThousandQuerySquareDoesNotGrowResidentMemory() {
        Assumptions.assumeTrue(ResidentMemory.readable(), "resident memory is read from /proc/self/status (Linux only)");
        int n = 16;
        try (TorchScriptClassifier cnn = CnnFixture.cnn(); NDManager m = NDManager.newBaseManager()) {
            NDArray x = CnnFixture.x(m, n);
            NDArray y = CnnFixture.y(m, n);
            // eps so small no sample breaks: every sample spends the whole budget.
            SquareAttack square = SquareAttack.linf(1e-3f);
            square.maxQueries(300).generate(CnnFixture.blackBox(cnn), x, y).close();
            int arrays = m.getManagedArrays().size();
            Assumptions.assumeTrue(ResidentMemory.resetPeak(), "the peak resident memory can be reset (/proc/self/clear_refs)");
            long before = ResidentMemory.residentKb();
            AttackResult r = square.maxQueries(3000).generate(CnnFixture.blackBox(cnn), x, y);
            long peak = ResidentMemory.peakKb();
            for (int i = 0; i < n; i++) {
                if (r.cleanCorrect()[i]) {
                    assertThat(r.queries()[i]).isEqualTo(3000);
                }
            }
            r.close();
            assertThat(m.getManagedArrays()).hasSize(arrays);
            // One query batch is ~50 KB of input and logits: a leak of one array per query would add ~150 MB.
            // The peak, not the resident size after the run (a leak into a closed scope is gone by then).
            assertThat(peak - before).as("peak resident memory growth in KB").isLessThan(30_000);
        }
    }

}
