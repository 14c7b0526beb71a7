package dev.robust4j.attack;

import dev.robust4j.attack.blackbox.BoundaryAttack;
import dev.robust4j.attack.blackbox.HopSkipJump;

/**
 * Short factories for the attacks. The gradient presets return an immutable
 * {@link GradientDescentAttack}; the label-only attacks their own classes; settings change with
 * withers.
 *
 * <table>
 *   <caption>Presets and their defaults</caption>
 *   <tr><th>factory</th><th>name</th><th>steps</th><th>step size</th><th>random start</th><th>early stop</th></tr>
 *   <tr><td>{@link #fgsm}</td><td>fgsm</td><td>1</td><td>eps</td><td>no</td><td>no</td></tr>
 *   <tr><td>{@link #fgm}</td><td>fgm</td><td>1</td><td>eps</td><td>no</td><td>no</td></tr>
 *   <tr><td>{@link #bim}</td><td>bim</td><td>10</td><td>2.5 eps / steps</td><td>no</td><td>yes</td></tr>
 *   <tr><td>{@link #pgd}</td><td>pgd</td><td>40</td><td>2.5 eps / steps</td><td>yes</td><td>yes</td></tr>
 * </table>
 */
public final class Attacks {

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
                "fgsm", Norm.LINF, eps, 1, null, false, 1, false, GradientLoss.CROSS_ENTROPY, 0L);
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
                "fgm", norm, eps, 1, null, false, 1, false, GradientLoss.CROSS_ENTROPY, 0L);
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
                "bim", norm, eps, 10, null, false, 1, true, GradientLoss.CROSS_ENTROPY, 0L);
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
                "pgd", norm, eps, 40, null, true, 1, true, GradientLoss.CROSS_ENTROPY, 0L);
    }

    /**
     * Boundary Attack (Brendel et al. 2018): label-only, minimal L2, with the defaults of
     * {@link BoundaryAttack#create()}.
     *
     * @return the attack
     */
    public static BoundaryAttack boundary() {
        return BoundaryAttack.create();
    }

    /**
     * HopSkipJumpAttack (Chen et al. 2020): label-only, minimal norm, with the defaults of
     * {@link HopSkipJump#l2()}.
     *
     * @param norm {@link Norm#L2} or {@link Norm#LINF}
     * @return the attack
     */
    public static HopSkipJump hopSkipJump(Norm norm) {
        return HopSkipJump.l2().norm(norm);
    }
}
