package dev.robust4j.defence;

import dev.robust4j.param.ParamReader;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.GradientDescentAttack;
import dev.robust4j.attack.Norm;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.defence.training.AdversarialTraining;
import dev.robust4j.defence.training.GaussianAugmentation;
import dev.robust4j.defence.training.LabelSmoothing;
import dev.robust4j.defence.training.Trades;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.nn.BatchTransform;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Makes training-time defences from specs:
 * <ul>
 *   <li>{@code adversarial-training:attack=pgd,eps=0.1,steps=7,step-size=0.02,ratio=1} — attack
 *       names separated by {@code |} rotate per batch; every other key is passed to the attacks;
 *       {@code preset=madry} (PGD, ratio 1, eps 0.1, 7 steps of 0.02 unless given) or
 *       {@code preset=fast} (FGSM from a random start, step 1.25 eps) or {@code preset=trades}
 *       (TRADES, Zhang et al. 2019: {@code beta=6}, and eps 0.1, 7 steps of 0.02 unless given, as
 *       Madry's); {@code static-models=a.pt|b}
 *       adds fixed source models (ensemble adversarial training, Tramèr et al.), rotated per batch
 *       with the model being trained;
 *   <li>{@code gaussian-augmentation:sigma=0.1,ratio=1};
 *   <li>{@code label-smoothing:max-value=0.9}.
 * </ul>
 */
public final class TrainingDefences {

    /** The names this factory knows. */
    public static final List<String> NAMES = List.of("adversarial-training", "gaussian-augmentation", "label-smoothing");

    private TrainingDefences() {}

    /**
     * Makes one training-time defence.
     *
     * @param spec the spec
     * @param bounds the model's input bounds
     * @return the batch transform
     * @throws IllegalArgumentException for unknown names or parameters and bad values
     */
    public static BatchTransform create(DefenceSpec spec, Bounds bounds) {
        return create(spec, bounds, path -> {
            throw new IllegalArgumentException("defence " + spec.name() + ": static-models cannot be loaded here");
        });
    }

    /**
     * Makes one training-time defence, loading the fixed source models of ensemble adversarial
     * training ({@code static-models=a.pt|b}) with the given loader.
     *
     * @param spec the spec
     * @param bounds the model's input bounds
     * @param loader loads a static model from its path; it must be differentiable
     * @return the batch transform
     * @throws IllegalArgumentException for unknown names or parameters and bad values
     */
    public static BatchTransform create(DefenceSpec spec, Bounds bounds, Function<Path, Classifier> loader) {
        ParamReader p = spec.reader();
        switch (spec.name()) {
            case "label-smoothing": {
                float max = p.number("max-value", 0.9f);
                p.done();
                return new LabelSmoothing(max);
            }
            case "gaussian-augmentation": {
                float sigma = p.number("sigma", 0.1f);
                float ratio = p.number("ratio", 1f);
                p.done();
                return new GaussianAugmentation(sigma, ratio, bounds);
            }
            case "adversarial-training": {
                float ratio = p.number("ratio", 1f);
                List<DifferentiableClassifier> statics = staticModels(spec, p.take("static-models"), loader);
                String preset = p.take("preset");
                if ("trades".equals(preset)) {
                    if (!statics.isEmpty() || spec.params().containsKey("ratio")) {
                        throw new IllegalArgumentException("defence " + spec
                                + ": preset=trades takes eps, steps, step-size and beta, not ratio or static-models");
                    }
                    return trades(p);
                }
                if (preset != null) {
                    return preset(spec, preset, p, ratio, statics);
                }
                String names = p.take("attack");
                if (names == null) {
                    throw new IllegalArgumentException(
                            "defence " + spec + " needs attack=NAME (e.g. attack=pgd) or preset=madry|fast|trades");
                }
                Map<String, String> attackParams = p.takeRest();
                List<EvasionAttack> attacks = new ArrayList<>();
                for (String name : names.split("\\|")) {
                    attacks.add(AttackRegistry.create(name.trim(), attackParams));
                }
                return new AdversarialTraining(attacks, ratio, statics);
            }
            default:
                throw new IllegalArgumentException(
                        "unknown training defence '" + spec.name() + "'; known: " + String.join(", ", NAMES));
        }
    }

    private static List<DifferentiableClassifier> staticModels(
            DefenceSpec spec, String paths, Function<Path, Classifier> loader) {
        List<DifferentiableClassifier> out = new ArrayList<>();
        if (paths == null) {
            return out;
        }
        for (String path : paths.split("\\|")) {
            Classifier c = loader.apply(Path.of(path.trim()));
            if (!(c instanceof DifferentiableClassifier)) {
                throw new IllegalArgumentException(
                        "defence " + spec.name() + ": static model " + path + " gives no gradients; it must be a"
                                + " TorchScript file or a model directory");
            }
            out.add((DifferentiableClassifier) c);
        }
        return out;
    }

    private static BatchTransform trades(ParamReader p) {
        float eps = p.number("eps", 0.1f);
        int steps = p.integer("steps", 7);
        float stepSize = p.number("step-size", 0.02f);
        float beta = p.number("beta", 6f);
        p.done();
        try {
            return new Trades(eps, steps, stepSize, beta);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("defence adversarial-training (preset=trades): " + e.getMessage(), e);
        }
    }

    private static BatchTransform preset(
            DefenceSpec spec, String preset, ParamReader p, float ratio, List<DifferentiableClassifier> statics) {
        switch (preset) {
            case "madry": {
                // Madry et al.'s PGD, built through the typed API: eps 0.1, 7 steps of 0.02, no early stop
                float eps = p.number("eps", 0.1f);
                int steps = p.integer("steps", 7);
                float stepSize = p.number("step-size", 0.02f);
                p.done();
                GradientDescentAttack pgd;
                try {
                    pgd = Attacks.pgd(Norm.LINF, eps).steps(steps).stepSize(stepSize).earlyStop(false);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("defence adversarial-training (preset=madry): " + e.getMessage(), e);
                }
                return new AdversarialTraining(List.of(pgd), ratio, statics);
            }
            case "fast": {
                float eps = p.number("eps", 0.1f);
                p.done();
                AdversarialTraining fast = AdversarialTraining.fast(eps);
                return new AdversarialTraining(fast.attacks(), ratio, statics);
            }
            default:
                throw new IllegalArgumentException("defence " + spec + ": preset must be madry, fast or trades, got '" + preset + "'");
        }
    }
}
