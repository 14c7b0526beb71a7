package dev.robust4j.evaluate;

import java.util.List;
import java.util.Map;

/**
 * The result of a {@link RobustnessEvaluation}: every round, the verdict and where it came from.
 *
 * @param threatModel the threat model the pool respected
 * @param targetSuccessRate the acceptable overall success rate
 * @param rounds every round, round 0 being the undefended model
 * @param bestRound the index of the best round: the first that met the target, otherwise the one
 *     with the lowest judged success rate ({@link Round#judgedSuccessRate()}; ties: higher clean
 *     accuracy)
 * @param classNames the data's class names, or empty
 * @param provenance how the report was made: {@code config} (the test's settings), {@code seed},
 *     {@code versions} (robust4j, DJL, engine, Java, OS), {@code threads}, {@code started},
 *     {@code seconds}
 */
public record RobustnessReport(
        ThreatModel threatModel,
        double targetSuccessRate,
        List<Round> rounds,
        int bestRound,
        List<String> classNames,
        Map<String, Object> provenance) {

    /**
     * Copies the lists and the provenance (in order; values may be null).
     *
     * @param threatModel the threat model the pool respected
     * @param targetSuccessRate the acceptable overall success rate
     * @param rounds every round, round 0 being the undefended model
     * @param bestRound the index of the best round: the first that met the target, otherwise the one
     *     with the lowest judged success rate ({@link Round#judgedSuccessRate()}; ties: higher clean
     *     accuracy)
     * @param classNames the data's class names, or empty
     * @param provenance how the report was made: {@code config} (the test's settings), {@code seed},
     *     {@code versions} (robust4j, DJL, engine, Java, OS), {@code threads}, {@code started},
     *     {@code seconds}
     */
    public RobustnessReport {
        rounds = List.copyOf(rounds);
        classNames = List.copyOf(classNames);
        provenance = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(provenance));
    }

    /** @return true if some round met the target */
    public boolean targetMet() {
        return rounds.stream().anyMatch(Round::targetMet);
    }

    /** @return the best round (see {@link #bestRound()}) */
    public Round best() {
        return rounds.get(bestRound);
    }

    /**
     * @return one sentence, e.g. {@code target met: success rate 0.12 <= 0.20 with
     *     adversarial-training:preset=madry (round 3)}
     */
    public String verdict() {
        Round b = best();
        double judged = b.judgedSuccessRate();
        String under = b.physical() == null ? "" : " under " + b.physical().threat().transform().describe();
        if (Double.isNaN(judged)) {
            return "target not met: the model classifies none of the samples correctly" + under
                    + ", so there is nothing to attack and no success rate (round " + b.index() + ")";
        }
        String sr = String.format(java.util.Locale.ROOT, "%.3f", judged);
        String target = String.format(java.util.Locale.ROOT, "%.3f", targetSuccessRate);
        if (targetMet()) {
            return "target met: success rate" + under + " " + sr + " <= " + target + " with "
                    + (b.index() == 0 ? "no defence" : b.defence()) + " (round " + b.index() + ")";
        }
        return "target not met: the best success rate" + under + " is " + sr + " > " + target + ", with "
                + (b.index() == 0 ? "no defence" : b.defence()) + " (round " + b.index() + ")";
    }
}
