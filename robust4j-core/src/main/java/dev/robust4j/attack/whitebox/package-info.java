/**
 * White-box evasion attacks beyond the gradient-descent engine: the linearisation and Jacobian
 * attacks {@link dev.robust4j.attack.whitebox.DeepFool DeepFool},
 * {@link dev.robust4j.attack.whitebox.JacobianSaliencyMapAttack JSMA} and
 * {@link dev.robust4j.attack.whitebox.FastAdaptiveBoundaryAttack FAB}. Each extends
 * {@link dev.robust4j.attack.AbstractEvasionAttack}, so bounds, budgets and success are enforced
 * and measured by the template.
 */
package dev.robust4j.attack.whitebox;
