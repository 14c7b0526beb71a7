package dev.robust4j.data;

import static dev.robust4j.data.TestFiles.buf;
import static dev.robust4j.data.TestFiles.npy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {

    @TempDir
    Path dir;

    static final byte[] X = npy(1, "<f4", "(2, 2)", false,
            buf(16, ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(1f).putFloat(-2f).putFloat(4f).array());
    static final byte[] Y = npy(1, "<i8", "(2,)", false, buf(16, ByteOrder.LITTLE_ENDIAN).putLong(1).putLong(0).array());

    /** Writes a zip whose entries alternate name, bytes, stored (true) or deflated (false). */
    static Path zip(Path file, Object... entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            for (int i = 0; i < entries.length; i += 3) {
                byte[] data = (byte[]) entries[i + 1];
                ZipEntry e = new ZipEntry((String) entries[i]);
                if ((Boolean) entries[i + 2]) {
                    CRC32 crc = new CRC32();
                    crc.update(data);
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(data.length);
                    e.setCompressedSize(data.length);
                    e.setCrc(crc.getValue());
                } else {
                    e.setMethod(ZipEntry.DEFLATED);
                }
                z.putNextEntry(e);
                z.write(data);
                z.closeEntry();
            }
        }
        return file;
    }

    @Test
    void readsStoredAndDeflatedEntriesByKey() throws IOException {
        Path f = zip(dir.resolve("d.npz"), "x.npy", X, true, "y.npy", Y, false);
        try (ZipFile z = new ZipFile(f.toFile())) {
            assertThat(z.getEntry("x.npy").getMethod()).isEqualTo(ZipEntry.STORED);
            assertThat(z.getEntry("y.npy").getMethod()).isEqualTo(ZipEntry.DEFLATED);
        }

        assertThat(Npz.keys(f)).containsExactly("x", "y");
        NpyArray x = Npz.read(f, "x");
        assertThat(x.shape()).containsExactly(2, 2);
        assertThat(x.floats()).containsExactly(0.5f, 1f, -2f, 4f);
        assertThat(Npz.read(f, "y.npy").longs()).containsExactly(1, 0);
        Map<String, NpyArray> all = Npz.readAll(f);
        assertThat(all.keySet()).containsExactly("x", "y");
        assertThat(all.get("y").longs()).containsExactly(1, 0);
    }

    @Test
    void ignoresEntriesThatAreNotNpy() throws IOException {
        Path f = zip(dir.resolve("d.npz"), "README.txt", "hi".getBytes(StandardCharsets.UTF_8), false,
                "x.npy", X, false, "sub/", new byte[0], true);
        assertThat(Npz.keys(f)).containsExactly("x");
        assertThat(Npz.readAll(f)).containsOnlyKeys("x");
    }

    @Test
    void refusesAnEntryThatEscapes() throws IOException {
        Path f = zip(dir.resolve("evil.npz"), "x.npy", X, false, "../evil.npy", Y, false);
        assertThatThrownBy(() -> Npz.readAll(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("'../evil.npy'")
                .hasMessageContaining("escapes");
        assertThatThrownBy(() -> Npz.read(f, "x")).hasMessageContaining("'../evil.npy'");
    }

    @Test
    void refusesAbsoluteAndNestedEscapingNames() throws IOException {
        Path a = zip(dir.resolve("abs.npz"), "/etc/x.npy", X, false);
        assertThatThrownBy(() -> Npz.keys(a)).isInstanceOf(DataFormatException.class)
                .hasMessageContaining(a.toString()).hasMessageContaining("'/etc/x.npy'");
        Path b = zip(dir.resolve("nested.npz"), "a/../../b.npy", X, false);
        assertThatThrownBy(() -> Npz.keys(b)).hasMessageContaining("'a/../../b.npy'");
        assertThat(Npz.escapes("C:\\x.npy")).isTrue();
        assertThat(Npz.escapes("a\\..\\x.npy")).isTrue();
        assertThat(Npz.escapes("a/..b/x..npy")).isFalse();
    }

    @Test
    void missingKeyListsTheKeys() throws IOException {
        Path f = zip(dir.resolve("d.npz"), "x.npy", X, false, "y.npy", Y, false);
        assertThatThrownBy(() -> Npz.read(f, "z"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("'z'")
                .hasMessageContaining("[x, y]");
    }

    @Test
    void badEntryIsNamedWithItsArchive() throws IOException {
        Path f = zip(dir.resolve("d.npz"), "x.npy", java.util.Arrays.copyOf(X, X.length - 2), false);
        assertThatThrownBy(() -> Npz.read(f, "x"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f + "[x.npy]")
                .hasMessageContaining("truncated");
    }

    @Test
    void refusesAFileThatIsNotAZip() {
        Path f = TestFiles.write(dir.resolve("no.npz"), "not a zip at all");
        assertThatThrownBy(() -> Npz.keys(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("not a valid .npz");
    }

    @Test
    void aStoredEntryWhoseBytesWereChangedFailsItsCrc() throws IOException {
        Path f = zip(dir.resolve("d.npz"), "x.npy", X, true, "y.npy", Y, true);
        byte[] b = Files.readAllBytes(f);
        int at = indexOf(b, X) + X.length - 8; // inside x's data
        b[at] ^= 0x40;
        Files.write(f, b);
        assertThatThrownBy(() -> Npz.read(f, "x"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f + "[x.npy]: CRC-32 of the data is")
                .hasMessageContaining("the entry is corrupt");
        assertThat(Npz.read(f, "y").longs()).containsExactly(1, 0);
    }

    @Test
    void aDeflatedEntryClaimingMoreThanDeflateCanExpandIsRefusedBeforeInflating() throws IOException {
        Path f = zip(dir.resolve("d.npz"), "x.npy", X, false, "y.npy", Y, false);
        byte[] b = Files.readAllBytes(f);
        int central = indexOf(b, new byte[] {'P', 'K', 1, 2});
        java.nio.ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(central + 24, 1 << 30);
        Files.write(f, b);
        assertThatThrownBy(() -> Npz.read(f, "x"))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("declares 1073741824 bytes from")
                .hasMessageContaining("more than deflate can expand");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }
}
