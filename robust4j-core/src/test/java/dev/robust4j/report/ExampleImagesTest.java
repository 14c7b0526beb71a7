package dev.robust4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.robust4j.evaluate.Example;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ExampleImagesTest {

    static Example example(long[] shape, float[] clean, float[] adv) {
        return new Example(5, shape, clean, adv, 1, 1, 2, "fgsm", 0f, 0f);
    }

    static int[] rgb(BufferedImage img, int x, int y) {
        int p = img.getRGB(x, y);
        return new int[] {(p >> 16) & 255, (p >> 8) & 255, p & 255};
    }

    @Test
    void greyImagesAreUpscaledNearestNeighbour() throws IOException {
        Example e = example(new long[] {1, 2, 2}, new float[] {0f, 1f, 0.5f, 2f}, new float[] {0.1f, 0.95f, 0.5f, 1f});
        BufferedImage clean = ExampleImages.clean(e);
        assertThat(clean.getWidth()).isEqualTo(112);
        assertThat(clean.getHeight()).isEqualTo(112);
        assertThat(rgb(clean, 0, 0)).containsExactly(0, 0, 0);
        assertThat(rgb(clean, 55, 55)).containsExactly(0, 0, 0);
        assertThat(rgb(clean, 56, 0)).containsExactly(255, 255, 255);
        assertThat(rgb(clean, 0, 56)).containsExactly(128, 128, 128);
        assertThat(rgb(clean, 111, 111)).containsExactly(255, 255, 255); // 2.0 clamped to 1
        assertThat(rgb(ExampleImages.adversarial(e), 0, 0)).containsExactly(26, 26, 26);
        BufferedImage png = ImageIO.read(new ByteArrayInputStream(ExampleImages.png(clean)));
        assertThat(rgb(png, 56, 0)).containsExactly(255, 255, 255);
    }

    @Test
    void oneChannelPerturbationIsADivergingMapAmplifiedToTheLargestChange() {
        Example e = example(new long[] {1, 2, 2}, new float[] {0.5f, 0.5f, 0.5f, 0.5f}, new float[] {0.6f, 0.45f, 0.5f, 0.5f});
        BufferedImage p = ExampleImages.perturbation(e);
        assertThat(ExampleImages.maxAbsPerturbation(e)).isCloseTo(0.1f, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(rgb(p, 0, 0)).containsExactly(255, 0, 0); // +max: full red
        int[] half = rgb(p, 56, 0); // -max/2: half blue
        assertThat(half[2]).isEqualTo(255);
        assertThat(half[0]).isBetween(126, 129).isEqualTo(half[1]);
        assertThat(rgb(p, 0, 56)).containsExactly(255, 255, 255); // unchanged: white
    }

    @Test
    void threeChannelsAreRgbAndThePerturbationIsGreyCentred() {
        float[] clean = new float[12];
        float[] adv = new float[12];
        clean[0] = 1f; // R of pixel 0
        adv[0] = 0.8f;
        clean[4 + 1] = 0.5f; // G of pixel 1
        adv[4 + 1] = 0.6f;
        Example e = example(new long[] {3, 2, 2}, clean, adv);
        BufferedImage c = ExampleImages.clean(e);
        assertThat(rgb(c, 0, 0)).containsExactly(255, 0, 0);
        assertThat(rgb(c, 56, 0)).containsExactly(0, 128, 0);
        BufferedImage p = ExampleImages.perturbation(e);
        assertThat(rgb(p, 0, 0)).containsExactly(0, 128, 128); // R: 0.5 - 0.2/0.4
        assertThat(rgb(p, 56, 0)).containsExactly(128, 191, 128); // G: 0.5 + 0.1/0.4
    }

    @Test
    void largeImagesAreNotScaledAndSmallOnesAreScaledUp() {
        assertThat(ExampleImages.scale(28, 28)).isEqualTo(4);
        assertThat(ExampleImages.scale(32, 32)).isEqualTo(4);
        assertThat(ExampleImages.scale(224, 224)).isEqualTo(1);
        assertThat(ExampleImages.scale(10, 40)).isEqualTo(3);
    }

    @Test
    void shapesThatAreNotImagesAreNotDrawnAndMismatchedArraysAreRefused() {
        assertThat(ExampleImages.drawable(example(new long[] {4}, new float[4], new float[4]))).isFalse();
        assertThat(ExampleImages.drawable(example(new long[] {2, 2, 2}, new float[8], new float[8]))).isFalse();
        assertThat(ExampleImages.drawable(example(new long[] {2, 2}, new float[4], new float[4]))).isTrue();
        assertThatThrownBy(() -> ExampleImages.drawable(example(new long[] {1, 28, 28}, new float[784], new float[780])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("example of sample 5: shape [1, 28, 28] needs 784 values, got 784 clean and 780 adversarial values");
        assertThatThrownBy(() -> ExampleImages.clean(example(new long[] {4}, new float[4], new float[4])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shape [4] is not an image");
    }
}
