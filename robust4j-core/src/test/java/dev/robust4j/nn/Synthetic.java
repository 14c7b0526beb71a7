package dev.robust4j.nn;

import dev.robust4j.data.Dataset;

import java.util.List;
import java.util.Random;

/** Small synthetic datasets made in memory for the nn tests. */
final class Synthetic {

    private Synthetic() {}

    /**
     * Gaussian blobs: {@code k} well-separated centres in {@code dim} dimensions, unit-variance
     * noise scaled by {@code sigma}.
     */
    static Dataset blobs(int n, int dim, int k, float sigma, long seed) {
        Random centres = new Random(1234);
        float[][] c = new float[k][dim];
        for (int j = 0; j < k; j++) {
            for (int d = 0; d < dim; d++) {
                c[j][d] = (float) centres.nextGaussian() * 2f;
            }
        }
        Random r = new Random(seed);
        float[] x = new float[n * dim];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(k);
            for (int d = 0; d < dim; d++) {
                x[i * dim + d] = c[y[i]][d] + sigma * (float) r.nextGaussian();
            }
        }
        return new Dataset(x, new long[] {dim}, y, names(k), "blobs");
    }

    /**
     * Images of shape {@code 1 x size x size} in {@code [0, 1]} with faint noise and one bright shape
     * at a random position; the class is the shape: 0 horizontal bar, 1 vertical bar, 2 filled
     * square, 3 hollow box.
     */
    static Dataset shapes(int n, int size, long seed) {
        Random r = new Random(seed);
        int k = 4;
        float[] x = new float[n * size * size];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            int base = i * size * size;
            for (int p = 0; p < size * size; p++) {
                x[base + p] = 0.2f * r.nextFloat();
            }
            y[i] = r.nextInt(k);
            int extent = 8;
            int top = r.nextInt(size - extent);
            int left = r.nextInt(size - extent);
            for (int dy = 0; dy < extent; dy++) {
                for (int dx = 0; dx < extent; dx++) {
                    boolean on = switch (y[i]) {
                        case 0 -> dy == 3 || dy == 4;
                        case 1 -> dx == 3 || dx == 4;
                        case 2 -> dy >= 2 && dy < 6 && dx >= 2 && dx < 6;
                        default -> dy == 0 || dy == extent - 1 || dx == 0 || dx == extent - 1;
                    };
                    if (on) {
                        x[base + (top + dy) * size + left + dx] = 0.8f + 0.2f * r.nextFloat();
                    }
                }
            }
        }
        return new Dataset(x, new long[] {1, size, size}, y, names(k), "shapes");
    }

    static List<String> names(int k) {
        String[] names = new String[k];
        for (int j = 0; j < k; j++) {
            names[j] = "class-" + j;
        }
        return List.of(names);
    }
}
