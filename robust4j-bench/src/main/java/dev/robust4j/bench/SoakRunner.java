package dev.robust4j.bench;

import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.GradientDescentAttack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Memory soak: one PGD attack of many steps (early stop off, so every step runs on the whole
 * batch) while a sampler thread reads the process's resident set ({@code VmRSS}) and its peak
 * ({@code VmHWM}) from {@code /proc/self/status} every second. A leak of a few arrays per step
 * shows as a resident set that keeps climbing; a scope-per-step engine stays flat after the first
 * steps. Linux only. A soak run, not a unit test.
 *
 * <p>Usage: {@code SoakRunner [steps=10000] [batch=16]}.
 */
public final class SoakRunner {

    private SoakRunner() {}

    /**
     * @param args optional number of steps and batch size
     * @throws Exception on interruption
     */
    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        GradientDescentAttack pgd = Attacks.pgd(0.1f).steps(steps).stepSize(0.001f).earlyStop(false);
        List<long[]> samples = new ArrayList<>();
        AtomicBoolean done = new AtomicBoolean();
        try (BenchSetup s = new BenchSetup(batch)) {
            System.out.printf(Locale.ROOT, "before: VmRSS %d MB, VmHWM %d MB%n", kb("VmRSS:") / 1024, kb("VmHWM:") / 1024);
            long start = System.nanoTime();
            Thread sampler = new Thread(() -> {
                while (!done.get()) {
                    samples.add(new long[] {(System.nanoTime() - start) / 1_000_000_000L, kb("VmRSS:"), kb("VmHWM:")});
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.setDaemon(true);
            sampler.start();
            double seconds;
            try (AttackResult r = pgd.generate(s.model, s.x, s.y)) {
                seconds = r.seconds();
            }
            done.set(true);
            sampler.join();
            System.out.printf(Locale.ROOT, "PGD, %d steps, batch %d: %.1f s%n", steps, batch, seconds);
            System.out.println("| time s | VmRSS MB | VmHWM MB |");
            System.out.println("| ---: | ---: | ---: |");
            int every = Math.max(1, samples.size() / 10);
            for (int i = 0; i < samples.size(); i++) {
                if (i % every == 0 || i == samples.size() - 1) {
                    long[] v = samples.get(i);
                    System.out.printf(Locale.ROOT, "| %d | %d | %d |%n", v[0], v[1] / 1024, v[2] / 1024);
                }
            }
            if (samples.size() >= 4) {
                long early = samples.get(samples.size() / 4)[1];
                long late = samples.get(samples.size() - 1)[1];
                System.out.printf(Locale.ROOT, "VmRSS from 1/4 of the run to its end: %+d MB%n", (late - early) / 1024);
            }
        }
    }

    private static long kb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
