package dev.robust4j.attack;

import dev.robust4j.attack.blackbox.BoundaryAttack;
import dev.robust4j.attack.blackbox.HopSkipJump;
import dev.robust4j.attack.whitebox.AutoAttack;
import dev.robust4j.attack.whitebox.AutoPgd;
import dev.robust4j.attack.whitebox.BoxConstrainedLbfgs;
import dev.robust4j.attack.whitebox.CarliniWagnerL2;
import dev.robust4j.attack.whitebox.CarliniWagnerLinf;
import dev.robust4j.attack.whitebox.DeepFool;
import dev.robust4j.attack.whitebox.ElasticNetAttack;
import dev.robust4j.attack.whitebox.FastAdaptiveBoundaryAttack;
import dev.robust4j.attack.whitebox.JacobianSaliencyMapAttack;

/**
 * Short factories for the gradient attacks. Each returns an immutable attack whose settings can
 * be changed with withers: a {@link GradientDescentAttack} for the presets of the engine, and the
 * optimisation-based minimal-perturbation attacks of {@code dev.robust4j.attack.whitebox}.
 *
 * <table>
 *   <caption>Presets and their defaults</caption>
 *   <tr><th>factory</th><th>name</th><th>steps</th><th>step size</th><th>random start</th><th>early stop</th></tr>
 *   <tr><td>{@link #fgsm}</td><td>fgsm</td><td>1</td><td>eps</td><td>no</td><td>no</td></tr>
 *   <tr><td>{@link #fgm}</td><td>fgm</td><td>1</td><td>eps</td><td>no</td><td>no</td></tr>
 *   <tr><td>{@link #bim}</td><td>bim</td><td>10</td><td>2.5 eps / steps</td><td>no</td><td>yes</td></tr>
 *   <tr><td>{@link #pgd}</td><td>pgd</td><td>40</td><td>2.5 eps / steps</td><td>yes</td><td>yes</td></tr>
 *   <tr><td>{@link #mim}</td><td>mim</td><td>10</td><td>eps / steps</td><td>no</td><td>yes</td></tr>
 * </table>
 *
 * <p>All use the cross-entropy loss and one restart; MIM adds momentum with decay 1.0.
 */
public final class Attacks {

    /** Default step size, in units of {@code eps / steps}, of BIM and PGD (Madry et al. 2018). */
    private static final float MADRY_STEP_SCALE = 2.5f;

    private Attacks() {}

    /**
     * Fast Gradient Sign Method (Goodfellow et al. 2015): one L∞ step of size eps along the sign
     * of the loss gradient.
     *
     * @param eps the L∞ radius
     * @return the attack
     */
    public static GradientDescentAttack fgsm(float eps) {
        return new GradientDescentAttack(
                "fgsm", Norm.LINF, eps, 1, null, false, 1, false, GradientLoss.CROSS_ENTROPY, 0f, MADRY_STEP_SCALE, 0L);
    }

    /**
     * Fast Gradient Method: FGSM's single step in any norm (the normalised gradient for L2).
     *
     * @param norm the norm
     * @param eps the radius
     * @return the attack
     */
    public static GradientDescentAttack fgm(Norm norm, float eps) {
        return new GradientDescentAttack(
                "fgm", norm, eps, 1, null, false, 1, false, GradientLoss.CROSS_ENTROPY, 0f, MADRY_STEP_SCALE, 0L);
    }

    /**
     * Basic Iterative Method (Kurakin et al. 2017): iterated FGSM from the clean input, in L∞.
     *
     * @param eps the L∞ radius
     * @return the attack
     */
    public static GradientDescentAttack bim(float eps) {
        return bim(Norm.LINF, eps);
    }

    /**
     * Basic Iterative Method in any norm.
     *
     * @param norm the norm
     * @param eps the radius
     * @return the attack
     */
    public static GradientDescentAttack bim(Norm norm, float eps) {
        return new GradientDescentAttack(
                "bim", norm, eps, 10, null, false, 1, true, GradientLoss.CROSS_ENTROPY, 0f, MADRY_STEP_SCALE, 0L);
    }

    /**
     * Projected Gradient Descent (Madry et al. 2018) in L∞: BIM from a uniform random start.
     *
     * @param eps the L∞ radius
     * @return the attack
     */
    public static GradientDescentAttack pgd(float eps) {
        return pgd(Norm.LINF, eps);
    }

    /**
     * Projected Gradient Descent in any norm.
     *
     * @param norm the norm
     * @param eps the radius
     * @return the attack
     */
    public static GradientDescentAttack pgd(Norm norm, float eps) {
        return new GradientDescentAttack(
                "pgd", norm, eps, 40, null, true, 1, true, GradientLoss.CROSS_ENTROPY, 0f, MADRY_STEP_SCALE, 0L);
    }

    /**
     * Momentum Iterative Method (Dong et al., "Boosting Adversarial Attacks with Momentum", CVPR
     * 2018): BIM whose steps follow the accumulated gradient {@code g_{t+1} = μ g_t + ∇/‖∇‖₁}, with
     * decay μ = 1.0, 10 steps of {@code eps / steps} (the paper's α = ε/T) from the clean input.
     * In L∞ each step is {@code α sign(g)}, in L2 {@code α g / ‖g‖₂}.
     *
     * @param norm {@link Norm#LINF} or {@link Norm#L2}
     * @param eps the radius
     * @return the attack; {@link GradientDescentAttack#decay(float)} sets μ
     */
    public static GradientDescentAttack mim(Norm norm, float eps) {
        return new GradientDescentAttack(
                "mim", norm, eps, 10, null, false, 1, true, GradientLoss.CROSS_ENTROPY, 1.0f, 1.0f, 0L);
    }

    /**
     * Carlini and Wagner's L2 attack (IEEE S&amp;P 2017): Adam in tanh space on
     * {@code ‖δ‖₂² + c·f}, with a per-sample binary search over {@code c}.
     *
     * @return the attack with its defaults (see {@link CarliniWagnerL2})
     */
    public static CarliniWagnerL2 cwL2() {
        return CarliniWagnerL2.create();
    }

    /**
     * Carlini and Wagner's L∞ attack in its projected form: the C&amp;W loss minimised inside an
     * L∞ ball whose radius is binary-searched per sample, up to {@code eps}.
     *
     * @param eps the largest L∞ radius (the budget)
     * @return the attack with its defaults (see {@link CarliniWagnerLinf})
     */
    public static CarliniWagnerLinf cwLinf(float eps) {
        return CarliniWagnerLinf.create(eps);
    }

    /**
     * The Elastic-Net Attack, EAD (Chen et al., AAAI 2018): ISTA/FISTA on
     * {@code c·f + β‖δ‖₁ + ‖δ‖₂²}, with a per-sample binary search over {@code c}.
     *
     * @return the attack with its defaults (see {@link ElasticNetAttack})
     */
    public static ElasticNetAttack ead() {
        return ElasticNetAttack.create();
    }

    /**
     * The box-constrained L-BFGS attack (Szegedy et al. 2014): projected L-BFGS on
     * {@code ‖δ‖₂² + c·loss}, searching the smallest successful {@code c} per sample.
     *
     * @return the attack with its defaults (see {@link BoxConstrainedLbfgs})
     */
    public static BoxConstrainedLbfgs lbfgs() {
        return BoxConstrainedLbfgs.create();
    }

    /**
     * DeepFool (Moosavi-Dezfooli et al. 2016): minimal-norm, untargeted, 10 candidate classes,
     * overshoot 0.02, at most 50 iterations.
     *
     * @param norm l2 or linf
     * @return the attack
     */
    public static DeepFool deepFool(Norm norm) {
        return DeepFool.l2().norm(norm);
    }

    /**
     * The Jacobian-based Saliency Map Attack (Papernot et al. 2016), pairwise over the model's
     * probabilities, with theta +1 and gamma 0.1.
     *
     * @return the attack
     */
    public static JacobianSaliencyMapAttack jsma() {
        return JacobianSaliencyMapAttack.create();
    }

    /**
     * The Fast Adaptive Boundary attack (Croce and Hein 2020) in AutoAttack's targeted form FAB-T:
     * 9 target classes, 100 steps, alpha-max 0.1, eta 1.05, beta 0.9, one run per target.
     *
     * @param norm l2 or linf
     * @return the attack, minimal-norm until given an {@code eps}
     */
    public static FastAdaptiveBoundaryAttack fab(Norm norm) {
        return FastAdaptiveBoundaryAttack.linf().norm(norm);
    }

    /**
     * Auto-PGD on the cross-entropy loss (Croce and Hein, ICML 2020): 100 steps with the
     * parameter-free step-size schedule, 1 restart.
     *
     * @param norm {@link Norm#LINF} or {@link Norm#L2}
     * @param eps the radius
     * @return the attack with its defaults (see {@link AutoPgd})
     */
    public static AutoPgd apgdCe(Norm norm, float eps) {
        return AutoPgd.ce(norm, eps);
    }

    /**
     * Auto-PGD on the Difference of Logits Ratio loss (Croce and Hein, ICML 2020).
     *
     * @param norm {@link Norm#LINF} or {@link Norm#L2}
     * @param eps the radius
     * @return the attack with its defaults (see {@link AutoPgd})
     */
    public static AutoPgd apgdDlr(Norm norm, float eps) {
        return AutoPgd.dlr(norm, eps);
    }

    /**
     * APGD-T: Auto-PGD on the targeted DLR loss towards the 9 highest-ranked other classes in turn
     * (Croce and Hein, ICML 2020).
     *
     * @param norm {@link Norm#LINF} or {@link Norm#L2}
     * @param eps the radius
     * @return the attack with its defaults (see {@link AutoPgd})
     */
    public static AutoPgd apgdT(Norm norm, float eps) {
        return AutoPgd.targeted(norm, eps);
    }

    /**
     * AutoAttack, standard version (Croce and Hein, ICML 2020): APGD-CE, APGD-T, FAB-T and Square,
     * each on the samples still robust (see {@link AutoAttack}).
     *
     * @param norm {@link Norm#LINF} or {@link Norm#L2}
     * @param eps the radius
     * @return the ensemble
     */
    public static AutoAttack autoAttack(Norm norm, float eps) {
        return AutoAttack.standard(norm, eps);
    }

    /**
     * The Boundary Attack (Brendel, Rauber and Bethge, ICLR 2018): label-only, minimal L2, walking
     * along the decision boundary towards the clean input.
     *
     * @return the attack with its defaults (see {@link BoundaryAttack})
     */
    public static BoundaryAttack boundary() {
        return BoundaryAttack.create();
    }

    /**
     * HopSkipJumpAttack (Chen, Jordan and Wainwright, IEEE S&amp;P 2020): label-only, minimal norm,
     * estimating the boundary's normal from the model's decisions.
     *
     * @param norm the norm to minimise, {@link Norm#L2} or {@link Norm#LINF}
     * @return the attack with its defaults (see {@link HopSkipJump})
     */
    public static HopSkipJump hopSkipJump(Norm norm) {
        return HopSkipJump.l2().norm(norm);
    }
}
