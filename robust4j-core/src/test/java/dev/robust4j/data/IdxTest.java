package dev.robust4j.data;

import static dev.robust4j.data.TestFiles.buf;
import static dev.robust4j.data.TestFiles.gzip;
import static dev.robust4j.data.TestFiles.idx;
import static dev.robust4j.data.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {

    @TempDir
    Path dir;

    static final byte[] IMAGES = idx(0x08, new int[] {2, 2, 3}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, (byte) 200, (byte) 255});

    @Test
    void readsPlainUbyte() {
        NpyArray a = Idx.read(write(dir.resolve("images-idx3-ubyte"), IMAGES));
        assertThat(a.dtype()).isEqualTo("uint8");
        assertThat(a.shape()).containsExactly(2, 2, 3);
        assertThat(a.longs()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 200, 255);
    }

    @Test
    void detectsGzipByMagicNotByName() {
        NpyArray gz = Idx.read(write(dir.resolve("images.bin"), gzip(IMAGES)));
        assertThat(gz.shape()).containsExactly(2, 2, 3);
        assertThat(gz.longs()).endsWith(200, 255);
        NpyArray plain = Idx.read(write(dir.resolve("plain.gz"), IMAGES));
        assertThat(plain).isEqualTo(Idx.read(dir.resolve("images.bin")));
    }

    @Test
    void readsEverySignedAndFloatingTypeBigEndian() {
        assertThat(Idx.read(write(dir.resolve("b"), idx(0x09, new int[] {2}, new byte[] {-128, 127}))).longs())
                .containsExactly(-128, 127);
        byte[] s = buf(4, ByteOrder.BIG_ENDIAN).putShort((short) -2).putShort((short) 1000).array();
        assertThat(Idx.read(write(dir.resolve("s"), idx(0x0B, new int[] {2}, s))).longs()).containsExactly(-2, 1000);
        byte[] i = buf(8, ByteOrder.BIG_ENDIAN).putInt(-70000).putInt(Integer.MAX_VALUE).array();
        NpyArray ia = Idx.read(write(dir.resolve("i"), idx(0x0C, new int[] {1, 2}, i)));
        assertThat(ia.dtype()).isEqualTo("int32");
        assertThat(ia.longs()).containsExactly(-70000, Integer.MAX_VALUE);
        byte[] f = buf(8, ByteOrder.BIG_ENDIAN).putFloat(0.25f).putFloat(-1e10f).array();
        assertThat(Idx.read(write(dir.resolve("f"), idx(0x0D, new int[] {2}, f))).floats()).containsExactly(0.25f, -1e10f);
        byte[] d = buf(8, ByteOrder.BIG_ENDIAN).putDouble(-0.125).array();
        NpyArray da = Idx.read(write(dir.resolve("d"), idx(0x0E, new int[] {1}, d)));
        assertThat(da.dtype()).isEqualTo("float64");
        assertThat(da.floats()).containsExactly(-0.125f);
    }

    @Test
    void refusesBadMagic() {
        byte[] bad = IMAGES.clone();
        bad[1] = 1;
        Path f = write(dir.resolve("bad-magic"), bad);
        assertThatThrownBy(() -> Idx.read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("bad IDX magic number 0x00010803");
    }

    @Test
    void refusesUnknownTypeByteAndZeroDimensions() {
        byte[] t = IMAGES.clone();
        t[2] = 0x0A;
        Path f = write(dir.resolve("type"), t);
        assertThatThrownBy(() -> Idx.read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("unknown type byte 0x0A");
        Path z = write(dir.resolve("zero"), new byte[] {0, 0, 8, 0});
        assertThatThrownBy(() -> Idx.read(z)).hasMessageContaining(z.toString()).hasMessageContaining("zero dimensions");
    }

    @Test
    void refusesAPlainFileOneByteTooLongOrShort() {
        Path longer = write(dir.resolve("longer"), Arrays.copyOf(IMAGES, IMAGES.length + 1));
        assertThatThrownBy(() -> Idx.read(longer))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(longer.toString())
                .hasMessageContaining("file length 29 bytes does not match the header")
                .hasMessageContaining("exactly 28 bytes");
        Path shorter = write(dir.resolve("shorter"), Arrays.copyOf(IMAGES, IMAGES.length - 1));
        assertThatThrownBy(() -> Idx.read(shorter))
                .hasMessageContaining(shorter.toString())
                .hasMessageContaining("file length 27 bytes");
    }

    @Test
    void refusesGzippedDataOfTheWrongLength() {
        Path shorter = write(dir.resolve("shorter.gz"), gzip(Arrays.copyOf(IMAGES, IMAGES.length - 1)));
        assertThatThrownBy(() -> Idx.read(shorter))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(shorter.toString())
                .hasMessageContaining("truncated");
        Path longer = write(dir.resolve("longer.gz"), gzip(Arrays.copyOf(IMAGES, IMAGES.length + 5)));
        assertThatThrownBy(() -> Idx.read(longer))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(longer.toString())
                .hasMessageContaining("5 unexpected bytes");
    }

    @Test
    void refusesACorruptGzipStream() {
        byte[] gz = gzip(IMAGES);
        Path cut = write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length - 12));
        assertThatThrownBy(() -> Idx.read(cut))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(cut.toString())
                .hasMessageContaining("gzip");
    }

    @Test
    void refusesATruncatedHeader() {
        Path f = write(dir.resolve("head"), Arrays.copyOf(IMAGES, 9));
        assertThatThrownBy(() -> Idx.read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("truncated");
    }
}
