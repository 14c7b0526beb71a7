package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory is the point: an image folder of two 89-byte PNGs declaring 12000×12000 pixels once
 * drove the JVM to 22.7 GB. Run the command line in a child JVM with a 256 MB heap: it must refuse
 * the folder from the image headers (exit 2, one line), long before it could run out of memory.
 */
class HostileMemoryTest {

    @Test
    void hugeDeclaredImagesAreRefusedInA256MegabyteHeap(@TempDir Path dir) throws Exception {
        Path images = HostileInputTest.HOSTILE.resolve("images");
        for (String folder : List.of("big-12000", "huge-65535", "mid-4000")) {
            Child r = run(dir, "-Xmx256m", "attack", "--model", HostileInputTest.TS.resolve("cnn_traced.pt").toString(),
                    "--attack", "fgsm", "--data", images.resolve(folder).toString());
            assertThat(r.code).as("%s: %s", folder, r.err).isEqualTo(2);
            assertThat(r.err.lines().toList()).as(folder).hasSize(1);
            assertThat(r.err).as(folder).contains("more than the limit of 4194304");
            // The heap cap is 256 MB; resident memory adds the JVM and libtorch, but nothing near the pixels.
            assertThat(r.peakKb).as("%s: peak resident memory (kB)", folder).isLessThan(1_500_000);
        }
    }

    @Test
    void dataWithinTheLimitsButBeyondTheHeapIsOneLineNotACrash(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.npy");
        int n = 16 * 1024 * 1024; // 64 MB of float32, inside every limit, outside a 48 MB heap
        dev.robust4j.data.Npy.writeFloat32(big, new float[n], 16, 1, 1024, 1024);
        Child r = run(dir, "-Xmx48m", "attack", "--model", HostileInputTest.TS.resolve("cnn_traced.pt").toString(),
                "--attack", "fgsm", "--data", big.toString());
        assertThat(r.code).as(r.err).isEqualTo(2);
        assertThat(r.err.lines().toList()).hasSize(1);
        assertThat(r.err).contains("big.npy").contains("bytes of heap");
    }

    record Child(int code, String err, long peakKb) {}

    /** Runs the CLI in a child JVM with the given heap option, sampling its peak resident set (VmHWM). */
    static Child run(Path dir, String heap, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.add(heap);
        cmd.add("-Dai.djl.offline=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Robust4jCli.class.getName());
        cmd.addAll(List.of(args));
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("OMP_WAIT_POLICY", "PASSIVE");
        Process p = pb.start();
        long peak = 0;
        Path status = Path.of("/proc", Long.toString(p.pid()), "status");
        while (!p.waitFor(50, TimeUnit.MILLISECONDS)) {
            peak = Math.max(peak, vmHwm(status));
        }
        return new Child(p.exitValue(), Files.readString(err), peak);
    }

    private static long vmHwm(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process has ended
        }
        return 0;
    }
}
