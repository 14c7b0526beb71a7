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
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        }
        Dataset d = Robust4j.loadData(data, labels, split);
        return limit == null ? d : d.limit(limit);
    }
}
