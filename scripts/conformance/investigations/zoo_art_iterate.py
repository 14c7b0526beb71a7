"""Why ART's ZooAttack breaks more samples than robust4j's ZOO on the `cnn` fixture.

ART 1.20.1's `ZooAttack._optimizer(x, ...)` returns `x + current_noise`, and `_generate_bss` passes
it the previous iterate, so the iterate after t iterations is x0 + noise_1 + ... + noise_t: the whole
current noise is added again every iteration, while the loss's L2 term sees only `current_noise`.
Its probes are likewise evaluated at (previous iterate) + noise +- h. The paper (Chen et al. 2017,
Algorithm 2) and robust4j keep one perturbation delta and evaluate x0 + delta +- h e_i.

This script runs ART's class twice on the first 20 fixture images with the conformance row's
settings: as shipped, and with only that line changed so the iterate is x0 + current_noise (the
probes at x0 + current_noise +- h, everything else - Adam, clipping the noise, the loss - ART's own).
It prints and writes the PyTorch re-check of both.

    /usr/bin/python3 scripts/conformance/investigations/zoo_art_iterate.py [out.json]
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
os.environ.setdefault("CONFORMANCE_REFS", "/work/refs")
import conformance as C  # noqa: E402

C.setup_refs()
import art.attacks.evasion.zoo as zoo_module  # noqa: E402
from art.attacks.evasion import ZooAttack  # noqa: E402

SHIPPED_OPTIMIZER = ZooAttack._optimizer


def optimizer_from_clean_input(self, x, targets, c_batch):
    """ART's `_optimizer` with the iterate x0 + current_noise (x is the previous iterate)."""
    noise = self._current_noise
    n = noise.shape[0]
    x0 = x - noise
    coords = np.zeros((2 * self.nb_parallel * n, noise[0].size), dtype=noise.dtype)
    indices = np.random.choice(coords.shape[-1] * n, self.nb_parallel * n, replace=False) % coords.shape[-1]
    for i in range(self.nb_parallel * n):
        coords[2 * i, indices[i]] += self.variable_h
        coords[2 * i + 1, indices[i]] -= self.variable_h
    expanded_x0 = np.repeat(x0, 2 * self.nb_parallel, axis=0).reshape((-1,) + x.shape[1:])
    expanded_x = np.repeat(x, 2 * self.nb_parallel, axis=0).reshape((-1,) + x.shape[1:])
    expanded_targets = np.repeat(targets, 2 * self.nb_parallel, axis=0)
    expanded_c = np.repeat(c_batch, 2 * self.nb_parallel)
    _, _, loss = self._loss(expanded_x0, expanded_x + coords.reshape(expanded_x.shape), expanded_targets, expanded_c)
    self._current_noise = self._optimizer_adam_coordinate(loss, indices, self.adam_mean, self.adam_var,
                                                          self._current_noise, self.learning_rate, self.adam_epochs, True)
    return x0 + self._current_noise


def run(variant, fx, n):
    ZooAttack._optimizer = SHIPPED_OPTIMIZER if variant == "shipped" else optimizer_from_clean_input
    np.random.seed(0)
    ctx = C.Ctx(fx, n, 0, None)
    attack = ZooAttack(ctx.art(), confidence=0.0, targeted=False, learning_rate=0.01, max_iter=20,
                       binary_search_steps=1, initial_const=10.0, abort_early=True, use_resize=False,
                       use_importance=False, nb_parallel=128, batch_size=1, variable_h=1e-4, verbose=False)
    adv = attack.generate(ctx.x_np, y=ctx.onehot(ctx.y_np))
    s = C.score(fx, ctx.x_np, ctx.y_np, adv)
    return {k: v for k, v in s.items() if not isinstance(v, list)}


def main():
    # scipy's zoom with ratio 1 (ART resizes to the model's own input shape) is the identity; skip it
    zoo_module.zoom = lambda a, zoom=None: a
    fx = C.Fixture("cnn")
    out = {"fixture": "cnn", "samples": 20, "settings": "as the conformance row `zoo`", "art_commit": C.ref_commits().get("Trusted-AI+adversarial-robustness-toolbox")}
    for variant in ("shipped", "iterate-from-clean-input"):
        out[variant] = run(variant, fx, 20)
        print(variant, json.dumps(out[variant]), flush=True)
    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(HERE), "results", "investigations", "zoo-art-iterate-cnn.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
