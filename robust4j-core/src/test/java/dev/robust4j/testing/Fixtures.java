package dev.robust4j.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.data.Npy;
import dev.robust4j.model.TorchScriptClassifier;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;

/** Locates committed test fixtures, and loads the TorchScript CNN fixture and its images. */
public final class Fixtures {

    private static float[] images;
    private static long[] labels;

    private Fixtures() {}

    /** @return the traced TorchScript CNN fixture (1x28x28 inputs, 10 classes); the caller closes it */
    public static TorchScriptClassifier tracedCnn() {
        return TorchScriptClassifier.builder()
                .setModelFile(path("torchscript/cnn_traced.pt"))
                .setInputShape(1, 28, 28)
                .build();
    }

    /** @return the first {@code n} of the fixture's 100 test images, {@code (n, 1, 28, 28)} */
    public static synchronized NDArray images(NDManager manager, int n) {
        if (images == null) {
            images = Npy.read(path("torchscript/x.npy")).floats();
        }
        return manager.create(Arrays.copyOf(images, n * 784), new Shape(n, 1, 28, 28));
    }

    /** @return the labels of the first {@code n} fixture images */
    public static synchronized long[] labels(int n) {
        if (labels == null) {
            labels = Npy.read(path("torchscript/y.npy")).longs();
        }
        return Arrays.copyOf(labels, n);
    }

    /**
     * @param name a path under {@code src/test/resources/fixtures/}
     * @return the fixture's path on disk
     */
    public static Path path(String name) {
        URL url = Fixtures.class.getResource("/fixtures/" + name);
        if (url == null) {
            throw new IllegalStateException("missing test fixture fixtures/" + name
                    + "; regenerate with scripts/make-torchscript-fixtures.py");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
