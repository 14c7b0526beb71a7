package dev.robust4j.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.data.Dataset;
import dev.robust4j.data.KnownDatasets;
import dev.robust4j.data.Split;
import dev.robust4j.model.TorchScriptClassifier;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model and data every benchmark uses: the small CNN traced by PyTorch that the core tests
 * use, on the first test images of the bundled Fashion-MNIST sample.
 */
final class BenchSetup implements AutoCloseable {

    /** System property naming the TorchScript model; default the core test fixture. */
    static final String MODEL_PROPERTY = "robust4j.bench.model";

    final TorchScriptClassifier model;
    final NDManager manager;
    final NDArray x;
    final NDArray y;
    final Dataset data;

    BenchSetup(int samples) {
        Path file = Path.of(System.getProperty(MODEL_PROPERTY,
                "robust4j-core/src/test/resources/fixtures/torchscript/cnn_traced.pt"));
        if (!Files.isRegularFile(file)) {
            file = Path.of("..").resolve(file);
        }
        model = TorchScriptClassifier.builder().setModelFile(file).setInputShape(1, 28, 28).build();
        data = KnownDatasets.load(KnownDatasets.SAMPLE, Split.TEST).limit(samples);
        manager = NDManager.newBaseManager();
        x = data.features(manager, 0, data.size());
        y = data.labels(manager, 0, data.size());
    }

    @Override
    public void close() {
        manager.close();
        model.close();
    }
}
