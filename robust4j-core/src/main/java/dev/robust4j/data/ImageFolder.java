package dev.robust4j.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;

/**
 * Reads a labelled image dataset from a directory with one subdirectory per class, like
 * torchvision's {@code ImageFolder}: {@code root/cat/001.png}, {@code root/dog/a.jpg}, ...
 *
 * <p>The class names are the subdirectory names in sorted order, and a class's index is its place in
 * that order. Images are the {@code .png}, {@code .jpg} and {@code .jpeg} files (any case) anywhere
 * under a class directory, in sorted order of their paths; other files, files directly in the root
 * and hidden files and directories (name starting with {@code .}) are ignored.
 *
 * <p>All images must have the same width and height (they are not resized); the first that differs
 * is named in the error. Grayscale images (grey, grey with alpha, or a palette of greys) give one
 * channel; colour images give three (RGB, alpha dropped). When a folder mixes both, every image is
 * read as RGB, the grey ones with the grey value in all three channels. Samples are NCHW floats in
 * {@code [0, 1]}: a pixel value divided by the largest value of its bit depth (255 for 8-bit images).
 * Grey values are taken from the raster as stored, without colour-space conversion.
 */
public final class ImageFolder {

    private ImageFolder() {}

    /**
     * Reads an image folder.
     *
     * @param root the directory holding one subdirectory per class
     * @return the dataset, sample shape {@code (C, H, W)} with {@code C} 1 or 3, class names from the
     *     subdirectory names
     * @throws DataFormatException if there are no class directories, a class has no image, an image
     *     cannot be decoded or has another size than the first
     * @throws UncheckedIOException if the folder cannot be read
     */
    public static Dataset read(Path root) {
        return read(root, null);
    }

    /**
     * Reads an image folder for a model of a known input shape. Every image's size is read from its
     * header first, without decoding its pixels, and refused when its values (width × height ×
     * channels) exceed {@link Limits#sampleValues()} or differ from the model's input size, and the
     * folder is refused when all its values together exceed {@link Limits#arrayValues()}; only then
     * are the pixels decoded.
     *
     * @param root the directory holding one subdirectory per class
     * @param expectedSampleShape the model's per-sample input shape, or {@code null} if unknown
     * @return the dataset, as {@link #read(Path)}
     * @throws DataFormatException as {@link #read(Path)}, or naming the first image that is too large
     *     or does not fit the expected shape
     */
    public static Dataset read(Path root, long[] expectedSampleShape) {
        if (!Files.isDirectory(root)) {
            throw new DataFormatException(root + ": not a directory");
        }
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        List<Integer> fileClass = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path d : dirs.filter(p -> !hidden(p) && Files.isDirectory(p)).sorted().toList()) {
                List<Path> images;
                try (Stream<Path> walk = Files.walk(d, FileVisitOption.FOLLOW_LINKS)) {
                    images = walk.filter(p -> Files.isRegularFile(p) && isImageName(p)
                                    && noHiddenPart(d.relativize(p)))
                            .sorted()
                            .toList();
                }
                if (images.isEmpty()) {
                    throw new DataFormatException(root + ": class folder '" + d.getFileName()
                            + "' has no PNG or JPEG image");
                }
                for (Path p : images) {
                    files.add(p);
                    fileClass.add(classes.size());
                }
                classes.add(d.getFileName().toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(root + ": cannot read: " + IoErrors.describe(e), e);
        }
        if (classes.isEmpty()) {
            throw new DataFormatException(root + ": no class folders; an image folder holds one subdirectory per class");
        }

        // First pass, headers only: sizes and whether any image is in colour.
        int width = -1;
        int height = -1;
        boolean anyColour = false;
        boolean[] grey = new boolean[files.size()];
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            Info info = info(f, expectedSampleShape);
            if (i == 0) {
                width = info.width;
                height = info.height;
            } else if (info.width != width || info.height != height) {
                throw new DataFormatException(f + ": image is " + info.width + "x" + info.height + " (width x height) but "
                        + files.get(0) + " is " + width + "x" + height + "; all images of " + root
                        + " must have the same size (they are not resized)");
            }
            grey[i] = info.grey;
            anyColour |= !info.grey;
        }

        int channels = anyColour ? 3 : 1;
        long expected = expectedSampleShape == null ? -1 : product(expectedSampleShape);
        long values = (long) channels * width * height;
        if (expected >= 0 && values != expected) {
            throw new DataFormatException(root + ": images are " + width + "x" + height + " with " + channels
                    + " channel" + (channels == 1 ? "" : "s") + " (" + values + " values) but the model takes inputs of"
                    + " shape " + java.util.Arrays.toString(expectedSampleShape) + " (" + expected + " values)");
        }
        Limits.checkSample(root.toString(), "an image folder of " + channels + "x" + width + "x" + height + " images",
                values);
        Limits.checkArray(root.toString(), files.size() + " images of " + channels + "x" + width + "x" + height,
                values * files.size());
        int plane = width * height;
        int sampleSize = channels * plane;
        float[] features = new float[files.size() * sampleSize];
        int[] labels = new int[files.size()];
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            BufferedImage img = decode(f);
            if (img.getWidth() != width || img.getHeight() != height) {
                throw new DataFormatException(f + ": decoded image is " + img.getWidth() + "x" + img.getHeight()
                        + ", expected " + width + "x" + height);
            }
            int base = i * sampleSize;
            if (grey[i]) {
                Raster r = img.getRaster();
                float max = (float) ((1L << r.getSampleModel().getSampleSize(0)) - 1);
                boolean palette = img.getColorModel() instanceof IndexColorModel;
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        float v = palette ? (img.getRGB(x, y) & 0xFF) / 255f : r.getSample(x, y, 0) / max;
                        for (int c = 0; c < channels; c++) {
                            features[base + c * plane + y * width + x] = v;
                        }
                    }
                }
            } else {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        int rgb = img.getRGB(x, y);
                        int o = base + y * width + x;
                        features[o] = ((rgb >> 16) & 0xFF) / 255f;
                        features[o + plane] = ((rgb >> 8) & 0xFF) / 255f;
                        features[o + 2 * plane] = (rgb & 0xFF) / 255f;
                    }
                }
            }
            labels[i] = fileClass.get(i);
        }
        return new Dataset(features, new long[] {channels, height, width}, labels, classes, root.toString());
    }

    private record Info(int width, int height, boolean grey) {}

    private static long product(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n = d <= 0 || n > Long.MAX_VALUE / d ? -1 : n * d;
            if (n < 0) {
                return Long.MAX_VALUE;
            }
        }
        return n;
    }

    /**
     * Reads an image's size and colour kind from its header, without decoding the pixels; refuses
     * an image too large for the limit or, when a shape is expected, one whose pixels alone exceed
     * it, before anything is decoded.
     */
    private static Info info(Path f, long[] expectedSampleShape) {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new DataFormatException(f + ": not a readable PNG or JPEG image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int w = reader.getWidth(0);
                int h = reader.getHeight(0);
                if (w <= 0 || h <= 0) {
                    throw new DataFormatException(f + ": the image header declares " + w + "x" + h
                            + " pixels; expected a positive width and height");
                }
                long pixels = (long) w * h;
                if (expectedSampleShape != null && pixels > product(expectedSampleShape)) {
                    throw new DataFormatException(f + ": image of " + w + "x" + h + " pixels (" + pixels
                            + " values per channel) does not fit the model's input shape "
                            + java.util.Arrays.toString(expectedSampleShape) + " (" + product(expectedSampleShape)
                            + " values); refused before decoding");
                }
                Limits.checkSample(f.toString(), "image of " + w + "x" + h + " pixels", pixels);
                ImageTypeSpecifier type = reader.getRawImageType(0);
                ColorModel cm = type != null ? type.getColorModel() : decode(f).getColorModel();
                return new Info(w, h, isGrey(cm));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataFormatException d) {
                throw d;
            }
            throw new DataFormatException(f + ": cannot read the image: " + e.getMessage(), e);
        }
    }

    private static BufferedImage decode(Path f) {
        try {
            BufferedImage img = ImageIO.read(f.toFile());
            if (img == null) {
                throw new DataFormatException(f + ": not a readable PNG or JPEG image");
            }
            return img;
        } catch (IOException | RuntimeException e) {
            if (e instanceof DataFormatException d) {
                throw d;
            }
            throw new DataFormatException(f + ": cannot decode the image: " + e.getMessage(), e);
        }
    }

    /** Grey colour space, or a palette whose every entry is grey. */
    static boolean isGrey(ColorModel cm) {
        if (cm instanceof IndexColorModel icm) {
            for (int i = 0; i < icm.getMapSize(); i++) {
                if (icm.getRed(i) != icm.getGreen(i) || icm.getGreen(i) != icm.getBlue(i)) {
                    return false;
                }
            }
            return true;
        }
        return cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    private static boolean isImageName(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg");
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }

    private static boolean noHiddenPart(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        return true;
    }
}
