package dev.robust4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.attack.AttackRegistry;
import dev.robust4j.attack.AttackResult;
import dev.robust4j.attack.EvasionAttack;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Npy;
import dev.robust4j.data.NpyArray;
import dev.robust4j.data.Split;
import dev.robust4j.model.Classifier;
import dev.robust4j.model.Evaluation;
import dev.robust4j.model.Objectives;
import dev.robust4j.model.OnnxClassifier;
import dev.robust4j.model.TorchScriptClassifier;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * robust4j's half of the side-by-side benchmark against the Python peers
 * ({@code scripts/bench/side_by_side.py} runs this and the peer alternately and prints the ratios).
 *
 * <pre>
 * SideBySide export DIR N                    first N test images of the bundled sample as DIR/x.npy, DIR/y.npy
 * SideBySide run MODEL X.npy Y.npy N REPS ATTACK [k=v ...] [target=next]
 * SideBySide floor MODEL X.npy Y.npy N REPS STEPS  the floor: STEPS bare forward+backward passes
 * </pre>
 *
 * <p>{@code run} loads the model (TorchScript {@code .pt} or ONNX {@code .onnx}; input shape from
 * {@code X.npy}), runs the attack once on the first min(N, 100) samples to warm up, then REPS
 * times on the first N, and
 * prints one line per timed run: {@code seconds=S success=K queries=Q l2=M sha=H}, where seconds is
 * the attack's own {@link AttackResult#seconds()} and sha the first 16 hex digits of the SHA-256 of
 * the adversarial bytes (the same seed must give the same bytes run after run).
 */
public final class SideBySide {

    /** Samples of the untimed warm-up run. */
    static final int WARM_UP = 100;

    private SideBySide() {}

    /**
     * @param args see the class comment
     * @throws Exception on I/O errors
     */
    public static void main(String[] args) throws Exception {
        if (args.length >= 3 && args[0].equals("export")) {
            export(Path.of(args[1]), Integer.parseInt(args[2]));
        } else if (args.length >= 7 && args[0].equals("run")) {
            run(args);
        } else if (args.length >= 7 && args[0].equals("floor")) {
            floor(args);
        } else {
            System.err.println("usage: SideBySide export DIR N | run MODEL X.npy Y.npy N REPS ATTACK [k=v ...] [target=next]"
                    + " | floor MODEL X.npy Y.npy N REPS STEPS");
            System.exit(2);
        }
    }

    private static void export(Path dir, int n) throws java.io.IOException {
        java.nio.file.Files.createDirectories(dir);
        Dataset data = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TEST).limit(n);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = data.features(m, 0, data.size());
            NDArray y = data.labels(m, 0, data.size());
            Npy.writeFloat32(dir.resolve("x.npy"), x.toFloatArray(), x.getShape().getShape());
            Npy.writeInt64(dir.resolve("y.npy"), y.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray(),
                    data.size());
        }
    }

    private static void run(String[] args) throws Exception {
        Path modelFile = Path.of(args[1]);
        NpyArray xs = Npy.read(Path.of(args[2]));
        NpyArray ys = Npy.read(Path.of(args[3]));
        int n = Integer.parseInt(args[4]);
        int reps = Integer.parseInt(args[5]);
        String attackName = args[6];
        Map<String, String> params = new LinkedHashMap<>();
        boolean targetNext = false;
        for (int i = 7; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv[0].equals("target") && kv[1].equals("next")) {
                targetNext = true;
            } else {
                params.put(kv[0], kv[1]);
            }
        }
        long[] shape = xs.shape();
        long[] sample = Arrays.copyOfRange(shape, 1, shape.length);
        int dim = (int) (xs.toFloats().length / shape[0]);
        Classifier model = modelFile.toString().endsWith(".onnx")
                ? OnnxClassifier.builder().setModelFile(modelFile).setInputShape(sample).build()
                : TorchScriptClassifier.builder().setModelFile(modelFile).setInputShape(sample).build();
        EvasionAttack attack = AttackRegistry.create(attackName, params);
        long[] batchShape = shape.clone();
        batchShape[0] = n;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(Arrays.copyOf(xs.toFloats(), n * dim), new Shape(batchShape));
            long[] labels = Arrays.copyOf(ys.toLongs(), n);
            NDArray y = m.create(labels);
            NDArray t = null;
            if (targetNext) {
                long[] next = new long[n];
                for (int i = 0; i < n; i++) {
                    next[i] = (labels[i] + 1) % model.numClasses();
                }
                t = m.create(next);
            }
            // Warm-up (JIT, libtorch's first calls) on at most WARM_UP samples, untimed.
            int w = Math.min(n, WARM_UP);
            try (NDManager warm = m.newSubManager()) {
                NDArray xw = x.get("0:" + w);
                NDArray yw = y.get("0:" + w);
                (t == null ? attack.generate(model, xw, yw) : attack.generate(model, xw, yw, t.get("0:" + w))).close();
            }
            for (int r = 0; r < reps; r++) {
                try (AttackResult res = t == null ? attack.generate(model, x, y) : attack.generate(model, x, y, t)) {
                    int success = 0;
                    double l2 = 0;
                    for (int i = 0; i < res.size(); i++) {
                        if (res.success()[i]) {
                            success++;
                            l2 += res.l2()[i];
                        }
                    }
                    System.out.printf(Locale.ROOT, "seconds=%.4f success=%d queries=%d l2=%.4f sha=%s%n",
                            res.seconds(), success, res.totalQueries(), success == 0 ? 0 : l2 / success,
                            sha(res.adversarial().toFloatArray()));
                }
            }
        } finally {
            model.close();
        }
    }

    /** Times STEPS bare {@code evaluate} calls (cross-entropy, the batch of N) REPS times, after one warm-up. */
    private static void floor(String[] args) {
        Path modelFile = Path.of(args[1]);
        NpyArray xs = Npy.read(Path.of(args[2]));
        NpyArray ys = Npy.read(Path.of(args[3]));
        int n = Integer.parseInt(args[4]);
        int reps = Integer.parseInt(args[5]);
        int steps = Integer.parseInt(args[6]);
        long[] shape = xs.shape();
        int dim = (int) (xs.toFloats().length / shape[0]);
        long[] batchShape = shape.clone();
        batchShape[0] = n;
        try (TorchScriptClassifier model = TorchScriptClassifier.builder().setModelFile(modelFile)
                        .setInputShape(Arrays.copyOfRange(shape, 1, shape.length)).build();
                NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(Arrays.copyOf(xs.toFloats(), n * dim), new Shape(batchShape));
            NDArray y = m.create(Arrays.copyOf(ys.toLongs(), n));
            for (int r = 0; r <= reps; r++) {
                long start = System.nanoTime();
                for (int s = 0; s < steps; s++) {
                    try (Evaluation ev = model.evaluate(x, Objectives.crossEntropy(), y)) {
                        ev.gradient().getShape();
                    }
                }
                if (r > 0) {
                    System.out.printf(Locale.ROOT, "seconds=%.4f%n", (System.nanoTime() - start) / 1e9);
                }
            }
        }
    }

    private static String sha(float[] v) throws Exception {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(b.array());
        return java.util.HexFormat.of().formatHex(h).substring(0, 16);
    }
}
