package dev.robust4j.attack.blackbox;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.model.TorchScriptClassifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A long black-box attack frees every query's arrays (DESIGN §6). */
class BlackBoxMemoryTest {

    private static final Path STATUS = Path.of("/proc/self/status");

    @Test
    void threeThousandQuerySquareDoesNotGrowResidentMemory() throws IOException {
        Assumptions.assumeTrue(Files.isReadable(STATUS), "resident memory is read from /proc/self/status (Linux only)");
        int n = 16;
        try (TorchScriptClassifier cnn = CnnFixture.cnn(); NDManager m = NDManager.newBaseManager()) {
            NDArray x = CnnFixture.x(m, n);
            NDArray y = CnnFixture.y(m, n);
            // eps so small no sample breaks: every sample spends the whole budget.
            SquareAttack square = SquareAttack.linf(1e-3f);
            square.maxQueries(300).generate(CnnFixture.blackBox(cnn), x, y).close();
            int arrays = m.getManagedArrays().size();
            long before = residentKb();
            AttackResult r = square.maxQueries(3000).generate(CnnFixture.blackBox(cnn), x, y);
            long after = residentKb();
            for (int i = 0; i < n; i++) {
                if (r.cleanCorrect()[i]) {
                    assertThat(r.queries()[i]).isEqualTo(3000);
                }
            }
            r.close();
            assertThat(m.getManagedArrays()).hasSize(arrays);
            // One query batch is ~50 KB of input and logits: a leak of one array per query would add ~150 MB.
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
