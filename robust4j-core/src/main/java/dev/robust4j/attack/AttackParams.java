package dev.robust4j.attack;

import dev.robust4j.param.Param;
import dev.robust4j.param.ParamType;

import java.util.function.BiFunction;
import java.util.function.Function;

/** Declarations shared by many attacks: {@code norm} and {@code seed}. */
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
}
