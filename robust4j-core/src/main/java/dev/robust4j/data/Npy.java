package dev.robust4j.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes NumPy {@code .npy} files.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0, little-endian, big-endian and byte-sized
 * data, in C (row-major) order, of dtype {@code float32}, {@code float64}, {@code uint8},
 * {@code int8}, {@code int16}, {@code int32}, {@code int64} or {@code bool}. Fortran-order arrays
 * of two or more dimensions, object (pickled) arrays, structured dtypes and every other dtype are
 * refused with a {@link DataFormatException} naming the file and the fault, as are truncated files
 * and files with bytes after the data.
 *
 * <p>Writing produces version 1.0 files (2.0 when the header needs it) of little-endian
 * {@code float32} or {@code int64}, written to a temporary file in the target's directory and moved
 * into place, so a reader never sees a half-written file.
 */
public final class Npy {

    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /** Largest header accepted, against corrupt or hostile length fields (NumPy's own limit is 10,000). */
    private static final int MAX_HEADER = 1 << 20;

    private Npy() {}

    /**
     * Reads an {@code .npy} file.
     *
     * @param file the file
     * @return the array; integer values exactly as longs, floating values as floats
     * @throws DataFormatException if the file is not a supported {@code .npy} file
     * @throws UncheckedIOException if the file cannot be read
     */
    public static NpyArray read(Path file) {
        return read(file, false);
    }

    /**
     * Reads one {@code .npy} array from a stream, which must end right after the data. The stream is
     * not closed.
     *
     * @param in the stream, positioned at the magic string
     * @param name the name of the source, for messages
     * @return the array; integer values exactly as longs, floating values as floats
     * @throws DataFormatException if the stream does not hold a supported {@code .npy} array
     * @throws UncheckedIOException if the stream cannot be read
     */
    public static NpyArray read(InputStream in, String name) {
        try {
            return read(in, name, -1, false);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    /** Reads a file; {@code compact} holds the small integer types as floats (see {@link NpyArray}). */
    static NpyArray read(Path file, boolean compact) {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, file.toString(), Files.size(file), compact);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    /**
     * Reads one array from a stream.
     *
     * @param length the total length of the stream in bytes if known (checked before any data is
     *     read), else -1
     */
    static NpyArray read(InputStream in, String name, long length, boolean compact) throws IOException {
        Header h = readHeader(in, name);
        String what = "shape " + NpyArray.shapeString(h.shape) + " " + h.type.numpyName;
        long count = NpyArray.elementCount(h.shape, name);
        long expected = h.dataOffset + count * h.type.size;
        if (length >= 0 && length < expected) {
            throw new DataFormatException(name + ": truncated: " + what + " needs " + (count * h.type.size)
                    + " data bytes, found only " + Math.max(0, length - h.dataOffset));
        }
        if (length > expected) {
            throw new DataFormatException(name + ": " + (length - expected)
                    + " unexpected bytes after the data of " + what + "; the file is longer than its header says");
        }
        NpyArray a = Elements.read(in, h.type, h.order, h.shape, compact, name, what);
        if (length < 0) {
            Elements.requireEnd(in, name, what);
        }
        return a;
    }

    /** The most characters of a header echoed in a message. */
    private static final int ECHO = 120;

    /** A header, stripped and cut to {@link #ECHO} characters, for messages. */
    static String excerpt(String text) {
        String t = text.strip();
        return t.length() <= ECHO ? t : t.substring(0, ECHO) + "... (" + t.length() + " characters)";
    }

    /** The parsed header of an {@code .npy} file. */
    record Header(DType type, ByteOrder order, long[] shape, long dataOffset) {}

    static Header readHeader(InputStream in, String name) throws IOException {
        byte[] pre = in.readNBytes(8);
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= pre.length || pre[i] != MAGIC[i]) {
                throw new DataFormatException(name + ": not a NumPy .npy file (it does not start with \\x93NUMPY)");
            }
        }
        if (pre.length < 8) {
            throw new DataFormatException(name + ": truncated: the .npy preamble ends early");
        }
        int major = pre[6] & 0xFF;
        int minor = pre[7] & 0xFF;
        if (major < 1 || major > 3) {
            throw new DataFormatException(name + ": unsupported .npy format version " + major + "." + minor
                    + "; supported: 1.0, 2.0, 3.0");
        }
        int lenBytes = major == 1 ? 2 : 4;
        byte[] lb = in.readNBytes(lenBytes);
        if (lb.length < lenBytes) {
            throw new DataFormatException(name + ": truncated: the .npy header length ends early");
        }
        long headerLength = major == 1
                ? ByteBuffer.wrap(lb).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xFFFF
                : ByteBuffer.wrap(lb).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
        if (headerLength > MAX_HEADER) {
            throw new DataFormatException(name + ": .npy header length " + headerLength
                    + " exceeds " + MAX_HEADER + " bytes; the file is corrupt");
        }
        byte[] hb = in.readNBytes((int) headerLength);
        if (hb.length < headerLength) {
            throw new DataFormatException(name + ": truncated: the .npy header should have " + headerLength
                    + " bytes, found only " + hb.length);
        }
        String text = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Object parsed;
        try {
            parsed = new Literal(text).parseAll();
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(name + ": malformed .npy header " + excerpt(text) + ": " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map<?, ?> dict)) {
            throw new DataFormatException(name + ": malformed .npy header " + excerpt(text) + ": not a dict");
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw new DataFormatException(name + ": malformed .npy header " + excerpt(text) + ": no '" + key + "'");
            }
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String d)) {
            throw new DataFormatException(name + ": structured dtype " + excerpt(Literal.repr(descr))
                    + " is not supported; supported dtypes: " + DType.SUPPORTED);
        }
        ByteOrder order = ByteOrder.LITTLE_ENDIAN;
        String code = d;
        char first = d.isEmpty() ? ' ' : d.charAt(0);
        if (first == '<' || first == '>' || first == '|' || first == '=') {
            code = d.substring(1);
            order = first == '>' ? ByteOrder.BIG_ENDIAN : first == '=' ? ByteOrder.nativeOrder() : ByteOrder.LITTLE_ENDIAN;
        }
        DType type = DType.byCode(code);
        if (code.equals("O")) {
            throw new DataFormatException(name + ": dtype '" + excerpt(d) + "' is an object array (pickled Python objects), "
                    + "which is refused; supported dtypes: " + DType.SUPPORTED);
        }
        if (type == null) {
            throw new DataFormatException(name + ": dtype '" + excerpt(d) + "' is not supported; supported dtypes: "
                    + DType.SUPPORTED);
        }
        if (first == '|' && type.size > 1) {
            throw new DataFormatException(name + ": dtype '" + excerpt(d) + "' has no byte order; the header is corrupt");
        }
        if (!(dict.get("shape") instanceof List<?> dims)) {
            throw new DataFormatException(name + ": malformed .npy header " + excerpt(text) + ": shape is not a tuple");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long v) || v < 0) {
                throw new DataFormatException(name + ": malformed .npy header " + excerpt(text)
                        + ": shape has a bad dimension " + excerpt(Literal.repr(dims.get(i))));
            }
            shape[i] = v;
        }
        Object fortran = dict.get("fortran_order");
        if (!(fortran instanceof Boolean)) {
            throw new DataFormatException(name + ": malformed .npy header " + excerpt(text)
                    + ": fortran_order is not True or False");
        }
        if ((Boolean) fortran && shape.length > 1) {
            throw new DataFormatException(name + ": the array of shape " + NpyArray.shapeString(shape)
                    + " is stored in Fortran (column-major) order, which is not supported; save it from C order, "
                    + "e.g. numpy.save(f, numpy.ascontiguousarray(a))");
        }
        try {
            NpyArray.elementCount(shape, name);
        } catch (IllegalArgumentException e) {
            throw new DataFormatException(e.getMessage(), e);
        }
        return new Header(type, order, shape, 8L + lenBytes + headerLength);
    }

    /**
     * Writes a little-endian {@code float32} array to an {@code .npy} file, atomically.
     *
     * @param file the file to write (replaced if it exists); its directory must exist
     * @param data the values in C order
     * @param shape the dimensions; their product must be {@code data.length}
     * @throws IllegalArgumentException if the shape does not match the data
     * @throws UncheckedIOException naming the file if it cannot be written
     */
    public static void writeFloat32(Path file, float[] data, long... shape) {
        AtomicFiles.write(file, float32Body(file, data, shape));
    }

    /**
     * Makes the body of a little-endian {@code float32} {@code .npy} file, to write with
     * {@link AtomicFiles#stage} beside other outputs.
     *
     * @param file the file it is for, for messages
     * @param data the values in C order
     * @param shape the dimensions; their product must be {@code data.length}
     * @return the body
     * @throws IllegalArgumentException if the shape does not match the data
     */
    public static AtomicFiles.Body float32Body(Path file, float[] data, long... shape) {
        checkShape(file, data.length, shape);
        byte[] header = header(DType.FLOAT32, shape);
        return out -> {
            out.write(header);
            ByteBuffer bb = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
            for (int done = 0; done < data.length; ) {
                int k = Math.min(bb.capacity() / 4, data.length - done);
                bb.clear();
                bb.asFloatBuffer().put(data, done, k);
                out.write(bb.array(), 0, k * 4);
                done += k;
            }
        };
    }

    /**
     * Writes a little-endian {@code int64} array to an {@code .npy} file, atomically.
     *
     * @param file the file to write (replaced if it exists); its directory must exist
     * @param data the values in C order
     * @param shape the dimensions; their product must be {@code data.length}
     * @throws IllegalArgumentException if the shape does not match the data
     * @throws UncheckedIOException naming the file if it cannot be written
     */
    public static void writeInt64(Path file, long[] data, long... shape) {
        checkShape(file, data.length, shape);
        byte[] header = header(DType.INT64, shape);
        AtomicFiles.write(file, out -> {
            out.write(header);
            writeLongs(out, data);
        });
    }

    private static void writeLongs(OutputStream out, long[] data) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < data.length; ) {
            int k = Math.min(bb.capacity() / 8, data.length - done);
            bb.clear();
            bb.asLongBuffer().put(data, done, k);
            out.write(bb.array(), 0, k * 8);
            done += k;
        }
    }

    private static void checkShape(Path file, int length, long[] shape) {
        long n = NpyArray.elementCount(shape, file.toString());
        if (n != length) {
            throw new IllegalArgumentException(file + ": shape " + NpyArray.shapeString(shape) + " needs " + n
                    + " values, got " + length);
        }
    }

    /** Makes the magic, version, length and header dict, padded so the data starts at a multiple of 64. */
    static byte[] header(DType type, long[] shape) {
        String dict = "{'descr': '" + type.descr(ByteOrder.LITTLE_ENDIAN) + "', 'fortran_order': False, 'shape': "
                + NpyArray.shapeString(shape) + ", }";
        int major = 1;
        int pre = 10;
        int total = (pre + dict.length() + 1 + 63) / 64 * 64;
        if (total - pre > 0xFFFF) {
            major = 2;
            pre = 12;
            total = (pre + dict.length() + 1 + 63) / 64 * 64;
        }
        int headerLength = total - pre;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) headerLength);
        } else {
            b.putInt(headerLength);
        }
        b.put(dict.getBytes(StandardCharsets.ISO_8859_1));
        while (b.position() < total - 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    /**
     * A parser for the subset of Python literals found in {@code .npy} headers: dicts, tuples,
     * lists, strings, integers, {@code True}, {@code False} and {@code None}.
     */
    static final class Literal {
        static final Object NONE = new Object() {
            @Override
            public String toString() {
                return "None";
            }
        };

        private final String s;
        private int p;

        Literal(String s) {
            this.s = s;
        }

        Object parseAll() {
            Object v = value();
            skipSpace();
            if (p != s.length()) {
                throw error("unexpected text after the end");
            }
            return v;
        }

        private Object value() {
            skipSpace();
            if (p >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(p);
            if (c == '{') {
                p++;
                Map<String, Object> m = new LinkedHashMap<>();
                while (!peekClose('}')) {
                    Object k = value();
                    if (!(k instanceof String key)) {
                        throw error("dict key is not a string");
                    }
                    expect(':');
                    m.put(key, value());
                    if (!peekClose('}')) {
                        expect(',');
                    }
                }
                p++;
                return m;
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                p++;
                List<Object> l = new ArrayList<>();
                while (!peekClose(close)) {
                    l.add(value());
                    if (!peekClose(close)) {
                        expect(',');
                    }
                }
                p++;
                return l;
            }
            if (c == '\'' || c == '"') {
                return string(c);
            }
            if (c == '-' || c == '+' || Character.isDigit(c)) {
                int start = p++;
                while (p < s.length() && Character.isDigit(s.charAt(p))) {
                    p++;
                }
                String digits = s.substring(start, p);
                if (p < s.length() && (s.charAt(p) == 'L' || s.charAt(p) == 'l')) {
                    p++; // Python 2 long suffix
                }
                try {
                    return Long.parseLong(digits);
                } catch (NumberFormatException e) {
                    throw error("bad integer " + excerpt(digits));
                }
            }
            for (String word : new String[] {"True", "False", "None"}) {
                if (s.startsWith(word, p)) {
                    p += word.length();
                    return word.equals("None") ? NONE : Boolean.valueOf(word.equals("True"));
                }
            }
            throw error("unexpected character '" + c + "'");
        }

        private String string(char quote) {
            StringBuilder b = new StringBuilder();
            p++;
            while (p < s.length() && s.charAt(p) != quote) {
                char c = s.charAt(p++);
                if (c == '\\' && p < s.length()) {
                    c = s.charAt(p++);
                }
                b.append(c);
            }
            if (p >= s.length()) {
                throw error("unterminated string");
            }
            p++;
            return b.toString();
        }

        private boolean peekClose(char close) {
            skipSpace();
            return p < s.length() && s.charAt(p) == close;
        }

        private void expect(char c) {
            skipSpace();
            if (p >= s.length() || s.charAt(p) != c) {
                throw error("expected '" + c + "'");
            }
            p++;
        }

        private void skipSpace() {
            while (p < s.length() && Character.isWhitespace(s.charAt(p))) {
                p++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at character " + p);
        }

        static String repr(Object v) {
            if (v instanceof String str) {
                return "'" + str + "'";
            }
            if (v instanceof List<?> l) {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < l.size(); i++) {
                    b.append(i > 0 ? ", " : "").append(repr(l.get(i)));
                }
                return b.append(']').toString();
            }
            return String.valueOf(v);
        }
    }
}
