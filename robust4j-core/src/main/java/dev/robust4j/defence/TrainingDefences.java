package dev.robust4j.defence;

import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.defence.training.AdversarialTraining;
import dev.robust4j.defence.training.GaussianAugmentation;
import dev.robust4j.defence.training.LabelSmoothing;
import dev.robust4j.model.Bounds;
import dev.robust4j.nn.BatchTransform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes training-time defences from specs:
 * <ul>
 *   <li>{@code adversarial-training:attack=pgd,eps=0.1,steps=7,step-size=0.02,ratio=1} — attack
 *       names separated by {@code |} rotate per batch; every other key is passed to the attacks;
 *       {@code preset=madry} (PGD, ratio 1, eps 0.1, 7 steps of 0.02 unless given) or
 *       {@code preset=fast} (FGSM from a random start, step 1.25 eps);
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
        Map<String, String> p = new LinkedHashMap<>(spec.params());
        switch (spec.name()) {
            case "label-smoothing": {
                float max = number(spec, p, "max-value", 0.9f);
                noneLeft(spec, p);
                return new LabelSmoothing(max);
            }
            case "gaussian-augmentation": {
                float sigma = number(spec, p, "sigma", 0.1f);
                float ratio = number(spec, p, "ratio", 1f);
                noneLeft(spec, p);
                return new GaussianAugmentation(sigma, ratio, bounds);
            }
            case "adversarial-training": {
                float ratio = number(spec, p, "ratio", 1f);
                String preset = p.remove("preset");
                if (preset != null) {
                    return preset(spec, preset, p, ratio);
                }
                String names = p.remove("attack");
                if (names == null) {
                    throw new IllegalArgumentException(
                            "defence " + spec + " needs attack=NAME (e.g. attack=pgd) or preset=madry|fast");
                }
                List<EvasionAttack> attacks = new ArrayList<>();
                for (String name : names.split("\\|")) {
                    attacks.add(AttackRegistry.create(name.trim(), p));
                }
                return new AdversarialTraining(attacks, ratio, List.of());
            }
            default:
                throw new IllegalArgumentException(
                        "unknown training defence '" + spec.name() + "'; known: " + String.join(", ", NAMES));
        }
    }

    private static BatchTransform preset(DefenceSpec spec, String preset, Map<String, String> p, float ratio) {
        switch (preset) {
            case "madry": {
                Map<String, String> q = new LinkedHashMap<>();
                q.put("eps", p.getOrDefault("eps", "0.1"));
                q.put("steps", p.getOrDefault("steps", "7"));
                q.put("step-size", p.getOrDefault("step-size", "0.02"));
                q.put("early-stop", "false");
                p.remove("eps");
                p.remove("steps");
                p.remove("step-size");
                noneLeft(spec, p);
                return new AdversarialTraining(List.of(AttackRegistry.create("pgd", q)), ratio, List.of());
            }
            case "fast": {
                float eps = number(spec, p, "eps", 0.1f);
                noneLeft(spec, p);
                AdversarialTraining fast = AdversarialTraining.fast(eps);
                return new AdversarialTraining(fast.attacks(), ratio, List.of());
            }
            default:
                throw new IllegalArgumentException("defence " + spec + ": preset must be madry or fast, got '" + preset + "'");
        }
    }

    private static float number(DefenceSpec spec, Map<String, String> p, String key, float fallback) {
        String v = p.remove(key);
        if (v == null) {
            return fallback;
        }
        try {
            float f = Float.parseFloat(v);
            if (Float.isFinite(f)) {
                return f;
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        throw new IllegalArgumentException("defence " + spec.name() + ": " + key + " must be a number, got '" + v + "'");
    }

    private static void noneLeft(DefenceSpec spec, Map<String, String> left) {
        for (String key : left.keySet()) {
            throw new IllegalArgumentException("unknown parameter '" + key + "' for defence " + spec.name());
        }
    }
}
