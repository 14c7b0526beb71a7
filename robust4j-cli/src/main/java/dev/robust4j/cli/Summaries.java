package dev.robust4j.cli;

import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.metric.AttackSummary;

import java.util.Locale;

/** One-line, human-readable renderings of results. */
final class Summaries {

    private Summaries() {}

    /**
     * @param attack the attack
     * @param targeted whether it ran targeted
     * @param s the numbers
     * @return e.g. {@code pgd (white-box, untargeted) on 100 samples: clean accuracy 0.800, ...}
     */
    static String line(EvasionAttack attack, boolean targeted, AttackSummary s) {
        return String.format(Locale.ROOT,
                "%s (%s, %s) on %d samples: clean accuracy %s, success rate %s, robust accuracy %s,"
                        + " median L2 %s, max Linf %s, %.1f queries/sample, %.2f s (%.1f samples/s)",
                attack.name(), attack.requiresGradients() ? "white-box" : "black-box",
                targeted ? "targeted" : "untargeted", s.samples(), f3(s.cleanAccuracy()), f3(s.successRate()),
                f3(s.robustAccuracy()), f3(s.l2Median()), f3(s.linfMax()), s.queriesMean(), s.seconds(),
                s.samplesPerSecond());
    }

    static String f3(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }
}
