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
    /**
     * One line on robustness under transformation: clean accuracy under the distribution and how
     * the successful adversarials survive it.
     */
    static String survival(dev.robust4j.transform.Survival clean, dev.robust4j.transform.Survival adversarial,
            dev.robust4j.attack.AttackResult result) {
        boolean[] correct = result.cleanCorrect();
        boolean[] broken = new boolean[correct.length];
        for (int i = 0; i < correct.length; i++) {
            broken[i] = correct[i] && result.success()[i];
        }
        return String.format(Locale.ROOT,
                "survival under %s (%d draws per sample): clean accuracy %.3f; adversarials stay adversarial on"
                        + " %.3f of the draws (%.3f of them on at least half)",
                adversarial.spec().describe(), adversarial.draws(), 1 - clean.mean(null), adversarial.mean(broken),
                adversarial.shareAtLeast(broken, 0.5));
    }

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
