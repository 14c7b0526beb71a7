package dev.robust4j.cli;

import dev.robust4j.Robust4j;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.Split;
import dev.robust4j.defence.DefenceSpec;
import dev.robust4j.defence.detect.FeatureSqueezingDetector;
import dev.robust4j.metric.Stats;
import dev.robust4j.model.Classifier;
import dev.robust4j.serve.DetectorGuard;
import dev.robust4j.serve.Guard;
import dev.robust4j.serve.GuardSpecs;
import dev.robust4j.serve.ModelServer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code robust4j serve}: a model behind HTTP ({@link ModelServer}), optionally guarded by a
 * calibrated detector; runs until SIGTERM or Ctrl-C, then stops gracefully.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = "Serve a model over HTTP: POST /v1/predict {\"inputs\": [[...], ...]} answers scores, labels and"
                + " the guards' flags; GET /health; GET /metrics (Prometheus). An http(s) --model makes this a guarding"
                + " proxy. Runs until SIGTERM or Ctrl-C, then finishes the requests in flight.")
final class ServeCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ModelOptions modelOptions;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "P",
            description = "Port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "ADDR",
            description = "Address to listen on (default: ${DEFAULT-VALUE}, this machine only; 0.0.0.0 for every"
                    + " interface).")
    String host;

    @Option(names = "--guard", paramLabel = "SPEC",
            description = "A guard, repeatable; a row is flagged when any guard flags it. Known:"
                    + " feature-squeezing-detector[:bit-depth=1,window=2,fpr=R] (needs --calibrate);"
                    + " binary-detector:dir=DIR[,fpr=R] (a detector made by 'detect --train'; needs --calibrate);"
                    + " smoothing:sigma=S[,n=N,alpha=A,n0=N0,batch=B,seed=SEED] (as --smoothing).")
    List<String> guards = new ArrayList<>();

    @Option(names = "--smoothing", paramLabel = "SETTINGS",
            description = "Randomized smoothing as a guard: sigma=S[,n=N,alpha=A,n0=N0,batch=B,seed=SEED] (defaults n"
                    + " 1000, alpha 0.001, n0 min(100, n), batch 1000, seed 0). Each row is answered with its certified"
                    + " class and L2 radius (field 'certified') and flagged when the smoothed classifier abstains;"
                    + " costs n0 + n model evaluations per row.")
    String smoothing;

    @Option(names = "--calibrate", paramLabel = "D",
            description = "Clean data to calibrate the guards' thresholds on (a known name means its training split).")
    String calibrate;

    @Option(names = "--calibrate-limit", defaultValue = "1000", paramLabel = "N",
            description = "Use the first N calibration samples (default: ${DEFAULT-VALUE}).")
    int calibrateLimit;

    @Option(names = "--fpr", defaultValue = "0.05", paramLabel = "RATE",
            description = "Target false-positive rate of the guards on clean inputs (default: ${DEFAULT-VALUE}).")
    double fpr;

    @Option(names = "--max-batch", defaultValue = "64", paramLabel = "N",
            description = "Most rows per model call; concurrent requests are batched up to it (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--max-body", defaultValue = "8388608", paramLabel = "BYTES",
            description = "Largest request body; larger ones get 413 (default: ${DEFAULT-VALUE}, 8 MiB).")
    long maxBody;

    @Option(names = "--max-queue", defaultValue = "64", paramLabel = "N",
            description = "Most prediction requests admitted at once; more get 503 (default: ${DEFAULT-VALUE}).")
    int maxQueue;

    @Option(names = "--threads", defaultValue = "64", paramLabel = "N",
            description = "HTTP request threads (default: ${DEFAULT-VALUE}). The model runs on one thread of its own.")
    int threads;

    @Override
    public Integer call() throws Exception {
        checkOptions();
        List<DefenceSpec> specs = new ArrayList<>();
        List<String> all = new ArrayList<>(guards);
        if (smoothing != null) {
            try {
                dev.robust4j.defence.smoothing.SmoothingConfig.parse(smoothing);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--smoothing '" + smoothing + "': " + e.getMessage(), e);
            }
            all.add("smoothing:" + smoothing);
        }
        for (String g : all) {
            DefenceSpec s;
            try {
                s = DefenceSpec.parse(g);
                GuardSpecs.check(s);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--guard '" + g + "': " + e.getMessage(), e);
            }
            specs.add(s);
        }
        boolean calibrating = specs.stream().anyMatch(GuardSpecs::needsCalibration);
        if (calibrating && calibrate == null) {
            throw new IllegalArgumentException("--guard " + guards.get(0) + " needs --calibrate D, clean data to set its"
                    + " threshold on for --fpr");
        }
        if (!calibrating && calibrate != null) {
            throw new IllegalArgumentException("--calibrate " + calibrate + " is given but no --guard needs calibration");
        }
        if (calibrate != null && calibrate.isBlank()) {
            throw new IllegalArgumentException("--calibrate must be a known dataset (sample, fashion-mnist) or a path,"
                    + " got ''");
        }
        long[] expected = modelOptions.expectedShape();
        Dataset clean = calibrate == null ? null
                : Robust4j.loadData(calibrate, null, Split.TRAIN, expected).limit(calibrateLimit);
        Dataset like = clean;
        if (like == null) {
            if (expected == null) {
                throw new IllegalArgumentException("--input-shape C,H,W is required to serve " + modelOptions.model
                        + " (only a model directory records its input shape)");
            }
            long size = 1;
            for (long d : expected) {
                size *= d;
            }
            like = new Dataset(new float[(int) size], expected, null, List.of(), "--input-shape");
        }
        try (ModelOptions.Loaded loaded = modelOptions.load(like)) {
            Classifier model = loaded.model();
            ModelServer.Builder b = ModelServer.builder().setModel(model).optHost(host).optPort(port)
                    .optMaxBatch(maxBatch).optMaxBody(maxBody).optMaxQueue(maxQueue).optThreads(threads);
            if (clean != null) {
                clean = ModelOptions.fit(clean, model);
            }
            for (DefenceSpec s : specs) {
                Guard g = GuardSpecs.create(s, model, clean, fpr, 128);
                if (g instanceof DetectorGuard dg && dg.detector() instanceof FeatureSqueezingDetector f) {
                    double measured = Stats.fraction(f.flag(f.scores(clean, 128)), null);
                    out().printf(Locale.ROOT, "guard %s: threshold %.4f, false-positive rate %.3f on %d calibration"
                            + " samples%n", s, f.threshold(), measured, clean.size());
                }
                b.addGuard(g);
            }
            ModelServer server = b.start();
            // The hook stops the server and says so itself: once it returns, the JVM halts.
            java.io.PrintWriter out = out();
            Thread hook = new Thread(() -> {
                server.close();
                out.println("stopped");
                out.flush();
            }, "robust4j-serve-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            out().printf(Locale.ROOT, "serving %s on http://%s:%d/v1/predict (%s); GET /health, GET /metrics;"
                            + " stop with SIGTERM or Ctrl-C%n", model.description(), host.contains(":") ? "[" + host + "]"
                            : host, server.port(), specs.isEmpty() ? "no guard" : specs.size() + " guard"
                            + (specs.size() == 1 ? "" : "s"));
            out().flush();
            server.awaitStopped();
        }
        return 0;
    }

    private void checkOptions() {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        }
        if (!(fpr >= 0 && fpr < 1)) {
            throw new IllegalArgumentException("--fpr must be in [0, 1), got " + fpr);
        }
        if (calibrateLimit < 1) {
            throw new IllegalArgumentException("--calibrate-limit must be >= 1, got " + calibrateLimit);
        }
        if (maxBatch < 1 || maxBatch > 65536) {
            throw new IllegalArgumentException("--max-batch must be in [1, 65536], got " + maxBatch);
        }
        if (maxBody < 2 || maxBody > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("--max-body must be in [2, " + (Integer.MAX_VALUE - 8) + "] bytes, got "
                    + maxBody);
        }
        if (maxQueue < 1 || maxQueue > 65536) {
            throw new IllegalArgumentException("--max-queue must be in [1, 65536], got " + maxQueue);
        }
        if (threads < 1 || threads > 4096) {
            throw new IllegalArgumentException("--threads must be in [1, 4096], got " + threads);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("--host must be an address such as 127.0.0.1 or 0.0.0.0, got ''");
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
