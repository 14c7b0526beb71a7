"""The attack rows of the conformance run: equal settings, robust4j's parameters, and one call per
reference implementation. Each reference call gets a Ctx (conformance.py) and returns the
adversarial batch (N, 1, 28, 28) as the library returned it; scoring is done elsewhere, the same
way for every implementation.

Row fields:
  id        the name used by --attacks and the results file name
  kind      "bounded": compared on success rate within the budget;
            "minimal": minimal-perturbation attacks, compared on success rate, then on the median
            norm `metric_norm` (failures counted as +inf)
  norm, eps the budget the scorer enforces (None: no ball)
  samples   the first N images of each fixture
  settings  the common settings, as a human reads them
  mapping   how each implementation's parameters express those settings
"""
import numpy as np
import torch

INF = np.inf


def _fb_run(ctx, attack, eps):
    raw, clipped, success = attack(ctx.fb(), ctx.x, ctx.t if ctx.t is not None else ctx.y, epsilons=eps)
    return clipped


def _fb_crit(ctx):
    import foolbox
    return foolbox.criteria.TargetedMisclassification(ctx.t) if ctx.t is not None else ctx.y


def _ta(ctx, atk):
    if ctx.t is not None:
        atk.set_mode_targeted_by_function(lambda images, labels: (labels + 1) % 10)
    return atk(ctx.x, ctx.y)


# ---------------------------------------------------------------------------- gradient attacks

def art_fgsm(ctx):
    from art.attacks.evasion import FastGradientMethod
    return FastGradientMethod(ctx.art(), norm=INF, eps=0.1, eps_step=0.1, batch_size=ctx.n).generate(ctx.x_np, y=ctx.onehot(ctx.y_np))


def ta_fgsm(ctx):
    import torchattacks
    return _ta(ctx, torchattacks.FGSM(ctx.net, eps=0.1))


def fb_fgsm(ctx):
    import foolbox
    return _fb_run(ctx, foolbox.attacks.FGSM(), 0.1)


def art_bim(ctx):
    from art.attacks.evasion import BasicIterativeMethod
    return BasicIterativeMethod(ctx.art(), eps=0.1, eps_step=0.01, max_iter=10, batch_size=ctx.n,
                                verbose=False).generate(ctx.x_np, y=ctx.onehot(ctx.y_np))


def ta_bim(ctx):
    import torchattacks
    return _ta(ctx, torchattacks.BIM(ctx.net, eps=0.1, alpha=0.01, steps=10))


def fb_bim(ctx):
    import foolbox
    return _fb_run(ctx, foolbox.attacks.LinfBasicIterativeAttack(abs_stepsize=0.01, steps=10, random_start=False), 0.1)


def art_pgd(norm, eps, step, steps):
    def f(ctx):
        from art.attacks.evasion import ProjectedGradientDescent
        return ProjectedGradientDescent(ctx.art(), norm=norm, eps=eps, eps_step=step, max_iter=steps, num_random_init=1,
                                        batch_size=ctx.n, verbose=False).generate(ctx.x_np, y=ctx.onehot(ctx.y_np))
    return f


def ta_pgd_linf(ctx):
    import torchattacks
    return _ta(ctx, torchattacks.PGD(ctx.net, eps=0.1, alpha=0.01, steps=40, random_start=True))


def ta_pgd_l2(ctx):
    import torchattacks
    return _ta(ctx, torchattacks.PGDL2(ctx.net, eps=1.0, alpha=0.1, steps=40, random_start=True))


def fb_pgd_linf(ctx):
    import foolbox
    return _fb_run(ctx, foolbox.attacks.LinfPGD(abs_stepsize=0.01, steps=40, random_start=True), 0.1)


def fb_pgd_l2(ctx):
    import foolbox
    return _fb_run(ctx, foolbox.attacks.L2PGD(abs_stepsize=0.1, steps=40, random_start=True), 1.0)


def art_mim(ctx):
    from art.attacks.evasion import MomentumIterativeMethod
    return MomentumIterativeMethod(ctx.art(), norm=INF, eps=0.1, eps_step=0.01, decay=1.0, max_iter=10, batch_size=ctx.n,
                                   verbose=False).generate(ctx.x_np, y=ctx.onehot(ctx.y_np))


def ta_mim(ctx):
    import torchattacks
    return _ta(ctx, torchattacks.MIFGSM(ctx.net, eps=0.1, alpha=0.01, steps=10, decay=1.0))


# ---------------------------------------------------------------------------- Auto-PGD family

def aa_apgd(loss):
    def f(ctx):
        from autoattack.autopgd_base import APGDAttack
        a = APGDAttack(ctx.net, n_iter=100, norm="Linf", n_restarts=1, eps=0.1, seed=ctx.seed, loss=loss, rho=.75,
                       device="cpu")
        return a.perturb(ctx.x, ctx.y)
    return f


def ta_apgd(loss):
    def f(ctx):
        import torchattacks
        return _ta(ctx, torchattacks.APGD(ctx.net, norm="Linf", eps=0.1, steps=100, n_restarts=1, seed=ctx.seed, loss=loss,
                                          rho=.75))
    return f


def art_apgd(loss):
    def f(ctx):
        from art.attacks.evasion import AutoProjectedGradientDescent
        return AutoProjectedGradientDescent(ctx.art(), norm=INF, eps=0.1, eps_step=0.2, max_iter=100, nb_random_init=1,
                                            batch_size=ctx.n, loss_type=loss, verbose=False).generate(
            ctx.x_np, y=ctx.onehot(ctx.y_np))
    return f


def aa_apgdt(ctx):
    from autoattack.autopgd_base import APGDAttack_targeted
    a = APGDAttack_targeted(ctx.net, n_iter=100, norm="Linf", n_restarts=1, eps=0.1, seed=ctx.seed, rho=.75,
                            device="cpu", n_target_classes=9)
    return a.perturb(ctx.x, ctx.y)


def ta_apgdt(ctx):
    import torchattacks
    return torchattacks.APGDT(ctx.net, norm="Linf", eps=0.1, steps=100, n_restarts=1, seed=ctx.seed, rho=.75,
                              n_classes=10)(ctx.x, ctx.y)


def aa_autoattack(ctx):
    from autoattack import AutoAttack
    a = AutoAttack(ctx.net, norm="Linf", eps=0.1, version="standard", seed=ctx.seed, device="cpu", verbose=False)
    return a.run_standard_evaluation(ctx.x, ctx.y, bs=ctx.n)


def ta_autoattack(ctx):
    import torchattacks
    return torchattacks.AutoAttack(ctx.net, norm="Linf", eps=0.1, version="standard", n_classes=10, seed=ctx.seed)(ctx.x, ctx.y)


def aa_fab(targeted):
    def f(ctx):
        from autoattack.fab_pt import FABAttack_PT
        a = FABAttack_PT(ctx.net, norm="Linf", n_restarts=1, n_iter=100, eps=1.0, alpha_max=0.1, eta=1.05, beta=0.9,
                         seed=ctx.seed, targeted=targeted, device="cpu", n_target_classes=9)
        return a.perturb(ctx.x, ctx.y)
    return f


def ta_fab(targeted):
    def f(ctx):
        import torchattacks
        return torchattacks.FAB(ctx.net, norm="Linf", eps=1.0, steps=100, n_restarts=1, alpha_max=0.1, eta=1.05, beta=0.9,
                                seed=ctx.seed, multi_targeted=targeted, n_classes=10)(ctx.x, ctx.y)
    return f


# ---------------------------------------------------------------------------- minimal-norm attacks

CW = dict(bss=6, steps=100, lr=0.01, c0=0.01)


def art_cw(ctx):
    from art.attacks.evasion import CarliniL2Method
    return CarliniL2Method(ctx.art(), confidence=0.0, learning_rate=CW["lr"], binary_search_steps=CW["bss"],
                           max_iter=CW["steps"], initial_const=CW["c0"], batch_size=ctx.n, verbose=False).generate(
        ctx.x_np, y=ctx.onehot(ctx.y_np))


def fb_cw(ctx):
    import foolbox
    return _fb_run(ctx, foolbox.attacks.L2CarliniWagnerAttack(binary_search_steps=CW["bss"], steps=CW["steps"],
                                                              stepsize=CW["lr"], confidence=0, initial_const=CW["c0"],
                                                              abort_early=True), None)


EAD = dict(bss=6, steps=100, lr=0.01, c0=0.01, beta=0.01)


def art_ead(ctx):
    from art.attacks.evasion import ElasticNet
    return ElasticNet(ctx.art(), confidence=0.0, learning_rate=EAD["lr"], binary_search_steps=EAD["bss"],
                      max_iter=EAD["steps"], beta=EAD["beta"], initial_const=EAD["c0"], batch_size=ctx.n,
                      decision_rule="EN", verbose=False).generate(ctx.x_np, y=ctx.onehot(ctx.y_np))


def fb_ead(ctx):
    import foolbox
    return _fb_run(ctx, foolbox.attacks.EADAttack(binary_search_steps=EAD["bss"], steps=EAD["steps"],
                                                  initial_stepsize=EAD["lr"], confidence=0, initial_const=EAD["c0"],
                                                  regularization=EAD["beta"], decision_rule="EN", abort_early=True), None)


def ta_ead(ctx):
    import torchattacks
    return torchattacks.EADEN(ctx.net, kappa=0, lr=EAD["lr"], binary_search_steps=EAD["bss"], max_iterations=EAD["steps"],
                              abort_early=True, initial_const=EAD["c0"], beta=EAD["beta"])(ctx.x, ctx.y)


def art_deepfool(ctx):
    from art.attacks.evasion import DeepFool
    return DeepFool(ctx.art(), max_iter=50, epsilon=0.02, nb_grads=10, batch_size=ctx.n, verbose=False).generate(ctx.x_np)


def ta_deepfool(ctx):
    import torchattacks
    return torchattacks.DeepFool(ctx.net, steps=50, overshoot=0.02)(ctx.x, ctx.y)


def fb_deepfool(ctx):
    import foolbox
    return _fb_run(ctx, foolbox.attacks.L2DeepFoolAttack(steps=50, candidates=10, overshoot=0.02, loss="logits"), None)


def art_jsma(ctx):
    from art.attacks.evasion import SaliencyMapMethod
    return SaliencyMapMethod(ctx.art(), theta=1.0, gamma=0.1, batch_size=ctx.n, verbose=False).generate(
        ctx.x_np, y=ctx.onehot(ctx.t_np))


def ta_jsma(ctx):
    import torchattacks
    return _ta(ctx, torchattacks.JSMA(ctx.net, theta=1.0, gamma=0.1))


# ---------------------------------------------------------------------------- score-based black box

class _SquareModel:
    """The model as the authors' attack.py expects it: predict() -> logits, loss() = margin loss."""

    def __init__(self, net):
        self.net = net

    def predict(self, x):
        with torch.no_grad():
            return self.net(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))).numpy()

    def loss(self, y, logits, targeted=False, loss_type="margin_loss"):
        # the margin loss of the authors' models.Model.loss (models.py is not importable without
        # TensorFlow): logit of the true class minus the largest other logit
        correct = (logits * y).sum(1, keepdims=True)
        diff = correct - logits
        diff[y] = np.inf
        margin = diff.min(1, keepdims=True)
        return (margin * -1 if targeted else margin).flatten()


def max_andr_square(norm, eps, p_init, n_iters):
    def f(ctx):
        import tempfile
        import os
        from conformance import square_ref
        ref = square_ref()
        model = _SquareModel(ctx.net)
        y1h = np.eye(10, dtype=bool)[ctx.y_np]
        corr = model.predict(ctx.x_np).argmax(1) == ctx.y_np
        fn = ref.square_attack_linf if norm == "linf" else ref.square_attack_l2
        with tempfile.TemporaryDirectory() as d:
            n_q, x_best = fn(model, ctx.x_np.astype(np.float32), y1h, corr, eps, n_iters, p_init,
                             os.path.join(d, "metrics.npy"), False, "margin_loss")
        adv = ctx.x_np.copy()
        adv[corr] = x_best
        q = np.zeros(ctx.n)
        q[corr] = n_q
        return adv, {"queries_attack_mean": float(q.mean())}
    return f


def ta_square(norm, eps, p_init, n_q):
    def f(ctx):
        import torchattacks
        return torchattacks.Square(ctx.net, norm=norm, eps=eps, n_queries=n_q, n_restarts=1, p_init=p_init, loss="margin",
                                   resc_schedule=True, seed=ctx.seed)(ctx.x, ctx.y)
    return f


def aa_square(norm, eps, p_init, n_q):
    def f(ctx):
        from autoattack.square import SquareAttack
        return SquareAttack(ctx.net, norm=norm, n_queries=n_q, eps=eps, p_init=p_init, n_restarts=1, seed=ctx.seed,
                            loss="margin", resc_schedule=True, device="cpu").perturb(ctx.x, ctx.y)
    return f


def art_square(norm, eps, p_init, n_q):
    def f(ctx):
        from art.attacks.evasion import SquareAttack
        return SquareAttack(ctx.art(), norm=norm, max_iter=n_q, eps=eps, p_init=p_init, nb_restarts=1, batch_size=ctx.n,
                            verbose=False).generate(ctx.x_np, y=ctx.onehot(ctx.y_np))
    return f


def art_simba(ctx):
    from art.attacks.evasion import SimBA
    # ART's SimBA refuses an estimator whose outputs are not probabilities: give it softmax(logits)
    from art.estimators.classification import PyTorchClassifier
    probs = torch.nn.Sequential(ctx.net, torch.nn.Softmax(dim=1))
    clf = PyTorchClassifier(model=probs, loss=torch.nn.CrossEntropyLoss(), input_shape=tuple(ctx.x_np.shape[1:]),
                            nb_classes=10, clip_values=(0.0, 1.0), device_type="cpu")
    return SimBA(clf, attack="dct", max_iter=500, order="random", epsilon=0.2, freq_dim=4, stride=1,
                 targeted=False, batch_size=1, verbose=False).generate(ctx.x_np, y=ctx.onehot(ctx.y_np))


def art_zoo(ctx):
    from art.attacks.evasion import ZooAttack
    return ZooAttack(ctx.art(), confidence=0.0, targeted=False, learning_rate=0.01, max_iter=20, binary_search_steps=1,
                     initial_const=10.0, abort_early=True, use_resize=False, use_importance=False, nb_parallel=128,
                     batch_size=1, variable_h=1e-4, verbose=False).generate(ctx.x_np, y=ctx.onehot(ctx.y_np))


def art_pixel(ctx):
    from art.attacks.evasion import PixelAttack
    return PixelAttack(ctx.art(), th=1, es=1, max_iter=10, targeted=False, verbose=False).generate(ctx.x_np, y=ctx.onehot(ctx.y_np))


def ta_pixel(ctx):
    import torchattacks
    return torchattacks.OnePixel(ctx.net, pixels=1, steps=10, popsize=400, inf_batch=400)(ctx.x, ctx.y)


# ---------------------------------------------------------------------------- decision-based

def fb_boundary(ctx):
    import foolbox
    return _fb_run(ctx, foolbox.attacks.BoundaryAttack(steps=1000, spherical_step=0.01, source_step=0.01,
                                                       step_adaptation=1.5), None)


def art_boundary(ctx):
    from art.attacks.evasion import BoundaryAttack
    return BoundaryAttack(ctx.art(), batch_size=64, targeted=False, delta=0.01, epsilon=0.01, step_adapt=0.667, max_iter=55,
                          num_trial=25, sample_size=20, init_size=100, verbose=False).generate(ctx.x_np, y=ctx.onehot(ctx.y_np))


def art_hsj(ctx):
    from art.attacks.evasion import HopSkipJump
    return HopSkipJump(ctx.art(), batch_size=64, targeted=False, norm=2, max_iter=10, max_eval=1000, init_eval=100,
                       init_size=100, verbose=False).generate(ctx.x_np, y=ctx.onehot(ctx.y_np))


def fb_hsj(ctx):
    import foolbox
    return _fb_run(ctx, foolbox.attacks.HopSkipJumpAttack(steps=10, initial_gradient_eval_steps=100,
                                                          max_gradient_eval_steps=1000, gamma=1.0, constraint="l2"), None)


# ---------------------------------------------------------------------------- the rows

ALL = {"cnn": 100, "cnn2": 200}
HEAVY = {"cnn": 100, "cnn2": 100}   # the expensive rows take the first 100 images of cnn2 (time budget)

ROWS = [
    dict(id="fgsm", title="FGSM L∞ ε=0.1", kind="bounded", norm="linf", eps=0.1, samples=ALL,
         settings="one L∞ step of size ε = 0.1, cross-entropy on the true label",
         robust4j=("fgsm", {"eps": 0.1}),
         refs={"ART": art_fgsm, "torchattacks": ta_fgsm, "Foolbox": fb_fgsm},
         mapping={"ART": "FastGradientMethod(norm=inf, eps=0.1, eps_step=0.1), y = true labels",
                  "torchattacks": "FGSM(eps=0.1)", "Foolbox": "FGSM() (= LinfFastGradientAttack, no random start), epsilons=0.1",
                  "robust4j": "fgsm eps=0.1"}),
    dict(id="bim", title="BIM L∞ ε=0.1, 10×0.01", kind="bounded", norm="linf", eps=0.1, samples=ALL,
         settings="10 L∞ steps of 0.01 from the clean input, projection on the 0.1-ball, final iterate returned",
         robust4j=("bim", {"eps": 0.1, "steps": 10, "step-size": 0.01, "early-stop": "false"}),
         refs={"ART": art_bim, "torchattacks": ta_bim, "Foolbox": fb_bim},
         mapping={"ART": "BasicIterativeMethod(eps=0.1, eps_step=0.01, max_iter=10)",
                  "torchattacks": "BIM(eps=0.1, alpha=0.01, steps=10)",
                  "Foolbox": "LinfBasicIterativeAttack(abs_stepsize=0.01, steps=10, random_start=False)",
                  "robust4j": "bim eps=0.1 steps=10 step-size=0.01 early-stop=false (robust4j's default early stop returns the first adversarial iterate; the references return the last)"}),
    dict(id="pgd-linf", title="PGD L∞ ε=0.1, 40×0.01", kind="bounded", norm="linf", eps=0.1, samples=ALL,
         settings="uniform random start in the ball, 40 L∞ steps of 0.01, 1 restart, final iterate",
         robust4j=("pgd", {"eps": 0.1, "steps": 40, "step-size": 0.01, "random-start": "true", "restarts": 1, "early-stop": "false"}),
         refs={"ART": art_pgd(INF, 0.1, 0.01, 40), "torchattacks": ta_pgd_linf, "Foolbox": fb_pgd_linf},
         mapping={"ART": "ProjectedGradientDescent(norm=inf, eps=0.1, eps_step=0.01, max_iter=40, num_random_init=1)",
                  "torchattacks": "PGD(eps=0.1, alpha=0.01, steps=40, random_start=True)",
                  "Foolbox": "LinfPGD(abs_stepsize=0.01, steps=40, random_start=True) (abs_stepsize overrides rel_stepsize=0.01/0.3·ε)",
                  "robust4j": "pgd eps=0.1 steps=40 step-size=0.01 random-start=true restarts=1 early-stop=false"}),
    dict(id="pgd-l2", title="PGD L2 ε=1.0, 40×0.1", kind="bounded", norm="l2", eps=1.0, samples=ALL,
         settings="random start in the L2 ball, 40 normalised-gradient steps of 0.1, 1 restart, final iterate",
         robust4j=("pgd", {"norm": "l2", "eps": 1.0, "steps": 40, "step-size": 0.1, "random-start": "true", "restarts": 1, "early-stop": "false"}),
         refs={"ART": art_pgd(2, 1.0, 0.1, 40), "torchattacks": ta_pgd_l2, "Foolbox": fb_pgd_l2},
         mapping={"ART": "ProjectedGradientDescent(norm=2, eps=1.0, eps_step=0.1, max_iter=40, num_random_init=1)",
                  "torchattacks": "PGDL2(eps=1.0, alpha=0.1, steps=40, random_start=True)",
                  "Foolbox": "L2PGD(abs_stepsize=0.1, steps=40, random_start=True)",
                  "robust4j": "pgd norm=l2 eps=1.0 steps=40 step-size=0.1 random-start=true early-stop=false"}),
    dict(id="mim", title="MIM L∞ ε=0.1, 10×0.01, μ=1", kind="bounded", norm="linf", eps=0.1, samples=ALL,
         settings="10 momentum steps of 0.01 (decay 1.0, gradient L1-normalised), no random start, final iterate",
         robust4j=("mim", {"eps": 0.1, "steps": 10, "step-size": 0.01, "decay": 1.0, "early-stop": "false"}),
         refs={"ART": art_mim, "torchattacks": ta_mim},
         mapping={"ART": "MomentumIterativeMethod(norm=inf, eps=0.1, eps_step=0.01, decay=1.0, max_iter=10)",
                  "torchattacks": "MIFGSM(eps=0.1, alpha=0.01, steps=10, decay=1.0)",
                  "Foolbox": "(no MIM)", "robust4j": "mim eps=0.1 steps=10 step-size=0.01 decay=1.0 early-stop=false"}),
    dict(id="apgd-ce", title="APGD-CE L∞ ε=0.1, 100 it.", kind="bounded", norm="linf", eps=0.1, samples=ALL,
         settings="Auto-PGD, cross-entropy, 100 iterations, 1 restart, ρ = 0.75",
         robust4j=("apgd-ce", {"eps": 0.1, "steps": 100, "restarts": 1, "rho": 0.75}),
         refs={"autoattack": aa_apgd("ce"), "torchattacks": ta_apgd("ce"), "ART": art_apgd("cross_entropy")},
         mapping={"autoattack": "APGDAttack(norm='Linf', eps=0.1, n_iter=100, n_restarts=1, loss='ce', rho=.75)",
                  "torchattacks": "APGD(norm='Linf', eps=0.1, steps=100, n_restarts=1, loss='ce', rho=.75)",
                  "ART": "AutoProjectedGradientDescent(norm=inf, eps=0.1, eps_step=0.2 (= 2ε, the paper's initial step), max_iter=100, nb_random_init=1, loss_type='cross_entropy')",
                  "robust4j": "apgd-ce eps=0.1 steps=100 restarts=1 rho=0.75"}),
    dict(id="apgd-dlr", title="APGD-DLR L∞ ε=0.1, 100 it.", kind="bounded", norm="linf", eps=0.1, samples=ALL,
         settings="Auto-PGD, DLR loss, 100 iterations, 1 restart, ρ = 0.75",
         robust4j=("apgd-dlr", {"eps": 0.1, "steps": 100, "restarts": 1, "rho": 0.75}),
         refs={"autoattack": aa_apgd("dlr"), "torchattacks": ta_apgd("dlr"), "ART": art_apgd("difference_logits_ratio")},
         mapping={"autoattack": "APGDAttack(..., loss='dlr')", "torchattacks": "APGD(..., loss='dlr')",
                  "ART": "AutoProjectedGradientDescent(..., loss_type='difference_logits_ratio')",
                  "robust4j": "apgd-dlr eps=0.1 steps=100 restarts=1 rho=0.75"}),
    dict(id="apgd-t", title="APGD-T L∞ ε=0.1, 9 targets × 100 it.", kind="bounded", norm="linf", eps=0.1, samples=HEAVY,
         settings="targeted DLR Auto-PGD over the 9 highest other classes, 100 iterations each, 1 restart; untargeted success",
         robust4j=("apgd-t", {"eps": 0.1, "steps": 100, "restarts": 1, "target-classes": 9}),
         refs={"autoattack": aa_apgdt, "torchattacks": ta_apgdt},
         mapping={"autoattack": "APGDAttack_targeted(norm='Linf', eps=0.1, n_iter=100, n_restarts=1, n_target_classes=9)",
                  "torchattacks": "APGDT(norm='Linf', eps=0.1, steps=100, n_restarts=1, n_classes=10) (9 targets)",
                  "ART": "(APGD targeted needs explicit targets; not the AutoAttack APGD-T loop)",
                  "robust4j": "apgd-t eps=0.1 steps=100 restarts=1 target-classes=9"}),
    dict(id="auto-attack", title="AutoAttack standard L∞ ε=0.1", kind="bounded", norm="linf", eps=0.1, samples=HEAVY,
         settings="version 'standard': APGD-CE, APGD-T (9), FAB-T (9), Square (5,000 queries), each on the still-robust samples",
         robust4j=("auto-attack", {"eps": 0.1, "version": "standard"}),
         refs={"autoattack": aa_autoattack, "torchattacks": ta_autoattack},
         mapping={"autoattack": "AutoAttack(norm='Linf', eps=0.1, version='standard').run_standard_evaluation(bs=N)",
                  "torchattacks": "AutoAttack(norm='Linf', eps=0.1, version='standard', n_classes=10)",
                  "robust4j": "auto-attack eps=0.1 (version standard)"}),
    dict(id="fab", title="FAB L∞ untargeted, minimal", kind="minimal", metric_norm="linf", norm="linf", eps=None,
         samples=HEAVY, settings="untargeted FAB, 100 iterations, 1 restart (no random start), α_max 0.1, η 1.05, β 0.9; no budget (reference ε = 1, the whole box)",
         robust4j=("fab", {"variant": "fab", "steps": 100, "restarts": 1, "alpha-max": 0.1, "eta": 1.05, "beta": 0.9}),
         refs={"autoattack": aa_fab(False), "torchattacks": ta_fab(False)},
         mapping={"autoattack": "FABAttack_PT(norm='Linf', n_iter=100, n_restarts=1, eps=1.0, targeted=False)",
                  "torchattacks": "FAB(norm='Linf', eps=1.0, steps=100, n_restarts=1, multi_targeted=False)",
                  "robust4j": "fab variant=fab steps=100 restarts=1 (no eps: minimal)"}),
    dict(id="fab-t", title="FAB-T L∞ (9 targets), minimal", kind="minimal", metric_norm="linf", norm="linf", eps=None,
         samples=HEAVY, settings="targeted FAB over the 9 highest other classes, 100 iterations each, 1 restart; untargeted success; no budget",
         robust4j=("fab", {"variant": "fab-t", "steps": 100, "restarts": 1, "target-classes": 9}),
         refs={"autoattack": aa_fab(True), "torchattacks": ta_fab(True)},
         mapping={"autoattack": "FABAttack_PT(norm='Linf', n_iter=100, n_restarts=1, eps=1.0, targeted=True, n_target_classes=9)",
                  "torchattacks": "FAB(norm='Linf', eps=1.0, steps=100, n_restarts=1, multi_targeted=True, n_classes=10)",
                  "robust4j": "fab variant=fab-t steps=100 restarts=1 target-classes=9"}),
    dict(id="cw-l2", title="C&W L2, 6 searches × 100 it.", kind="minimal", metric_norm="l2", norm="l2", eps=None,
         samples={"cnn": 30, "cnn2": 30}, settings="confidence 0, Adam lr 0.01 in tanh space, 6 binary-search steps over c from 0.01, 100 iterations each, early abort",
         robust4j=("cw-l2", {"confidence": 0, "learning-rate": 0.01, "binary-search-steps": CW["bss"], "max-iter": CW["steps"],
                             "initial-const": CW["c0"], "abort-early": "true"}),
         refs={"Foolbox": fb_cw},
         mapping={"ART": "(CarliniL2Method(confidence=0, learning_rate=0.01, binary_search_steps=6, max_iter=100, initial_const=0.01) did not finish 30 samples in 8 minutes on the shared 2-core machine — its NumPy inner loop adds a learning-rate halving/doubling line search at every iteration — so it is left out; art_cw in rows.py is kept for a faster machine)",
                  "Foolbox": "L2CarliniWagnerAttack(binary_search_steps=6, steps=100, stepsize=0.01, confidence=0, initial_const=0.01, abort_early=True), epsilons=None",
                  "torchattacks": "(CW has a fixed c and no binary search: not the same algorithm, left out)",
                  "robust4j": "cw-l2 confidence=0 learning-rate=0.01 binary-search-steps=6 max-iter=100 initial-const=0.01"}),
    dict(id="ead", title="EAD (EN rule), β=0.01", kind="minimal", metric_norm="l1", norm="l1", eps=None,
         samples={"cnn": 30, "cnn2": 30}, settings="elastic net β = 0.01, EN decision rule, ISTA/FISTA lr 0.01, 6 binary-search steps from c = 0.01, 100 iterations, confidence 0",
         robust4j=("ead", {"beta": EAD["beta"], "decision-rule": "en", "confidence": 0, "learning-rate": EAD["lr"],
                           "binary-search-steps": EAD["bss"], "max-iter": EAD["steps"], "initial-const": EAD["c0"]}),
         refs={"Foolbox": fb_ead, "torchattacks": ta_ead},
         mapping={"ART": "(ElasticNet(beta=0.01, decision_rule='EN', learning_rate=0.01, binary_search_steps=6, max_iter=100, initial_const=0.01) did not finish 30 samples within 240 s on cnn (recorded as a timeout there) and is left out of the run; art_ead in rows.py is kept for a faster machine)",
                  "Foolbox": "EADAttack(regularization=0.01, decision_rule='EN', initial_stepsize=0.01, binary_search_steps=6, steps=100, initial_const=0.01)",
                  "torchattacks": "EADEN(beta=0.01, lr=0.01, binary_search_steps=6, max_iterations=100, initial_const=0.01)",
                  "robust4j": "ead beta=0.01 decision-rule=en learning-rate=0.01 binary-search-steps=6 max-iter=100 initial-const=0.01"}),
    dict(id="deepfool", title="DeepFool L2, 10 candidates", kind="minimal", metric_norm="l2", norm="l2", eps=None,
         samples=ALL, settings="L2 DeepFool over the top 10 classes, overshoot 0.02, at most 50 iterations",
         robust4j=("deepfool", {"norm": "l2", "candidates": 10, "overshoot": 0.02, "max-iter": 50}),
         refs={"ART": art_deepfool, "torchattacks": ta_deepfool, "Foolbox": fb_deepfool},
         mapping={"ART": "DeepFool(max_iter=50, epsilon=0.02, nb_grads=10)", "torchattacks": "DeepFool(steps=50, overshoot=0.02) (all classes)",
                  "Foolbox": "L2DeepFoolAttack(steps=50, candidates=10, overshoot=0.02, loss='logits')",
                  "robust4j": "deepfool norm=l2 candidates=10 overshoot=0.02 max-iter=50"}),
    dict(id="jsma", title="JSMA targeted (y+1) mod 10, θ=1, γ=0.1", kind="bounded", norm=None, eps=None, targeted=True,
         samples={"cnn": 50, "cnn2": 50},
         settings="targeted at (y + 1) mod 10, θ = +1 (features increased), γ = 0.1 (at most 10% of the 784 features), success = reaching the target",
         robust4j=("jsma", {"theta": 1.0, "gamma": 0.1}),
         refs={"ART": art_jsma, "torchattacks": ta_jsma},
         mapping={"ART": "SaliencyMapMethod(theta=1.0, gamma=0.1), y = one-hot targets",
                  "torchattacks": "JSMA(theta=1.0, gamma=0.1), set_mode_targeted_by_function((y+1) % 10)",
                  "robust4j": "jsma theta=1 gamma=0.1 --target next"}),
    dict(id="square-linf", title="Square L∞ ε=0.1, 1,000 queries", kind="bounded", norm="linf", eps=0.1, samples=ALL,
         settings="margin loss, p_init 0.8, at most 1,000 queries per sample, 1 restart",
         robust4j=("square", {"norm": "linf", "eps": 0.1, "max-queries": 1000, "p-init": 0.8}),
         refs={"max-andr": max_andr_square("linf", 0.1, 0.8, 1000), "autoattack": aa_square("Linf", 0.1, 0.8, 1000),
               "torchattacks": ta_square("Linf", 0.1, 0.8, 1000), "ART": art_square(INF, 0.1, 0.8, 1000)},
         mapping={"max-andr": "attack.square_attack_linf(eps=0.1, n_iters=1000, p_init=0.8, loss_type='margin_loss') on the correctly classified samples",
                  "autoattack": "square.SquareAttack(norm='Linf', eps=0.1, n_queries=1000, p_init=0.8, n_restarts=1)",
                  "torchattacks": "Square(norm='Linf', eps=0.1, n_queries=1000, p_init=0.8, n_restarts=1, loss='margin')",
                  "ART": "SquareAttack(norm=inf, eps=0.1, max_iter=1000, p_init=0.8, nb_restarts=1)",
                  "robust4j": "square norm=linf eps=0.1 max-queries=1000 p-init=0.8"}),
    dict(id="square-l2", title="Square L2 ε=2.0, 1,000 queries", kind="bounded", norm="l2", eps=2.0, samples=ALL,
         settings="margin loss, p_init 0.1, at most 1,000 queries per sample, 1 restart",
         robust4j=("square", {"norm": "l2", "eps": 2.0, "max-queries": 1000, "p-init": 0.1}),
         refs={"max-andr": max_andr_square("l2", 2.0, 0.1, 1000), "autoattack": aa_square("L2", 2.0, 0.1, 1000),
               "torchattacks": ta_square("L2", 2.0, 0.1, 1000), "ART": art_square(2, 2.0, 0.1, 1000)},
         mapping={"max-andr": "attack.square_attack_l2(eps=2.0, n_iters=1000, p_init=0.1)",
                  "autoattack": "square.SquareAttack(norm='L2', eps=2.0, n_queries=1000, p_init=0.1)",
                  "torchattacks": "Square(norm='L2', eps=2.0, n_queries=1000, p_init=0.1)",
                  "ART": "SquareAttack(norm=2, eps=2.0, max_iter=1000, p_init=0.1)",
                  "robust4j": "square norm=l2 eps=2.0 max-queries=1000 p-init=0.1"}),
    dict(id="simba", title="SimBA-DCT ε=0.2, ≤1,000 queries", kind="bounded", norm=None, eps=None,
         samples={"cnn": 50, "cnn2": 50},
         settings="DCT basis, step 0.2, low-frequency block order from a 4×4 block, stride 1; at most ~1,000 queries per sample; no norm budget",
         robust4j=("simba", {"basis": "dct", "epsilon": 0.2, "max-queries": 1000, "freq-dims": 4, "stride": 1}),
         refs={"ART": art_simba},
         mapping={"ART": "SimBA on softmax(logits) (it refuses logits), attack='dct', epsilon=0.2, max_iter=500 (1-2 queries per iteration ⇒ ≤ ~1,000 queries), order='random', freq_dim=4, stride=1)",
                  "robust4j": "simba basis=dct epsilon=0.2 max-queries=1000 freq-dims=4 stride=1"}),
    dict(id="zoo", title="ZOO-ADAM, 20 it. × 128 coords", kind="bounded", norm=None, eps=None, samples={"cnn": 20, "cnn2": 20},
         settings="ZOO-ADAM, symmetric differences h = 1e-4, 128 coordinates per iteration, 20 iterations (5,120 queries), lr 0.01, c = 10, 1 binary-search step, no resize/importance sampling",
         robust4j=("zoo", {"max-iter": 20, "nb-parallel": 128, "learning-rate": 0.01, "confidence": 0, "initial-const": 10,
                           "binary-search-steps": 1}),
         refs={"ART": art_zoo},
         mapping={"ART": "ZooAttack(max_iter=20, nb_parallel=128, learning_rate=0.01, initial_const=10, binary_search_steps=1, use_resize=False, use_importance=False, variable_h=1e-4)",
                  "robust4j": "zoo max-iter=20 nb-parallel=128 learning-rate=0.01 initial-const=10 binary-search-steps=1"}),
    dict(id="one-pixel", title="One-pixel, DE pop. ≈400, 10 gen.", kind="bounded", norm="l0", eps=1, samples={"cnn": 20, "cnn2": 20},
         settings="1 pixel, differential evolution DE/rand/1 without crossover, population ≈ 400, 10 generations (≈ 4,400 queries)",
         robust4j=("one-pixel", {"pixels": 1, "population": 400, "max-iter": 10, "crossover": 1}),
         refs={"ART": art_pixel, "torchattacks": ta_pixel},
         mapping={"ART": "PixelAttack(th=1, es=1 (DE), max_iter=10): popsize 400 // 3 per parameter ⇒ 399, recombination 1",
                  "torchattacks": "OnePixel(pixels=1, steps=10, popsize=400) ⇒ 133 × 3 = 399, recombination 1",
                  "robust4j": "one-pixel pixels=1 population=400 max-iter=10 crossover=1"}),
    dict(id="boundary", title="Boundary (L2, labels), ~2,000 queries", kind="minimal", metric_norm="l2", norm="l2", eps=None,
         samples={"cnn": 20, "cnn2": 20},
         settings="decision-based, minimal L2, spherical and source steps 0.01, adaptation 1.5; budget ≈ 2,000 queries (the references' step counts are chosen to spend about that; the measured queries are in the table)",
         robust4j=("boundary", {"max-queries": 2000, "spherical-step": 0.01, "source-step": 0.01, "step-adaptation": 1.5}),
         refs={"Foolbox": fb_boundary, "ART": art_boundary},
         mapping={"Foolbox": "BoundaryAttack(steps=1000, spherical_step=0.01, source_step=0.01, step_adaptation=1.5): 2 queries per step, init = LinearSearchBlendedUniformNoiseAttack",
                  "ART": "BoundaryAttack(targeted=False, delta=0.01, epsilon=0.01, step_adapt=0.667, max_iter=55, num_trial=25, sample_size=20, init_size=100): ≈ 35 queries per iteration on cnn",
                  "robust4j": "boundary max-queries=2000 spherical-step=0.01 source-step=0.01 step-adaptation=1.5"}),
    dict(id="hop-skip-jump", title="HopSkipJump L2, 10 it.", kind="minimal", metric_norm="l2", norm="l2", eps=None,
         samples={"cnn": 20, "cnn2": 20},
         settings="decision-based, minimal L2, 10 iterations, 100·√t gradient samples up to 1,000, γ = 1, geometric step search",
         robust4j=("hop-skip-jump", {"norm": "l2", "max-iter": 10, "init-evals": 100, "max-evals": 1000, "gamma": 1.0,
                                     "init-trials": 100, "max-queries": 100000}),
         refs={"ART": art_hsj, "Foolbox": fb_hsj},
         mapping={"ART": "HopSkipJump(norm=2, max_iter=10, max_eval=1000, init_eval=100, init_size=100)",
                  "Foolbox": "HopSkipJumpAttack(steps=10, initial_gradient_eval_steps=100, max_gradient_eval_steps=1000, gamma=1.0, constraint='l2')",
                  "robust4j": "hop-skip-jump norm=l2 max-iter=10 init-evals=100 max-evals=1000 gamma=1 init-trials=100 (max-queries high enough not to bind)"}),
]
