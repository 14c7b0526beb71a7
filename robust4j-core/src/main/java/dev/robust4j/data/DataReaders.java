package dev.robust4j.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The one entry point for reading a dataset from a file or a directory, whatever its format.
 *
 * <p><b>Formats</b>, recognised by content first (magic bytes) and then by file name:
 * <ul>
 *   <li>a directory: an {@linkplain ImageFolder image folder};
 *   <li>NumPy {@code .npy} (magic {@code \x93NUMPY}): the features; labels, if any, in a separate
 *       {@code .npy} or IDX file;
 *   <li>NumPy {@code .npz} (a zip archive): features and labels by key, see below;
 *   <li>IDX, plain or gzipped (magic {@code 00 00 TT DD}): the features (e.g.
 *       {@code train-images-idx3-ubyte.gz}); labels in a separate IDX (or {@code .npy}) file;
 *   <li>a {@code .csv} file: see {@link CsvReader} (labels in a column).
 * </ul>
 *
 * <p><b>Scaling.</b> {@code uint8} features (NPY, NPZ or IDX) are image bytes and are divided by
 * 255 into {@code [0, 1]}. Floating-point features ({@code float32}, {@code float64}) are taken as
 * they are, as are the other integer types ({@code int8}, {@code int16}, {@code int32},
 * {@code int64}; {@code bool} as 0/1), converted to float32.
 *
 * <p><b>Shapes.</b> Features of shape {@code (N, D)} give samples of shape {@code (D)};
 * {@code (N, H, W)} gives {@code (1, H, W)} (one channel); {@code (N, C, H, W)} (and any higher
 * rank) is kept, {@code (C, H, W, ...)} per sample. Channels-last data ({@code (N, H, W, C)}) is not
 * transposed: it must be stored channels-first. One-dimensional features are refused.
 *
 * <p><b>Labels</b> are integer arrays of shape {@code (N)} or {@code (N, 1)}, floating arrays of
 * whole numbers of those shapes, or one-hot arrays of shape {@code (N, K)} with {@code K > 1}
 * (exactly one 1 per row, zeros elsewhere), turned into class indices; a one-hot array also fixes
 * the number of classes and names them {@code "0"} to {@code "K-1"}. Every label must be a
 * non-negative class index, and there must be one per sample.
 *
 * <p><b>NPZ keys.</b> The features and labels are the arrays {@code x} and {@code y}; failing
 * {@code x}, {@code x_test} and {@code y_test}; failing that, {@code images} and {@code labels}
 * (the labels array may be absent: the dataset is then unlabelled). Otherwise an archive of exactly
 * two arrays, one floating-point and one integer, gives the floating one as features and the integer
 * one as labels, and an archive of a single array gives unlabelled features. Anything else is an
 * error that lists the keys.
 *
 * <p>Every fault is a {@link DataFormatException} (an {@link IllegalArgumentException}) naming the
 * file; NaN or infinite features are refused.
 */
public final class DataReaders {

    /** The data formats {@link #read(Path, Path)} understands. */
    enum Format { NPY, NPZ, IDX, CSV, IMAGE_FOLDER }

    /** Labels as class indices, and the number of classes when the file fixes it (else -1). */
    record Labels(int[] indices, int numClasses) {}

    private DataReaders() {}

    /**
     * Reads a dataset whose labels, if any, are in the same file or folder.
     *
     * @param features the file or directory
     * @return the dataset
     * @throws DataFormatException naming the file if it is malformed or in an unknown format
     * @throws UncheckedIOException if it cannot be read
     */
    public static Dataset read(Path features) {
        return read(features, null);
    }

    /**
     * Reads a dataset, with its labels from a separate file when one is given.
     *
     * @param features the features file, or an image folder (see the class comment for formats)
     * @param labelsOrNull a {@code .npy} or IDX labels file, or null to take the labels from the
     *     features file when it has them ({@code .npz}, CSV, image folder) or to read it unlabelled
     * @return the dataset
     * @throws DataFormatException naming the file if it is malformed, in an unknown format, or the
     *     labels do not fit the features
     * @throws UncheckedIOException if a file cannot be read
     */
    public static Dataset read(Path features, Path labelsOrNull) {
        return read(features, labelsOrNull, null);
    }

    /**
     * Reads a dataset for a model of a known input shape: an image folder is checked against the
     * shape from the images' headers, before any pixel is decoded (see
     * {@link ImageFolder#read(Path, long[])}).
     *
     * @param features the features file, or an image folder
     * @param labelsOrNull a separate labels file, or null
     * @param expectedSampleShape the model's per-sample input shape, or null if unknown
     * @return the dataset
     */
    public static Dataset read(Path features, Path labelsOrNull, long[] expectedSampleShape) {
        Format format = detect(features);
        String xName = features.toString();
        if (labelsOrNull != null && (format == Format.CSV || format == Format.IMAGE_FOLDER)) {
            throw new DataFormatException(features + ": a " + (format == Format.CSV ? "CSV file" : "image folder")
                    + " holds its own labels; a separate labels file (" + labelsOrNull + ") is not supported");
        }
        switch (format) {
            case IMAGE_FOLDER:
                return ImageFolder.read(features, expectedSampleShape);
            case CSV:
                return CsvReader.defaults().read(features);
            case NPZ:
                return readNpz(features, labelsOrNull);
            default:
                NpyArray x = format == Format.NPY ? Npy.read(features, true) : Idx.read(features, true);
                Labels y = labelsOrNull == null ? null : toLabels(readLabelArray(labelsOrNull), labelsOrNull.toString());
                String source = labelsOrNull == null ? xName : xName + " + " + labelsOrNull;
                return assemble(x, y, List.of(), source, xName, labelsOrNull == null ? null : labelsOrNull.toString());
        }
    }

    /**
     * Reads a file of class labels ({@code .npy} or IDX), for example target labels of an attack.
     *
     * @param file the labels file: integers of shape {@code (N)} or {@code (N, 1)}, or one-hot
     *     {@code (N, K)}
     * @return the class indices
     * @throws DataFormatException naming the file if it is malformed or not a labels array
     * @throws UncheckedIOException if it cannot be read
     */
    public static int[] readLabels(Path file) {
        return toLabels(readLabelArray(file), file.toString()).indices();
    }

    /**
     * Loads a known dataset by name, or else reads a file or folder: the meaning of a {@code --data}
     * argument. A known name wins over a file of the same name; write {@code ./sample} for the file.
     *
     * @param nameOrPath a name of {@link KnownDatasets#names()}, or a path
     * @param labelsOrNull a separate labels file for a path, or null; must be null for a known name
     * @param split the split of a known dataset (ignored for a path)
     * @return the dataset
     * @throws IllegalArgumentException if the name is neither known nor an existing path, or a labels
     *     file is given with a known name
     * @throws DataFormatException naming the file if it is malformed
     */
    public static Dataset load(String nameOrPath, Path labelsOrNull, Split split) {
        return load(nameOrPath, labelsOrNull, split, null);
    }

    /**
     * Loads a dataset as {@link #load(String, Path, Split)} does, for a model of a known input shape
     * (see {@link #read(Path, Path, long[])}).
     *
     * @param nameOrPath a known name or a path; never blank
     * @param labelsOrNull a separate labels file for a path, or null
     * @param split the split of a known dataset
     * @param expectedSampleShape the model's per-sample input shape, or null if unknown
     * @return the dataset
     */
    public static Dataset load(String nameOrPath, Path labelsOrNull, Split split, long[] expectedSampleShape) {
        if (nameOrPath == null || nameOrPath.isBlank()) {
            throw new IllegalArgumentException("data must be a known dataset " + KnownDatasets.names()
                    + " or a path, got '" + (nameOrPath == null ? "" : nameOrPath) + "'");
        }
        if (labelsOrNull != null && labelsOrNull.toString().isBlank()) {
            throw new IllegalArgumentException("labels must be a path, got ''");
        }
        if (KnownDatasets.isKnown(nameOrPath)) {
            if (labelsOrNull != null) {
                throw new IllegalArgumentException("dataset '" + nameOrPath + "' brings its own labels; got a labels file "
                        + labelsOrNull);
            }
            return KnownDatasets.load(nameOrPath, split);
        }
        Path p = Path.of(nameOrPath);
        if (!Files.exists(p)) {
            throw new IllegalArgumentException("data '" + nameOrPath + "' is neither a known dataset "
                    + KnownDatasets.names() + " nor an existing file or directory");
        }
        return read(p, labelsOrNull, expectedSampleShape);
    }

    /** Decides the format of a path by its content, then by its name. */
    static Format detect(Path path) {
        if (Files.isDirectory(path)) {
            return Format.IMAGE_FOLDER;
        }
        if (!Files.exists(path)) {
            throw new DataFormatException(path + ": no such file or directory");
        }
        byte[] head;
        boolean gzipIdx = false;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
            boolean gzip = Idx.isGzip(in);
            head = in.readNBytes(8);
            if (gzip) {
                try (InputStream g = new GZIPInputStream(Files.newInputStream(path))) {
                    gzipIdx = Idx.isMagic(g.readNBytes(4));
                } catch (IOException e) {
                    gzipIdx = false;
                }
                if (!gzipIdx) {
                    throw new DataFormatException(path + ": gzip-compressed, but not an IDX file inside "
                            + "(only IDX files may be gzipped), or its gzip data is corrupt");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read: " + IoErrors.describe(e), e);
        }
        if (gzipIdx || Idx.isMagic(head)) {
            return Format.IDX;
        }
        if (startsWith(head, Npy.MAGIC)) {
            return Format.NPY;
        }
        if (startsWith(head, new byte[] {'P', 'K', 3, 4}) || startsWith(head, new byte[] {'P', 'K', 5, 6})) {
            return Format.NPZ;
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return Format.CSV;
        }
        if (name.endsWith(".npy")) {
            return Format.NPY; // the reader reports what is wrong
        }
        if (name.endsWith(".npz")) {
            return Format.NPZ;
        }
        if (name.endsWith(".gz") || name.endsWith(".idx") || name.contains("-ubyte")) {
            return Format.IDX;
        }
        throw new DataFormatException(path + ": unrecognised data format: not NumPy .npy or .npz, not IDX "
                + "(plain or gzip), not a .csv file and not a directory");
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        return Arrays.equals(Arrays.copyOf(b, prefix.length), prefix);
    }

    private static NpyArray readLabelArray(Path file) {
        Format f = detect(file);
        if (f == Format.NPY) {
            return Npy.read(file, true);
        }
        if (f == Format.IDX) {
            return Idx.read(file, true);
        }
        throw new DataFormatException(file + ": a labels file must be a NumPy .npy or an IDX file, got "
                + f.name().toLowerCase(Locale.ROOT).replace('_', ' '));
    }

    private static Dataset readNpz(Path file, Path labelsOrNull) {
        Map<String, Npy.Header> arrays = Npz.headers(file);
        String[][] pairs = {{"x", "y"}, {"x_test", "y_test"}, {"images", "labels"}};
        String xKey = null;
        String yKey = null;
        for (String[] pair : pairs) {
            if (arrays.containsKey(pair[0])) {
                xKey = pair[0];
                yKey = arrays.containsKey(pair[1]) ? pair[1] : null;
                break;
            }
        }
        if (xKey == null && arrays.size() == 1) {
            xKey = arrays.keySet().iterator().next();
        }
        if (xKey == null && arrays.size() == 2) {
            List<String> keys = new ArrayList<>(arrays.keySet());
            boolean aFloat = arrays.get(keys.get(0)).type().floating;
            boolean bFloat = arrays.get(keys.get(1)).type().floating;
            if (aFloat != bFloat) {
                xKey = keys.get(aFloat ? 0 : 1);
                yKey = keys.get(aFloat ? 1 : 0);
            }
        }
        if (xKey == null) {
            StringBuilder listing = new StringBuilder();
            arrays.forEach((k, v) -> listing.append(listing.length() == 0 ? "" : ", ")
                    .append(k).append(' ').append(v.type().numpyName).append(' ').append(NpyArray.shapeString(v.shape())));
            throw new DataFormatException(file + ": cannot tell features from labels among the arrays ["
                    + listing + "]; name them x and y (or x_test and y_test, or images and labels)");
        }
        if (yKey != null && labelsOrNull != null) {
            throw new DataFormatException(file + ": has labels '" + yKey + "' and a labels file " + labelsOrNull
                    + " was given too; give one of them");
        }
        String xName = file + "[" + xKey + "]";
        String yName = yKey != null ? file + "[" + yKey + "]" : labelsOrNull != null ? labelsOrNull.toString() : null;
        NpyArray y = yKey != null ? Npz.read(file, yKey, true) : labelsOrNull != null ? readLabelArray(labelsOrNull) : null;
        return assemble(Npz.read(file, xKey, true), y == null ? null : toLabels(y, yName), List.of(),
                labelsOrNull == null ? xName : xName + " + " + labelsOrNull, xName, yName);
    }

    /**
     * Turns a labels array into class indices.
     *
     * @param name the labels' source, for messages
     */
    static Labels toLabels(NpyArray y, String name) {
        long[] s = y.shape();
        if (s.length == 1 || (s.length == 2 && s[1] == 1)) {
            int[] idx = new int[(int) s[0]];
            float[] f = y.isFloatingPoint() ? y.floats() : null;
            long[] l = f == null ? y.toLongs() : null;
            for (int i = 0; i < idx.length; i++) {
                double v = f != null ? f[i] : l[i];
                if (!(v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
                    throw new DataFormatException(name + ": label of sample " + i + " is "
                            + (f != null ? String.valueOf(f[i]) : String.valueOf(l[i]))
                            + "; expected a non-negative integer class index");
                }
                idx[i] = (int) v;
            }
            return new Labels(idx, -1);
        }
        if (s.length == 2 && s[1] > 1) {
            int n = (int) s[0];
            int k = (int) s[1];
            float[] f = y.toFloats();
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                int hot = -1;
                for (int j = 0; j < k; j++) {
                    float v = f[i * k + j];
                    if (v == 1f && hot < 0) {
                        hot = j;
                    } else if (v != 0f) {
                        hot = -2;
                        break;
                    }
                }
                if (hot < 0) {
                    float[] row = Arrays.copyOfRange(f, i * k, Math.min((i + 1) * k, i * k + 12));
                    throw new DataFormatException(name + ": labels of shape " + y.shapeString()
                            + " must be one-hot (one 1 per row, 0 elsewhere), but row " + i + " is "
                            + Arrays.toString(row) + (k > 12 ? "..." : ""));
                }
                idx[i] = hot;
            }
            return new Labels(idx, k);
        }
        throw new DataFormatException(name + ": labels must have shape (N,), (N, 1) or one-hot (N, K), got "
                + y.dtype() + " " + y.shapeString());
    }

    /**
     * Makes a dataset from a features array (scaled and shaped as the class comment says) and labels.
     *
     * @param classNames the class names, or empty to take them from one-hot labels if any
     * @param xName the features' source, for messages
     * @param yName the labels' source, for messages; null when there are no labels
     */
    static Dataset assemble(NpyArray x, Labels y, List<String> classNames, String source, String xName, String yName) {
        long[] s = x.shape();
        if (s.length < 2) {
            throw new DataFormatException(xName + ": features of shape " + x.shapeString()
                    + " need at least two dimensions, (N, D) or (N, H, W) or (N, C, H, W); is this a labels file?");
        }
        long[] sample = s.length == 3 ? new long[] {1, s[1], s[2]} : Arrays.copyOfRange(s, 1, s.length);
        for (long d : sample) {
            if (d == 0) {
                throw new DataFormatException(xName + ": features of shape " + x.shapeString() + " have empty samples");
            }
        }
        float[] f = x.toFloats();
        if (x.dtype().equals("uint8")) {
            for (int i = 0; i < f.length; i++) {
                f[i] /= 255f;
            }
        }
        List<String> names = classNames;
        if (y != null) {
            if (y.indices().length != s[0]) {
                throw new DataFormatException(yName + ": " + y.indices().length + " labels for the " + s[0]
                        + " samples of " + xName);
            }
            if (names.isEmpty() && y.numClasses() > 0) {
                List<String> generated = new ArrayList<>();
                for (int i = 0; i < y.numClasses(); i++) {
                    generated.add(String.valueOf(i));
                }
                names = generated;
            }
            if (!names.isEmpty()) {
                int[] idx = y.indices();
                for (int i = 0; i < idx.length; i++) {
                    if (idx[i] >= names.size()) {
                        throw new DataFormatException(yName + ": label of sample " + i + " is " + idx[i]
                                + "; expected a class index in [0, " + (names.size() - 1) + "]");
                    }
                }
            }
        }
        try {
            return new Dataset(f, sample, y == null ? null : y.indices(), names, source);
        } catch (DataFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(e.getMessage(), e);
        }
    }
}
