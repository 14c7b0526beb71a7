package dev.robust4j.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.Split;
import dev.robust4j.defence.smoothing.Certification;
import dev.robust4j.defence.smoothing.SmoothedClassifier;
import dev.robust4j.defence.smoothing.SmoothedClassifier.Certificate;
import dev.robust4j.model.Classifier;
import dev.robust4j.report.CertificationJson;
import dev.robust4j.report.CertificationReport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code robust4j certify}: certified L2 robustness of a model's Gaussian-smoothed version on
 * labelled data (randomized smoothing, Cohen et al. 2019): certified accuracy at radii, abstention
 * rate, per-sample certificates.
 */
@Command(
        name = "certify",
        mixinStandardHelpOptions = true,
        description = "Certify the L2 robustness of the model smoothed with Gaussian noise (randomized smoothing, Cohen,"
                + " Rosenfeld and Kolter 2019): per sample a class and a radius within which the smoothed prediction"
                + " provably does not change (with probability at least 1 - alpha), or an abstention. Prints the"
                + " certified accuracy at each radius and the abstention rate. Train the model with noise of the same"
                + " sigma (robust4j train --defence gaussian-augmentation:sigma=S) for useful radii.")
final class CertifyCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ModelOptions modelOptions;

    @Mixin DataOptions dataOptions;

    @Option(names = "--sigma", required = true, paramLabel = "S",
            description = "Standard deviation of the Gaussian noise, in the model's input units (e.g. 0.25 for inputs in"
                    + " [0, 1]).")
    double sigma;

    @Option(names = "--n", defaultValue = "1000", paramLabel = "N",
            description = "Noisy draws per sample to bound the top class's probability (default: ${DEFAULT-VALUE};"
                    + " the paper uses 100000). The largest radius N draws can certify is sigma * PhiInv(alpha^(1/N)).")
    int n;

    @Option(names = "--n0", defaultValue = "100", paramLabel = "N0",
            description = "Noisy draws per sample to choose the top class (default: ${DEFAULT-VALUE}).")
    int n0;

    @Option(names = "--alpha", defaultValue = "0.001", paramLabel = "A",
            description = "Failure probability of each certificate, in (0, 1) (default: ${DEFAULT-VALUE}).")
    double alpha;

    @Option(names = {"--batch-size", "--batch"}, defaultValue = "1000", paramLabel = "B",
            description = "Noisy draws scored per model call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S", description = "Seed of the noise (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--radii", paramLabel = "R,R,...", split = ",",
            description = "Radii at which to report the certified accuracy (default: 0,0.25,0.5,0.75,1.0).")
    List<Double> radii;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the curve and the per-sample certificates as JSON.")
    Path json;

    @Option(names = "--html", paramLabel = "FILE",
            description = "Write a self-contained HTML page with the certified-accuracy-vs-radius chart.")
    Path html;

    @Override
    public Integer call() throws Exception {
        double[] reported = checkParameters();
        try (Outputs outputs = new Outputs()) {
            dataOptions.claimInputs(outputs);
            modelOptions.claimInputs(outputs);
            outputs.file("--json", json);
            outputs.file("--html", html);
            Dataset data = dataOptions.load(Split.TEST, modelOptions.expectedShape());
            if (!data.hasLabels()) {
                throw new IllegalArgumentException("--data " + data.source() + " has no labels; certify needs them for"
                        + " the certified accuracy: give --labels");
            }
            try (ModelOptions.Loaded loaded = modelOptions.load(data); NDManager manager = NDManager.newBaseManager()) {
                Classifier model = loaded.model();
                Dataset input = ModelOptions.fit(data, model);
                SmoothedClassifier smoothed = SmoothedClassifier.builder(model).sigma(sigma).seed(seed)
                        .batchSize(batchSize).build();
                long start = System.nanoTime();
                List<Certificate> certs;
                try (ProgressReporter progress = ProgressReporter.start("certify", input.size(), "samples")) {
                    certs = smoothed.certify(input, n0, n, alpha, manager, progress::stepTo);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Certification c = new Certification(certs, input.labels(), sigma, n0, n, alpha, seconds);
                if (json != null) {
                    ObjectNode record = CertificationJson.toJson(c, reported, model.description(), input.source(),
                            batchSize, seed);
                    byte[] bytes = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(record);
                    outputs.stage(json, o -> o.write(bytes));
                }
                if (html != null) {
                    Map<String, Object> provenance = new LinkedHashMap<>();
                    provenance.put("seed", seed);
                    provenance.put("noise batch size", batchSize);
                    provenance.put("versions", String.join(", ", new Versions().getVersion()));
                    byte[] page = CertificationReport.render(c, reported, model.description(), input.source(),
                            input.classNames(), provenance).getBytes(StandardCharsets.UTF_8);
                    outputs.stage(html, o -> o.write(page));
                }
                outputs.commit();
                print(c, reported, model.description(), input.source());
            }
        }
        return 0;
    }

    /** Refuses bad values before anything is loaded; returns the radii to report. */
    private double[] checkParameters() {
        if (!(sigma > 0) || !Double.isFinite(sigma)) {
            throw new IllegalArgumentException("--sigma must be a positive number, got " + sigma);
        }
        if (n < 1) {
            throw new IllegalArgumentException("--n must be >= 1, got " + n);
        }
        if (n0 < 1) {
            throw new IllegalArgumentException("--n0 must be >= 1, got " + n0);
        }
        if (n0 > n) {
            throw new IllegalArgumentException("--n0 must be at most --n (" + n + "): the selection draws only pick the"
                    + " class the estimation draws then bound, got " + n0);
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("--alpha must be in (0, 1), got " + alpha);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("--batch-size must be >= 1, got " + batchSize);
        }
        if (radii == null || radii.isEmpty()) {
            return Certification.DEFAULT_RADII.clone();
        }
        double[] out = new double[radii.size()];
        for (int i = 0; i < out.length; i++) {
            Double r = radii.get(i);
            if (r == null || !(r >= 0) || !Double.isFinite(r)) {
                throw new IllegalArgumentException("--radii must be non-negative numbers, got " + r);
            }
            out[i] = r;
        }
        return out;
    }

    private void print(Certification c, double[] reported, String model, String data) {
        java.io.PrintWriter out = spec.commandLine().getOut();
        out.printf(Locale.ROOT, "certify: sigma %s, n0 %d, n %d, alpha %s on %d samples of %s (%s), %.1f s%n",
                num(sigma), n0, n, num(alpha), c.size(), data, model, c.seconds());
        out.printf(Locale.ROOT, "  %-10s %s%n", "L2 radius", "certified accuracy");
        for (double r : reported) {
            out.printf(Locale.ROOT, "  %-10s %s%n", num(r), Summaries.f3(c.certifiedAccuracy(r)));
        }
        int abstained = (int) Math.round(c.abstentionRate() * c.size());
        out.printf(Locale.ROOT, "  abstained  %s (%d of %d)%n", Summaries.f3(c.abstentionRate()), abstained, c.size());
        out.flush();
    }

    private static String num(double v) {
        String s = String.format(Locale.ROOT, "%.6g", v);
        if (s.contains("e") || s.contains("E")) {
            return s;
        }
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", ".0") : s;
    }
}
