package dev.robust4j.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads NumPy {@code .npz} archives: zip files (stored or deflated entries) of {@code .npy} arrays,
 * as written by {@code numpy.savez} and {@code numpy.savez_compressed}.
 *
 * <p>An array's key is its entry name without the {@code .npy} suffix, as in NumPy
 * ({@code np.load(f)["x"]} reads entry {@code x.npy}). Entries that are not {@code .npy} files are
 * ignored. An archive with an entry whose name could escape a directory (absolute, a drive letter,
 * or a {@code ..} segment) is refused as a whole, as is one with two entries of the same name.
 */
public final class Npz {

    private Npz() {}

    /**
     * Lists the keys of the arrays in an archive, in archive order.
     *
     * @param file the archive
     * @return the keys
     * @throws DataFormatException if the file is not a zip archive or has an escaping entry name
     * @throws UncheckedIOException if the file cannot be read
     */
    public static List<String> keys(Path file) {
        try (ZipFile zip = open(file)) {
            return List.copyOf(entries(zip, file).keySet());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    /**
     * Reads one array of an archive.
     *
     * @param file the archive
     * @param key the key ({@code x}), or the entry name ({@code x.npy})
     * @return the array
     * @throws DataFormatException if the archive has no such array or it is malformed
     * @throws UncheckedIOException if the file cannot be read
     */
    public static NpyArray read(Path file, String key) {
        return read(file, key.endsWith(".npy") ? key.substring(0, key.length() - 4) : key, false);
    }

    /**
     * Reads every array of an archive.
     *
     * @param file the archive
     * @return the arrays by key, in archive order
     * @throws DataFormatException if the archive or one of its arrays is malformed
     * @throws UncheckedIOException if the file cannot be read
     */
    public static Map<String, NpyArray> readAll(Path file) {
        return readAll(file, false);
    }

    /** Reads the header (dtype and shape) of every array, without its data. */
    static Map<String, Npy.Header> headers(Path file) {
        try (ZipFile zip = open(file)) {
            Map<String, Npy.Header> out = new LinkedHashMap<>();
            for (Map.Entry<String, ZipEntry> e : entries(zip, file).entrySet()) {
                String name = file + "[" + e.getValue().getName() + "]";
                try (InputStream in = new BufferedInputStream(zip.getInputStream(e.getValue()))) {
                    out.put(e.getKey(), Npy.readHeader(in, name));
                } catch (ZipException | EOFException x) {
                    throw new DataFormatException(name + ": corrupt zip entry: " + x.getMessage(), x);
                }
            }
            return Collections.unmodifiableMap(out);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    /** Reads one array by key; {@code compact} holds the small integer types as floats. */
    static NpyArray read(Path file, String key, boolean compact) {
        try (ZipFile zip = open(file)) {
            Map<String, ZipEntry> entries = entries(zip, file);
            ZipEntry e = entries.get(key);
            if (e == null) {
                throw new DataFormatException(file + ": no array '" + key + "'; the arrays are " + entries.keySet());
            }
            return readEntry(zip, e, file, compact);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    /** Reads every array; {@code compact} holds the small integer types as floats. */
    static Map<String, NpyArray> readAll(Path file, boolean compact) {
        try (ZipFile zip = open(file)) {
            Map<String, NpyArray> out = new LinkedHashMap<>();
            for (Map.Entry<String, ZipEntry> e : entries(zip, file).entrySet()) {
                out.put(e.getKey(), readEntry(zip, e.getValue(), file, compact));
            }
            return Collections.unmodifiableMap(out);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    private static ZipFile open(Path file) throws IOException {
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw new DataFormatException(file + ": not a valid .npz (zip) archive: " + e.getMessage(), e);
        }
    }

    /** Maps key to entry for the {@code .npy} entries, after checking every entry name. */
    private static Map<String, ZipEntry> entries(ZipFile zip, Path file) {
        Map<String, ZipEntry> out = new LinkedHashMap<>();
        List<String> seen = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            String name = e.getName();
            if (escapes(name)) {
                throw new DataFormatException(file + ": entry '" + name
                        + "' has a name that escapes the archive (absolute or with '..'); refusing the archive");
            }
            if (seen.contains(name)) {
                throw new DataFormatException(file + ": entry '" + name + "' appears twice; refusing the archive");
            }
            seen.add(name);
            if (!e.isDirectory() && name.endsWith(".npy")) {
                out.put(name.substring(0, name.length() - 4), e);
            }
        }
        return out;
    }

    /** Tells whether an entry name is absolute or climbs out of its directory. */
    static boolean escapes(String name) {
        if (name.startsWith("/") || name.startsWith("\\") || name.matches("^[A-Za-z]:.*")) {
            return true;
        }
        for (String part : name.split("[/\\\\]")) {
            if (part.equals("..")) {
                return true;
            }
        }
        return false;
    }

    /** Deflate expands at most about 1032:1; an entry claiming more is corrupt or a bomb. */
    private static final long MAX_DEFLATE_RATIO = 1032;

    private static NpyArray readEntry(ZipFile zip, ZipEntry e, Path file, boolean compact) throws IOException {
        String name = file + "[" + e.getName() + "]";
        long size = e.getSize();
        long compressed = e.getCompressedSize();
        if (e.getMethod() == ZipEntry.DEFLATED && size >= 0 && compressed >= 0
                && size > compressed * MAX_DEFLATE_RATIO + 1024) {
            throw new DataFormatException(name + ": declares " + size + " bytes from " + compressed
                    + " compressed bytes, more than deflate can expand; the archive is corrupt");
        }
        if (e.getMethod() == ZipEntry.STORED && size >= 0 && compressed >= 0 && size != compressed) {
            throw new DataFormatException(name + ": a stored entry of " + size + " bytes takes " + compressed
                    + " bytes in the archive; the archive is corrupt");
        }
        CheckedInputStream checked = new CheckedInputStream(zip.getInputStream(e), new CRC32());
        try (InputStream in = new BufferedInputStream(checked, 1 << 16)) {
            NpyArray a = Npy.read(in, name, size, compact);
            long extra = in.transferTo(OutputStream.nullOutputStream());
            if (extra > 0) {
                throw new DataFormatException(name + ": " + extra + " bytes more than the entry's declared size "
                        + size + "; the archive is corrupt");
            }
            long crc = checked.getChecksum().getValue();
            if (e.getCrc() != -1 && crc != e.getCrc()) {
                throw new DataFormatException(name + ": CRC-32 of the data is " + String.format("%08x", crc)
                        + " but the archive records " + String.format("%08x", e.getCrc())
                        + "; the entry is corrupt");
            }
            return a;
        } catch (ZipException | EOFException x) {
            throw new DataFormatException(name + ": corrupt zip entry: " + IoErrors.describe(x), x);
        }
    }
}
