package dev.robust4j.data;

import static dev.robust4j.data.TestFiles.idx;
import static dev.robust4j.data.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownDatasetsTest {

    @TempDir
    Path dir;

    static void assertFashionShaped(Dataset d, int n) {
        assertThat(d.size()).isEqualTo(n);
        assertThat(d.sampleShape()).containsExactly(1, 28, 28);
        assertThat(d.classNames()).isEqualTo(KnownDatasets.FASHION_MNIST_CLASSES);
        float min = Float.MAX_VALUE;
        float max = -Float.MAX_VALUE;
        for (float v : d.features()) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        assertThat(min).isEqualTo(0f);
        assertThat(max).isEqualTo(1f);
        assertThat(Arrays.stream(d.labels()).distinct().sorted().toArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @Test
    void sampleTrainAndTest() {
        assertFashionShaped(KnownDatasets.load("sample", Split.TRAIN), 10_000);
        assertFashionShaped(KnownDatasets.load("sample", Split.TEST), 2_000);
        assertThat(KnownDatasets.FASHION_MNIST_CLASSES).hasSize(10).startsWith("T-shirt/top").endsWith("Ankle boot");
    }

    @Test
    void sampleIsTheStartOfTheFullTestSet() {
        Assumptions.assumeTrue(Files.isDirectory(KnownDatasets.SYSTEM_FASHION_MNIST),
                "Fashion-MNIST is not installed in " + KnownDatasets.SYSTEM_FASHION_MNIST
                        + " (apt-get install dataset-fashion-mnist); skipping");
        Dataset sample = KnownDatasets.load("sample", Split.TEST);
        Dataset full = KnownDatasets.fashionMnist(Split.TEST, List.of(KnownDatasets.SYSTEM_FASHION_MNIST));
        assertThat(sample.features()).isEqualTo(full.slice(0, 2000).features());
        assertThat(sample.labels()).isEqualTo(full.slice(0, 2000).labels());
    }

    @Test
    void fullFashionMnistWhenInstalled() {
        Assumptions.assumeTrue(Files.isDirectory(KnownDatasets.SYSTEM_FASHION_MNIST),
                "Fashion-MNIST is not installed in " + KnownDatasets.SYSTEM_FASHION_MNIST
                        + " (apt-get install dataset-fashion-mnist); skipping");
        assertFashionShaped(KnownDatasets.load("fashion-mnist", Split.TEST), 10_000);
        assertFashionShaped(KnownDatasets.load("fashion-mnist", Split.TRAIN), 60_000);
    }

    @Test
    void missingFilesTellHowToInstallThem() {
        Path a = dir.resolve("a");
        assertThatThrownBy(() -> KnownDatasets.fashionMnist(Split.TRAIN, List.of(a, dir)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("train-images-idx3-ubyte.gz")
                .hasMessageContaining(a.toString())
                .hasMessageContaining("apt-get install dataset-fashion-mnist")
                .hasMessageContaining("ROBUST4J_DATA");
    }

    @Test
    void readsUncompressedFilesFromTheFirstDirectoryThatHasThem() throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path mine = Files.createDirectories(dir.resolve("mine"));
        byte[] pixels = new byte[2 * 784];
        pixels[5] = (byte) 255;
        write(mine.resolve("t10k-images-idx3-ubyte"), idx(0x08, new int[] {2, 28, 28}, pixels));
        write(mine.resolve("t10k-labels-idx1-ubyte"), idx(0x08, new int[] {2}, new byte[] {9, 0}));

        Dataset d = KnownDatasets.fashionMnist(Split.TEST, List.of(empty, mine, KnownDatasets.SYSTEM_FASHION_MNIST));

        assertThat(d.size()).isEqualTo(2);
        assertThat(d.features()[5]).isEqualTo(1f);
        assertThat(d.labels()).containsExactly(9, 0);
        assertThat(d.source()).contains(mine.toString());
    }

    @Test
    void incompleteOrMisshapedFilesAreErrors() throws IOException {
        Path half = Files.createDirectories(dir.resolve("half"));
        write(half.resolve("t10k-images-idx3-ubyte"), idx(0x08, new int[] {1, 28, 28}, new byte[784]));
        assertThatThrownBy(() -> KnownDatasets.fashionMnist(Split.TEST, List.of(half)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(half.toString())
                .hasMessageContaining("t10k-labels-idx1-ubyte");

        Path small = Files.createDirectories(dir.resolve("small"));
        Path images = write(small.resolve("t10k-images-idx3-ubyte"), idx(0x08, new int[] {1, 27, 28}, new byte[27 * 28]));
        write(small.resolve("t10k-labels-idx1-ubyte"), idx(0x08, new int[] {1}, new byte[] {0}));
        assertThatThrownBy(() -> KnownDatasets.fashionMnist(Split.TEST, List.of(small)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(images.toString())
                .hasMessageContaining("(1, 27, 28)");

        Path range = Files.createDirectories(dir.resolve("range"));
        write(range.resolve("t10k-images-idx3-ubyte"), idx(0x08, new int[] {1, 28, 28}, new byte[784]));
        Path labels = write(range.resolve("t10k-labels-idx1-ubyte"), idx(0x08, new int[] {1}, new byte[] {10}));
        assertThatThrownBy(() -> KnownDatasets.fashionMnist(Split.TEST, List.of(range)))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("label of sample 0 is 10");
    }

    @Test
    void unknownNameListsTheKnownOnes() {
        assertThatThrownBy(() -> KnownDatasets.load("mnist", Split.TEST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'mnist'")
                .hasMessageContaining("[sample, fashion-mnist]");
    }
}
