package dev.robust4j.data;

import static dev.robust4j.data.TestFiles.buf;
import static dev.robust4j.data.TestFiles.npy;
import static dev.robust4j.data.TestFiles.npyWithDict;
import static dev.robust4j.data.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NpyTest {

    @TempDir
    Path dir;

    @Test
    void float32RoundTripKeepsShapeAndEveryBit() {
        float[] data = {0f, -1.5f, 3.25e-7f, Float.MAX_VALUE, -Float.MIN_VALUE, 1f / 3, 7f};
        float[] more = Arrays.copyOf(data, 12);
        more[11] = 42f;
        Path f = dir.resolve("x.npy");

        Npy.writeFloat32(f, more, 3, 4);
        NpyArray a = Npy.read(f);

        assertThat(a.shape()).containsExactly(3, 4);
        assertThat(a.dtype()).isEqualTo("float32");
        assertThat(a.longs()).isNull();
        assertThat(a.floats()).containsExactly(more);
    }

    @Test
    void int64RoundTripIsExactBeyondFloatPrecision() {
        long[] data = {Long.MIN_VALUE, -1, 0, 1, (1L << 53) + 1, Long.MAX_VALUE};
        Path f = dir.resolve("y.npy");

        Npy.writeInt64(f, data, 6);
        NpyArray a = Npy.read(f);

        assertThat(a.shape()).containsExactly(6);
        assertThat(a.dtype()).isEqualTo("int64");
        assertThat(a.longs()).containsExactly(data);
    }

    @Test
    void writtenHeaderIsNumpyVersion1AlignedTo64() throws IOException {
        Path f = dir.resolve("x.npy");
        Npy.writeFloat32(f, new float[] {1, 2, 3}, 3);
        byte[] b = Files.readAllBytes(f);

        assertThat(Arrays.copyOf(b, 8)).containsExactly((byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0);
        int headerLength = ByteBuffer.wrap(b, 8, 2).order(ByteOrder.LITTLE_ENDIAN).getShort();
        assertThat((10 + headerLength) % 64).isZero();
        String header = new String(b, 10, headerLength, StandardCharsets.ISO_8859_1);
        assertThat(header).startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }").endsWith("\n");
        assertThat(b.length).isEqualTo(10 + headerLength + 12);
        assertThat(ByteBuffer.wrap(b, 10 + headerLength, 12).order(ByteOrder.LITTLE_ENDIAN).getFloat(10 + headerLength + 8))
                .isEqualTo(3f);
    }

    @Test
    void scalarAndEmptyArraysRoundTrip() {
        Path s = dir.resolve("s.npy");
        Npy.writeFloat32(s, new float[] {5f});
        assertThat(Npy.read(s).shape()).isEmpty();
        assertThat(Npy.read(s).floats()).containsExactly(5f);

        Path e = dir.resolve("e.npy");
        Npy.writeInt64(e, new long[0], 0, 3);
        assertThat(Npy.read(e).shape()).containsExactly(0, 3);
        assertThat(Npy.read(e).size()).isZero();
    }

    @Test
    void readsFloat64LittleEndian() {
        ByteBuffer d = buf(16, ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-2.5e300);
        NpyArray a = Npy.read(write(dir.resolve("f8.npy"), npy(1, "<f8", "(2,)", false, d.array())));
        assertThat(a.dtype()).isEqualTo("float64");
        assertThat(a.floats()).containsExactly(0.1f, Float.NEGATIVE_INFINITY);
    }

    @Test
    void readsUint8() {
        byte[] d = {0, 1, (byte) 128, (byte) 255};
        NpyArray a = Npy.read(write(dir.resolve("u1.npy"), npy(1, "|u1", "(2, 2)", false, d)));
        assertThat(a.dtype()).isEqualTo("uint8");
        assertThat(a.shape()).containsExactly(2, 2);
        assertThat(a.longs()).containsExactly(0, 1, 128, 255);
    }

    @Test
    void readsInt8() {
        byte[] d = {-128, -1, 0, 127};
        NpyArray a = Npy.read(write(dir.resolve("i1.npy"), npy(1, "|i1", "(4,)", false, d)));
        assertThat(a.dtype()).isEqualTo("int8");
        assertThat(a.longs()).containsExactly(-128, -1, 0, 127);
    }

    @Test
    void readsInt16() {
        ByteBuffer d = buf(6, ByteOrder.LITTLE_ENDIAN).putShort((short) -32768).putShort((short) 300).putShort((short) 32767);
        NpyArray a = Npy.read(write(dir.resolve("i2.npy"), npy(1, "<i2", "(3,)", false, d.array())));
        assertThat(a.dtype()).isEqualTo("int16");
        assertThat(a.longs()).containsExactly(-32768, 300, 32767);
    }

    @Test
    void readsInt32() {
        ByteBuffer d = buf(12, ByteOrder.LITTLE_ENDIAN).putInt(Integer.MIN_VALUE).putInt(16_777_217).putInt(-7);
        NpyArray a = Npy.read(write(dir.resolve("i4.npy"), npy(1, "<i4", "(3,)", false, d.array())));
        assertThat(a.dtype()).isEqualTo("int32");
        assertThat(a.longs()).containsExactly(Integer.MIN_VALUE, 16_777_217, -7);
    }

    @Test
    void readsHandWrittenInt64AndFloat32() {
        ByteBuffer l = buf(16, ByteOrder.LITTLE_ENDIAN).putLong(-5).putLong(1L << 40);
        assertThat(Npy.read(write(dir.resolve("i8.npy"), npy(1, "<i8", "(2,)", false, l.array()))).longs())
                .containsExactly(-5, 1L << 40);
        ByteBuffer f = buf(8, ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(-3f);
        assertThat(Npy.read(write(dir.resolve("f4.npy"), npy(1, "<f4", "(1, 2)", false, f.array()))).floats())
                .containsExactly(0.5f, -3f);
    }

    @Test
    void readsBoolAsZeroOrOne() {
        byte[] d = {0, 1, 1, 0};
        NpyArray a = Npy.read(write(dir.resolve("b.npy"), npy(1, "|b1", "(4,)", false, d)));
        assertThat(a.dtype()).isEqualTo("bool");
        assertThat(a.longs()).containsExactly(0, 1, 1, 0);
    }

    @Test
    void compactModeHoldsSmallIntegersAsExactFloats() {
        byte[] d = {0, (byte) 255};
        NpyArray a = Npy.read(write(dir.resolve("u1.npy"), npy(1, "|u1", "(2,)", false, d)), true);
        assertThat(a.dtype()).isEqualTo("uint8");
        assertThat(a.floats()).containsExactly(0f, 255f);
        assertThat(a.toLongs()).containsExactly(0, 255);
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3})
    void readsVersion2And3Headers(int major) {
        ByteBuffer d = buf(8, ByteOrder.LITTLE_ENDIAN).putFloat(1.25f).putFloat(2.5f);
        NpyArray a = Npy.read(write(dir.resolve("v" + major + ".npy"), npy(major, "<f4", "(2, 1)", false, d.array())));
        assertThat(a.shape()).containsExactly(2, 1);
        assertThat(a.floats()).containsExactly(1.25f, 2.5f);
    }

    @Test
    void readsBigEndian() {
        ByteBuffer f = buf(8, ByteOrder.BIG_ENDIAN).putFloat(1.5f).putFloat(-2f);
        assertThat(Npy.read(write(dir.resolve("bf4.npy"), npy(1, ">f4", "(2,)", false, f.array()))).floats())
                .containsExactly(1.5f, -2f);
        ByteBuffer d = buf(8, ByteOrder.BIG_ENDIAN).putDouble(-0.25);
        assertThat(Npy.read(write(dir.resolve("bf8.npy"), npy(1, ">f8", "(1,)", false, d.array()))).floats())
                .containsExactly(-0.25f);
        ByteBuffer i = buf(8, ByteOrder.BIG_ENDIAN).putInt(258).putInt(-2);
        assertThat(Npy.read(write(dir.resolve("bi4.npy"), npy(1, ">i4", "(2,)", false, i.array()))).longs())
                .containsExactly(258, -2);
        ByteBuffer l = buf(8, ByteOrder.BIG_ENDIAN).putLong(1L << 33);
        assertThat(Npy.read(write(dir.resolve("bi8.npy"), npy(1, ">i8", "(1,)", false, l.array()))).longs())
                .containsExactly(1L << 33);
        ByteBuffer s = buf(2, ByteOrder.BIG_ENDIAN).putShort((short) 513);
        assertThat(Npy.read(write(dir.resolve("bi2.npy"), npy(1, ">i2", "(1,)", false, s.array()))).longs())
                .containsExactly(513);
    }

    @Test
    void acceptsDoubleQuotesAndPython2LongsInTheHeader() {
        String dict = "{\"descr\": \"<i8\", \"fortran_order\": False, \"shape\": (1L, 2L)}";
        ByteBuffer d = buf(16, ByteOrder.LITTLE_ENDIAN).putLong(3).putLong(4);
        NpyArray a = Npy.read(write(dir.resolve("py2.npy"), npyWithDict(1, dict, d.array())));
        assertThat(a.shape()).containsExactly(1, 2);
        assertThat(a.longs()).containsExactly(3, 4);
    }

    @Test
    void refusesFortranOrder() {
        Path f = write(dir.resolve("fortran.npy"), npy(1, "<f4", "(2, 2)", true, new byte[16]));
        assertThatThrownBy(() -> Npy.read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("Fortran");
    }

    @Test
    void acceptsFortranFlagOnOneDimensionWhereItIsCOrder() {
        ByteBuffer d = buf(8, ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f);
        Path f = write(dir.resolve("f1.npy"), npy(1, "<f4", "(2,)", true, d.array()));
        assertThat(Npy.read(f).floats()).containsExactly(1f, 2f);
    }

    @Test
    void refusesObjectArrays() {
        Path f = write(dir.resolve("pickled.npy"), npy(1, "|O", "(2,)", false, new byte[] {(byte) 0x80, 2, 'N', '.'}));
        assertThatThrownBy(() -> Npy.read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("'|O'")
                .hasMessageContaining("object");
    }

    @Test
    void refusesUnlistedDtypesNamingThem() {
        Path u = write(dir.resolve("u2.npy"), npy(1, "<u2", "(1,)", false, new byte[2]));
        assertThatThrownBy(() -> Npy.read(u))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(u.toString())
                .hasMessageContaining("'<u2'")
                .hasMessageContaining("not supported");
        Path s = write(dir.resolve("str.npy"), npy(1, "<U3", "(1,)", false, new byte[12]));
        assertThatThrownBy(() -> Npy.read(s)).hasMessageContaining(s.toString()).hasMessageContaining("'<U3'");
    }

    @Test
    void refusesStructuredDtypes() {
        String dict = "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }";
        Path f = write(dir.resolve("rec.npy"), npyWithDict(1, dict, new byte[8]));
        assertThatThrownBy(() -> Npy.read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("structured");
    }

    @Test
    void refusesTruncatedData() {
        byte[] full = npy(1, "<f4", "(10,)", false, new byte[40]);
        Path f = write(dir.resolve("short.npy"), Arrays.copyOf(full, full.length - 3));
        assertThatThrownBy(() -> Npy.read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("truncated")
                .hasMessageContaining("40");
    }

    @Test
    void refusesTruncatedDataFromAStream() {
        byte[] full = npy(1, "<i8", "(3,)", false, new byte[24]);
        byte[] cut = Arrays.copyOf(full, full.length - 1);
        assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(cut), "stream.npy"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("stream.npy")
                .hasMessageContaining("truncated");
    }

    @Test
    void refusesTruncatedHeader() {
        byte[] full = npy(1, "<f4", "(10,)", false, new byte[40]);
        Path f = write(dir.resolve("head.npy"), Arrays.copyOf(full, 30));
        assertThatThrownBy(() -> Npy.read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void refusesBytesAfterTheData() {
        byte[] full = npy(1, "<f4", "(2,)", false, new byte[8]);
        Path f = write(dir.resolve("long.npy"), Arrays.copyOf(full, full.length + 4));
        assertThatThrownBy(() -> Npy.read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("4 unexpected bytes");
    }

    @Test
    void refusesBadMagicAndUnknownVersion() {
        Path f = write(dir.resolve("text.npy"), "hello, world\n");
        assertThatThrownBy(() -> Npy.read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("not a NumPy .npy file");
        byte[] v9 = npy(1, "<f4", "(1,)", false, new byte[4]);
        v9[6] = 9;
        Path g = write(dir.resolve("v9.npy"), v9);
        assertThatThrownBy(() -> Npy.read(g))
                .hasMessageContaining(g.toString())
                .hasMessageContaining("version 9.0");
    }

    @Test
    void refusesMalformedHeader() {
        Path f = write(dir.resolve("bad.npy"), npyWithDict(1, "{'descr': '<f4', 'shape': (1,), }", new byte[4]));
        assertThatThrownBy(() -> Npy.read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("fortran_order");
        Path g = write(dir.resolve("neg.npy"), npy(1, "<f4", "(-1,)", false, new byte[0]));
        assertThatThrownBy(() -> Npy.read(g)).hasMessageContaining(g.toString()).hasMessageContaining("-1");
    }

    @Test
    void writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("out.npy");
        Npy.writeFloat32(f, new float[] {1, 2}, 2);
        Npy.writeInt64(f, new long[] {7, 8, 9}, 3);

        assertThat(Npy.read(f).longs()).containsExactly(7, 8, 9);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("out.npy");
        }
    }

    @Test
    void badShapeLeavesTheOldFileUntouched() throws IOException {
        Path f = dir.resolve("keep.npy");
        Npy.writeFloat32(f, new float[] {1, 2}, 2);
        byte[] before = Files.readAllBytes(f);

        assertThatThrownBy(() -> Npy.writeFloat32(f, new float[] {1, 2, 3}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("(2, 2) needs 4 values, got 3");
        assertThat(Files.readAllBytes(f)).isEqualTo(before);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).hasSize(1);
        }
    }

    @Test
    void writeIntoAMissingDirectoryFailsNamingTheFile() {
        Path f = dir.resolve("no/such/dir/x.npy");
        assertThatThrownBy(() -> Npy.writeFloat32(f, new float[] {1}, 1))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining(f.toString());
        assertThat(f).doesNotExist();
    }
}
