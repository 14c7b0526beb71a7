package dev.robust4j.defence.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.Attacks;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.nn.BatchTransform;
import dev.robust4j.nn.TrainingBatch;
import dev.robust4j.nn.TrainingContext;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Adversarial training: in each batch a fraction {@code ratio} of the samples is replaced by
 * adversarials crafted against the model being trained (Goodfellow et al. 2015; Madry et al. 2018
 * with PGD and ratio 1), keeping their labels.
 *
 * <ul>
 *   <li>Several attacks rotate, one per batch.
 *   <li>With fixed source models (ensemble adversarial training, Tramèr et al. 2018), the source
 *       rotates over the model being trained and the fixed models, one per batch.
 *   <li>Adversarials are crafted before the trainer records gradients, through
 *       {@link DifferentiableClassifier#evaluate}, which freezes the model's parameters: attack
 *       gradients never reach a parameter update.
 * </ul>
 */
public final class AdversarialTraining implements BatchTransform {

    private final List<EvasionAttack> attacks;
    private final float ratio;
    private final List<DifferentiableClassifier> staticModels;

    /**
     * @param attacks the attacks to rotate, at least one; white-box ones need gradients of the source
     * @param ratio the fraction of each batch replaced, in {@code (0, 1]}
     * @param staticModels fixed source models for ensemble adversarial training, or empty
     */
    public AdversarialTraining(List<EvasionAttack> attacks, float ratio, List<DifferentiableClassifier> staticModels) {
        if (attacks == null || attacks.isEmpty()) {
            throw new IllegalArgumentException("adversarial training needs at least one attack");
        }
        if (!(ratio > 0f && ratio <= 1f)) {
            throw new IllegalArgumentException("ratio must be in (0, 1], got " + ratio);
        }
        this.attacks = List.copyOf(attacks);
        this.ratio = ratio;
        this.staticModels = List.copyOf(Objects.requireNonNull(staticModels, "staticModels"));
    }

    /**
     * Madry et al. (2018): every sample replaced by a PGD adversarial (L∞, random start).
     *
     * @param eps the L∞ radius
     * @param steps PGD steps
     * @param stepSize the step size
     * @return the strategy
     */
    public static AdversarialTraining madry(float eps, int steps, float stepSize) {
        return new AdversarialTraining(
                List.of(Attacks.pgd(eps).steps(steps).stepSize(stepSize).earlyStop(false)), 1f, List.of());
    }

    /**
     * "Fast is better than free" (Wong et al. 2020): FGSM from a uniform random start with step
     * {@code 1.25 eps}, every sample replaced.
     *
     * @param eps the L∞ radius
     * @return the strategy
     */
    public static AdversarialTraining fast(float eps) {
        return new AdversarialTraining(
                List.of(Attacks.fgsm(eps).randomStart(true).stepSize(1.25f * eps)), 1f, List.of());
    }

    /** @return the attacks, in rotation order */
    public List<EvasionAttack> attacks() {
        return attacks;
    }

    /** @return the replaced fraction */
    public float ratio() {
        return ratio;
    }

    @Override
    public TrainingBatch apply(TrainingBatch batch, TrainingContext ctx) {
        int n = batch.size();
        int k = Math.round(ratio * n);
        if (k == 0) {
            return batch;
        }
        EvasionAttack attack = attacks.get((int) (ctx.step() % attacks.size()));
        List<DifferentiableClassifier> sources = new ArrayList<>();
        sources.add(ctx.model());
        sources.addAll(staticModels);
        DifferentiableClassifier source = sources.get((int) (ctx.step() % sources.size()));

        // The first k samples of the (shuffled) batch are replaced.
        NDArray x = batch.x();
        NDArray head = k == n ? x : x.get(new NDIndex("0:{}", k));
        NDArray labels = k == n ? batch.labels() : batch.labels().get(new NDIndex("0:{}", k));
        // The result lives in the batch's manager, which the trainer closes after the step.
        AttackResult r = attack.generate(source, head, labels);
        NDArray adversarial = r.adversarial();
        NDArray newX = k == n ? adversarial : adversarial.concat(x.get(new NDIndex("{}:", k)));
        return batch.withX(newX);
    }

    @Override
    public String description() {
        StringBuilder b = new StringBuilder("adversarial-training:attack=");
        for (int i = 0; i < attacks.size(); i++) {
            b.append(i == 0 ? "" : "|").append(attacks.get(i).name());
        }
        b.append(",ratio=").append(ratio);
        if (!staticModels.isEmpty()) {
            b.append(",static-models=").append(staticModels.size());
        }
        return b.toString();
    }
}
