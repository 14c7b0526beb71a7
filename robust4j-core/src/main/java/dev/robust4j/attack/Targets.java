package dev.robust4j.attack;

import java.util.SplittableRandom;

/**
 * Target policies for targeted attacks: per sample, a class other than its label to aim at. The
 * command line's {@code --target next|random|FILE} reads through these.
 */
public final class Targets {

    private Targets() {}

    /**
     * The next class: {@code (y + 1) mod K}.
     *
     * @param labels the true labels
     * @param numClasses the number of classes {@code K}, at least 2
     * @return one target per label
     */
    public static int[] next(int[] labels, int numClasses) {
        checkClasses(numClasses);
        int[] t = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            t[i] = (labels[i] + 1) % numClasses;
        }
        return t;
    }

    /**
     * A class drawn uniformly from the {@code K - 1} classes other than the label, from a seeded
     * generator (one draw per sample, in sample order).
     *
     * @param labels the true labels
     * @param numClasses the number of classes {@code K}, at least 2
     * @param seed the seed
     * @return one target per label
     */
    public static int[] random(int[] labels, int numClasses, long seed) {
        checkClasses(numClasses);
        SplittableRandom random = new SplittableRandom(seed);
        int[] t = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            int other = random.nextInt(numClasses - 1);
            t[i] = other >= labels[i] ? other + 1 : other;
        }
        return t;
    }

    /**
     * Given targets (e.g. read from a file), checked: the first {@code labels.length} are used;
     * each must be a class of the model and differ from its label.
     *
     * @param source where the targets come from, the start of every message (e.g. a file name)
     * @param given the targets, at least one per label
     * @param labels the true labels
     * @param numClasses the model's number of classes
     * @return one target per label
     * @throws IllegalArgumentException naming the source, the sample and the value
     */
    public static int[] given(String source, int[] given, int[] labels, int numClasses) {
        if (given.length < labels.length) {
            throw new IllegalArgumentException(
                    source + " has " + given.length + " labels for " + labels.length + " samples");
        }
        int[] t = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            t[i] = given[i];
            if (t[i] >= numClasses) {
                throw new IllegalArgumentException(source + ": target of sample " + i + " is " + t[i]
                        + "; expected a class index in [0, " + (numClasses - 1) + "] for the model's " + numClasses
                        + " classes");
            }
        }
        for (int i = 0; i < labels.length; i++) {
            if (t[i] == labels[i]) {
                throw new IllegalArgumentException(source + ": target of sample " + i + " is " + t[i]
                        + ", its true label; a targeted attack needs another class");
            }
        }
        return t;
    }

    private static void checkClasses(int numClasses) {
        if (numClasses < 2) {
            throw new IllegalArgumentException("a target needs at least 2 classes, got " + numClasses);
        }
    }
}
