/**
 * White-box attacks built on the model's input gradients beyond the gradient-descent engine:
 * <ul>
 *   <li>the optimisation-based minimal-perturbation attacks of Carlini and Wagner (L2 and L∞), the
 *       Elastic-Net attack (EAD) and the box-constrained L-BFGS attack of Szegedy et al.;
 *   <li>the linearisation and Jacobian attacks {@link dev.robust4j.attack.whitebox.DeepFool DeepFool},
 *       {@link dev.robust4j.attack.whitebox.JacobianSaliencyMapAttack JSMA} and
 *       {@link dev.robust4j.attack.whitebox.FastAdaptiveBoundaryAttack FAB};
 *   <li>Auto-PGD with its cross-entropy, DLR and targeted-DLR losses ({@code AutoPgd}) and the
 *       AutoAttack ensemble ({@code AutoAttack}) of Croce and Hein.
 * </ul>
 *
 * <p>They share package-private machinery where the mathematics is the same: the C&amp;W loss
 * ({@code CarliniLoss}), a batched Adam step ({@code Adam}), the per-sample binary search over the
 * trade-off constant ({@code ConstSearch}), the best-so-far record ({@code BestAdversarials}), a
 * per-sample projected L-BFGS stepped in lock step ({@code ProjectedLbfgs}) and the row
 * bookkeeping of a shrinking batch ({@code Rows}). Every model call is batched over all
 * samples still being attacked; no attack loops over samples around a model call.
 */
package dev.robust4j.attack.whitebox;
