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
            throw new UncheckedIOException(root + ": cannot read: " + e, e);
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
            Info info = info(f);
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
        int plane = width * height;
        int sampleSize = channels * plane;
        float[] features = new float[Math.multiplyExact(files.size(), sampleSize)];
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

    /** Reads an image's size and colour kind from its header, without decoding the pixels if possible. */
    private static Info info(Path f) {
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
