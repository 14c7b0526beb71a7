package dev.robust4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {

    @TempDir
    Path root;

    /** A 3-wide, 2-high grey image whose pixel (x, y) is {@code base + 10 * y + x}. */
    static BufferedImage grey(int base) {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                img.getRaster().setSample(x, y, 0, base + 10 * y + x);
            }
        }
        return img;
    }

    /** A 3-wide, 2-high colour image: red x * 100, green y * 200, blue {@code blue}. */
    static BufferedImage rgb(int blue) {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                img.setRGB(x, y, (x * 100) << 16 | (y * 200) << 8 | blue);
            }
        }
        return img;
    }

    Path png(String relative, BufferedImage img) throws IOException {
        Path p = root.resolve(relative);
        Files.createDirectories(p.getParent());
        assertThat(ImageIO.write(img, "png", p.toFile())).isTrue();
        return p;
    }

    @Test
    void greyImagesGiveOneChannelNchwWithSortedClasses() throws IOException {
        png("dog/b.png", grey(100));
        png("cat/2.png", grey(50));
        png("cat/1.png", grey(0));

        Dataset d = ImageFolder.read(root);

        assertThat(d.classNames()).containsExactly("cat", "dog");
        assertThat(d.size()).isEqualTo(3);
        assertThat(d.sampleShape()).containsExactly(1, 2, 3);
        assertThat(d.labels()).containsExactly(0, 0, 1);
        float[] f = d.features();
        // sample 1 (cat/2.png), pixel x=2, y=1: 50 + 10 + 2 = 62, at 1 * 6 + 1 * 3 + 2
        assertThat(f[6 + 3 + 2]).isEqualTo(62f / 255f);
        assertThat(f[2 * 6 + 1]).isEqualTo(101f / 255f);
        assertThat(f[0]).isZero();
    }

    @Test
    void colourImagesGiveThreeRgbPlanes() throws IOException {
        png("a/x.png", rgb(7));
        png("b/y.png", rgb(255));

        Dataset d = ImageFolder.read(root);

        assertThat(d.sampleShape()).containsExactly(3, 2, 3);
        float[] f = d.features();
        int plane = 6;
        // sample 0, pixel x=2, y=1: red 200, green 200, blue 7
        assertThat(f[0 * plane + 1 * 3 + 2]).isEqualTo(200f / 255f);
        assertThat(f[1 * plane + 1 * 3 + 2]).isEqualTo(200f / 255f);
        assertThat(f[2 * plane + 1 * 3 + 2]).isEqualTo(7f / 255f);
        // sample 0, pixel x=1, y=0: red 100, green 0
        assertThat(f[1]).isEqualTo(100f / 255f);
        assertThat(f[plane + 1]).isZero();
        // sample 1 blue plane is all 1
        assertThat(f[18 + 2 * plane + 4]).isEqualTo(1f);
        assertThat(d.labels()).containsExactly(0, 1);
    }

    @Test
    void mixedGreyAndColourReadsGreyIntoAllThreeChannels() throws IOException {
        png("a/g.png", grey(30));
        png("b/c.png", rgb(0));

        Dataset d = ImageFolder.read(root);

        assertThat(d.sampleShape()).containsExactly(3, 2, 3);
        float[] f = d.features();
        for (int c = 0; c < 3; c++) {
            assertThat(f[c * 6 + 3 + 1]).isEqualTo(41f / 255f);
        }
    }

    @Test
    void grayscaleJpegIsOneChannel() throws IOException {
        Path p = root.resolve("a/g.jpg");
        Files.createDirectories(p.getParent());
        BufferedImage flat = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                flat.getRaster().setSample(x, y, 0, 128);
            }
        }
        assertThat(ImageIO.write(flat, "jpeg", p.toFile())).isTrue();

        Dataset d = ImageFolder.read(root);

        assertThat(d.sampleShape()).containsExactly(1, 8, 8);
        assertThat(d.features()[27]).isCloseTo(128f / 255f, within(2f / 255f));
    }

    @Test
    void ignoresHiddenAndNonImageFiles() throws IOException {
        png("a/x.png", grey(0));
        png("a/.hidden.png", grey(9));
        png(".git/z.png", grey(9));
        png("a/.thumbs/t.png", grey(9));
        Files.writeString(root.resolve("a/notes.txt"), "not an image");
        Files.writeString(root.resolve("README"), "top-level file");

        Dataset d = ImageFolder.read(root);

        assertThat(d.classNames()).containsExactly("a");
        assertThat(d.size()).isEqualTo(1);
    }

    @Test
    void differentSizeNamesTheOddFile() throws IOException {
        png("a/1.png", grey(0));
        Path odd = png("b/odd.png", new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY));

        assertThatThrownBy(() -> ImageFolder.read(root))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(odd.toString())
                .hasMessageContaining("4x2")
                .hasMessageContaining("3x2")
                .hasMessageContaining("same size");
    }

    @Test
    void undecodableImageIsNamed() throws IOException {
        png("a/1.png", grey(0));
        Path bad = root.resolve("a/2.png");
        Files.writeString(bad, "this is not a png");

        assertThatThrownBy(() -> ImageFolder.read(root))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(bad.toString());
    }

    @Test
    void emptyClassFolderAndEmptyRootAreErrors() throws IOException {
        assertThatThrownBy(() -> ImageFolder.read(root))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(root.toString())
                .hasMessageContaining("no class folders");
        png("a/1.png", grey(0));
        Files.createDirectories(root.resolve("b"));
        assertThatThrownBy(() -> ImageFolder.read(root))
                .hasMessageContaining(root.toString())
                .hasMessageContaining("'b' has no PNG or JPEG image");
    }

    /** A PNG whose header declares {@code w x h} grey pixels, with almost no pixel data. */
    static byte[] pngHeader(int w, int h) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h)
                .put((byte) 8).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    @Test
    void hugeDeclaredImagesAreRefusedFromTheHeaderBeforeDecoding() throws IOException {
        for (int side : new int[] {12000, 65535}) {
            Path r = root.resolve("h" + side);
            for (String c : new String[] {"a", "b"}) {
                Files.createDirectories(r.resolve(c));
                Files.write(r.resolve(c).resolve("1.png"), pngHeader(side, side));
            }
            assertThatThrownBy(() -> ImageFolder.read(r))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageContaining("image of " + side + "x" + side + " pixels has " + (long) side * side
                            + " values per sample, more than the limit of " + Limits.DEFAULT_SAMPLE_VALUES);
        }
    }

    @Test
    void imagesThatCannotFitTheModelAreRefusedFromTheHeader() throws IOException {
        Path r = root.resolve("mid");
        for (String c : new String[] {"a", "b"}) {
            Files.createDirectories(r.resolve(c));
            Files.write(r.resolve(c).resolve("1.png"), pngHeader(2000, 2000));
        }
        assertThatThrownBy(() -> ImageFolder.read(r, new long[] {1, 28, 28}))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("image of 2000x2000 pixels (4000000 values per channel) does not fit the model's"
                        + " input shape [1, 28, 28] (784 values); refused before decoding");
        png("ok/a/1.png", grey(0));
        png("ok/b/1.png", rgb(0));
        assertThatThrownBy(() -> ImageFolder.read(root.resolve("ok"), new long[] {1, 2, 3}))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("images are 3x2 with 3 channels (18 values) but the model takes inputs of shape"
                        + " [1, 2, 3] (6 values)");
        assertThat(ImageFolder.read(root.resolve("ok"), new long[] {3, 2, 3}).sampleShape()).containsExactly(3, 2, 3);
    }
}
