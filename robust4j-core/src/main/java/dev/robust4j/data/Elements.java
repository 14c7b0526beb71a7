package dev.robust4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Decodes a run of binary elements from a stream into heap arrays, chunk by chunk. */
final class Elements {

    private static final int CHUNK = 1 << 16;

    private Elements() {}

    /**
     * Reads {@code count} elements of type {@code type} into an {@link NpyArray}: floating types and,
     * when {@code compact}, the small integer types as floats; other integer types as longs.
     *
     * @param what describes the array for the truncation message, e.g. {@code "shape (2, 3) float32"}
     */
    static NpyArray read(InputStream in, DType type, ByteOrder order, long[] shape, boolean compact,
            String name, String what) throws IOException {
        long declared = NpyArray.elementCount(shape, name);
        Limits.checkArray(name, what, declared);
        int count = (int) declared;
        boolean asFloats = type.floating || (compact && type.fitsFloat());
        float[] floats;
        long[] longs;
        try {
            floats = asFloats ? new float[count] : null;
            longs = asFloats ? null : new long[count];
        } catch (OutOfMemoryError e) {
            // One large allocation failed as a whole; nothing else is affected, so it is safe to report.
            throw new DataFormatException(name + ": " + what + " needs " + (long) count * (asFloats ? 4 : 8)
                    + " bytes of heap, more than the Java heap can give (raise -Xmx if the data is genuine)");
        }
        byte[] buf = new byte[CHUNK - CHUNK % 8];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(order);
        int perChunk = buf.length / type.size;
        int done = 0;
        while (done < count) {
            int k = Math.min(perChunk, count - done);
            int bytes = k * type.size;
            int got = in.readNBytes(buf, 0, bytes);
            if (got < bytes) {
                long expected = (long) count * type.size;
                long found = (long) done * type.size + got;
                throw new DataFormatException(name + ": truncated: " + what + " needs " + expected
                        + " data bytes, found only " + found);
            }
            if (floats != null) {
                if (type == DType.FLOAT32) {
                    bb.clear();
                    bb.asFloatBuffer().get(floats, done, k);
                } else {
                    for (int i = 0; i < k; i++) {
                        floats[done + i] = type.floatAt(bb, i);
                    }
                }
            } else {
                for (int i = 0; i < k; i++) {
                    longs[done + i] = type.longAt(bb, i);
                }
            }
            done += k;
        }
        return new NpyArray(shape, type.numpyName, floats, longs);
    }

    /** Throws if the stream has any byte left. */
    static void requireEnd(InputStream in, String name, String what) throws IOException {
        byte[] rest = new byte[CHUNK];
        long extra = 0;
        int n;
        while ((n = in.read(rest)) > 0) {
            extra += n;
        }
        if (extra > 0) {
            throw new DataFormatException(name + ": " + extra + " unexpected bytes after the data of "
                    + what + "; the file is longer than its header says");
        }
    }
}
