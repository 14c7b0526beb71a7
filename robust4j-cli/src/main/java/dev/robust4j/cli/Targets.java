package dev.robust4j.cli;

import dev.robust4j.Robust4j;
import dev.robust4j.data.Dataset;

import java.nio.file.Path;

/** Parses {@code --target}: next, random or a file of target labels ({@link dev.robust4j.attack.Targets}). */
final class Targets {

    private Targets() {}

    static int[] parse(String spec, Dataset data, int numClasses, long seed) {
        int[] y = data.labels();
        if (spec.equals("next")) {
            return dev.robust4j.attack.Targets.next(y, numClasses);
        } else if (spec.equals("random")) {
            return dev.robust4j.attack.Targets.random(y, numClasses, seed);
        } else if (spec.endsWith(".npy")) {
            return dev.robust4j.attack.Targets.given("--target " + spec, Robust4j.loadLabels(Path.of(spec)), y, numClasses);
        }
        throw new IllegalArgumentException("--target must be next, random or a .npy file of labels, got '" + spec + "'");
    }
}
