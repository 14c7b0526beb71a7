package dev.robust4j.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

import java.util.Locale;
import java.util.Objects;

/**
 * Names, parses and checks the device a model runs on: {@code cpu} (the default everywhere) or
 * {@code gpu} / {@code gpu:N}, the N-th CUDA device (N counted from 0; {@code gpu} is {@code gpu:0}).
 *
 * <p>A GPU needs the engine's CUDA natives on the class path (for libtorch a
 * {@code pytorch-native-cu*} artifact instead of {@code pytorch-native-cpu}) and a visible device.
 * Asking for one that is not there is an error, never a silent fall-back to the CPU: model builders
 * call {@link #require(Device, String, String)} before loading anything.
 */
public final class Devices {

    private Devices() {}

    /**
     * Parses a device name.
     *
     * @param text {@code cpu}, {@code gpu} or {@code gpu:N} with N &gt;= 0 (case-insensitive)
     * @return the device
     * @throws IllegalArgumentException naming the value and the expected forms
     */
    public static Device parse(String text) {
        String s = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.equals("gpu")) {
            return Device.gpu(0);
        }
        if (s.startsWith("gpu:")) {
            String n = s.substring(4);
            if (!n.isEmpty() && n.length() <= 4 && n.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return Device.gpu(Integer.parseInt(n));
            }
        }
        throw new IllegalArgumentException("device '" + (text == null ? "" : text)
                + "' is not a device; expected cpu, gpu or gpu:N with N >= 0 (e.g. gpu:1)");
    }

    /**
     * Names a device the way {@link #parse} reads it.
     *
     * @param device a CPU or GPU device
     * @return {@code cpu} or {@code gpu:N}
     */
    public static String name(Device device) {
        Objects.requireNonNull(device, "device");
        if (Device.Type.GPU.equals(device.getDeviceType())) {
            return "gpu:" + device.getDeviceId();
        }
        return device.getDeviceType();
    }

    /**
     * Checks that an engine can run on a device: the CPU always, a GPU when the engine sees at
     * least {@code N + 1} of them.
     *
     * @param device the requested device
     * @param engine the DJL engine name, e.g. {@code PyTorch}
     * @param what how the device was asked for, for the message: {@code device}, {@code --device}
     * @return the device
     * @throws IllegalArgumentException naming the device and the devices that are available
     */
    public static Device require(Device device, String engine, String what) {
        Objects.requireNonNull(device, "device");
        if (!Device.Type.GPU.equals(device.getDeviceType())) {
            if (!Device.Type.CPU.equals(device.getDeviceType())) {
                throw new IllegalArgumentException(what + " " + device + " is not supported; expected cpu, gpu or gpu:N");
            }
            return device;
        }
        return check(device, engine, what, gpuCount(engine));
    }

    /**
     * The selection rule of {@link #require}, given the number of GPUs the engine sees.
     *
     * @param device the requested device
     * @param engine the engine name, for the message
     * @param what how the device was asked for, for the message
     * @param gpuCount the number of GPUs available
     * @return the device
     * @throws IllegalArgumentException if the device is a GPU whose index is not below {@code gpuCount}
     */
    static Device check(Device device, String engine, String what, int gpuCount) {
        if (!Device.Type.GPU.equals(device.getDeviceType()) || device.getDeviceId() < gpuCount) {
            return device;
        }
        String available = gpuCount == 0 ? "cpu" : gpuCount == 1 ? "cpu, gpu:0" : "cpu, gpu:0 to gpu:" + (gpuCount - 1);
        throw new IllegalArgumentException(what + " " + name(device) + " is not available: the " + engine
                + " engine sees " + (gpuCount == 0 ? "no GPU (no CUDA device, or CPU-only natives)" : gpuCount + " GPU"
                + (gpuCount == 1 ? "" : "s")) + "; available: " + available);
    }

    /**
     * Counts the GPUs an engine sees.
     *
     * @param engine the DJL engine name
     * @return the number of GPUs, 0 when the engine or CUDA is missing
     */
    static int gpuCount(String engine) {
        try {
            return Engine.getEngine(engine).getGpuCount();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return 0;
        }
    }

    /**
     * The number of threads the PyTorch engine computes with (its intra-op pool), for provenance
     * records; the engine's internals stay in this package.
     *
     * @return the thread count
     */
    public static int engineThreads() {
        return ai.djl.pytorch.jni.JniUtils.getNumThreads();
    }
}
