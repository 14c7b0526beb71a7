package dev.robust4j.model;

import dev.robust4j.Robust4j;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * How to load a model again in another process: where it is (a TorchScript or ONNX file, a model
 * directory, or an HTTP(S) endpoint), its input shape and bounds, and the normalisation the
 * command line wrapped it in. A cluster runner ships the file to its executors and rebuilds the
 * model there with {@link #open}; the recipe itself is a small serializable value.
 *
 * @param location the model's path or URL, as given
 * @param inputShape the per-sample input shape
 * @param min the lower input bound
 * @param max the upper input bound
 * @param mean the per-channel means of a normalisation the model expects, or {@code null}
 * @param std the per-channel standard deviations of that normalisation, or {@code null}
 * @param numClasses the classes of an HTTP model, or {@code null} for a file
 * @serial exclude
 */
public record ModelRecipe(
        String location, long[] inputShape, float min, float max, float[] mean, float[] std, Integer numClasses)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * Checks and copies the fields.
     *
     * @param location the model's path or URL, as given
     * @param inputShape the per-sample input shape
     * @param min the lower input bound
     * @param max the upper input bound
     * @param mean the per-channel means of a normalisation the model expects, or {@code null}
     * @param std the per-channel standard deviations of that normalisation, or {@code null}
     * @param numClasses the classes of an HTTP model, or {@code null} for a file
     */
    public ModelRecipe {
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("a model recipe needs the model's location, got '" + location + "'");
        }
        inputShape = inputShape.clone();
        mean = mean == null ? null : mean.clone();
        std = std == null ? null : std.clone();
        if ((mean == null) != (std == null)) {
            throw new IllegalArgumentException("a normalisation needs both mean and std");
        }
    }

    /**
     * The recipe of a loaded model: its location and the shape, bounds and normalisation it was
     * loaded with.
     *
     * @param location the model's path or URL
     * @param loaded the model as loaded (before any normalisation)
     * @param normalization the normalisation wrapped around it, or {@code null}
     * @param numClasses the classes given for an HTTP model, or {@code null}
     * @return the recipe
     */
    public static ModelRecipe of(String location, Classifier loaded, Normalization normalization, Integer numClasses) {
        Bounds b = loaded.bounds();
        return new ModelRecipe(location, loaded.inputShape().getShape(), b.min(), b.max(),
                normalization == null ? null : normalization.mean(), normalization == null ? null : normalization.std(),
                isUrl(location) ? Integer.valueOf(loaded.numClasses()) : numClasses);
    }

    /** @return true if the model is an HTTP(S) endpoint, which is called, not shipped */
    public boolean remote() {
        return isUrl(location);
    }

    /** @return the name of the model file or directory, which a cluster ships under this name */
    public String fileName() {
        return remote() ? null : Path.of(location).getFileName().toString();
    }

    /**
     * A model opened from a recipe.
     *
     * @param model the model the attacks are run against (normalised, if the recipe says so)
     * @param loaded the model as loaded, which {@link #close} releases
     */
    public record Opened(Classifier model, Classifier loaded) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            loaded.close();
        }
    }

    /**
     * Loads the model (from {@code local}, the shipped copy of the file, or from the URL) and wraps
     * it in the normalisation, if any.
     *
     * @param local the local copy of the model file or directory; ignored for an HTTP model
     * @return the model; close it
     */
    public Opened open(Path local) {
        Bounds bounds = new Bounds(min, max);
        Classifier opened;
        if (remote()) {
            opened = HttpClassifier.builder().setUrl(location).setInputShape(inputShape).setNumClasses(numClasses)
                    .optBounds(bounds).build();
        } else {
            opened = Robust4j.loadModel(local, inputShape, bounds);
        }
        if (mean == null) {
            return new Opened(opened, opened);
        }
        return new Opened(NormalizedClassifier.wrap(opened, new Normalization(mean, std), bounds), opened);
    }

    private static boolean isUrl(String location) {
        String l = location.toLowerCase(Locale.ROOT);
        return l.startsWith("http://") || l.startsWith("https://");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelRecipe r && location.equals(r.location) && Arrays.equals(inputShape, r.inputShape)
                && Float.compare(min, r.min) == 0 && Float.compare(max, r.max) == 0 && Arrays.equals(mean, r.mean)
                && Arrays.equals(std, r.std) && java.util.Objects.equals(numClasses, r.numClasses);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(location, Arrays.hashCode(inputShape), min, max, Arrays.hashCode(mean),
                Arrays.hashCode(std), numClasses);
    }

    @Override
    public String toString() {
        return location + " " + Arrays.toString(inputShape) + " [" + min + ", " + max + "]"
                + (mean == null ? "" : " normalised");
    }
}
