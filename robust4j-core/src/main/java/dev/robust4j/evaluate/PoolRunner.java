package dev.robust4j.evaluate;

import ai.djl.ndarray.NDManager;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.AttackRunner;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.Dataset;
import dev.robust4j.model.Classifier;

/**
 * Where an {@link AttackPool} runs its attacks: the extension point for scaling out. The pool
 * keeps everything else (clean predictions, the detector, the per-sample worst case, the outcome
 * figures) and hands each attack to its runner, which returns the same merged, in-order
 * {@link AttackResult} {@link AttackRunner#run} would: {@link #LOCAL} runs it in this process;
 * the {@code robust4j-spark} module runs it as a Spark job, one task per partition of the data.
 *
 * <p>Attacks draw every random number from per-sample streams keyed by the sample
 * ({@code AttackContext#sampleRandom}), so a runner may split the data as it likes: a sample's
 * adversarial depends on the seed and the sample, not on the batch or partition it was attacked
 * in (up to the engine's arithmetic: libtorch's last bits depend on the batch size, so a runner
 * that wants bit-identical results cuts its partitions on batch boundaries).
 */
public interface PoolRunner extends AutoCloseable {

    /** Runs every attack in this process, batch after batch ({@link AttackRunner#run}). */
    PoolRunner LOCAL = new PoolRunner() {
        @Override
        public AttackResult run(EvasionAttack attack, Classifier model, Dataset data, int batchSize, NDManager manager,
                AttackRunner.Progress progress) {
            return AttackRunner.run(attack, model, data, null, batchSize, manager, progress);
        }

        @Override
        public String toString() {
            return "local";
        }
    };

    /**
     * Runs one untargeted attack over every sample of a labelled dataset.
     *
     * @param attack the attack
     * @param model the model, as the attacker sees it
     * @param data the samples and their true labels, of the model's input shape
     * @param batchSize samples per attack call, positive
     * @param manager the manager that will own the merged adversarial batch
     * @param progress told of samples done so far; may be {@code null}
     * @return the merged result, one row per sample in input order
     */
    AttackResult run(EvasionAttack attack, Classifier model, Dataset data, int batchSize, NDManager manager,
            AttackRunner.Progress progress);

    /** Releases what the runner holds (a cluster session); the local runner holds nothing. */
    @Override
    default void close() {}
}
