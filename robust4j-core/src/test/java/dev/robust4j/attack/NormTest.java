package dev.robust4j.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class NormTest {

    private static final int N = 6;
    private static final int D = 50;

    private static float[] random(long seed, float scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[N * D];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return v;
    }

    @ParameterizedTest
    @EnumSource(value = Norm.class, names = {"L1", "L2", "LINF"})
    void projectionLandsOnTheBallAndKeepsPointsInside(Norm norm) {
        float eps = 0.5f;
        float[] big = random(1, 1f);
        float[] small = random(2, 1e-3f);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] pBig = norm.project(m.create(big, new Shape(N, D)), eps).toFloatArray();
            float[] pSmall = norm.project(m.create(small, new Shape(N, D)), eps).toFloatArray();
            assertThat(pSmall).as("points inside are unchanged").isEqualTo(small);
            for (int i = 0; i < N; i++) {
                assertThat(norm.measure(pBig, i * D, D)).isCloseTo(eps, offset(1e-4f));
                float[] row = java.util.Arrays.copyOfRange(big, i * D, (i + 1) * D);
                norm.projectRow(row, 0, D, eps);
                for (int j = 0; j < D; j++) {
                    assertThat(row[j]).as("Java and NDArray projections agree").isCloseTo(pBig[i * D + j], offset(1e-5f));
                }
            }
        }
    }

    @Test
    void l1ProjectionIsTheClosestPointOfTheBall() {
        // Soft-thresholding of v = (3, 1, -0.5) onto the L1 ball of radius 2 gives theta = 1: (2, 0, 0).
        float[] v = {3f, 1f, -0.5f};
        Norm.L1.projectRow(v, 0, 3, 2f);
        assertThat(v).containsExactly(2f, 0f, -0f);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] p = Norm.L1.project(m.create(new float[] {3f, 1f, -0.5f}, new Shape(1, 3)), 2f).toFloatArray();
            assertThat(p[0]).isCloseTo(2f, offset(1e-6f));
            assertThat(p[1]).isCloseTo(0f, offset(1e-6f));
            assertThat(p[2]).isCloseTo(0f, offset(1e-6f));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Norm.class, names = {"L1", "L2", "LINF"})
    void directionHasUnitNormAndAscends(Norm norm) {
        float[] g = random(3, 1f);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] dir = norm.direction(m.create(g, new Shape(N, D))).toFloatArray();
            for (int i = 0; i < N; i++) {
                assertThat(norm.measure(dir, i * D, D)).isCloseTo(1f, offset(1e-5f));
                double dot = 0;
                for (int j = 0; j < D; j++) {
                    dot += dir[i * D + j] * g[i * D + j];
                }
                assertThat(dot).as("a step along the direction increases a linear objective").isPositive();
            }
        }
    }

    @Test
    void l1DirectionIsSparse() {
        float[] g = random(4, 1f);
        try (NDManager m = NDManager.newBaseManager()) {
            float[] dir = Norm.L1.direction(m.create(g, new Shape(N, D))).toFloatArray();
            for (int i = 0; i < N; i++) {
                assertThat(Norm.L0.measure(dir, i * D, D)).isLessThanOrEqualTo(2f);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Norm.class, names = {"L1", "L2", "LINF"})
    void randomStartIsInsideTheBallAndSeeded(Norm norm) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = norm.randomStart(m, new Shape(N, D), 0.3f, new SplittableRandom(5));
            NDArray b = norm.randomStart(m, new Shape(N, D), 0.3f, new SplittableRandom(5));
            float[] v = a.toFloatArray();
            assertThat(v).isEqualTo(b.toFloatArray());
            for (int i = 0; i < N; i++) {
                float size = norm.measure(v, i * D, D);
                assertThat(size).isLessThanOrEqualTo(0.3f * 1.0001f).isGreaterThan(0f);
            }
        }
    }

    @Test
    void parseNamesAndRefusesOthers() {
        assertThat(Norm.parse("Linf")).isEqualTo(Norm.LINF);
        assertThat(Norm.parse("inf")).isEqualTo(Norm.LINF);
        assertThat(Norm.parse("2")).isEqualTo(Norm.L2);
        assertThat(Norm.parse("l1")).isEqualTo(Norm.L1);
        assertThatThrownBy(() -> Norm.parse("l3")).hasMessage("norm must be one of linf, l2, l1, l0, got 'l3'");
    }
}
