package dev.robust4j.defence.preprocess;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.robust4j.model.Bounds;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * JPEG compression and decompression of every image (Dziugaite et al. 2016; Das et al. 2017), with
 * the JDK's JPEG codec at a given quality. Inputs are NCHW with 1 (grey) or 3 (RGB) channels,
 * scaled to 8 bits over the bounds. Not differentiable: attacks go through it by BPDA.
 */
public final class JpegCompression implements Preprocessor {

    private final int quality;

    /**
     * @param quality JPEG quality, 1 (smallest) to 100 (best)
     */
    public JpegCompression(int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("quality must be in [1, 100], got " + quality);
        }
        this.quality = quality;
    }

    @Override
    public NDArray apply(NDArray x, Bounds bounds) {
        Shape s = x.getShape();
        if (s.dimension() != 4 || (s.get(1) != 1 && s.get(1) != 3)) {
            throw new IllegalArgumentException(description() + " needs NCHW images with 1 or 3 channels, got " + s);
        }
        int n = (int) s.get(0);
        int c = (int) s.get(1);
        int h = (int) s.get(2);
        int w = (int) s.get(3);
        float[] in = x.toFloatArray();
        float[] out = new float[in.length];
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            BufferedImage img = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
            int base = i * c * plane;
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    int p = y * w + xx;
                    if (c == 1) {
                        int g = toByte(in[base + p], bounds);
                        img.getRaster().setSample(xx, y, 0, g);
                    } else {
                        int r = toByte(in[base + p], bounds);
                        int g = toByte(in[base + plane + p], bounds);
                        int b = toByte(in[base + 2 * plane + p], bounds);
                        img.setRGB(xx, y, (r << 16) | (g << 8) | b);
                    }
                }
            }
            BufferedImage decoded = roundTrip(img);
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    int p = y * w + xx;
                    if (c == 1) {
                        out[base + p] = fromByte(decoded.getRaster().getSample(xx, y, 0), bounds);
                    } else {
                        int rgb = decoded.getRGB(xx, y);
                        out[base + p] = fromByte((rgb >> 16) & 0xFF, bounds);
                        out[base + plane + p] = fromByte((rgb >> 8) & 0xFF, bounds);
                        out[base + 2 * plane + p] = fromByte(rgb & 0xFF, bounds);
                    }
                }
            }
        }
        return x.getManager().create(out, s);
    }

    private BufferedImage roundTrip(BufferedImage img) {
        try {
            Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
            ImageWriter writer = writers.next();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
                writer.setOutput(out);
                ImageWriteParam param = writer.getDefaultWriteParam();
                param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
                param.setCompressionQuality(quality / 100f);
                writer.write(null, new IIOImage(img, null, null), param);
            } finally {
                writer.dispose();
            }
            BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(bytes.toByteArray()));
            if (decoded == null) {
                throw new IllegalStateException("the JDK's JPEG codec could not decode its own output");
            }
            return decoded;
        } catch (IOException e) {
            throw new UncheckedIOException("JPEG compression failed: " + e.getMessage(), e);
        }
    }

    private static int toByte(float v, Bounds b) {
        return Math.max(0, Math.min(255, Math.round((v - b.min()) / b.width() * 255f)));
    }

    private static float fromByte(int v, Bounds b) {
        return b.min() + v / 255f * b.width();
    }

    @Override
    public boolean differentiable() {
        return false;
    }

    @Override
    public String description() {
        return "jpeg-compression:quality=" + quality;
    }
}
