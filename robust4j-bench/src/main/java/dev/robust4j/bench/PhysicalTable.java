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
import dev.robust4j.data.Split;
import dev.robust4j.metric.AttackSummary;
import dev.robust4j.model.DifferentiableClassifier;
import dev.robust4j.model.TorchScriptClassifier;
import dev.robust4j.nn.ModelDirectory;
import dev.robust4j.transform.Survival;
import dev.robust4j.transform.TransformSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Produces the table of {@code docs/physical.md}: PGD against EOT-PGD at the same budget and step
 * count, and how their adversarials survive random rotations and shifts.
 *
 * <p>Usage: {@code PhysicalTable TORCHSCRIPT.pt X.npy Y.npy MODEL_DIR OUT_DIR [eps=0.05] [draws=64]}:
 * the TorchScript fixture with its images, and a robust4j model directory attacked on the first 200
 * bundled test images. For each model and attack it prints clean accuracy, the success rate on the
 * untransformed input, the mean survival over the correctly classified samples, the share of them
 * that stay adversarial under at least half of the draws, and the attack's seconds; and it writes
 * the TorchScript fixture's adversarials to {@code OUT_DIR/{pgd,eot-pgd}.npy} for the independent
 * check in {@code scripts/physical/survival_check.py}.
 */
public final class PhysicalTable {

    private PhysicalTable() {}

    /**
     * @param args see the class documentation
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path fixture = Path.of(args[0]);
        dev.robust4j.data.NpyArray xs = Npy.read(Path.of(args[1]));
        long[] ys = Npy.read(Path.of(args[2])).longs();
        Path modelDir = Path.of(args[3]);
        Path out = Path.of(args[4]);
        float eps = args.length > 5 ? Float.parseFloat(args[5]) : 0.05f;
        int draws = args.length > 6 ? Integer.parseInt(args[6]) : 64;
        Files.createDirectories(out);
        TransformSpec spec = TransformSpec.parse("rotation=15,translation=2");
        System.out.printf("survival under %s, %d draws per sample; attacks L∞ %s, 40 steps of %s, EOT 8 draws%n",
                spec.describe(), draws, eps, eps / 10);
        System.out.println("| model | attack | clean acc. | SR untransformed | clean answers wrong under T"
                + " | survival (mean) | survive ≥ half the draws | seconds |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- |");
        try (TorchScriptClassifier cnn = TorchScriptClassifier.builder().setModelFile(fixture).setInputShape(1, 28, 28)
                        .build();
                NDManager m = NDManager.newBaseManager()) {
            int n = ys.length;
            NDArray x = m.create(xs.floats(), new Shape(n, 1, 28, 28));
            run("fixture CNN (TorchScript)", cnn, x, ys, spec, eps, draws, out);
        }
        Dataset test = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TEST).limit(200);
        try (var trained = ModelDirectory.load(modelDir); NDManager m = NDManager.newBaseManager()) {
            NDArray x = test.features(m, 0, test.size());
            long[] y = test.labels(m, 0, test.size()).toLongArray();
            run("robust4j CNN (model directory)", trained, x, y, spec, eps, draws, null);
        }
    }

    private static void run(String label, DifferentiableClassifier model, NDArray x, long[] y, TransformSpec spec,
            float eps, int draws, Path out) throws IOException {
        Survival clean = null;
        for (String name : new String[] {"pgd", "eot-pgd"}) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("eps", Float.toString(eps));
            p.put("steps", "40");
            p.put("step-size", Float.toString(eps / 10));
            if (name.equals("pgd")) {
                p.put("early-stop", "false");
            } else {
                p.put("rotation", "15");
                p.put("translation", "2");
                p.put("eot-samples", "8");
            }
            EvasionAttack attack = AttackRegistry.create(name, p);
            try (NDManager m = x.getManager().newSubManager();
                    AttackResult r = attack.generate(model, x, m.create(y))) {
                boolean[] correct = r.cleanCorrect();
                if (clean == null) {
                    clean = Survival.measure(model, x, y, null, spec, draws, 1234, 0);
                }
                Survival s = Survival.measure(model, r.adversarial(), y, null, spec, draws, 1234, 0);
                AttackSummary summary = AttackSummary.of(r);
                System.out.printf("| %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.1f |%n", label, name,
                        summary.cleanAccuracy(), summary.successRate(), clean.mean(correct), s.mean(correct),
                        s.shareAtLeast(correct, 0.5), r.seconds());
                if (out != null) {
                    Npy.writeFloat32(out.resolve(name + ".npy"), r.adversarial().toFloatArray(),
                            r.adversarial().getShape().getShape());
                }
            }
        }
    }
}
