package dev.robust4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the little-endian float32 and int64 NPY fixtures written by numpy, for tests only. */
public final class SimpleNpy {

    private SimpleNpy() {}

    /** @return the data of a little-endian float32 NPY file */
    public static float[] floats(Path file) {
        ByteBuffer b = body(file, "<f4");
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** @return the data of a little-endian int64 NPY file */
    public static long[] longs(Path file) {
        ByteBuffer b = body(file, "<i8");
        long[] out = new long[b.remaining() / 8];
        b.asLongBuffer().get(out);
        return out;
    }

    private static ByteBuffer body(Path file, String dtype) {
        try {
            byte[] all = Files.readAllBytes(file);
            ByteBuffer b = ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            int headerLen = b.getShort(8) & 0xFFFF;
            String header = new String(all, 10, headerLen, StandardCharsets.US_ASCII);
            if (!header.contains("'" + dtype + "'")) {
                throw new IllegalStateException(file + ": expected dtype " + dtype + ", header " + header);
            }
            b.position(10 + headerLen);
            return b.slice().order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
