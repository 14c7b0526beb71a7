package dev.robust4j.bench;

import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.GradientDescentAttack;
import dev.robust4j.attack.Norm;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objectives;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The attack against its limit (DESIGN §8): an attack of S gradient steps costs at least S
 * forward+backward passes of the model on the batch. This runner times, in one process, S bare
 * {@code evaluate} calls (the floor) and the attack with early stop off (so every sample takes
 * every step), and prints the ratio attack / floor as a Markdown table. Medians of several runs.
 *
 * <p>Usage: {@code OverheadRunner [runs=7] [batch=128]}.
 */
public final class OverheadRunner {

    private OverheadRunner() {}

    /**
     * @param args optional number of runs and batch size
     */
    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 128;
        Map<String, GradientDescentAttack> attacks = new LinkedHashMap<>();
        attacks.put("fgsm (S=1)", Attacks.fgsm(0.1f));
        attacks.put("bim linf (S=10)", Attacks.bim(0.1f).earlyStop(false));
        attacks.put("pgd linf (S=40)", Attacks.pgd(0.1f).steps(40).earlyStop(false));
        attacks.put("pgd l2 (S=40)", Attacks.pgd(Norm.L2, 1.5f).steps(40).earlyStop(false));
        attacks.put("pgd l1 (S=40)", Attacks.pgd(Norm.L1, 10f).steps(40).earlyStop(false));
        try (BenchSetup s = new BenchSetup(batch)) {
            System.out.printf(Locale.ROOT, "batch %d, %d runs, torch threads %d%n%n", batch, runs,
                    dev.robust4j.model.Devices.engineThreads());
            System.out.println("| attack | floor ms (S x fwd+bwd) | attack ms | attack / floor |");
            System.out.println("| --- | ---: | ---: | ---: |");
            for (Map.Entry<String, GradientDescentAttack> e : attacks.entrySet()) {
                int steps = e.getValue().steps();
                double[] floor = new double[runs];
                double[] attack = new double[runs];
                // Warm-up.
                time(() -> e.getValue().generate(s.model, s.x, s.y).close());
                for (int r = 0; r < runs; r++) {
                    floor[r] = time(() -> {
                        for (int i = 0; i < steps; i++) {
                            try (Evaluation ev = s.model.evaluate(s.x, Objectives.crossEntropy(), s.y)) {
                                ev.gradient().getShape();
                            }
                        }
                    });
                    attack[r] = time(() -> e.getValue().generate(s.model, s.x, s.y).close());
                }
                double f = median(floor);
                double a = median(attack);
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.2f |%n", e.getKey(), f, a, a / f);
            }
        }
    }

    private static double time(Runnable r) {
        long t = System.nanoTime();
        r.run();
        return (System.nanoTime() - t) / 1e6;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
