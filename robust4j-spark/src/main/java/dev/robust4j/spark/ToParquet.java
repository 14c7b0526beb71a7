package dev.robust4j.spark;

import dev.robust4j.Robust4j;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.Split;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.apache.spark.sql.SparkSession;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code robust4j to-parquet}: converts any data robust4j reads (NPY, NPZ, IDX, CSV, an image
 * folder, a known dataset) into Parquet in the layout {@link SparkData} reads: {@code index},
 * {@code features} (array&lt;float&gt;, C×H×W, the shape in the column's metadata), {@code label}.
 */
@Command(name = "to-parquet", mixinStandardHelpOptions = true,
        description = "Convert labelled data (NPY/NPZ/IDX/CSV/image folder/known dataset) to Parquet for Spark.")
public final class ToParquet implements Callable<Integer> {

    @Option(names = "--data", required = true, paramLabel = "D", description = "The data: a file, folder or known name.")
    String data;

    @Option(names = "--labels", paramLabel = "L", description = "Labels for --data in a separate file.")
    Path labels;

    @Option(names = "--split", paramLabel = "train|test", defaultValue = "test",
            description = "For a known dataset, the split (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--limit", paramLabel = "N", description = "Convert only the first N samples.")
    Integer limit;

    @Option(names = "--out", required = true, paramLabel = "DIR.parquet", description = "The Parquet directory to write.")
    Path out;

    @Option(names = "--spark-master", paramLabel = "URL", defaultValue = "local[1]",
            description = "Spark master for the write (default: ${DEFAULT-VALUE}).")
    String master;

    /** Makes the command (for picocli). */
    public ToParquet() {}

    @Override
    public Integer call() throws IOException {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        }
        Split s = switch (split) {
            case "train" -> Split.TRAIN;
            case "test" -> Split.TEST;
            default -> throw new IllegalArgumentException("--split must be train or test, got '" + split + "'");
        };
        Dataset d = Robust4j.loadData(data, labels, s);
        if (!d.hasLabels()) {
            throw new IllegalArgumentException(data + ": no labels; give --labels");
        }
        if (limit != null) {
            d = d.limit(limit);
        }
        SparkSession spark = SparkSession.builder().master(master).appName("robust4j to-parquet")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            SparkData.writeParquet(spark, d, out);
        } finally {
            spark.stop();
        }
        System.out.println(d.size() + " samples of shape " + java.util.Arrays.toString(d.sampleShape()) + " -> " + out);
        return 0;
    }

    /**
     * Runs the command; bad input prints one line and exits 2.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new ToParquet());
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            PrintWriter err = c.getErr();
            if (ex instanceof IllegalArgumentException || ex instanceof IOException || ex instanceof UncheckedIOException) {
                err.println("robust4j: " + String.valueOf(ex.getMessage()).lines().findFirst().orElse(""));
                err.flush();
                return 2;
            }
            throw ex;
        });
        System.exit(cli.execute(args));
    }
}
