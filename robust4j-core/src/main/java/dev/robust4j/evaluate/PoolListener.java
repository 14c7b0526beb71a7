package dev.robust4j.evaluate;

/** Told how an attack pool is getting on; every method does nothing by default. */
public interface PoolListener {

    /** A listener that ignores everything. */
    PoolListener NONE = new PoolListener() {};

    /**
     * An attack starts.
     *
     * @param label the attack's label in the pool
     * @param samples the samples it will attack
     */
    default void attackStarted(String label, int samples) {}

    /**
     * An attack finished a batch.
     *
     * @param label the attack's label
     * @param done samples attacked so far
     * @param total samples to attack
     */
    default void attackProgress(String label, int done, int total) {}

    /**
     * An attack finished (or was skipped).
     *
     * @param outcome what it achieved
     */
    default void attackFinished(AttackOutcome outcome) {}
}
