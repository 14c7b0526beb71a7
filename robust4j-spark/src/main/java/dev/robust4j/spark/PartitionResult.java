package dev.robust4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * What one task returns: the attack's per-sample results on one partition, in the partition's
 * order. Written atomically (temporary file, then a rename) when the runner keeps per-partition
 * results, so a partition finished before a job failed is read back instead of attacked again.
 *
 * @param partition the partition's number
 * @param from the index of its first sample in the data
 * @param adversarial the adversarials, sample after sample
 * @param success per sample, the attack's success
 * @param cleanPredictions per sample, the prediction on the clean input
 * @param adversarialPredictions per sample, the prediction on the adversarial
 * @param l0 per sample, the L0 norm of the perturbation
 * @param l2 per sample, the L2 norm
 * @param linf per sample, the L∞ norm
 * @param queries per sample, the model evaluations spent
 * @param seconds the attack's time on the executor (model loading excluded)
 * @param loadSeconds the time the task spent loading the model
 * @param resumed true if read back from a kept result instead of computed
 */
record PartitionResult(
        int partition,
        int from,
        float[] adversarial,
        boolean[] success,
        int[] cleanPredictions,
        int[] adversarialPredictions,
        float[] l0,
        float[] l2,
        float[] linf,
        long[] queries,
        double seconds,
        double loadSeconds,
        boolean resumed) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** @return the number of samples */
    int size() {
        return success.length;
    }

    /** @return this result marked as read back from a kept file */
    PartitionResult asResumed() {
        return new PartitionResult(partition, from, adversarial, success, cleanPredictions, adversarialPredictions, l0, l2,
                linf, queries, seconds, loadSeconds, true);
    }

    /**
     * Writes the result to {@code file} atomically: to a temporary file beside it, then moved into place.
     *
     * @param file the file
     * @throws IOException if it cannot be written
     */
    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp); ObjectOutputStream o = new ObjectOutputStream(out)) {
                o.writeObject(this);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a result {@link #write} wrote.
     *
     * @param file the file
     * @return the result
     * @throws IOException if it cannot be read or is not a partition result
     */
    static PartitionResult read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file); ObjectInputStream o = new ObjectInputStream(in)) {
            Object r = o.readObject();
            if (!(r instanceof PartitionResult p)) {
                throw new IOException(file + ": not a partition result");
            }
            return p;
        } catch (ClassNotFoundException e) {
            throw new IOException(file + ": not a partition result", e);
        }
    }
}
