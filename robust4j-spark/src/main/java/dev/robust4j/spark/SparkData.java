package dev.robust4j.spark;

import dev.robust4j.data.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Labelled samples as Spark rows and Parquet. The layout: a {@code features} column,
 * {@code array<float>} holding one sample in the model's C×H×W order (its shape in the column's
 * metadata, key {@code shape}, when robust4j wrote it), a {@code label} int column and an optional
 * {@code index} long column that orders the samples. Bad rows get the errors the command line
 * gives for bad files: one line naming the source, the row and what was expected.
 */
public final class SparkData {

    /** The column of the features. */
    public static final String FEATURES = "features";
    /** The column of the labels. */
    public static final String LABEL = "label";
    /** The column of the samples' indices. */
    public static final String INDEX = "index";

    private SparkData() {}

    /**
     * The schema robust4j writes, the sample shape in the features column's metadata.
     *
     * @param sampleShape the per-sample shape
     * @return the schema
     */
    public static StructType schema(long[] sampleShape) {
        Metadata shape = new MetadataBuilder().putLongArray("shape", sampleShape).build();
        return new StructType(new StructField[] {
            new StructField(INDEX, DataTypes.LongType, false, Metadata.empty()),
            new StructField(FEATURES, DataTypes.createArrayType(DataTypes.FloatType, false), false, shape),
            new StructField(LABEL, DataTypes.IntegerType, false, Metadata.empty())
        });
    }

    /**
     * Makes rows of a labelled robust4j dataset.
     *
     * @param session the session
     * @param data the samples
     * @return one row per sample, {@code index} its position
     */
    public static Dataset<Row> toRows(SparkSession session, dev.robust4j.data.Dataset data) {
        if (!data.hasLabels()) {
            throw new IllegalArgumentException(data.source() + ": rows need labels");
        }
        int dim = data.sampleSize();
        List<Row> rows = new ArrayList<>(data.size());
        float[] f = data.features();
        for (int i = 0; i < data.size(); i++) {
            Float[] boxed = new Float[dim];
            for (int j = 0; j < dim; j++) {
                boxed[j] = f[i * dim + j];
            }
            rows.add(RowFactory.create((long) i, boxed, data.labels()[i]));
        }
        return session.createDataFrame(rows, schema(data.sampleShape()));
    }

    /**
     * Brings rows into a robust4j dataset on the driver, in {@code index} order when there is an
     * index column, checking every row.
     *
     * @param rows rows with {@code features} and {@code label} columns
     * @param sampleShape the per-sample shape, or {@code null} to take it from the features column's
     *     metadata
     * @param source the rows' name for messages (a path)
     * @return the dataset
     * @throws IllegalArgumentException naming the column or row that is wrong
     */
    public static dev.robust4j.data.Dataset collect(Dataset<Row> rows, long[] sampleShape, String source) {
        StructType schema = rows.schema();
        List<String> names = Arrays.asList(schema.fieldNames());
        for (String c : List.of(FEATURES, LABEL)) {
            if (!names.contains(c)) {
                throw new IllegalArgumentException(source + ": no column '" + c + "'; expected columns features"
                        + " (array<float>, one sample in C×H×W order), label (int) and optionally index (long); found "
                        + names);
            }
        }
        StructField features = schema.apply(FEATURES);
        DataType ft = features.dataType();
        if (!(ft instanceof ArrayType at) || !isNumber(at.elementType())) {
            throw new IllegalArgumentException(source + ": column 'features' is " + ft.simpleString()
                    + "; expected array<float>");
        }
        DataType lt = schema.apply(LABEL).dataType();
        if (!lt.equals(DataTypes.IntegerType) && !lt.equals(DataTypes.LongType) && !lt.equals(DataTypes.ShortType)
                && !lt.equals(DataTypes.ByteType)) {
            throw new IllegalArgumentException(source + ": column 'label' is " + lt.simpleString() + "; expected int");
        }
        long[] shape = sampleShape;
        if (shape == null) {
            if (!features.metadata().contains("shape")) {
                throw new IllegalArgumentException(source + ": the features column does not record the sample shape;"
                        + " give it (--input-shape C,H,W)");
            }
            shape = features.metadata().getLongArray("shape");
        }
        long dimL = 1;
        for (long d : shape) {
            dimL *= d;
        }
        int dim = (int) dimL;
        boolean indexed = names.contains(INDEX);
        Dataset<Row> selected = rows.select(
                functions.col(FEATURES).cast(DataTypes.createArrayType(DataTypes.FloatType)).as(FEATURES),
                functions.col(LABEL).cast(DataTypes.LongType).as(LABEL),
                indexed ? functions.col(INDEX).cast(DataTypes.LongType).as(INDEX) : functions.lit(-1L).as(INDEX));
        List<Row> all = new ArrayList<>(selected.collectAsList());
        if (indexed) {
            // sorted here, not by Spark: the rows are on the driver anyway, and a sort would shuffle
            all.sort((a, b) -> Long.compare(a.getLong(2), b.getLong(2)));
        }
        float[] x = new float[Math.multiplyExact(all.size(), dim)];
        int[] y = new int[all.size()];
        for (int i = 0; i < all.size(); i++) {
            Row r = all.get(i);
            String row = indexed ? "row with index " + r.getLong(2) : "row " + i;
            if (r.isNullAt(0)) {
                throw new IllegalArgumentException(source + ": " + row + " has no features; expected " + dim + " values");
            }
            List<Object> values = r.getList(0);
            if (values.size() != dim) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "%s: %s has %d features; expected %d (a"
                        + " sample of shape %s)", source, row, values.size(), dim, Arrays.toString(shape)));
            }
            for (int j = 0; j < dim; j++) {
                Object v = values.get(j);
                if (v == null) {
                    throw new IllegalArgumentException(source + ": " + row + ": feature " + j + " is null; expected a"
                            + " finite number");
                }
                float f = ((Number) v).floatValue();
                if (!Float.isFinite(f)) {
                    throw new IllegalArgumentException(source + ": " + row + ": feature " + j + " is " + f
                            + "; expected a finite number");
                }
                x[i * dim + j] = f;
            }
            if (r.isNullAt(1)) {
                throw new IllegalArgumentException(source + ": " + row + " has no label; expected a class index");
            }
            long label = r.getLong(1);
            if (label < 0 || label > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(source + ": " + row + ": label is " + label
                        + "; expected a class index >= 0");
            }
            y[i] = (int) label;
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException(source + ": no rows; expected labelled samples");
        }
        return new dev.robust4j.data.Dataset(x, shape, y, List.of(), source);
    }

    private static boolean isNumber(DataType t) {
        return t.equals(DataTypes.FloatType) || t.equals(DataTypes.DoubleType) || t.equals(DataTypes.IntegerType)
                || t.equals(DataTypes.ShortType) || t.equals(DataTypes.ByteType) || t.equals(DataTypes.LongType);
    }

    /**
     * Writes a labelled dataset as Parquet in robust4j's layout. The directory appears only when
     * the write succeeded: Spark writes into a staging directory beside it, which then replaces it
     * ({@link AtomicFiles#replaceDirectory}; an existing directory is replaced only if it is a
     * Parquet output, with a {@code _SUCCESS} file).
     *
     * @param session the session
     * @param data the samples
     * @param out the Parquet directory
     * @throws IOException if the directory cannot be written
     */
    public static void writeParquet(SparkSession session, dev.robust4j.data.Dataset data, Path out) throws IOException {
        Dataset<Row> rows = toRows(session, data);
        AtomicFiles.replaceDirectory(out.toAbsolutePath(), "a Parquet dataset", "_SUCCESS",
                staging -> rows.write().mode(SaveMode.Overwrite).parquet(staging.toString()));
    }

    /**
     * Reads a Parquet directory (or file) in the layout above into a robust4j dataset.
     *
     * @param session the session
     * @param in the Parquet directory or file
     * @param sampleShape the per-sample shape, or {@code null} to take it from the file
     * @return the dataset
     */
    public static dev.robust4j.data.Dataset readParquet(SparkSession session, Path in, long[] sampleShape) {
        if (!Files.exists(in)) {
            throw new IllegalArgumentException(in + ": no such Parquet file or directory");
        }
        Dataset<Row> rows;
        try {
            rows = session.read().parquet(in.toAbsolutePath().toString());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(in + ": not readable as Parquet: " + e.getMessage().lines().findFirst()
                    .orElse(""), e);
        }
        return collect(rows, sampleShape, in.toString());
    }
}
