package dev.robust4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.robust4j.nn.ModelDirectory;
import dev.robust4j.nn.NetworkSpec;
import dev.robust4j.nn.Networks;
import dev.robust4j.nn.TrainingConfig;
import dev.robust4j.testing.Fixtures;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Device names, the GPU selection rule and the refusal of a GPU that is not there. No GPU runs
 * here: a GPU index no machine has (9999) stands for an absent one, so the refusals hold anywhere.
 */
class DevicesTest {

    private static final Device ABSENT = Device.gpu(9999);

    @Test
    void parsesCpuAndGpus() {
        assertThat(Devices.parse("cpu")).isEqualTo(Device.cpu());
        assertThat(Devices.parse("gpu")).isEqualTo(Device.gpu(0));
        assertThat(Devices.parse("gpu:0")).isEqualTo(Device.gpu(0));
        assertThat(Devices.parse("gpu:1")).isEqualTo(Device.gpu(1));
        assertThat(Devices.parse(" GPU:12 ")).isEqualTo(Device.gpu(12));
        assertThat(Devices.name(Device.gpu(3))).isEqualTo("gpu:3");
        assertThat(Devices.name(Device.cpu())).isEqualTo("cpu");
        assertThat(Devices.parse(Devices.name(Device.gpu(7)))).isEqualTo(Device.gpu(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"gpu:-1", "tpu", "gpu:x", "gpu:", "", "cpu:0", "gpu:1.5", "gpu:99999", "cuda", "gpu1"})
    void refusesOtherNames(String text) {
        assertThatThrownBy(() -> Devices.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("device '" + text + "' is not a device; expected cpu, gpu or gpu:N with N >= 0 (e.g. gpu:1)");
    }

    @Test
    void selectsAGpuOnlyWhenTheEngineSeesIt() {
        assertThat(Devices.check(Device.cpu(), "PyTorch", "device", 0)).isEqualTo(Device.cpu());
        assertThat(Devices.check(Device.gpu(1), "PyTorch", "device", 2)).isEqualTo(Device.gpu(1));
        assertThatThrownBy(() -> Devices.check(Device.gpu(2), "PyTorch", "--device", 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--device gpu:2 is not available: the PyTorch engine sees 2 GPUs; available: cpu, gpu:0 to gpu:1");
        assertThatThrownBy(() -> Devices.check(Device.gpu(1), "PyTorch", "device", 1))
                .hasMessage("device gpu:1 is not available: the PyTorch engine sees 1 GPU; available: cpu, gpu:0");
        assertThatThrownBy(() -> Devices.check(Device.gpu(0), "PyTorch", "device", 0))
                .hasMessage("device gpu:0 is not available: the PyTorch engine sees no GPU (no CUDA device, or CPU-only"
                        + " natives); available: cpu");
    }

    @Test
    void requireAsksTheEngine() {
        assertThat(Devices.require(Device.cpu(), "PyTorch", "device")).isEqualTo(Device.cpu());
        assertThatThrownBy(() -> Devices.require(ABSENT, "PyTorch", "device"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("device gpu:9999 is not available: the PyTorch engine sees ");
        int gpus = Devices.gpuCount("PyTorch");
        if (gpus == 0) {
            // the case of these machines: CPU natives only
            assertThatThrownBy(() -> Devices.require(Device.gpu(0), "PyTorch", "device"))
                    .hasMessageContaining("sees no GPU");
        } else {
            assertThat(Devices.require(Device.gpu(0), "PyTorch", "device")).isEqualTo(Device.gpu(0));
        }
    }

    @Test
    void modelBuildersRefuseAnAbsentGpuBeforeLoading() {
        assertThatThrownBy(() -> TorchScriptClassifier.builder()
                        .setModelFile(Fixtures.path("torchscript/cnn_traced.pt"))
                        .setInputShape(1, 28, 28)
                        .optDevice(ABSENT)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("device gpu:9999 is not available");
        assertThatThrownBy(() -> OnnxClassifier.builder()
                        .setModelFile(Fixtures.path("onnx/cnn.onnx"))
                        .setInputShape(1, 28, 28)
                        .optDevice(ABSENT)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("device gpu:9999 is not available");
        NetworkSpec spec = NetworkSpec.of("mlp", "relu", new long[] {1, 28, 28}, 10);
        assertThatThrownBy(() -> Networks.newClassifier(spec, Bounds.UNIT, List.of(), 0, ABSENT))
                .hasMessageStartingWith("device gpu:9999 is not available");
        assertThatThrownBy(() -> ModelDirectory.load(Fixtures.path("robust4j-cnn"), ABSENT))
                .hasMessageStartingWith("device gpu:9999 is not available");
    }

    @Test
    void anExplicitCpuIsTheDefault() throws Exception {
        try (TorchScriptClassifier a = Fixtures.tracedCnn();
                TorchScriptClassifier b = TorchScriptClassifier.builder()
                        .setModelFile(Fixtures.path("torchscript/cnn_traced.pt"))
                        .setInputShape(1, 28, 28)
                        .optDevice(Devices.parse("cpu"))
                        .build();
                NDManager m = NDManager.newBaseManager()) {
            assertThat(a.device()).isEqualTo(Device.cpu());
            NDArray x = Fixtures.images(m, 4);
            assertThat(b.predict(x).toFloatArray()).containsExactly(a.predict(x).toFloatArray());
        }
        try (var model = ModelDirectory.load(Fixtures.path("robust4j-cnn"), Device.cpu())) {
            assertThat(model.device()).isEqualTo(Device.cpu());
        }
        TrainingConfig config = TrainingConfig.builder().optDevice(Device.gpu(1)).build();
        assertThat(config.device()).isEqualTo(Device.gpu(1));
        assertThat(config.toBuilder().build().device()).isEqualTo(Device.gpu(1));
        assertThat(config.toString()).contains("device=gpu:1");
        assertThat(TrainingConfig.builder().build().toString()).doesNotContain("device");
    }
}
