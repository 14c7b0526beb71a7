package dev.robust4j.spark;

import dev.robust4j.attack.AttackResult;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-sample result rows of one attack, as Parquet: {@code index} (long), {@code label},
 * {@code clean_prediction}, {@code adversarial_prediction} (int), {@code success} (boolean, the
 * attack's own verdict), {@code l0}, {@code l2}, {@code linf} (float) and {@code queries} (long),
 * with the attack's pool label in {@code attack}.
 */
public final class SampleRows {

    /** The rows' schema. */
    public static final StructType SCHEMA = new StructType()
            .add("index", DataTypes.LongType, false)
            .add("attack", DataTypes.StringType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("clean_prediction", DataTypes.IntegerType, false)
            .add("adversarial_prediction", DataTypes.IntegerType, false)
            .add("success", DataTypes.BooleanType, false)
            .add("l0", DataTypes.FloatType, false)
            .add("l2", DataTypes.FloatType, false)
            .add("linf", DataTypes.FloatType, false)
            .add("queries", DataTypes.LongType, false);

    private SampleRows() {}

    /**
     * Makes the rows of an attack's result.
     *
     * @param label the attack's label
     * @param r the result
     * @return one row per sample, in input order
     */
    public static List<Row> rows(String label, AttackResult r) {
        List<Row> out = new ArrayList<>(r.size());
        for (int i = 0; i < r.size(); i++) {
            out.add(RowFactory.create((long) i, label, r.labels()[i], r.cleanPredictions()[i],
                    r.adversarialPredictions()[i], r.success()[i], r.l0()[i], r.l2()[i], r.linf()[i], r.queries()[i]));
        }
        return out;
    }

    /**
     * Writes an attack's rows as Parquet into a directory, replacing what a previous run left there
     * (Spark's committer publishes the files only when the write succeeds).
     *
     * @param session the session
     * @param dir the directory
     * @param label the attack's label
     * @param r the result
     */
    static void write(SparkSession session, Path dir, String label, AttackResult r) {
        session.createDataFrame(rows(label, r), SCHEMA).coalesce(1).write().mode(SaveMode.Overwrite)
                .parquet(dir.toAbsolutePath().toString());
    }
}
