package dev.robust4j.cli;

import dev.robust4j.Robust4j;
import dev.robust4j.data.Dataset;

import java.nio.file.Path;
import java.util.SplittableRandom;

/** Parses {@code --target}: next, random or a file of target labels. */
final class Targets {

    private Targets() {}

    static int[] parse(String spec, Dataset data, int numClasses, long seed) {
        int[] y = data.labels();
        int[] t = new int[y.length];
        if (spec.equals("next")) {
            for (int i = 0; i < y.length; i++) {
                t[i] = (y[i] + 1) % numClasses;
            }
        } else if (spec.equals("random")) {
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < y.length; i++) {
                int other = random.nextInt(numClasses - 1);
                t[i] = other >= y[i] ? other + 1 : other;
            }
        } else if (spec.endsWith(".npy")) {
            int[] all = Robust4j.loadLabels(Path.of(spec));
            if (all.length < y.length) {
                throw new IllegalArgumentException(
                        "--target " + spec + " has " + all.length + " labels for " + y.length + " samples");
            }
            for (int i = 0; i < y.length; i++) {
                t[i] = all[i];
                if (t[i] >= numClasses) {
                    throw new IllegalArgumentException("--target " + spec + ": target of sample " + i + " is " + t[i]
                            + "; expected a class index in [0, " + (numClasses - 1) + "] for the model's " + numClasses
                            + " classes");
                }
            }
            for (int i = 0; i < y.length; i++) {
                if (t[i] == y[i]) {
                    throw new IllegalArgumentException("--target " + spec + ": target of sample " + i + " is " + t[i]
                            + ", its true label; a targeted attack needs another class");
                }
            }
        } else {
            throw new IllegalArgumentException("--target must be next, random or a .npy file of labels, got '" + spec + "'");
        }
        return t;
    }
}
