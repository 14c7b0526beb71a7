package dev.robust4j.attack;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The one scope idiom of iterative attacks: a batch of samples that shrinks as samples finish,
 * carrying a state of NDArrays (one row per active sample) from step to step.
 *
 * <p>The batch owns a sub-manager of the caller's; the carried state lives there. Each
 * {@link #step()} opens a sub-manager of its own into which the state is temporarily attached, so
 * everything the step computes from it is freed when the step closes; the step may drop the rows of
 * finished samples ({@link Step#keep}) and hands on the next state ({@link Step#carry}), which is
 * kept while the arrays it replaced are freed. A step that carries nothing leaves the state as it
 * was. Closing the batch frees what is left.
 *
 * <pre>{@code
 * try (ShrinkingBatch<MyState> batch = new ShrinkingBatch<>(ctx.manager(), samples)) {
 *     batch.start(new MyState(batch.manager().create(...), ...));
 *     for (int s = 0; s < steps && !batch.isEmpty(); s++) {
 *         try (ShrinkingBatch<MyState>.Step step = batch.step()) {
 *             ... boolean[] done = ...;
 *             if (!step.keep(Batches.not(done))) {
 *                 break;
 *             }
 *             step.carry(next(step.kept(step.state())));
 *         }
 *     }
 * }
 * }</pre>
 *
 * @param <S> the carried state
 */
public final class ShrinkingBatch<S extends ShrinkingBatch.State<S>> implements AutoCloseable {

    /**
     * The arrays an iterative attack carries from step to step, one row per active sample;
     * implemented by a small record of the attack's own.
     *
     * @param <S> the implementing type
     */
    public interface State<S> {

        /** @return the carried arrays; one array may appear in several fields, {@code null}s are skipped */
        List<NDArray> arrays();

        /**
         * @param rows selects the kept rows of one array
         * @return the state with every array mapped by {@code rows}, aliases kept as aliases where it matters
         */
        S map(UnaryOperator<NDArray> rows);
    }

    private final NDManager scope;
    private int[] samples;
    private S state;

    /**
     * Opens a batch in a sub-manager of {@code parent}.
     *
     * @param parent the manager to open the batch's scope in
     * @param samples the original index of each row
     */
    public ShrinkingBatch(NDManager parent, int[] samples) {
        this.scope = parent.newSubManager();
        this.samples = samples.clone();
    }

    /** @return the batch's scope: make the initial state here */
    public NDManager manager() {
        return scope;
    }

    /**
     * Sets the initial state.
     *
     * @param initial arrays made in {@link #manager()}
     */
    public void start(S initial) {
        this.state = Objects.requireNonNull(initial, "initial");
    }

    /** @return the carried state */
    public S state() {
        return state;
    }

    /** @return the original index of each active row; do not modify */
    public int[] samples() {
        return samples;
    }

    /** @return true when no sample is left */
    public boolean isEmpty() {
        return samples.length == 0;
    }

    /**
     * Opens the next step.
     *
     * @return the step; close it (try-with-resources)
     */
    public Step step() {
        if (state == null) {
            throw new IllegalStateException("start the batch with its initial state before the first step");
        }
        return new Step();
    }

    /** Frees the batch's scope and every array in it. */
    @Override
    public void close() {
        scope.close();
    }

    private static List<NDArray> distinct(List<NDArray> arrays) {
        Map<NDArray, Boolean> seen = new IdentityHashMap<>();
        List<NDArray> out = new ArrayList<>();
        for (NDArray a : arrays) {
            if (a != null && seen.put(a, Boolean.TRUE) == null) {
                out.add(a);
            }
        }
        return out;
    }

    /** One iteration: a sub-manager holding the state for the step's computations. */
    public final class Step implements AutoCloseable {

        private final NDManager it;
        private final List<NDArray> carried;
        private boolean[] keep;
        private int[] nextSamples;
        private S next;

        private Step() {
            this.it = scope.newSubManager();
            this.carried = distinct(state.arrays());
            for (NDArray a : carried) {
                a.tempAttach(it);
            }
        }

        /** @return the step's manager: everything made in it is freed when the step closes */
        public NDManager manager() {
            return it;
        }

        /** @return the state carried into this step */
        public S state() {
            return state;
        }

        /** @return the original index of each row of {@link #state()} */
        public int[] samples() {
            return samples;
        }

        /**
         * Keeps only the rows whose flag is set from the next step on.
         *
         * @param keep one flag per row of {@link #state()}
         * @return true if any row is left
         */
        public boolean keep(boolean[] keep) {
            if (keep.length != samples.length) {
                throw new IllegalArgumentException(
                        "one flag per row expected: " + samples.length + " rows, " + keep.length + " flags");
            }
            this.keep = keep;
            this.nextSamples = Batches.select(samples, keep);
            return nextSamples.length > 0;
        }

        /** @return the original index of each row kept by {@link #keep} (all rows if it was not called) */
        public int[] keptSamples() {
            return nextSamples == null ? samples : nextSamples;
        }

        /**
         * @param a an array with one row per row of {@link #state()}
         * @return its kept rows; {@code a} itself when every row is kept
         */
        public NDArray rows(NDArray a) {
            if (keep == null || nextSamples.length == samples.length) {
                return a;
            }
            return Batches.keep(a, keep, it);
        }

        /**
         * @param s a state with one row per row of {@link #state()}
         * @return its kept rows; {@code s} itself when every row is kept
         */
        public S kept(S s) {
            if (keep == null || nextSamples.length == samples.length) {
                return s;
            }
            return s.map(this::rows);
        }

        /**
         * Hands on the state of the next step: the kept rows only.
         *
         * @param nextState arrays made in this step or carried into it
         */
        public void carry(S nextState) {
            this.next = Objects.requireNonNull(nextState, "nextState");
        }

        /**
         * Ends the step: keeps the carried state in the batch's scope, frees the step's arrays and
         * the carried arrays the next state replaced.
         */
        @Override
        public void close() {
            if (next == null) {
                it.close();
                if (nextSamples != null && nextSamples.length == 0) {
                    samples = nextSamples;
                }
                return;
            }
            List<NDArray> kept = distinct(next.arrays());
            for (NDArray a : kept) {
                a.attach(scope);
            }
            it.close();
            Map<NDArray, Boolean> keptSet = new IdentityHashMap<>();
            for (NDArray a : kept) {
                keptSet.put(a, Boolean.TRUE);
            }
            for (NDArray old : carried) {
                if (!keptSet.containsKey(old)) {
                    old.close();
                }
            }
            state = next;
            samples = keptSamples();
        }
    }
}
