package dev.robust4j.metric;

import dev.robust4j.attack.AttackResult;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Success rate as a function of the query budget, for attacks that stop querying a sample once it
 * is adversarial (the black-box attacks): {@code SR(q)} is the fraction of the samples classified
 * correctly before the attack that the attack broke with at most {@code q} queries. For large
 * {@code q} it equals {@link AttackSummary#successRate()}. Also the mean and median queries over
 * the broken samples (the "queries to success" of black-box papers).
 *
 * <pre>{@code
 * QueryCurve curve = QueryCurve.of(result);
 * double srAt500 = curve.successRate(500);
 * }</pre>
 */
public final class QueryCurve {

    private final long[] broken;
    private final int attacked;

    private QueryCurve(long[] broken, int attacked) {
        this.broken = broken;
        this.attacked = attacked;
    }

    /**
     * Reads the curve off a result: each correctly classified, successfully attacked sample
     * counts as broken at the queries the result charged to it.
     *
     * @param r the attack result
     * @return its curve
     */
    public static QueryCurve of(AttackResult r) {
        boolean[] correct = r.cleanCorrect();
        int attacked = 0;
        List<Long> broken = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
            if (correct[i]) {
                attacked++;
                if (r.success()[i]) {
                    broken.add(r.queries()[i]);
                }
            }
        }
        long[] q = broken.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(q);
        return new QueryCurve(q, attacked);
    }

    /** @return the number of samples classified correctly before the attack (the denominator) */
    public int attackedSamples() {
        return attacked;
    }

    /** @return the number of those the attack broke */
    public int brokenSamples() {
        return broken.length;
    }

    /**
     * @param queries a query budget
     * @return the fraction of correctly classified samples broken with at most that many queries;
     *     NaN if no sample was classified correctly
     */
    public double successRate(long queries) {
        if (attacked == 0) {
            return Double.NaN;
        }
        return countAtMost(queries) / (double) attacked;
    }

    /** @return the mean queries over the broken samples, NaN if none */
    public double meanQueries() {
        if (broken.length == 0) {
            return Double.NaN;
        }
        double sum = 0;
        for (long q : broken) {
            sum += q;
        }
        return sum / broken.length;
    }

    /** @return the median queries over the broken samples (mean of the middle two for an even count), NaN if none */
    public double medianQueries() {
        if (broken.length == 0) {
            return Double.NaN;
        }
        int mid = broken.length / 2;
        return broken.length % 2 == 1 ? broken[mid] : (broken[mid - 1] + (double) broken[mid]) / 2;
    }

    /**
     * Returns the steps of the curve: one point per distinct query count at which some sample was
     * broken, with the success rate reached there, in increasing order of queries.
     *
     * @return the points
     */
    public List<Point> points() {
        List<Point> out = new ArrayList<>();
        for (int i = 0; i < broken.length; i++) {
            if (i + 1 == broken.length || broken[i + 1] != broken[i]) {
                out.add(new Point(broken[i], (i + 1) / (double) attacked));
            }
        }
        return out;
    }

    private int countAtMost(long queries) {
        // Index of the first value > queries.
        int lo = 0;
        int hi = broken.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (broken[mid] <= queries) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * One step of the curve.
     *
     * @param queries the query budget
     * @param successRate the success rate reached with at most that many queries
     */
    public record Point(long queries, double successRate) {}
}
