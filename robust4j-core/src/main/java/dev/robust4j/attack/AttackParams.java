package dev.robust4j.attack;

import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;

import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Declarations shared by many attacks: {@code norm} and {@code seed}, and the search over the
 * constant {@code c} of the C&amp;W family (C&amp;W, EAD, L-BFGS, ZOO): {@code binary-search-steps},
 * {@code initial-const}, {@code abort-early}.
 */
public final class AttackParams {

    /** A norm by its command-line name: {@code linf}, {@code l2}, {@code l1} (or {@code l0}). */
    public static final ParamType<Norm> NORM = ParamType.choice("linf|l2|l1", Norm::parse);

    private AttackParams() {}

    /**
     * Declares {@code norm}, reported by its command-line name.
     *
     * @param wither sets it on a copy (for a bounded attack: and resets {@code eps} to the norm's
     *     default, {@link Budget#defaultEps})
     * @param getter the attack's norm
     * @param <A> the attack
     * @return the declaration
     */
    public static <A extends EvasionAttack> Param<A, Norm> norm(
            BiFunction<A, Norm, A> wither, Function<A, Norm> getter) {
        return Param.of("norm", NORM, "the norm: linf, l2 or l1 (those the attack supports)",
                a -> getter.apply(a).cliName(), wither);
    }

    /**
     * Declares {@code seed}: the attack draws random numbers. An attack without this declaration
     * draws none and the registry refuses a seed for it.
     *
     * @param wither sets it on a copy
     * @param <A> the attack
     * @return the declaration
     */
    public static <A extends EvasionAttack> Param<A, Long> seed(BiFunction<A, Long, A> wither) {
        return Param.of("seed", ParamType.LONG, "the seed of every random draw", EvasionAttack::seed, wither);
    }

    /**
     * Declares {@code binary-search-steps}: how many searches over the constant {@code c}.
     *
     * @param getter the attack's value
     * @param wither sets it on a copy
     * @param <A> the attack
     * @return the declaration
     */
    public static <A extends EvasionAttack> Param<A, Integer> binarySearchSteps(
            Function<A, Integer> getter, BiFunction<A, Integer, A> wither) {
        return Param.of("binary-search-steps", ParamType.INT, "searches over the constant c, >= 1", getter, wither);
    }

    /**
     * Declares {@code initial-const}: the constant {@code c} the first search starts from.
     *
     * @param getter the attack's value
     * @param wither sets it on a copy
     * @param <A> the attack
     * @return the declaration
     */
    public static <A extends EvasionAttack> Param<A, Float> initialConst(
            Function<A, Float> getter, BiFunction<A, Float, A> wither) {
        return Param.of("initial-const", ParamType.FLOAT, "the first constant c, > 0", getter, wither);
    }

    /**
     * Declares {@code abort-early}: a search stops when its loss stalls.
     *
     * @param getter the attack's value
     * @param wither sets it on a copy
     * @param <A> the attack
     * @return the declaration
     */
    public static <A extends EvasionAttack> Param<A, Boolean> abortEarly(
            Function<A, Boolean> getter, BiFunction<A, Boolean, A> wither) {
        return Param.of("abort-early", ParamType.BOOLEAN, "stop a search when the loss stalls", getter, wither);
    }
}
