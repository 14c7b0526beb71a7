package dev.robust4j.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;

/** The element types the readers understand, with NumPy's names and sizes. */
enum DType {
    FLOAT32("float32", 4, 'f', true),
    FLOAT64("float64", 8, 'f', true),
    UINT8("uint8", 1, 'u', false),
    INT8("int8", 1, 'i', false),
    INT16("int16", 2, 'i', false),
    INT32("int32", 4, 'i', false),
    INT64("int64", 8, 'i', false),
    BOOL("bool", 1, 'b', false);

    /** The supported names, for messages. */
    static final String SUPPORTED =
            String.join(", ", Arrays.stream(values()).map(t -> t.numpyName).toArray(String[]::new));

    final String numpyName;
    final int size;
    final char kind;
    final boolean floating;

    DType(String numpyName, int size, char kind, boolean floating) {
        this.numpyName = numpyName;
        this.size = size;
        this.kind = kind;
        this.floating = floating;
    }

    /**
     * Tells whether every value of this type is exactly a float32: true for the floating types
     * (float64 is rounded, by documented choice) and for the integer types of at most 16 bits.
     */
    boolean fitsFloat() {
        return floating || size <= 2;
    }

    /** Returns the NumPy type name, e.g. {@code float32}, or null if unknown. */
    static DType byName(String name) {
        for (DType t : values()) {
            if (t.numpyName.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        return null;
    }

    /** Returns the type for a NumPy type code such as {@code f4} or {@code b1}, or null. */
    static DType byCode(String code) {
        if (code.equals("?")) {
            return BOOL;
        }
        for (DType t : values()) {
            if (code.equals(String.valueOf(t.kind) + t.size)) {
                return t;
            }
        }
        return null;
    }

    /** Reads element {@code i} (counted in elements) of the buffer as a float. */
    float floatAt(ByteBuffer b, int i) {
        int p = i * size;
        switch (this) {
            case FLOAT32: return b.getFloat(p);
            case FLOAT64: return (float) b.getDouble(p);
            case UINT8: return b.get(p) & 0xFF;
            case INT8: return b.get(p);
            case INT16: return b.getShort(p);
            case INT32: return b.getInt(p);
            case INT64: return b.getLong(p);
            case BOOL: return b.get(p) != 0 ? 1f : 0f;
            default: throw new AssertionError(this);
        }
    }

    /** Reads element {@code i} (counted in elements) of the buffer as a long; integer types only. */
    long longAt(ByteBuffer b, int i) {
        int p = i * size;
        switch (this) {
            case UINT8: return b.get(p) & 0xFF;
            case INT8: return b.get(p);
            case INT16: return b.getShort(p);
            case INT32: return b.getInt(p);
            case INT64: return b.getLong(p);
            case BOOL: return b.get(p) != 0 ? 1 : 0;
            default: throw new AssertionError(this + " is not an integer type");
        }
    }

    /** Returns the NumPy descriptor for this type in the given byte order, e.g. {@code <f4}. */
    String descr(ByteOrder order) {
        char o = size == 1 ? '|' : order == ByteOrder.LITTLE_ENDIAN ? '<' : '>';
        return o + String.valueOf(kind) + size;
    }
}
