package dev.robust4j.cli;

import dev.robust4j.evaluate.CurveSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code robust4j evaluate} should do, filled from a YAML configuration
 * ({@link EvaluationConfig}) or from the command's flags. Unset values are {@code null}.
 */
final class EvaluationSpec {
    String model;
    long[] inputShape;
    float[] bounds;
    /** Normalisation the model expects, or null. */
    dev.robust4j.model.Normalization normalization;
    Integer numClasses;
    /** Where local models run and train; the CPU unless {@code device:} or {@code --device} says otherwise. */
    ai.djl.Device device = ai.djl.Device.cpu();
    String data;
    Path labels;
    Integer limit;
    String threatModel = "white-box";
    Double targetSuccessRate;
    final List<String> attacks = new ArrayList<>();
    final List<String> defences = new ArrayList<>();
    Training training;
    String calibration;
    Path calibrationLabels;
    Integer calibrationLimit;
    final List<CurveSpec> curves = new ArrayList<>();
    /** The physical threat model (survival: in YAML, --survival flags), or null. */
    dev.robust4j.evaluate.PhysicalThreat physical;
    int batchSize = 128;
    int examples = 8;
    boolean stopWhenMet = true;
    Path report;
    Path json;

    /** How to train the undefended model, or retrain it for a defence. */
    static final class Training {
        String data;
        Path labels;
        Integer limit;
        String arch;
        String activation = "relu";
        int epochs = 5;
        int batchSize = 64;
        Float learningRate;
        long seed;
    }
}
