package dev.robust4j.spark;

import java.io.Serializable;

/**
 * The samples of one partition: a contiguous run of the data, a whole number of batches long (but
 * the last), so a task attacks exactly the batches the local run attacks.
 *
 * @param partition the partition's number
 * @param from the index of its first sample in the data
 * @param features its samples' features, sample after sample
 * @param labels its samples' true labels
 */
record Chunk(int partition, int from, float[] features, int[] labels) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** @return the number of samples */
    int size() {
        return labels.length;
    }
}
