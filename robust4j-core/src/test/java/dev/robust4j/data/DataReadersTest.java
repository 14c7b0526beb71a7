package dev.robust4j.data;

import static dev.robust4j.data.TestFiles.buf;
import static dev.robust4j.data.TestFiles.gzip;
import static dev.robust4j.data.TestFiles.idx;
import static dev.robust4j.data.TestFiles.npy;
import static dev.robust4j.data.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataReadersTest {

    @TempDir
    Path dir;

    /** Two 2x2 uint8 images: 0, 51, 102, 255 and 255, 0, 0, 0. */
    static final byte[] U8 = {0, 51, 102, (byte) 255, (byte) 255, 0, 0, 0};

    Path labelsNpy(String name, long... labels) {
        Path p = dir.resolve(name);
        Npy.writeInt64(p, labels, labels.length);
        return p;
    }

    @Test
    void uint8NpyImagesAreScaledAndGetAChannel() {
        Path x = write(dir.resolve("x.npy"), npy(1, "|u1", "(2, 2, 2)", false, U8));
        Dataset d = DataReaders.read(x, labelsNpy("y.npy", 1, 0));

        assertThat(d.sampleShape()).containsExactly(1, 2, 2);
        assertThat(d.features()).containsExactly(0f, 51f / 255, 102f / 255, 1f, 1f, 0f, 0f, 0f);
        assertThat(d.labels()).containsExactly(1, 0);
        assertThat(d.source()).contains("x.npy").contains("y.npy");
    }

    @Test
    void floatFeaturesAreTakenAsTheyAre() {
        Path x = dir.resolve("x.npy");
        Npy.writeFloat32(x, new float[] {-3f, 200f, 0.5f, 7f}, 2, 2);
        Dataset d = DataReaders.read(x);

        assertThat(d.sampleShape()).containsExactly(2);
        assertThat(d.features()).containsExactly(-3f, 200f, 0.5f, 7f);
        assertThat(d.hasLabels()).isFalse();
    }

    @Test
    void nchwStaysAndOtherIntegersAreNotScaled() {
        byte[] data = buf(16, ByteOrder.LITTLE_ENDIAN).putShort((short) 255).putShort((short) -1).putShort((short) 3)
                .putShort((short) 4).putShort((short) 5).putShort((short) 6).putShort((short) 7).putShort((short) 8).array();
        Path x = write(dir.resolve("x.npy"), npy(1, "<i2", "(1, 2, 2, 2)", false, data));
        Dataset d = DataReaders.read(x);

        assertThat(d.sampleShape()).containsExactly(2, 2, 2);
        assertThat(d.features()).startsWith(255f, -1f, 3f);
    }

    @Test
    void oneHotLabelsBecomeIndicesAndFixTheClassCount() {
        Path x = write(dir.resolve("x.npy"), npy(1, "|u1", "(2, 2, 2)", false, U8));
        Path y = dir.resolve("onehot.npy");
        Npy.writeFloat32(y, new float[] {0, 0, 1, 0, 0, 1, 0, 0}, 2, 4);

        Dataset d = DataReaders.read(x, y);

        assertThat(d.labels()).containsExactly(2, 1);
        assertThat(d.numClasses()).isEqualTo(4);
    }

    @Test
    void labelsOfShapeNBy1AndWholeFloatsAreAccepted() {
        Path x = write(dir.resolve("x.npy"), npy(1, "|u1", "(2, 4)", false, U8));
        Path y = write(dir.resolve("y.npy"), npy(1, "<i4", "(2, 1)", false,
                buf(8, ByteOrder.LITTLE_ENDIAN).putInt(3).putInt(0).array()));
        assertThat(DataReaders.read(x, y).labels()).containsExactly(3, 0);
        Path f = dir.resolve("f.npy");
        Npy.writeFloat32(f, new float[] {1f, 5f}, 2);
        assertThat(DataReaders.read(x, f).labels()).containsExactly(1, 5);
    }

    @Test
    void badLabelsAreNamed() {
        Path x = write(dir.resolve("x.npy"), npy(1, "|u1", "(2, 2, 2)", false, U8));
        Path count = labelsNpy("count.npy", 1, 0, 1);
        assertThatThrownBy(() -> DataReaders.read(x, count))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(count.toString())
                .hasMessageContaining("3 labels for the 2 samples of " + x);
        Path neg = labelsNpy("neg.npy", 0, -4);
        assertThatThrownBy(() -> DataReaders.read(x, neg))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(neg.toString())
                .hasMessageContaining("label of sample 1 is -4");
        Path soft = dir.resolve("soft.npy");
        Npy.writeFloat32(soft, new float[] {0.5f, 0.5f, 0, 1}, 2, 2);
        assertThatThrownBy(() -> DataReaders.read(x, soft))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(soft.toString())
                .hasMessageContaining("one-hot")
                .hasMessageContaining("row 0 is [0.5, 0.5]");
        Path frac = dir.resolve("frac.npy");
        Npy.writeFloat32(frac, new float[] {1f, 2.5f}, 2);
        assertThatThrownBy(() -> DataReaders.read(x, frac))
                .hasMessageContaining(frac.toString())
                .hasMessageContaining("label of sample 1 is 2.5");
        Path cube = dir.resolve("cube.npy");
        Npy.writeInt64(cube, new long[8], 2, 2, 2);
        assertThatThrownBy(() -> DataReaders.read(x, cube))
                .hasMessageContaining(cube.toString())
                .hasMessageContaining("(2, 2, 2)");
    }

    @Test
    void nanFeaturesAreRefusedNamingTheFile() {
        Path x = dir.resolve("nan.npy");
        Npy.writeFloat32(x, new float[] {0f, Float.NaN}, 1, 2);
        assertThatThrownBy(() -> DataReaders.read(x))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(x.toString())
                .hasMessageContaining("feature 1 of sample 0 is NaN");
    }

    @Test
    void oneDimensionalFeaturesAreRefused() {
        Path x = labelsNpy("labels.npy", 1, 2, 3);
        assertThatThrownBy(() -> DataReaders.read(x))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(x.toString())
                .hasMessageContaining("(3,)")
                .hasMessageContaining("labels file");
    }

    @Test
    void idxImagesWithIdxLabelsGzippedOrNot() {
        Path x = write(dir.resolve("images-idx3-ubyte.gz"), gzip(idx(0x08, new int[] {2, 2, 2}, U8)));
        Path y = write(dir.resolve("labels-idx1-ubyte"), idx(0x08, new int[] {2}, new byte[] {9, 4}));

        Dataset d = DataReaders.read(x, y);

        assertThat(d.sampleShape()).containsExactly(1, 2, 2);
        assertThat(d.features()).containsExactly(0f, 51f / 255, 102f / 255, 1f, 1f, 0f, 0f, 0f);
        assertThat(d.labels()).containsExactly(9, 4);
        assertThat(DataReaders.readLabels(y)).containsExactly(9, 4);
    }

    @Test
    void idxIsRecognisedByContentWhateverTheName() {
        Path x = write(dir.resolve("data.bin"), idx(0x0D, new int[] {1, 2},
                buf(8, ByteOrder.BIG_ENDIAN).putFloat(0.25f).putFloat(2f).array()));
        Dataset d = DataReaders.read(x);
        assertThat(d.sampleShape()).containsExactly(2);
        assertThat(d.features()).containsExactly(0.25f, 2f);
    }

    @Test
    void npzConventions() throws IOException {
        byte[] x = npy(1, "|u1", "(2, 2, 2)", false, U8);
        byte[] y = npy(1, "<i8", "(2,)", false, buf(16, ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(2).array());
        byte[] f = npy(1, "<f4", "(2, 1)", false, buf(8, ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(1.5f).array());

        Dataset xy = DataReaders.read(NpzTest.zip(dir.resolve("xy.npz"), "y.npy", y, false, "x.npy", x, false));
        assertThat(xy.sampleShape()).containsExactly(1, 2, 2);
        assertThat(xy.features()[1]).isEqualTo(51f / 255);
        assertThat(xy.labels()).containsExactly(1, 2);
        assertThat(xy.source()).endsWith("xy.npz[x]");

        Dataset test = DataReaders.read(NpzTest.zip(dir.resolve("t.npz"), "x_train.npy", f, false,
                "x_test.npy", x, false, "y_test.npy", y, true));
        assertThat(test.size()).isEqualTo(2);
        assertThat(test.sampleShape()).containsExactly(1, 2, 2);
        assertThat(test.labels()).containsExactly(1, 2);

        Dataset images = DataReaders.read(NpzTest.zip(dir.resolve("i.npz"), "labels.npy", y, false, "images.npy", x, false));
        assertThat(images.labels()).containsExactly(1, 2);

        Dataset two = DataReaders.read(NpzTest.zip(dir.resolve("two.npz"), "targets.npy", y, false, "inputs.npy", f, false));
        assertThat(two.features()).containsExactly(0.5f, 1.5f);
        assertThat(two.labels()).containsExactly(1, 2);

        Dataset alone = DataReaders.read(NpzTest.zip(dir.resolve("one.npz"), "x.npy", f, false));
        assertThat(alone.hasLabels()).isFalse();

        Path ambiguous = NpzTest.zip(dir.resolve("amb.npz"), "a.npy", x, false, "b.npy", y, false, "c.npy", f, false);
        assertThatThrownBy(() -> DataReaders.read(ambiguous))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(ambiguous.toString())
                .hasMessageContaining("a uint8 (2, 2, 2), b int64 (2,), c float32 (2, 1)")
                .hasMessageContaining("name them x and y");
    }

    @Test
    void csvAndImageFolderThroughTheFacade() throws IOException {
        Path csv = write(dir.resolve("d.csv"), "label,a\n1,0.5\n");
        assertThat(DataReaders.read(csv).labels()).containsExactly(1);

        Path root = dir.resolve("images");
        Files.createDirectories(root.resolve("only"));
        ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY), "png", root.resolve("only/a.png").toFile());
        Dataset d = DataReaders.read(root);
        assertThat(d.sampleShape()).containsExactly(1, 2, 2);
        assertThat(d.classNames()).containsExactly("only");

        Path y = labelsNpy("y.npy", 0);
        assertThatThrownBy(() -> DataReaders.read(csv, y))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(csv.toString())
                .hasMessageContaining("holds its own labels");
    }

    @Test
    void unknownFormatAndMissingFileAreErrors() {
        Path f = write(dir.resolve("data.bin"), "just some text");
        assertThatThrownBy(() -> DataReaders.read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("unrecognised data format");
        Path gz = write(dir.resolve("text.gz"), gzip("hello".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThatThrownBy(() -> DataReaders.read(gz))
                .hasMessageContaining(gz.toString())
                .hasMessageContaining("not an IDX file");
        Path missing = dir.resolve("missing.npy");
        assertThatThrownBy(() -> DataReaders.read(missing))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("no such file");
        Path badNpy = write(dir.resolve("fake.npy"), "0,1\n");
        assertThatThrownBy(() -> DataReaders.read(badNpy))
                .hasMessageContaining(badNpy.toString())
                .hasMessageContaining("not a NumPy .npy file");
    }

    @Test
    void loadResolvesKnownNamesThenPaths() {
        Dataset sample = DataReaders.load("sample", null, Split.TEST);
        assertThat(sample.size()).isEqualTo(2000);
        Path x = dir.resolve("x.npy");
        Npy.writeFloat32(x, new float[] {1f, 2f}, 1, 2);
        assertThat(DataReaders.load(x.toString(), null, Split.TEST).features()).containsExactly(1f, 2f);
        assertThatThrownBy(() -> DataReaders.load("no-such-data", null, Split.TEST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'no-such-data'")
                .hasMessageContaining("[sample, fashion-mnist]");
        assertThatThrownBy(() -> DataReaders.load("sample", x, Split.TEST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("brings its own labels");
    }
}
