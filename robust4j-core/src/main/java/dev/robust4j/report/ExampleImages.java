package dev.robust4j.report;

import dev.robust4j.evaluate.Example;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import javax.imageio.ImageIO;

/**
 * Draws the images of an {@link Example}: the clean sample, the adversarial sample and the
 * perturbation between them, as PNG, upscaled by an integer factor (nearest neighbour) so that
 * small images such as 28×28 are visible.
 *
 * <p>Samples are NCHW per-sample arrays with 1 (grey) or 3 (RGB) channels, or H×W; values are
 * taken to lie in [0, 1] and clamped to it for display. The perturbation {@code δ = adv − clean}
 * is amplified to the full range: with one channel a diverging map (white 0, red +, blue −, full
 * colour at ±max|δ|); with three channels {@code 0.5 + δ / (2·max|δ|)} per channel.
 */
final class ExampleImages {

    static {
        HtmlReport.ensureHeadless();
    }

    /** Images are upscaled until their longer side is at least this many pixels. */
    static final int MIN_SIDE = 112;

    private ExampleImages() {}

    /**
     * Tells whether an example can be drawn as an image, and checks its arrays.
     *
     * @param e the example
     * @return true for shapes (C, H, W) with C 1 or 3, and (H, W); false for other shapes (e.g.
     *     tabular samples)
     * @throws IllegalArgumentException naming the sample if its arrays do not match its shape
     */
    static boolean drawable(Example e) {
        long[] s = e.shape();
        long n = 1;
        for (long d : s) {
            n *= d;
        }
        if (e.clean().length != n || e.adversarial().length != n) {
            throw new IllegalArgumentException("example of sample " + e.index() + ": shape " + Arrays.toString(s)
                    + " needs " + n + " values, got " + e.clean().length + " clean and " + e.adversarial().length
                    + " adversarial values");
        }
        return (s.length == 2 && s[0] > 0 && s[1] > 0) || (s.length == 3 && (s[0] == 1 || s[0] == 3) && s[1] > 0 && s[2] > 0);
    }

    /** @return the upscaling factor for an image of this height and width */
    static int scale(int height, int width) {
        return Math.max(1, (MIN_SIDE + Math.max(height, width) - 1) / Math.max(height, width));
    }

    /** @return the clean sample as an image */
    static BufferedImage clean(Example e) {
        return draw(e, e.clean());
    }

    /** @return the adversarial sample as an image */
    static BufferedImage adversarial(Example e) {
        return draw(e, e.adversarial());
    }

    /** @return the largest absolute change of any value */
    static float maxAbsPerturbation(Example e) {
        float m = 0;
        for (int i = 0; i < e.clean().length; i++) {
            m = Math.max(m, Math.abs(e.adversarial()[i] - e.clean()[i]));
        }
        return m;
    }

    /** @return the perturbation amplified to the full range (see the class comment) */
    static BufferedImage perturbation(Example e) {
        int[] chw = chw(e);
        int c = chw[0];
        int plane = chw[1] * chw[2];
        float m = maxAbsPerturbation(e);
        float[] x = e.clean();
        float[] a = e.adversarial();
        int[] rgb = new int[plane];
        for (int p = 0; p < plane; p++) {
            if (c == 1) {
                double t = m == 0 ? 0 : (a[p] - x[p]) / m;
                int fade = (int) Math.round(255 * (1 - Math.min(1, Math.abs(t))));
                rgb[p] = t >= 0 ? pack(255, fade, fade) : pack(fade, fade, 255);
            } else {
                int[] v = new int[3];
                for (int k = 0; k < 3; k++) {
                    int i = k * plane + p;
                    v[k] = level(m == 0 ? 0.5 : 0.5 + (a[i] - x[i]) / (2 * m));
                }
                rgb[p] = pack(v[0], v[1], v[2]);
            }
        }
        return upscale(rgb, chw[1], chw[2]);
    }

    /**
     * Encodes an image as PNG.
     *
     * @param image the image
     * @return the PNG bytes
     */
    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("this JVM has no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode an image as PNG: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    private static BufferedImage draw(Example e, float[] values) {
        int[] chw = chw(e);
        int plane = chw[1] * chw[2];
        int[] rgb = new int[plane];
        for (int p = 0; p < plane; p++) {
            if (chw[0] == 1) {
                int g = level(values[p]);
                rgb[p] = pack(g, g, g);
            } else {
                rgb[p] = pack(level(values[p]), level(values[plane + p]), level(values[2 * plane + p]));
            }
        }
        return upscale(rgb, chw[1], chw[2]);
    }

    private static int[] chw(Example e) {
        if (!drawable(e)) {
            throw new IllegalArgumentException("example of sample " + e.index() + ": shape "
                    + Arrays.toString(e.shape()) + " is not an image; expected (1, H, W), (3, H, W) or (H, W)");
        }
        long[] s = e.shape();
        return s.length == 2 ? new int[] {1, (int) s[0], (int) s[1]} : new int[] {(int) s[0], (int) s[1], (int) s[2]};
    }

    private static BufferedImage upscale(int[] rgb, int height, int width) {
        int k = scale(height, width);
        BufferedImage img = new BufferedImage(width * k, height * k, BufferedImage.TYPE_INT_RGB);
        int[] row = new int[width * k];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                Arrays.fill(row, x * k, (x + 1) * k, rgb[y * width + x]);
            }
            for (int r = 0; r < k; r++) {
                img.setRGB(0, y * k + r, width * k, 1, row, 0, width * k);
            }
        }
        return img;
    }

    private static int level(double v) {
        double c = Double.isNaN(v) ? 0 : Math.max(0, Math.min(1, v));
        return (int) Math.round(c * 255);
    }

    private static int pack(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }
}
