package dev.robust4j.junit;

import dev.robust4j.evaluate.AttackOutcome;
import dev.robust4j.evaluate.Example;
import dev.robust4j.evaluate.PoolResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** Writes the body of a failed robustness assertion: per-attack numbers and the worst examples. */
final class FailureMessage {

    private FailureMessage() {}

    /**
     * Formats a rate or a norm with three decimals; an undefined number reads {@code n/a}.
     *
     * @param value the number
     * @return the text
     */
    static String number(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
    }

    /**
     * Says what a rate was and what it counts, e.g. {@code it was 0.700 (7 of 10 samples)}.
     *
     * @param rate the rate
     * @param count the samples it counts
     * @param of the samples it is over
     * @param what what the samples are
     * @return the text
     */
    static String was(double rate, long count, long of, String what) {
        return "it was " + number(rate) + " (" + count + " of " + of + " " + what + ")";
    }

    /**
     * Writes what every attack of a pool achieved, the worst case over them, and the broken
     * samples with the smallest perturbations.
     *
     * @param out where to write, line by line
     * @param r the pool's result
     * @param guarded whether a detector stood in front of the model (adds the detected column)
     * @param classNames class names for the labels, or empty
     */
    static void pool(StringBuilder out, PoolResult r, boolean guarded, List<String> classNames) {
        String[] header = {"attack", "SR", "robust acc", "median L2", "max L∞", "detected"};
        int columns = guarded ? header.length : header.length - 1;
        boolean[] numeric = new boolean[columns];
        Arrays.fill(numeric, 1, columns, true);
        Table attacks = new Table(numeric, Arrays.copyOf(header, columns));
        for (AttackOutcome o : r.attacks()) {
            if (!o.ran()) {
                attacks.addNote(o.label(), "skipped: " + o.skipped());
                continue;
            }
            String[] row = {
                o.label(), number(o.successRate()), number(o.robustAccuracy()), number(o.l2Median()),
                number(o.linfMax()), number(o.detectedRate())
            };
            attacks.add(Arrays.copyOf(row, columns));
        }
        attacks.add("worst case over the pool", number(r.successRate()), number(r.robustAccuracy()));
        out.append(String.format(Locale.ROOT, "attacks (%.1f s):%n", r.seconds()));
        attacks.render(out);
        if (r.examples().isEmpty()) {
            out.append(String.format("no sample was broken%n"));
            return;
        }
        out.append(String.format("worst examples (broken samples with the smallest L2 perturbation):%n"));
        Table worst = new Table(
                new boolean[] {true, false, false, false, true, true},
                "index", "true label", "adversarial prediction", "attack", "L2", "L∞");
        for (Example e : r.examples()) {
            worst.add(
                    String.valueOf(e.index()),
                    className(e.label(), classNames),
                    className(e.adversarialPrediction(), classNames),
                    e.attack(),
                    number(e.l2()),
                    number(e.linf()));
        }
        worst.render(out);
    }

    /**
     * Names a class: {@code Shirt (6)} when names are known, else {@code 6}.
     *
     * @param index the class index
     * @param classNames the names, or empty
     * @return the text
     */
    static String className(int index, List<String> classNames) {
        if (index >= 0 && index < classNames.size()) {
            return classNames.get(index) + " (" + index + ")";
        }
        return String.valueOf(index);
    }

    /** A text table whose columns are padded to their widest cell, numbers right-aligned. */
    private static final class Table {
        private final List<String[]> rows = new ArrayList<>();
        private final List<String> notes = new ArrayList<>();
        private final boolean[] right;

        /**
         * @param right per column, whether it is right-aligned
         * @param header the column names
         */
        Table(boolean[] right, String... header) {
            this.right = right.clone();
            rows.add(header);
        }

        /** Adds a row of at most as many cells as there are columns. */
        void add(String... row) {
            rows.add(row);
            notes.add(null);
        }

        /** Adds a row whose first cell is aligned and whose text runs across the other columns. */
        void addNote(String first, String text) {
            rows.add(new String[] {first});
            notes.add(text);
        }

        void render(StringBuilder out) {
            int[] width = new int[right.length];
            for (String[] row : rows) {
                for (int c = 0; c < row.length; c++) {
                    width[c] = Math.max(width[c], row[c].length());
                }
            }
            for (int r = 0; r < rows.size(); r++) {
                String[] row = rows.get(r);
                StringBuilder line = new StringBuilder();
                for (int c = 0; c < row.length; c++) {
                    String fill = " ".repeat(width[c] - row[c].length());
                    line.append("  ").append(right[c] ? fill + row[c] : row[c] + fill);
                }
                String note = r == 0 ? null : notes.get(r - 1);
                if (note != null) {
                    line.append("  ").append(note);
                }
                out.append(line.toString().stripTrailing()).append(System.lineSeparator());
            }
        }
    }
}
