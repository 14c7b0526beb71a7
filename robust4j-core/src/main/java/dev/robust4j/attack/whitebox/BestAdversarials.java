package dev.robust4j.attack.whitebox;

import java.util.Arrays;

/**
 * Each sample's best adversarial so far: the successful point of smallest distance (by whatever
 * distance the attack minimises). Samples never broken keep their clean input.
 */
final class BestAdversarials {

    private final float[] points;
    private final float[] distances;
    private final int dim;

    BestAdversarials(float[] clean, int n, int dim) {
        this.points = clean.clone();
        this.distances = new float[n];
        this.dim = dim;
        Arrays.fill(distances, Float.POSITIVE_INFINITY);
    }

    /**
     * Tells whether any of the given candidates would improve its sample.
     *
     * @param idx the sample of each candidate
     * @param success per candidate, whether it meets the goal
     * @param distance per candidate, its distance
     * @return true if some successful candidate is closer than its sample's best
     */
    boolean improves(int[] idx, boolean[] success, float[] distance) {
        for (int i = 0; i < idx.length; i++) {
            if (success[i] && distance[i] < distances[idx[i]]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Keeps each successful candidate that is closer than its sample's best.
     *
     * @param rows the candidates, row-major, one row of {@code dim} values per entry of {@code idx}
     * @param idx the sample of each candidate
     * @param success per candidate, whether it meets the goal
     * @param distance per candidate, its distance
     */
    void offer(float[] rows, int[] idx, boolean[] success, float[] distance) {
        for (int i = 0; i < idx.length; i++) {
            int s = idx[i];
            if (success[i] && distance[i] < distances[s]) {
                distances[s] = distance[i];
                System.arraycopy(rows, i * dim, points, s * dim, dim);
            }
        }
    }

    /** @return the best distance of a sample, or +∞ if it was never broken */
    float distance(int sample) {
        return distances[sample];
    }

    /** @return true if the sample was ever broken */
    boolean found(int sample) {
        return distances[sample] < Float.POSITIVE_INFINITY;
    }

    /** @return the best point of a sample (its clean input if never broken), a copy */
    float[] point(int sample) {
        return Arrays.copyOfRange(points, sample * dim, (sample + 1) * dim);
    }

    /** @return all best points, row-major; do not modify */
    float[] points() {
        return points;
    }
}
