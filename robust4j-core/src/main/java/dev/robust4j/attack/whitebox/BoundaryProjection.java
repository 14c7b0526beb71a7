package dev.robust4j.attack.whitebox;

import dev.robust4j.attack.Norm;

import java.util.Arrays;

/**
 * The projection FAB is built on (Croce and Hein 2020, section 3.1): the smallest perturbation
 * {@code d}, in L2 or L∞, that moves a point {@code t} of the box {@code [lo, hi]^D} onto the
 * hyperplane {@code w·z = b} while staying in the box:
 * <pre>  min ||d||_p  subject to  w·(t + d) = b,  lo <= t + d <= hi.</pre>
 * If the box does not reach the hyperplane, the answer is the corner of the box that gets
 * closest to it (every coordinate moved to the bound that moves {@code w·z} towards {@code b}),
 * as in the authors' implementation.
 *
 * <p>Both norms reduce to a monotone one-dimensional search. With {@code c = |w·t - b|} and, per
 * coordinate, {@code room_i} the distance to the bound in the helpful direction:
 * <ul>
 *   <li>L2 (KKT): {@code |d_i| = min(lambda |w_i|, room_i)}; the decrease
 *       {@code g(lambda) = sum |w_i| min(lambda |w_i|, room_i)} is piecewise linear and increasing;</li>
 *   <li>L∞: {@code |d_i| = min(rho, room_i)}; {@code h(rho) = sum |w_i| min(rho, room_i)} likewise.</li>
 * </ul>
 * The breakpoints are sorted once and walked until the decrease reaches {@code c}: exact, in
 * {@code O(D log D)} per point, with one {@code long[D]} of scratch.
 */
final class BoundaryProjection {

    private long[] keys = new long[0];

    /**
     * Projects one point.
     *
     * @param norm L2 or LINF
     * @param t the points, row-major; the point starts at {@code tOff}
     * @param w the hyperplane normals; the normal starts at {@code wOff}
     * @param b the hyperplane's offset
     * @param d the number of features
     * @param lo the lower bound of the box
     * @param hi the upper bound of the box
     * @param out receives the perturbation at {@code outOff}
     * @param outOff the offset in {@code out}
     */
    void project(Norm norm, float[] t, int tOff, float[] w, int wOff, double b, int d, float lo, float hi,
            float[] out, int outOff) {
        if (keys.length < d) {
            keys = new long[d];
        }
        boolean l2 = norm == Norm.L2;
        double c = -b;
        for (int i = 0; i < d; i++) {
            c += (double) w[wOff + i] * t[tOff + i];
        }
        Arrays.fill(out, outOff, outOff + d, 0f);
        if (c == 0) {
            return;
        }
        // Flip so that w·z must decrease by c > 0.
        double sign = c > 0 ? 1 : -1;
        c = Math.abs(c);
        int n = 0;
        double slope = 0;
        for (int i = 0; i < d; i++) {
            double a = sign * w[wOff + i];
            if (a == 0) {
                continue;
            }
            double abs = Math.abs(a);
            double room = Math.max(0, a > 0 ? t[tOff + i] - (double) lo : (double) hi - t[tOff + i]);
            double breakpoint = l2 ? room / abs : room;
            keys[n++] = ((long) Float.floatToIntBits((float) breakpoint) << 32) | i;
            slope += l2 ? abs * abs : abs;
        }
        Arrays.sort(keys, 0, n);
        double saturated = 0;
        double param = Double.POSITIVE_INFINITY;
        for (int k = 0; k < n; k++) {
            int i = (int) keys[k];
            double a = sign * w[wOff + i];
            double abs = Math.abs(a);
            double room = Math.max(0, a > 0 ? t[tOff + i] - (double) lo : (double) hi - t[tOff + i]);
            double breakpoint = l2 ? room / abs : room;
            if (saturated + breakpoint * slope >= c && slope > 0) {
                param = (c - saturated) / slope;
                break;
            }
            saturated += abs * room;
            slope -= l2 ? abs * abs : abs;
        }
        for (int k = 0; k < n; k++) {
            int i = (int) keys[k];
            double a = sign * w[wOff + i];
            double abs = Math.abs(a);
            double room = Math.max(0, a > 0 ? t[tOff + i] - (double) lo : (double) hi - t[tOff + i]);
            double step = Math.min(l2 ? param * abs : param, room);
            out[outOff + i] = (float) (a > 0 ? -step : step);
        }
    }

    /** @return the scratch this projector holds, in elements */
    int scratchSize() {
        return keys.length;
    }
}
