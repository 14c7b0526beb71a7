package dev.robust4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed (recognised by
 * its magic bytes {@code 1f 8b}, not by the file name).
 *
 * <p>An IDX file is a big-endian magic number {@code 00 00 TT DD}, where {@code TT} is the element
 * type ({@code 08} uint8, {@code 09} int8, {@code 0B} int16, {@code 0C} int32, {@code 0D} float32,
 * {@code 0E} float64) and {@code DD} the number of dimensions, then {@code DD} big-endian int32
 * dimensions, then the data in C order. The reader checks the magic number, and that the data is
 * exactly as long as the dimensions say; any fault is a {@link DataFormatException} naming the file.
 */
public final class Idx {

    private Idx() {}

    /**
     * Reads an IDX file, plain or gzip-compressed.
     *
     * @param file the file
     * @return the array; integer values exactly as longs, floating values as floats
     * @throws DataFormatException if the file is not a valid IDX file
     * @throws UncheckedIOException if the file cannot be read
     */
    public static NpyArray read(Path file) {
        return read(file, false);
    }

    /**
     * Reads an IDX array from a stream, plain or gzip-compressed, which must end right after the
     * data. The stream is not closed.
     *
     * @param in the stream
     * @param name the name of the source, for messages
     * @return the array; integer values exactly as longs, floating values as floats
     * @throws DataFormatException if the stream does not hold a valid IDX array
     * @throws UncheckedIOException if the stream cannot be read
     */
    public static NpyArray read(InputStream in, String name) {
        return read(in, name, -1, false);
    }

    /** Reads a file; {@code compact} holds the small integer types as floats (see {@link NpyArray}). */
    static NpyArray read(Path file, boolean compact) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString(), Files.size(file), compact);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    /**
     * Reads from a stream.
     *
     * @param length the stream's length in bytes if known, else -1; ignored when the data is gzipped
     */
    static NpyArray read(InputStream raw, String name, long length, boolean compact) {
        try {
            InputStream in = new BufferedInputStream(raw, 1 << 16);
            boolean gzip = isGzip(in);
            if (gzip) {
                in = new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
                length = -1;
            }
            try {
                return readPlain(in, name + (gzip ? " (gzip)" : ""), length, compact);
            } catch (ZipException | EOFException e) {
                if (gzip) {
                    throw new DataFormatException(name + ": corrupt or truncated gzip data: " + e.getMessage(), e);
                }
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    /** Tells whether a marked stream starts with the gzip magic bytes, leaving it where it was. */
    static boolean isGzip(InputStream in) throws IOException {
        in.mark(2);
        int a = in.read();
        int b = in.read();
        in.reset();
        return a == 0x1f && b == 0x8b;
    }

    /** Maps an IDX type byte to its dtype, or null. */
    static DType type(int code) {
        switch (code) {
            case 0x08: return DType.UINT8;
            case 0x09: return DType.INT8;
            case 0x0B: return DType.INT16;
            case 0x0C: return DType.INT32;
            case 0x0D: return DType.FLOAT32;
            case 0x0E: return DType.FLOAT64;
            default: return null;
        }
    }

    /** Tells whether four bytes are a valid IDX magic number. */
    static boolean isMagic(byte[] b) {
        return b.length >= 4 && b[0] == 0 && b[1] == 0 && type(b[2] & 0xFF) != null && (b[3] & 0xFF) > 0;
    }

    private static NpyArray readPlain(InputStream in, String name, long length, boolean compact) throws IOException {
        byte[] m = in.readNBytes(4);
        if (m.length < 4) {
            throw new DataFormatException(name + ": truncated: " + m.length + " bytes, too short for an IDX magic number");
        }
        String magic = String.format("0x%02X%02X%02X%02X", m[0], m[1], m[2], m[3]);
        if (m[0] != 0 || m[1] != 0) {
            throw new DataFormatException(name + ": bad IDX magic number " + magic
                    + "; an IDX file starts with 0x0000 then a type byte and the number of dimensions");
        }
        DType type = type(m[2] & 0xFF);
        if (type == null) {
            throw new DataFormatException(name + ": bad IDX magic number " + magic + ": unknown type byte "
                    + String.format("0x%02X", m[2])
                    + "; expected 0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float or 0x0E double");
        }
        int ndim = m[3] & 0xFF;
        if (ndim == 0) {
            throw new DataFormatException(name + ": bad IDX magic number " + magic + ": zero dimensions");
        }
        byte[] db = in.readNBytes(4 * ndim);
        if (db.length < 4 * ndim) {
            throw new DataFormatException(name + ": truncated: the IDX header (magic " + magic + ") needs "
                    + (4 + 4 * ndim) + " bytes, found only " + (4 + db.length));
        }
        ByteBuffer bb = ByteBuffer.wrap(db).order(ByteOrder.BIG_ENDIAN);
        long[] shape = new long[ndim];
        for (int i = 0; i < ndim; i++) {
            shape[i] = bb.getInt();
            if (shape[i] < 0) {
                throw new DataFormatException(name + ": IDX dimension " + i + " is negative (" + shape[i] + ")");
            }
        }
        long count;
        try {
            count = NpyArray.elementCount(shape, name);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(e.getMessage(), e);
        }
        String what = "IDX " + type.numpyName + " dims " + Arrays.toString(shape);
        long expected = 4L + 4L * ndim + count * type.size;
        if (length >= 0 && length != expected) {
            throw new DataFormatException(name + ": file length " + length + " bytes does not match the header: "
                    + what + " needs exactly " + expected + " bytes");
        }
        NpyArray a = Elements.read(in, type, ByteOrder.BIG_ENDIAN, shape, compact, name, what);
        if (length < 0) {
            Elements.requireEnd(in, name, what);
        }
        return a;
    }
}
