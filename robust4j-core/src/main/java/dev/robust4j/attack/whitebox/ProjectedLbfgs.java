package dev.robust4j.attack.whitebox;

import dev.robust4j.model.Bounds;

/**
 * A projected L-BFGS minimiser over a box, for one sample, driven from outside: the caller
 * evaluates the objective and its gradient at {@link #trial()} and reports them with
 * {@link #evaluated}, which either accepts the trial as the new iterate or backtracks. So many
 * samples can be minimised in lock step with one batched model call per step, each at its own
 * stage (new iterate or line-search trial).
 *
 * <p>The method is gradient projection with an L-BFGS direction (in the spirit of L-BFGS-B, Byrd,
 * Lu, Nocedal and Zhu 1995, without its Cauchy point and subspace minimisation):
 * <ul>
 *   <li>a variable is <em>fixed</em> while it sits on a bound with the gradient pushing outward;</li>
 *   <li>the direction is {@code −H g} on the free variables, from the two-loop recursion over the
 *       last {@code memory} correction pairs {@code (s, y)} with initial Hessian
 *       {@code (sᵀy / yᵀy) I}; pairs with non-positive curvature are skipped; if the result is not
 *       a descent direction the memory is cleared and steepest descent is used;</li>
 *   <li>the trial point {@code clip(x + t d)} starts at {@code t = 1} ({@code t = 1/‖d‖} without
 *       memory) and is accepted by the Armijo rule {@code f ≤ f₀ + 10⁻⁴ gᵀ(trial − x)}, halving
 *       {@code t} otherwise;</li>
 *   <li>it stops when the projected gradient's largest entry is at most 1e-5, the relative
 *       decrease of {@code f} is at most 2.2e-9 (SciPy's L-BFGS-B defaults), or no step moves.</li>
 * </ul>
 */
final class ProjectedLbfgs {

    private static final double ARMIJO = 1e-4;
    private static final int MAX_HALVINGS = 20;
    private static final double PGTOL = 1e-5;
    private static final double FTOL = 2.2e-9;

    private final int dim;
    private final float min;
    private final float max;
    private final float[][] s;
    private final float[][] y;
    private final double[] rho;
    private int count;
    private int head;

    private float[] current;
    private float[] gradient;
    private double value;
    private float[] trial;
    private float[] direction;
    private double step;
    private int halvings;
    private boolean done;

    /**
     * Starts at a point.
     *
     * @param start the first point to evaluate, inside the box; not modified
     * @param memory the number of correction pairs kept, at least 1
     * @param bounds the box
     */
    ProjectedLbfgs(float[] start, int memory, Bounds bounds) {
        this.dim = start.length;
        this.min = bounds.min();
        this.max = bounds.max();
        this.s = new float[memory][];
        this.y = new float[memory][];
        this.rho = new double[memory];
        this.trial = start.clone();
    }

    /** @return the point to evaluate next; do not modify */
    float[] trial() {
        return trial;
    }

    /** @return the accepted iterate, or {@code null} before the first evaluation */
    float[] current() {
        return current;
    }

    /** @return the objective at {@link #current()} */
    double value() {
        return value;
    }

    /** @return true once the minimiser has stopped; {@link #trial()} is then not to be evaluated */
    boolean done() {
        return done;
    }

    /**
     * Takes the objective and its gradient at {@link #trial()} and prepares the next trial.
     *
     * @param f the objective
     * @param g the gradient, kept by the minimiser (do not reuse the array)
     */
    void evaluated(double f, float[] g) {
        if (done) {
            throw new IllegalStateException("the minimiser has stopped");
        }
        g = g.clone();
        if (current == null) {
            accept(f, g);
            return;
        }
        double slope = 0;
        for (int j = 0; j < dim; j++) {
            slope += (double) gradient[j] * (trial[j] - current[j]);
        }
        if (f <= value + ARMIJO * slope) {
            remember(g);
            boolean stalled = (value - f) <= FTOL * Math.max(Math.max(Math.abs(value), Math.abs(f)), 1);
            accept(f, g);
            if (stalled) {
                done = true;
            }
        } else if (++halvings > MAX_HALVINGS) {
            if (count > 0) {
                count = 0;
                newDirection();
            } else {
                done = true;
            }
        } else {
            step /= 2;
            makeTrial();
        }
    }

    /** Stores the correction pair of an accepted step, if its curvature is positive. */
    private void remember(float[] g) {
        float[] sv = new float[dim];
        float[] yv = new float[dim];
        double sy = 0;
        double yy = 0;
        for (int j = 0; j < dim; j++) {
            sv[j] = trial[j] - current[j];
            yv[j] = g[j] - gradient[j];
            sy += (double) sv[j] * yv[j];
            yy += (double) yv[j] * yv[j];
        }
        if (sy > 1e-10 * yy && sy > 0) {
            s[head] = sv;
            y[head] = yv;
            rho[head] = 1 / sy;
            head = (head + 1) % s.length;
            count = Math.min(count + 1, s.length);
        }
    }

    private void accept(double f, float[] g) {
        current = trial;
        gradient = g;
        value = f;
        double projected = 0;
        for (int j = 0; j < dim; j++) {
            double moved = Math.max(min, Math.min(max, current[j] - g[j])) - current[j];
            projected = Math.max(projected, Math.abs(moved));
        }
        if (projected <= PGTOL) {
            done = true;
            return;
        }
        newDirection();
    }

    /** The two-loop recursion on the free variables; steepest descent if it is not a descent. */
    private void newDirection() {
        boolean[] free = new boolean[dim];
        double[] q = new double[dim];
        for (int j = 0; j < dim; j++) {
            free[j] = !((current[j] <= min && gradient[j] > 0) || (current[j] >= max && gradient[j] < 0));
            q[j] = free[j] ? gradient[j] : 0;
        }
        int m = s.length;
        double[] alpha = new double[m];
        for (int back = 1; back <= count; back++) {
            int i = Math.floorMod(head - back, m);
            alpha[i] = rho[i] * dot(s[i], q);
            axpy(-alpha[i], y[i], q);
        }
        if (count > 0) {
            int newest = Math.floorMod(head - 1, m);
            double yy = dot(y[newest], y[newest]);
            double gamma = yy > 0 ? 1 / (rho[newest] * yy) : 1;
            for (int j = 0; j < dim; j++) {
                q[j] *= gamma;
            }
        }
        for (int back = count; back >= 1; back--) {
            int i = Math.floorMod(head - back, m);
            double b = rho[i] * dot(y[i], q);
            axpy(alpha[i] - b, s[i], q);
        }
        direction = new float[dim];
        double descent = 0;
        for (int j = 0; j < dim; j++) {
            direction[j] = free[j] ? (float) -q[j] : 0f;
            descent += (double) direction[j] * gradient[j];
        }
        if (!(descent < 0)) {
            count = 0;
            for (int j = 0; j < dim; j++) {
                direction[j] = free[j] ? -gradient[j] : 0f;
            }
        }
        double norm = 0;
        for (float d : direction) {
            norm += (double) d * d;
        }
        step = count == 0 ? Math.min(1, 1 / Math.max(Math.sqrt(norm), 1e-12)) : 1;
        halvings = 0;
        makeTrial();
    }

    private void makeTrial() {
        float[] next = new float[dim];
        boolean moved = false;
        for (int j = 0; j < dim; j++) {
            next[j] = (float) Math.max(min, Math.min(max, current[j] + step * direction[j]));
            moved |= next[j] != current[j];
        }
        trial = next;
        if (!moved) {
            done = true;
        }
    }

    private static double dot(float[] a, double[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += a[j] * b[j];
        }
        return sum;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int j = 0; j < a.length; j++) {
            sum += (double) a[j] * b[j];
        }
        return sum;
    }

    private static void axpy(double a, float[] x, double[] y) {
        for (int j = 0; j < x.length; j++) {
            y[j] += a * x[j];
        }
    }
}
