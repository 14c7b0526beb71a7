package dev.robust4j.attack;

import dev.robust4j.param.Parameters;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What an attack class declares once about itself: the access it needs of a model, its
 * parameters, and which of its fields are its norm, its budget radius and its seed. The template
 * ({@link AbstractEvasionAttack}) derives {@code params()}, {@code requires()}, {@code budget()},
 * {@code budgetNorm()}, {@code withBudget}, {@code normParameter()} and {@code seed()} from it, so
 * an attack writes only what differs.
 *
 * <pre>{@code
 * private static final AttackSpec<SquareAttack> SPEC =
 *         AttackSpec.of(SquareAttack.class, ModelAccess.SCORES, PARAMETERS)
 *         .budget(a -> a.norm, SquareAttack::norm, a -> a.eps, SquareAttack::eps)
 *         .seed(a -> a.seed);
 * }</pre>
 *
 * <p>An attack that runs another ({@link #wrapping}) forwards all of these to it.
 *
 * <p>Immutable once returned: every declaring method returns a copy.
 *
 * @param <A> the attack's class
 */
public final class AttackSpec<A extends EvasionAttack> {

    private final Class<A> type;
    private final ModelAccess requires;
    private final Parameters<A> parameters;
    // the roles below are set only on a fresh copy (see the withers), never after it is returned
    private Function<A, Norm> norm;
    private BiFunction<A, Norm, A> normWither;
    private Norm fixedNorm;
    private Function<A, Float> eps;
    private BiFunction<A, Float, A> epsWither;
    private ToLongFunction<A> seed;
    private boolean targeted = true;
    private Function<A, EvasionAttack> inner;
    private BiFunction<A, EvasionAttack, A> rewrap;

    private AttackSpec(Class<A> type, ModelAccess requires, Parameters<A> parameters) {
        this.type = Objects.requireNonNull(type, "type");
        this.requires = Objects.requireNonNull(requires, "requires");
        this.parameters = parameters;
    }

    private AttackSpec<A> copy() {
        AttackSpec<A> c = new AttackSpec<>(type, requires, parameters);
        c.norm = norm;
        c.normWither = normWither;
        c.fixedNorm = fixedNorm;
        c.eps = eps;
        c.epsWither = epsWither;
        c.seed = seed;
        c.targeted = targeted;
        c.inner = inner;
        c.rewrap = rewrap;
        return c;
    }

    /**
     * Declares an attack class that has no norm, no budget and draws no random numbers; add those
     * it has with {@link #norm}, {@link #budget} and {@link #seed}.
     *
     * @param type the attack's class
     * @param requires what it needs of a model
     * @param parameters its declared parameters
     * @param <A> the attack's class
     * @return the declaration
     */
    public static <A extends EvasionAttack> AttackSpec<A> of(
            Class<A> type, ModelAccess requires, Parameters<A> parameters) {
        return new AttackSpec<>(type, requires, Objects.requireNonNull(parameters, "parameters"));
    }

    /**
     * Declares an attack that runs another one (transfer): its budget, budget norm, norm, seed,
     * targeted form and, unless it overrides {@code params()}, its parameters are the inner
     * attack's, and {@code withBudget} moves the inner attack's budget.
     *
     * @param type the attack's class
     * @param requires what it needs of the model it is given
     * @param inner the attack it runs
     * @param rewrap the same attack around another inner attack
     * @param <A> the attack's class
     * @return the declaration
     */
    public static <A extends EvasionAttack> AttackSpec<A> wrapping(Class<A> type, ModelAccess requires,
            Function<A, EvasionAttack> inner, BiFunction<A, EvasionAttack, A> rewrap) {
        AttackSpec<A> s = new AttackSpec<>(type, requires, null);
        s.inner = Objects.requireNonNull(inner, "inner");
        s.rewrap = Objects.requireNonNull(rewrap, "rewrap");
        return s;
    }

    /**
     * Declares the attack's {@code norm} parameter, without a budget (DeepFool): it becomes
     * {@link EvasionAttack#normParameter()}.
     *
     * @param getter the attack's norm
     * @return a copy with the norm
     */
    public AttackSpec<A> norm(Function<A, Norm> getter) {
        AttackSpec<A> c = copy();
        c.norm = Objects.requireNonNull(getter, "getter");
        return c;
    }

    /**
     * Declares a budget in the attack's own norm: {@code budget()} is the ball of radius
     * {@code eps} in {@code norm} (empty while {@code eps} is {@code null}, for an attack whose
     * radius is optional), and {@code withBudget(b)} sets the norm, then the radius.
     *
     * @param normGetter the attack's norm, also its {@link EvasionAttack#normParameter()}
     * @param normWither a copy in another norm
     * @param epsGetter the radius, {@code null} when none is set
     * @param epsWither a copy with another radius
     * @return a copy with the budget
     */
    public AttackSpec<A> budget(Function<A, Norm> normGetter, BiFunction<A, Norm, A> normWither,
            Function<A, Float> epsGetter, BiFunction<A, Float, A> epsWither) {
        AttackSpec<A> c = copy();
        c.norm = Objects.requireNonNull(normGetter, "normGetter");
        c.normWither = Objects.requireNonNull(normWither, "normWither");
        c.eps = Objects.requireNonNull(epsGetter, "epsGetter");
        c.epsWither = Objects.requireNonNull(epsWither, "epsWither");
        return c;
    }

    /**
     * Declares a budget in one norm the attack always works in (C&amp;W L∞, Boundary): a budget in
     * another norm is refused. The attack has no {@code norm} parameter.
     *
     * @param fixed the norm
     * @param epsGetter the radius, {@code null} when none is set
     * @param epsWither a copy with another radius
     * @return a copy with the budget
     */
    public AttackSpec<A> budget(Norm fixed, Function<A, Float> epsGetter, BiFunction<A, Float, A> epsWither) {
        AttackSpec<A> c = copy();
        c.fixedNorm = Objects.requireNonNull(fixed, "fixed");
        c.eps = Objects.requireNonNull(epsGetter, "epsGetter");
        c.epsWither = Objects.requireNonNull(epsWither, "epsWither");
        return c;
    }

    /**
     * Declares that the attack draws random numbers from a seed.
     *
     * @param getter the attack's seed
     * @return a copy with the seed
     */
    public AttackSpec<A> seed(ToLongFunction<A> getter) {
        AttackSpec<A> c = copy();
        c.seed = Objects.requireNonNull(getter, "getter");
        return c;
    }

    /**
     * Declares that the attack has no targeted form (DeepFool).
     *
     * @return a copy without one
     */
    public AttackSpec<A> untargeted() {
        AttackSpec<A> c = copy();
        c.targeted = false;
        return c;
    }

    /** @return what the attack needs of a model */
    public ModelAccess requires() {
        return requires;
    }

    /**
     * @param attack an attack of this class
     * @return its parameters by name, as {@link EvasionAttack#params()} reports them
     */
    public Map<String, Object> params(EvasionAttack attack) {
        A a = type.cast(attack);
        return parameters == null ? inner.apply(a).params() : parameters.values(a);
    }

    /**
     * @param attack an attack of this class
     * @return its ball, or empty if it has none (no budget declared, or the optional radius unset)
     */
    public Optional<Budget> budget(EvasionAttack attack) {
        A a = type.cast(attack);
        if (inner != null) {
            return inner.apply(a).budget();
        }
        if (eps == null) {
            return Optional.empty();
        }
        Float radius = eps.apply(a);
        return radius == null ? Optional.empty() : Optional.of(new Budget(budgetNormOf(a), radius));
    }

    /**
     * @param attack an attack of this class
     * @return the norm of the budgets it takes, set or not, or empty if it takes none
     */
    public Optional<Norm> budgetNorm(EvasionAttack attack) {
        A a = type.cast(attack);
        if (inner != null) {
            return inner.apply(a).budgetNorm();
        }
        return eps == null ? Optional.empty() : Optional.of(budgetNormOf(a));
    }

    /**
     * @param attack an attack of this class
     * @param budget the ball
     * @return a copy of {@code attack} that attacks it
     * @throws IllegalArgumentException if the attack takes no budget, or none in that norm
     */
    public A withBudget(EvasionAttack attack, Budget budget) {
        A a = type.cast(attack);
        if (inner != null) {
            return rewrap.apply(a, inner.apply(a).withBudget(budget));
        }
        if (eps == null) {
            throw new IllegalArgumentException("attack " + a.name() + " takes no eps budget");
        }
        if (fixedNorm != null) {
            if (budget.norm() != fixedNorm) {
                throw new IllegalArgumentException("attack " + a.name() + " takes " + article(fixedNorm) + " "
                        + fixedNorm.cliName() + " budget, got " + budget.norm().cliName());
            }
            return epsWither.apply(a, budget.eps());
        }
        return epsWither.apply(normWither.apply(a, budget.norm()), budget.eps());
    }

    /**
     * @param attack an attack of this class
     * @return its {@code norm} parameter, or empty if it has none
     */
    public Optional<Norm> normParameter(EvasionAttack attack) {
        A a = type.cast(attack);
        if (inner != null) {
            return inner.apply(a).normParameter();
        }
        return norm == null ? Optional.empty() : Optional.of(norm.apply(a));
    }

    /**
     * @param attack an attack of this class
     * @return its seed, or 0 if it draws no random numbers
     */
    public long seed(EvasionAttack attack) {
        A a = type.cast(attack);
        if (inner != null) {
            return inner.apply(a).seed();
        }
        return seed == null ? 0L : seed.applyAsLong(a);
    }

    /**
     * @param attack an attack of this class
     * @return true if it has a targeted form
     */
    public boolean supportsTargeted(EvasionAttack attack) {
        return inner != null ? inner.apply(type.cast(attack)).supportsTargeted() : targeted;
    }

    private Norm budgetNormOf(A attack) {
        return fixedNorm != null ? fixedNorm : norm.apply(attack);
    }

    /** The article as the norm's name is read: "a linf" (L-infinity), "an l2". */
    private static String article(Norm norm) {
        return norm == Norm.LINF ? "a" : "an";
    }
}
