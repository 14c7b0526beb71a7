package dev.robust4j.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.dataset.ArrayDataset;
import ai.djl.training.dataset.Batch;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;

import java.util.List;

import org.junit.jupiter.api.Test;

/** robust4j datasets as DJL datasets and back. */
class DjlDatasetsTest {

    private static Dataset small() {
        float[] x = new float[5 * 2 * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = i / 10f;
        }
        return new Dataset(x, new long[] {2, 3}, new int[] {0, 2, 1, 2, 0}, List.of("a", "b", "c"), "small");
    }

    @Test
    void roundTripKeepsEverySampleAndLabel() throws Exception {
        Dataset d = small();
        RandomAccessDataset djl = DjlDatasets.toDjl(d, 2, false);
        assertThat(djl.size()).isEqualTo(5);
        try (NDManager m = NDManager.newBaseManager()) {
            Record r = djl.get(m, 3);
            assertThat(r.getData().head().getShape()).isEqualTo(new Shape(2, 3));
            assertThat(r.getLabels().head().getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(r.getLabels().head().getFloat()).isEqualTo(2f);
            int batches = 0;
            for (Batch b : djl.getData(m)) {
                try (b) {
                    assertThat(b.getData().head().getShape().get(0)).isLessThanOrEqualTo(2);
                    batches++;
                }
            }
            assertThat(batches).isEqualTo(3);
            Dataset back = DjlDatasets.fromDjl(djl, m, d.classNames(), "round trip");
            assertThat(back.features()).isEqualTo(d.features());
            assertThat(back.labels()).isEqualTo(d.labels());
            assertThat(back.sampleShape()).isEqualTo(d.sampleShape());
            assertThat(back.classNames()).isEqualTo(d.classNames());
            assertThat(back.source()).isEqualTo("round trip");
        }
    }

    @Test
    void readsADjlArrayDatasetWithIntegerOrFloatLabels() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.arange(12f).reshape(4, 3);
            for (NDArray y : new NDArray[] {m.create(new long[] {3, 1, 0, 2}), m.create(new float[] {3, 1, 0, 2}).reshape(4, 1)}) {
                ArrayDataset djl = new ArrayDataset.Builder().setData(x).optLabels(y).setSampling(4, false).build();
                Dataset d = DjlDatasets.fromDjl(djl, m, List.of(), null);
                assertThat(d.sampleShape()).containsExactly(3);
                assertThat(d.features()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
                assertThat(d.labels()).containsExactly(3, 1, 0, 2);
                assertThat(d.source()).isEqualTo("DJL dataset");
            }
            ArrayDataset unlabelled = new ArrayDataset.Builder().setData(x).setSampling(4, false).build();
            assertThat(DjlDatasets.fromDjl(unlabelled, m, List.of(), "u").hasLabels()).isFalse();
            ArrayDataset fractional = new ArrayDataset.Builder().setData(x)
                    .optLabels(m.create(new float[] {0, 1, 2.5f, 1})).setSampling(4, false).build();
            assertThatThrownBy(() -> DjlDatasets.fromDjl(fractional, m, List.of(), "f"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("f: record 2 has label 2.5; expected a class index (a non-negative integer)");
            ArrayDataset wide = new ArrayDataset.Builder().setData(x)
                    .optLabels(m.zeros(new Shape(4, 2))).setSampling(4, false).build();
            assertThatThrownBy(() -> DjlDatasets.fromDjl(wide, m, List.of(), "w"))
                    .hasMessage("w: record 0 has a label of shape (2); expected one class index");
        }
        assertThatThrownBy(() -> DjlDatasets.toDjl(small(), 0, true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("batchSize must be >= 1, got 0");
    }
}
