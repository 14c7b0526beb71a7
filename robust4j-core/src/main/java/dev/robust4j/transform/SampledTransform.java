package dev.robust4j.transform;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Bounds;

import java.util.SplittableRandom;

/**
 * One draw of a {@link TransformSpec} for every row of a batch: each row has its own angle, shift,
 * zoom, brightness, contrast and noise, taken from its own random stream, so a row's draw does not
 * depend on the other rows of the batch.
 *
 * <p>{@link #apply(NDArray, Bounds)} is built from NDArray operations only (a gather of the four
 * bilinear neighbours with their weights, matrix products for the blur, products and sums for the
 * photometric changes, a clip), so the engine's autograd differentiates it exactly: the geometric
 * and blur steps are linear in the input, the photometric ones affine, and the final clip passes
 * the gradient where the value is inside the bounds.
 */
public final class SampledTransform {

    private final TransformSpec spec;
    private final int rows;
    private final double[] angle;
    private final double[] shiftX;
    private final double[] shiftY;
    private final double[] zoom;
    private final double[] brightness;
    private final double[] contrast;
    private final long[] noiseSeed;

    private SampledTransform(TransformSpec spec, int rows) {
        this.spec = spec;
        this.rows = rows;
        this.angle = new double[rows];
        this.shiftX = new double[rows];
        this.shiftY = new double[rows];
        this.zoom = new double[rows];
        this.brightness = new double[rows];
        this.contrast = new double[rows];
        this.noiseSeed = new long[rows];
    }

    /**
     * Draws one transformation per row.
     *
     * @param spec the distribution
     * @param streams one random stream per row; each is advanced by a fixed number of draws
     * @return the sampled transformations
     */
    public static SampledTransform draw(TransformSpec spec, SplittableRandom[] streams) {
        SampledTransform t = new SampledTransform(spec, streams.length);
        for (int r = 0; r < streams.length; r++) {
            SplittableRandom random = streams[r];
            // always the same number of draws per row, whatever is zero, so that a parameter set to
            // zero does not shift the others' values
            t.angle[r] = Math.toRadians(uniform(random, spec.rotation()));
            t.shiftX[r] = uniform(random, spec.translation());
            t.shiftY[r] = uniform(random, spec.translation());
            t.zoom[r] = 1 + uniform(random, spec.scale());
            t.brightness[r] = uniform(random, spec.brightness());
            t.contrast[r] = 1 + uniform(random, spec.contrast());
            t.noiseSeed[r] = random.nextLong();
        }
        return t;
    }

    /**
     * Draws one transformation per sample for a measurement: draw {@code draw} of the sample at
     * index {@code firstIndex + r} of its data set comes from a stream keyed by the seed, the draw
     * number and that index only, so it does not depend on the batch the sample is measured in, and
     * the clean input and the adversarial of the same sample get the same transformation.
     * {@link Survival#measure} draws these.
     *
     * @param spec the distribution
     * @param seed the seed of the measurement
     * @param draw the draw number, from 0
     * @param firstIndex the data-set index of the batch's first row
     * @param rows rows in the batch
     * @return the sampled transformations
     */
    public static SampledTransform draw(TransformSpec spec, long seed, long draw, long firstIndex, int rows) {
        return draw(spec, Streams.of(seed, -1, draw, firstIndex, rows));
    }

    /**
     * A transformation with explicit parameters for every row, for tests and closed forms.
     *
     * @param spec the distribution the parameters belong to (its noise and blur are used as given)
     * @param degrees rotation per row
     * @param dx horizontal shift per row in pixels (positive: to the right)
     * @param dy vertical shift per row in pixels (positive: down)
     * @param zoom zoom factor per row
     * @param brightness additive brightness per row
     * @param contrast contrast factor per row
     * @return the transformation
     */
    public static SampledTransform of(
            TransformSpec spec, double[] degrees, double[] dx, double[] dy, double[] zoom, double[] brightness,
            double[] contrast) {
        int n = degrees.length;
        SampledTransform t = new SampledTransform(spec, n);
        for (int r = 0; r < n; r++) {
            t.angle[r] = Math.toRadians(degrees[r]);
            t.shiftX[r] = dx[r];
            t.shiftY[r] = dy[r];
            t.zoom[r] = zoom[r];
            t.brightness[r] = brightness[r];
            t.contrast[r] = contrast[r];
            t.noiseSeed[r] = r;
        }
        return t;
    }

    private static double uniform(SplittableRandom random, double halfWidth) {
        double u = random.nextDouble() * 2 - 1;
        return u * halfWidth;
    }

    /** @return the number of rows */
    public int rows() {
        return rows;
    }

    /**
     * Applies the transformation to a batch.
     *
     * @param x the batch, {@code (rows, C, H, W)} or {@code (rows, H, W)}; any shape
     *     {@code (rows, ...)} when the distribution has no geometry and no blur
     * @param bounds the input bounds: the result is clipped to them, and pixels brought in from
     *     outside the image take the lower bound
     * @return the transformed batch, same shape, in {@code x}'s manager
     * @throws IllegalArgumentException if the batch has another number of rows, or geometry or
     *     blur is asked of inputs that are not images
     */
    public NDArray apply(NDArray x, Bounds bounds) {
        Shape shape = x.getShape();
        if (shape.get(0) != rows) {
            throw new IllegalArgumentException("batch of " + shape.get(0) + " rows for a transformation of " + rows);
        }
        boolean image = shape.dimension() == 3 || shape.dimension() == 4;
        if ((spec.geometric() || spec.blur() > 0) && !image) {
            throw new IllegalArgumentException(
                    "rotation, translation, scale and blur need image inputs (C, H, W) or (H, W), got sample shape "
                            + shape.slice(1));
        }
        NDManager m = x.getManager();
        NDArray y = x;
        if (spec.geometric()) {
            y = warp(m, y, (float) bounds.min());
        }
        if (spec.blur() > 0) {
            y = blur(m, y);
        }
        if (spec.contrast() > 0) {
            y = y.mul(perRow(m, contrast, shape));
        }
        if (spec.brightness() > 0) {
            y = y.add(perRow(m, brightness, shape));
        }
        if (spec.noise() > 0) {
            y = y.add(noise(m, shape));
        }
        return y.clip(bounds.min(), bounds.max());
    }

    private NDArray perRow(NDManager m, double[] values, Shape shape) {
        float[] v = new float[rows];
        for (int r = 0; r < rows; r++) {
            v[r] = (float) values[r];
        }
        long[] dims = new long[shape.dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[0] = rows;
        return m.create(v, new Shape(dims));
    }

    private NDArray noise(NDManager m, Shape shape) {
        int d = (int) (shape.size() / rows);
        float[] v = new float[rows * d];
        for (int r = 0; r < rows; r++) {
            SplittableRandom random = new SplittableRandom(noiseSeed[r]);
            for (int j = 0; j < d; j++) {
                v[r * d + j] = (float) (random.nextGaussian() * spec.noise());
            }
        }
        return m.create(v, shape);
    }

    /**
     * Bilinear resampling: output pixel q takes the input at {@code p = R(-a)(q - c - t) / s + c},
     * the inverse of rotating by a about the centre c, zooming by s and shifting by t.
     */
    private NDArray warp(NDManager m, NDArray x, float fill) {
        Shape shape = x.getShape();
        int h = (int) shape.get(shape.dimension() - 2);
        int w = (int) shape.get(shape.dimension() - 1);
        int c = shape.dimension() == 4 ? (int) shape.get(1) : 1;
        int hw = h * w;
        int d = c * hw;
        long[] index = new long[rows * 4 * d];
        float[] weight = new float[rows * 4 * d];
        float[] outside = new float[rows * d];
        double ci = (h - 1) / 2.0;
        double cj = (w - 1) / 2.0;
        double[] corner = new double[4];
        for (int r = 0; r < rows; r++) {
            double cos = Math.cos(angle[r]);
            double sin = Math.sin(angle[r]);
            double s = zoom[r];
            for (int i = 0; i < h; i++) {
                for (int j = 0; j < w; j++) {
                    double qi = i - ci - shiftY[r];
                    double qj = j - cj - shiftX[r];
                    double u = (cos * qi - sin * qj) / s + ci;
                    double v = (sin * qi + cos * qj) / s + cj;
                    // snap values within float noise of a grid line onto it (exact 90-degree turns)
                    double ur = Math.rint(u);
                    double vr = Math.rint(v);
                    if (Math.abs(u - ur) < 1e-9) {
                        u = ur;
                    }
                    if (Math.abs(v - vr) < 1e-9) {
                        v = vr;
                    }
                    int i0 = (int) Math.floor(u);
                    int j0 = (int) Math.floor(v);
                    double a = u - i0;
                    double b = v - j0;
                    corner[0] = (1 - a) * (1 - b);
                    corner[1] = (1 - a) * b;
                    corner[2] = a * (1 - b);
                    corner[3] = a * b;
                    double out = 0;
                    for (int k = 0; k < 4; k++) {
                        int si = i0 + (k >> 1);
                        int sj = j0 + (k & 1);
                        boolean inside = si >= 0 && si < h && sj >= 0 && sj < w;
                        if (!inside) {
                            out += corner[k];
                        }
                        for (int ch = 0; ch < c; ch++) {
                            int at = ((r * 4 + k) * d) + ch * hw + i * w + j;
                            index[at] = inside ? (long) ch * hw + (long) si * w + sj : 0;
                            weight[at] = inside ? (float) corner[k] : 0f;
                        }
                    }
                    for (int ch = 0; ch < c; ch++) {
                        outside[r * d + ch * hw + i * w + j] = (float) out * fill;
                    }
                }
            }
        }
        NDArray flat = x.reshape(rows, 1, d).broadcast(new Shape(rows, 4, d));
        NDArray idx = m.create(index, new Shape(rows, 4, d));
        NDArray wts = m.create(weight, new Shape(rows, 4, d));
        NDArray gathered = flat.gather(idx, 2);
        NDArray y = gathered.mul(wts).sum(new int[] {1});
        if (fill != 0f) {
            y = y.add(m.create(outside, new Shape(rows, d)));
        }
        return y.reshape(shape);
    }

    /** Separable Gaussian blur as two matrix products, weights renormalised at the borders. */
    private NDArray blur(NDManager m, NDArray x) {
        Shape shape = x.getShape();
        int h = (int) shape.get(shape.dimension() - 2);
        int w = (int) shape.get(shape.dimension() - 1);
        NDArray kh = m.create(gaussianMatrix(h, spec.blur()), new Shape(h, h));
        NDArray kwT = m.create(gaussianMatrix(w, spec.blur()), new Shape(w, w)).transpose();
        long batch = shape.size() / ((long) h * w);
        NDArray planes = x.reshape(batch, h, w);
        return kh.matMul(planes).matMul(kwT).reshape(shape);
    }

    /** Row i holds the normalised Gaussian weights of positions 0..n-1 around i. */
    static float[] gaussianMatrix(int n, double sigma) {
        float[] k = new float[n * n];
        int radius = (int) Math.ceil(3 * sigma);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = Math.max(0, i - radius); j <= Math.min(n - 1, i + radius); j++) {
                sum += Math.exp(-(i - j) * (i - j) / (2 * sigma * sigma));
            }
            for (int j = Math.max(0, i - radius); j <= Math.min(n - 1, i + radius); j++) {
                k[i * n + j] = (float) (Math.exp(-(i - j) * (i - j) / (2 * sigma * sigma)) / sum);
            }
        }
        return k;
    }
}
