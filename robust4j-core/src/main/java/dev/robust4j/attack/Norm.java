package dev.robust4j.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * A perturbation norm as a strategy: how to measure a perturbation, how to turn a gradient into a
 * unit steepest-ascent step, how to project onto the epsilon ball, and how to draw a uniform
 * random start inside it. All array operations are per sample over the flattened features.
 */
public enum Norm {

    /** Number of changed features. Measurement only: no attack steps or projects in L0. */
    L0("l0") {
        @Override
        public float measure(float[] delta, int from, int length) {
            int count = 0;
            for (int i = from; i < from + length; i++) {
                if (delta[i] != 0f) {
                    count++;
                }
            }
            return count;
        }
    },

    /**
     * Sum of absolute values. Steps are sparse L1 descent (Tramèr and Boneh 2019): the sign of the
     * gradient on the top 1% of coordinates by magnitude, scaled to unit L1 norm. Projection is the
     * exact Euclidean projection onto the L1 ball (Duchi et al. 2008).
     */
    L1("l1") {
        @Override
        public float measure(float[] delta, int from, int length) {
            double sum = 0;
            for (int i = from; i < from + length; i++) {
                sum += Math.abs(delta[i]);
            }
            return (float) sum;
        }

        @Override
        public NDArray direction(NDArray gradient) {
            Shape shape = gradient.getShape();
            NDArray g = gradient.reshape(shape.get(0), -1);
            long d = g.getShape().get(1);
            NDArray abs = g.abs();
            int k = (int) Math.min(d - 1, Math.floor(SPARSITY * (d - 1)));
            // The (k+1)-th smallest magnitude is the smallest of the d-k largest: a selection, not a sort.
            NDArray threshold = abs.topK((int) (d - k), 1, true, false).get(0).min(new int[] {1}, true);
            NDArray mask = abs.gte(threshold).logicalAnd(abs.gt(0)).toType(g.getDataType(), false);
            NDArray count = mask.sum(new int[] {1}, true).maximum(1f);
            return g.sign().mul(mask).div(count).reshape(shape);
        }

        @Override
        public NDArray project(NDArray delta, float eps) {
            Shape shape = delta.getShape();
            NDArray d = delta.reshape(shape.get(0), -1);
            long dim = d.getShape().get(1);
            NDArray abs = d.abs();
            NDArray l1 = abs.sum(new int[] {1}, true);
            // Duchi et al.: theta = (cumsum(sorted desc)[rho] - eps) / (rho + 1), with rho the last
            // index where sorted[j] > (cumsum[j] - eps) / (j + 1).
            NDArray sorted = abs.sort(1).flip(1);
            NDArray cumsum = sorted.cumSum(1);
            NDArray ranks = d.getManager().arange(1f, dim + 1f).reshape(1, -1);
            NDArray cond = sorted.sub(cumsum.sub(eps).div(ranks)).gt(0);
            NDArray rho = cond.toType(d.getDataType(), false).mul(ranks).max(new int[] {1}, true);
            NDArray rhoIndex = rho.sub(1).maximum(0).toType(DataType.INT64, false);
            NDArray theta = cumsum.gather(rhoIndex, 1).sub(eps).div(rho.maximum(1)).maximum(0);
            NDArray projected = d.sign().mul(abs.sub(theta).maximum(0));
            NDArray inside = l1.lte(eps);
            return NDArrays.where(inside.broadcast(d.getShape()), d, projected).reshape(shape);
        }

        @Override
        public NDArray randomStart(NDManager manager, Shape shape, float eps, SplittableRandom random) {
            int n = (int) shape.get(0);
            int dim = (int) (shape.size() / n);
            float[] out = new float[n * dim];
            for (int s = 0; s < n; s++) {
                double sum = 0;
                for (int i = 0; i < dim; i++) {
                    // Laplace(0, 1): direction uniform on the L1 sphere after normalising.
                    double u = random.nextDouble() - 0.5;
                    double v = -Math.signum(u) * Math.log(1 - 2 * Math.abs(u));
                    out[s * dim + i] = (float) v;
                    sum += Math.abs(v);
                }
                double radius = eps * Math.pow(random.nextDouble(), 1.0 / dim);
                for (int i = 0; i < dim; i++) {
                    out[s * dim + i] = (float) (out[s * dim + i] / sum * radius);
                }
            }
            return manager.create(out, shape);
        }

        @Override
        void projectRow(float[] delta, int from, int length, float eps) {
            float[] abs = new float[length];
            for (int i = 0; i < length; i++) {
                abs[i] = Math.abs(delta[from + i]);
            }
            float[] sorted = abs.clone();
            Arrays.sort(sorted);
            double cumsum = 0;
            double theta = 0;
            for (int j = 0; j < length; j++) {
                float v = sorted[length - 1 - j];
                cumsum += v;
                double t = (cumsum - eps) / (j + 1);
                if (v > t) {
                    theta = t;
                }
            }
            for (int i = 0; i < length; i++) {
                float m = (float) Math.max(abs[i] - theta, 0);
                delta[from + i] = Math.copySign(m, delta[from + i]);
            }
        }
    },

    /** Euclidean norm. Steps follow the normalised gradient; projection rescales. */
    L2("l2") {
        @Override
        public float measure(float[] delta, int from, int length) {
            double sum = 0;
            for (int i = from; i < from + length; i++) {
                sum += (double) delta[i] * delta[i];
            }
            return (float) Math.sqrt(sum);
        }

        @Override
        public NDArray direction(NDArray gradient) {
            Shape shape = gradient.getShape();
            NDArray g = gradient.reshape(shape.get(0), -1);
            NDArray norm = g.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f);
            return g.div(norm).reshape(shape);
        }

        @Override
        public NDArray project(NDArray delta, float eps) {
            Shape shape = delta.getShape();
            NDArray d = delta.reshape(shape.get(0), -1);
            NDArray norm = d.square().sum(new int[] {1}, true).sqrt();
            NDArray factor = NDArrays.where(norm.gt(eps), norm.maximum(1e-12f).pow(-1).mul(eps), norm.onesLike());
            return d.mul(factor).reshape(shape);
        }

        @Override
        public NDArray randomStart(NDManager manager, Shape shape, float eps, SplittableRandom random) {
            int n = (int) shape.get(0);
            int dim = (int) (shape.size() / n);
            float[] out = new float[n * dim];
            for (int s = 0; s < n; s++) {
                double sum = 0;
                for (int i = 0; i < dim; i++) {
                    double v = gaussian(random);
                    out[s * dim + i] = (float) v;
                    sum += v * v;
                }
                double radius = eps * Math.pow(random.nextDouble(), 1.0 / dim);
                double scale = radius / Math.sqrt(sum);
                for (int i = 0; i < dim; i++) {
                    out[s * dim + i] = (float) (out[s * dim + i] * scale);
                }
            }
            return manager.create(out, shape);
        }

        @Override
        void projectRow(float[] delta, int from, int length, float eps) {
            float norm = measure(delta, from, length);
            float scale = eps / norm;
            for (int i = from; i < from + length; i++) {
                delta[i] *= scale;
            }
        }
    },

    /** Largest absolute value. Steps are the sign of the gradient; projection clips. */
    LINF("linf") {
        @Override
        public float measure(float[] delta, int from, int length) {
            float max = 0;
            for (int i = from; i < from + length; i++) {
                max = Math.max(max, Math.abs(delta[i]));
            }
            return max;
        }

        @Override
        public NDArray direction(NDArray gradient) {
            return gradient.sign();
        }

        @Override
        public NDArray project(NDArray delta, float eps) {
            return delta.clip(-eps, eps);
        }

        @Override
        public NDArray randomStart(NDManager manager, Shape shape, float eps, SplittableRandom random) {
            float[] out = new float[(int) shape.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) ((2 * random.nextDouble() - 1) * eps);
            }
            return manager.create(out, shape);
        }

        @Override
        void projectRow(float[] delta, int from, int length, float eps) {
            for (int i = from; i < from + length; i++) {
                delta[i] = Math.max(-eps, Math.min(eps, delta[i]));
            }
        }
    };

    /** Fraction of coordinates below the L1 step's magnitude cut-off. */
    static final double SPARSITY = 0.99;

    private final String cliName;

    Norm(String cliName) {
        this.cliName = cliName;
    }

    /** @return the lower-case name used on the command line and in JSON: l0, l1, l2, linf */
    public String cliName() {
        return cliName;
    }

    /**
     * Parses a norm name: {@code linf}/{@code inf}, {@code l2}/{@code 2}, {@code l1}/{@code 1},
     * {@code l0}/{@code 0}, case-insensitive.
     *
     * @param name the name
     * @return the norm
     * @throws IllegalArgumentException for any other name
     */
    public static Norm parse(String name) {
        switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "linf": case "inf": case "l-inf": case "li":
                return LINF;
            case "l2": case "2":
                return L2;
            case "l1": case "1":
                return L1;
            case "l0": case "0":
                return L0;
            default:
                throw new IllegalArgumentException("norm must be one of linf, l2, l1, l0, got '" + name + "'");
        }
    }

    /**
     * Measures one sample's perturbation.
     *
     * @param delta perturbations of many samples, flattened
     * @param from the index of the sample's first feature
     * @param length the number of features per sample
     * @return the norm of {@code delta[from, from + length)}
     */
    public abstract float measure(float[] delta, int from, int length);

    /** @return true if attacks can step and project in this norm */
    public boolean supportsSteps() {
        return this != L0;
    }

    /**
     * Turns gradients into steepest-ascent steps of unit norm, per sample.
     *
     * @param gradient the gradients, shape {@code (N, ...)}
     * @return the directions, same shape
     */
    public NDArray direction(NDArray gradient) {
        throw new UnsupportedOperationException(this + " has no steepest-ascent step");
    }

    /**
     * Projects perturbations onto the ball of radius {@code eps}, per sample.
     *
     * @param delta the perturbations, shape {@code (N, ...)}
     * @param eps the radius
     * @return the projected perturbations, same shape
     */
    public NDArray project(NDArray delta, float eps) {
        throw new UnsupportedOperationException(this + " has no projection");
    }

    /**
     * Draws perturbations uniformly from the ball of radius {@code eps}.
     *
     * @param manager the manager of the result
     * @param shape the shape, batch first
     * @param eps the radius
     * @param random the seeded generator
     * @return the perturbations
     */
    public NDArray randomStart(NDManager manager, Shape shape, float eps, SplittableRandom random) {
        throw new UnsupportedOperationException(this + " has no random start");
    }

    /**
     * Draws perturbations uniformly from the ball of radius {@code eps}, row {@code r} from
     * {@code rows[r]} alone (the same row as {@link #randomStart(NDManager, Shape, float,
     * SplittableRandom)} draws for a batch of one): a sample's start does not depend on its batch.
     *
     * @param manager the manager of the result
     * @param shape the shape, batch first
     * @param eps the radius
     * @param rows one seeded generator per row
     * @return the perturbations
     */
    public NDArray randomStart(NDManager manager, Shape shape, float eps, SplittableRandom[] rows) {
        int n = (int) shape.get(0);
        if (rows.length != n) {
            throw new IllegalArgumentException("need one generator per row: " + n + " rows, " + rows.length + " generators");
        }
        int dim = n == 0 ? 0 : (int) (shape.size() / n);
        float[] out = new float[n * dim];
        Shape one = new Shape(1, dim);
        try (NDManager scratch = manager.newSubManager()) {
            for (int r = 0; r < n; r++) {
                try (NDArray row = randomStart(scratch, one, eps, rows[r])) {
                    System.arraycopy(row.toFloatArray(), 0, out, r * dim, dim);
                }
            }
        }
        return manager.create(out, shape);
    }

    /** Projects one flattened sample in place onto the ball; only called when it lies outside. */
    void projectRow(float[] delta, int from, int length, float eps) {
        throw new UnsupportedOperationException(this + " has no projection");
    }

    /**
     * Returns the largest radius that makes sense for inputs in an interval of the given width and
     * dimension: beyond it the ball contains the whole box.
     *
     * @param width the width of the input bounds
     * @param dimension the number of features per sample
     * @return the radius of the box in this norm
     */
    public double boxRadius(double width, long dimension) {
        switch (this) {
            case LINF:
                return width;
            case L2:
                return width * Math.sqrt(dimension);
            case L1:
                return width * dimension;
            default:
                return dimension;
        }
    }

    private static double gaussian(SplittableRandom random) {
        // Box-Muller; one value per call keeps the stream simple and reproducible.
        double u1 = random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    @Override
    public String toString() {
        return cliName;
    }
}
