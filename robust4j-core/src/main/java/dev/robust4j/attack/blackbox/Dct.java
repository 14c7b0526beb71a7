package dev.robust4j.attack.blackbox;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The orthonormal two-dimensional DCT-II basis SimBA-DCT searches in, and its low-frequency
 * ordering. Basis vector {@code (c, u, v)} of an image {@code (C, H, W)} lives in channel
 * {@code c} only, with value {@code a(u) cos(pi (2h + 1) u / 2H) * a(v) cos(pi (2w + 1) v / 2W)}
 * at pixel {@code (h, w)}, {@code a(0) = sqrt(1/N)}, {@code a(u > 0) = sqrt(2/N)}: the image of
 * the unit coefficient {@code (c, u, v)} under the orthonormal inverse DCT.
 */
final class Dct {

    private Dct() {}

    /**
     * Returns the one-dimensional orthonormal DCT-II basis of length {@code n}.
     *
     * @param n the length
     * @return {@code t[u * n + i] = a(u) cos(pi (2i + 1) u / 2n)}
     */
    static double[] table(int n) {
        double[] t = new double[n * n];
        for (int u = 0; u < n; u++) {
            double a = Math.sqrt((u == 0 ? 1.0 : 2.0) / n);
            for (int i = 0; i < n; i++) {
                t[u * n + i] = a * Math.cos(Math.PI * (2 * i + 1) * u / (2.0 * n));
            }
        }
        return t;
    }

    /**
     * Adds {@code alpha} times basis vector {@code coefficient} to an image.
     *
     * @param image the image, channel-first, from {@code off}
     * @param off the offset of the image's first value
     * @param h the height
     * @param w the width
     * @param coefficient {@code (c * H + u) * W + v}
     * @param alpha the multiple to add
     * @param rows {@link #table(int)} of {@code h}
     * @param cols {@link #table(int)} of {@code w}
     */
    static void addBasis(double[] image, int off, int h, int w, int coefficient, double alpha, double[] rows, double[] cols) {
        int c = coefficient / (h * w);
        int u = coefficient / w % h;
        int v = coefficient % w;
        int base = off + c * h * w;
        for (int i = 0; i < h; i++) {
            double ri = alpha * rows[u * h + i];
            for (int j = 0; j < w; j++) {
                image[base + i * w + j] += ri * cols[v * w + j];
            }
        }
    }

    /**
     * SimBA's low-frequency ordering of the coefficients ({@code block_order} of the authors'
     * code): first the {@code initial × initial} lowest frequencies of every channel in random
     * order, then successive bands {@code max(u, v) in [i, i + stride)} for
     * {@code i = initial, initial + stride, ...}, each band in random order.
     *
     * @param channels C
     * @param h H
     * @param w W
     * @param initial the side of the first block, at least 1
     * @param stride the width of each later band, at least 1
     * @param random the generator
     * @return every coefficient index {@code (c * H + u) * W + v} exactly once
     */
    static int[] blockOrder(int channels, int h, int w, int initial, int stride, SplittableRandom random) {
        int[] out = new int[channels * h * w];
        int next = 0;
        int first = Math.min(initial, Math.max(h, w));
        List<Integer> band = new ArrayList<>();
        for (int lo = 0, hi = first; lo < Math.max(h, w); lo = hi, hi = Math.min(hi + stride, Math.max(h, w))) {
            band.clear();
            for (int c = 0; c < channels; c++) {
                for (int u = 0; u < h; u++) {
                    for (int v = 0; v < w; v++) {
                        int m = Math.max(u, v);
                        if (m >= lo && m < hi) {
                            band.add((c * h + u) * w + v);
                        }
                    }
                }
            }
            int[] shuffled = band.stream().mapToInt(Integer::intValue).toArray();
            shuffle(shuffled, random);
            System.arraycopy(shuffled, 0, out, next, shuffled.length);
            next += shuffled.length;
        }
        return out;
    }

    /** Fisher-Yates shuffle in place. */
    static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
