package dev.robust4j.attack.blackbox;

import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Bounds;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.FunctionClassifier;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A linear black-box model {@code z = W x + b} (a {@link FunctionClassifier}, no gradients) that
 * records every row it is asked to score, in order.
 */
final class RecordingLinearModel {

    final int k;
    final int d;
    final float[] w;
    final float[] b;
    final List<float[]> rows = Collections.synchronizedList(new ArrayList<>());
    final Classifier classifier;

    RecordingLinearModel(int k, long[] shape, double scale, float[] bias, long seed) {
        this.k = k;
        int dim = 1;
        for (long s : shape) {
            dim *= (int) s;
        }
        this.d = dim;
        this.w = new float[k * d];
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (scale * (r.nextDouble() * 2 - 1));
        }
        this.b = bias.clone();
        this.classifier = new FunctionClassifier(batch -> {
            float[][] out = new float[batch.length][];
            for (int i = 0; i < batch.length; i++) {
                rows.add(batch[i].clone());
                out[i] = logits(batch[i]);
            }
            return out;
        }, new Shape(shape), Bounds.UNIT, k, Classifier.OutputKind.SCORES, List.of(), "recording linear model");
    }

    float[] logits(float[] x) {
        float[] z = new float[k];
        for (int c = 0; c < k; c++) {
            double sum = b[c];
            for (int j = 0; j < d; j++) {
                sum += (double) w[c * d + j] * x[j];
            }
            z[c] = (float) sum;
        }
        return z;
    }

    double probability(float[] x, int cls) {
        return Scores.probability(logits(x), 0, k, cls);
    }

    int predict(float[] x) {
        return Scores.argMax(logits(x), 0, k);
    }
}
