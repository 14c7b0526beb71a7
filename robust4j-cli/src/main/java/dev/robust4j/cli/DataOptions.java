package dev.robust4j.cli;

import dev.robust4j.Robust4j;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.Split;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** The options that name data. */
final class DataOptions {

    @Option(names = "--data", required = true, paramLabel = "D",
            description = "A known dataset (sample, fashion-mnist), or an .npy/.npz, IDX, CSV file or image folder.")
    String data;

    @Option(names = "--labels", paramLabel = "L",
            description = "Labels for --data when they are in a separate file (.npy or IDX).")
    Path labels;

    @Option(names = "--limit", paramLabel = "N", description = "Use only the first N samples.")
    Integer limit;

    Dataset load(Split split) {
        return load(split, null);
    }

    /**
     * Loads the data for a model of a known input shape (an image folder is checked against it
     * from the image headers, before any pixel is decoded).
     *
     * @param split the split of a known dataset
     * @param expectedSampleShape the model's per-sample input shape, or {@code null}
     * @return the data, limited to {@code --limit} samples
     */
    Dataset load(Split split, long[] expectedSampleShape) {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        }
        if (data.isBlank()) {
            throw new IllegalArgumentException("--data must be a known dataset (sample, fashion-mnist) or a path, got '"
                    + data + "'");
        }
        if (labels != null && labels.toString().isBlank()) {
            throw new IllegalArgumentException("--labels must be a path, got ''");
        }
        Dataset d = Robust4j.loadData(data, labels, split, expectedSampleShape);
        return limit == null ? d : d.limit(limit);
    }

    /** Names the input files, so that no output replaces them. */
    void claimInputs(Outputs outputs) {
        if (!data.isBlank()) {
            outputs.input("--data", Path.of(data));
        }
        outputs.input("--labels", labels);
    }
}
