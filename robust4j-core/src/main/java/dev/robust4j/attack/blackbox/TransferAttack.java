package dev.robust4j.attack.blackbox;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AbstractEvasionAttack;
import dev.robust4j.attack.ModelAccess;
import dev.robust4j.attack.AttackContext;
import dev.robust4j.attack.AttackSpec;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Budget;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.Shapes;
import dev.robust4j.model.DifferentiableClassifier;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Transfer attack: craft adversarial examples with any attack on a local <em>surrogate</em> model
 * the attacker controls, then submit them, unchanged, to the target. Adversarial examples
 * transfer between models trained for the same task (Szegedy et al., "Intriguing properties of
 * neural networks", ICLR 2014; Papernot, McDaniel and Goodfellow, "Transferability in Machine
 * Learning: from Phenomena to Black-Box Attacks using Adversarial Samples", arXiv:1605.07277,
 * 2016; Liu et al., "Delving into Transferable Adversarial Examples and Black-box Attacks", ICLR
 * 2017), so a white-box attack on the surrogate becomes a black-box attack on the target.
 *
 * <pre>{@code
 * EvasionAttack transfer = TransferAttack.of(surrogate, Attacks.pgd(0.1f).steps(40));
 * AttackResult r = transfer.generate(servedModel, x, y);   // servedModel may answer labels only
 * }</pre>
 *
 * <p>Towards the target the attack is black-box and label-only: it needs neither gradients nor
 * scores, only the target's verdict on each adversarial, and it spends exactly one query per
 * sample (the submission of that sample's adversarial; the surrogate's evaluations are local and
 * not counted). Its budget and seed are the inner attack's, so the returned adversarials lie in
 * the inner attack's ball. Targeted when the inner attack supports it: the inner attack then aims
 * the surrogate at the target classes.
 *
 * <p>The surrogate must predict the same classes as the target and take inputs with the same
 * number of features (its input shape may differ: inputs are reshaped, e.g. from {@code (784)} to
 * {@code (1, 28, 28)}), and its bounds must contain the target's. The attack never loads or
 * closes the surrogate: its caller owns it.
 *
 * <p>Not part of this class: training a substitute model from the target's answers (Papernot et
 * al., "Practical Black-Box Attacks against Machine Learning", AsiaCCS 2017). Bring a surrogate
 * trained for the task, e.g. with {@code robust4j train}.
 */
public final class TransferAttack extends AbstractEvasionAttack {

    private final Classifier surrogate;
    private final EvasionAttack attack;

    private TransferAttack(Classifier surrogate, EvasionAttack attack) {
        super(SPEC);
        this.surrogate = surrogate;
        this.attack = attack;
    }

    /**
     * Makes a transfer attack.
     *
     * @param surrogate the model to craft on; a {@link DifferentiableClassifier} when the inner
     *     attack is white-box
     * @param attack the attack to run on the surrogate, e.g. {@code Attacks.pgd(0.1f)}
     * @return the attack
     * @throws IllegalArgumentException if the surrogate cannot serve the inner attack
     */
    public static TransferAttack of(Classifier surrogate, EvasionAttack attack) {
        Objects.requireNonNull(surrogate, "surrogate");
        Objects.requireNonNull(attack, "attack");
        ModelAccess needs = attack.requires();
        if (!needs.givenBy(surrogate)) {
            throw new IllegalArgumentException(needs == ModelAccess.GRADIENTS
                    ? "surrogate " + surrogate.description() + " has no input gradients, but attack " + attack.name()
                            + " is white-box; use a surrogate with gradients (TorchScript .pt, a model directory)"
                    : "surrogate " + surrogate.description() + " answers labels only, but attack " + attack.name()
                            + " needs scores");
        }
        return new TransferAttack(surrogate, attack);
    }

    /** @return the surrogate model */
    public Classifier surrogate() {
        return surrogate;
    }

    /** @return the attack run on the surrogate */
    public EvasionAttack innerAttack() {
        return attack;
    }

    /**
     * Labels only: the target is only asked for its verdicts. Budget, norm, seed and targeted form
     * are the inner attack's; a new budget moves it to a transfer attack on the same surrogate.
     */
    private static final AttackSpec<TransferAttack> SPEC =
            AttackSpec.wrapping(TransferAttack.class, ModelAccess.LABELS, a -> a.attack,
                    (a, inner) -> new TransferAttack(a.surrogate, inner));

    @Override
    protected NDArray attack(AttackContext ctx) {
        Classifier target = ctx.model();
        checkCompatible(target);
        NDArray x = ctx.x();
        Shape shape = x.getShape();
        Shape surrogateShape = Shapes.batch(ctx.size(), surrogate.inputShape());
        NDArray xs = shape.equals(surrogateShape) ? x : x.reshape(surrogateShape);
        AttackResult crafted = attack.generate(surrogate, xs, ctx.criterion());
        NDArray adv = crafted.adversarial();
        if (!adv.getShape().equals(shape)) {
            adv = adv.reshape(shape);
        }
        // The one query per sample: submit each adversarial to the target.
        int[] all = new int[ctx.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        ctx.predict(adv, all).close();
        return adv;
    }

    private void checkCompatible(Classifier target) {
        if (surrogate.numClasses() != target.numClasses()) {
            throw new IllegalArgumentException(
                    "surrogate " + surrogate.description() + " has " + surrogate.numClasses() + " classes but target "
                            + target.description() + " has " + target.numClasses());
        }
        if (surrogate.inputShape().size() != target.inputShape().size()) {
            throw new IllegalArgumentException(
                    "surrogate " + surrogate.description() + " takes inputs of shape " + surrogate.inputShape()
                            + " but target " + target.description() + " takes " + target.inputShape());
        }
        Bounds s = surrogate.bounds();
        Bounds t = target.bounds();
        if (s.min() > t.min() || s.max() < t.max()) {
            throw new IllegalArgumentException(
                    "surrogate " + surrogate.description() + " has bounds " + s + " that do not contain the target's "
                            + t);
        }
    }

    /** @return {@code transfer} */
    @Override
    public String name() {
        return "transfer";
    }

    /**
     * Returns the surrogate's description, the inner attack's name and then the inner attack's
     * parameters, flat, as the command line takes them.
     *
     * @return the parameters
     */
    @Override
    public Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("surrogate", surrogate.description());
        p.put("attack", attack.name());
        p.putAll(attack.params());
        return p;
    }
}
