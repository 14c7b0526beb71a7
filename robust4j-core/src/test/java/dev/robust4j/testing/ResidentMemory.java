package dev.robust4j.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory as Linux reports it in {@code /proc/self/status}, for leak tests.
 *
 * <p>A leak test must read the <em>peak</em> ({@code VmHWM}) over the measured run, not the
 * resident size after it: an attack that leaks one array per step into a scope it closes at the
 * end shows no growth in {@code VmRSS} once it has returned, but its peak still rises. Reset the
 * peak with {@link #resetPeak()} right before the run, then compare {@link #peakKb()} after it
 * with {@link #residentKb()} before it.
 */
public final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ResidentMemory() {}

    /** @return whether this process can read its resident memory (Linux) */
    public static boolean readable() {
        return Files.isReadable(STATUS);
    }

    /**
     * Collects garbage, then resets the peak resident size to the current one (writes 5 to
     * {@code /proc/self/clear_refs}).
     *
     * @return whether the peak could be reset
     */
    public static boolean resetPeak() {
        System.gc();
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** @return the current resident size in KB ({@code VmRSS}) */
    public static long residentKb() {
        return status("VmRSS:");
    }

    /** @return the peak resident size in KB since the last reset ({@code VmHWM}) */
    public static long peakKb() {
        return status("VmHWM:");
    }

    private static long status(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no " + key + " in " + STATUS);
    }
}
