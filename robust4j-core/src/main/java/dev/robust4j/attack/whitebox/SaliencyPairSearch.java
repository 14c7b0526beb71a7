package dev.robust4j.attack.whitebox;

import java.util.Arrays;

/**
 * Finds the JSMA's most salient pair of features (Papernot et al. 2016, Algorithm 3) without a
 * {@code D x D} pair matrix.
 *
 * <p>With {@code alpha} the gradient of the target logit, {@code beta} the summed gradient of the
 * other logits and {@code s = +1} when features increase ({@code -1} when they decrease), the pair
 * {@code p != q} from the search domain maximises
 * <pre>  S(p, q) = (s alpha_p + s alpha_q) * |s beta_p + s beta_q|
 *   subject to  s (alpha_p + alpha_q) > 0  and  s (beta_p + beta_q) < 0.</pre>
 * Writing {@code a = s alpha}, {@code b = s beta}, {@code S(p, q) = -(a_p + a_q)(b_p + b_q)} is at
 * most {@code U_p = (a_p + max a)^+ (max(-b) - b_p)^+}, and at most {@code U_q} too. The search
 * sorts the features by {@code U} (descending) and scans pairs in that order, abandoning a row or
 * the whole search as soon as the bound falls below the best score found: exact (every pair that
 * could beat or tie the best is scored), usually close to {@code O(D log D)}, worst case
 * {@code O(D^2)} time, and always {@code O(D)} memory: one {@code long[D]} of scratch, reused.
 *
 * <p>Ties are broken towards the lexicographically smallest {@code (min(p, q), max(p, q))}, so the
 * answer equals a brute-force scan of all pairs {@code p < q} in order keeping the first maximum.
 */
final class SaliencyPairSearch {

    private long[] keys = new long[0];

    /**
     * Searches one sample's pair.
     *
     * @param alpha target-class gradients, row-major
     * @param beta other-classes gradients, same layout
     * @param off the offset of the sample's features in {@code alpha} and {@code beta}
     * @param domain the search domain flags
     * @param domainOff the offset of the sample's flags in {@code domain}
     * @param d the number of features
     * @param increase true if features increase (theta > 0)
     * @return {@code p * d + q} with {@code p < q}, or -1 if no pair meets the conditions
     */
    long best(float[] alpha, float[] beta, int off, boolean[] domain, int domainOff, int d, boolean increase) {
        if (keys.length < d) {
            keys = new long[d];
        }
        double sign = increase ? 1 : -1;
        double maxA = Double.NEGATIVE_INFINITY;
        double maxNegB = Double.NEGATIVE_INFINITY;
        int members = 0;
        for (int i = 0; i < d; i++) {
            if (domain[domainOff + i]) {
                members++;
                maxA = Math.max(maxA, sign * alpha[off + i]);
                maxNegB = Math.max(maxNegB, -sign * beta[off + i]);
            }
        }
        if (members < 2) {
            return -1;
        }
        int n = 0;
        for (int i = 0; i < d; i++) {
            if (!domain[domainOff + i]) {
                continue;
            }
            double bound = Math.max(0, sign * alpha[off + i] + maxA) * Math.max(0, maxNegB - sign * beta[off + i]);
            if (bound > 0) {
                float rounded = roundUp(bound);
                // Descending by bound, then ascending by index.
                keys[n++] = ((long) (Integer.MAX_VALUE - Float.floatToIntBits(rounded)) << 32) | i;
            }
        }
        Arrays.sort(keys, 0, n);
        double best = 0;
        int bestP = -1;
        int bestQ = -1;
        for (int u = 0; u < n; u++) {
            if (bound(keys[u]) < best) {
                break;
            }
            int p = (int) keys[u];
            double ap = sign * alpha[off + p];
            double bp = sign * beta[off + p];
            // Pairs with an earlier row were scored when that row was scanned, or could not win.
            for (int v = u + 1; v < n; v++) {
                if (bound(keys[v]) < best) {
                    break;
                }
                int q = (int) keys[v];
                double a = ap + sign * alpha[off + q];
                double b = bp + sign * beta[off + q];
                if (a > 0 && b < 0) {
                    double score = -a * b;
                    int lo = Math.min(p, q);
                    int hi = Math.max(p, q);
                    if (score > best || (score == best && (lo < bestP || (lo == bestP && hi < bestQ)))) {
                        best = score;
                        bestP = lo;
                        bestQ = hi;
                    }
                }
            }
        }
        return bestP < 0 ? -1 : (long) bestP * d + bestQ;
    }

    /** @return the scratch this search holds, in elements: the number of features it last saw, at most */
    int scratchSize() {
        return keys.length;
    }

    private static float bound(long key) {
        return Float.intBitsToFloat(Integer.MAX_VALUE - (int) (key >>> 32));
    }

    private static float roundUp(double value) {
        float f = (float) value;
        return f < value ? Math.nextUp(f) : f;
    }
}
