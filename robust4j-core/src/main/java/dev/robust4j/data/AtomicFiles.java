package dev.robust4j.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes files whole or not at all: into a temporary file beside the target, then moved into place.
 * {@link #stage} splits the two steps, so a program with several outputs can write them all before
 * it replaces any ({@link Staged#commit()}), and replace none when one fails.
 */
public final class AtomicFiles {

    /** Writes the body of a file. */
    @FunctionalInterface
    public interface Body {
        /**
         * @param out where the content goes
         * @throws IOException if writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /** A file written to a temporary file beside its target, not yet moved into place. */
    public static final class Staged implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private boolean done;

        private Staged(Path target, Path tmp) {
            this.target = target;
            this.tmp = tmp;
        }

        /** @return the file this replaces on {@link #commit()} */
        public Path target() {
            return target;
        }

        /**
         * Moves the temporary file over the target.
         *
         * @throws UncheckedIOException naming the target if the move fails
         */
        public void commit() {
            if (done) {
                return;
            }
            Path abs = target.toAbsolutePath();
            try {
                try {
                    Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
                done = true;
            } catch (IOException e) {
                throw new UncheckedIOException(target + ": cannot write: " + reason(e, abs.getParent()), e);
            }
        }

        /** Deletes the temporary file unless it was committed. */
        @Override
        public void close() {
            if (!done) {
                done = true;
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }

    private AtomicFiles() {}

    /**
     * Writes {@code target} through {@code body}: the bytes go to a hidden temporary file in the
     * same directory, are forced to disk, and the file is then renamed over the target. On any
     * failure the temporary file is deleted and the target is left as it was.
     *
     * @param target the file to create or replace; its directory must exist
     * @param body writes the complete content of the file
     * @throws UncheckedIOException naming the target if writing fails
     */
    public static void write(Path target, Body body) {
        try (Staged s = stage(target, body)) {
            s.commit();
        }
    }

    /**
     * Writes {@code body} to a hidden temporary file beside {@code target}, forced to disk, and
     * leaves the target as it is until {@link Staged#commit()}. Closing the result without a commit
     * deletes the temporary file.
     *
     * @param target the file to replace on commit
     * @param body writes the content
     * @return the staged file
     * @throws UncheckedIOException naming the target (never the temporary file) if writing fails
     */
    public static Staged stage(Path target, Body body) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        // Not Files.createTempFile: it makes the file owner-only (0600); this honours the umask.
        Path tmp = dir.resolve("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong())
                + ".tmp");
        Staged staged = new Staged(target, tmp);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                body.writeTo(out);
                out.flush();
                ch.force(true);
            }
            return staged;
        } catch (IOException e) {
            staged.close();
            throw new UncheckedIOException(target + ": cannot write: " + reason(e, dir), e);
        } catch (RuntimeException | Error e) {
            staged.close();
            throw e;
        }
    }

    /** Writes the files of a directory into the (empty) directory it is given. */
    @FunctionalInterface
    public interface DirectoryBody {
        /**
         * @param dir the staging directory, beside the target
         * @throws IOException if writing fails
         */
        void fill(Path dir) throws IOException;
    }

    /**
     * Writes a directory whole or not at all: {@code body} fills a temporary directory beside the
     * target, which then replaces the target by renames (the old directory is moved aside, put back
     * if the swap fails, and deleted after it). The target may be missing, an empty directory, or a
     * directory holding {@code marker} (one this kind of save wrote); anything else is refused.
     *
     * @param dir the directory to create or replace
     * @param what what is saved, for messages, e.g. {@code "a model"}
     * @param marker the file that marks a directory this save may replace
     * @param body writes the directory's files
     * @throws IOException if writing fails; then {@code dir} is left as it was
     * @throws IllegalArgumentException if {@code dir} is the root, a file, or a non-empty directory
     *     without {@code marker}
     */
    public static void replaceDirectory(Path dir, String what, String marker, DirectoryBody body) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        if (target.getParent() == null) {
            throw new IllegalArgumentException("cannot save " + what + " as the root directory " + target);
        }
        if (Files.exists(target)) {
            if (!Files.isDirectory(target)) {
                throw new IllegalArgumentException("cannot save " + what + " to " + target + ": it is a file");
            }
            boolean empty;
            try (java.util.stream.Stream<Path> entries = Files.list(target)) {
                empty = entries.findAny().isEmpty();
            }
            if (!empty && !Files.isRegularFile(target.resolve(marker))) {
                throw new IllegalArgumentException("cannot save " + what + " to " + target
                        + ": it is a non-empty directory without " + marker + "; refusing to replace it");
            }
        }
        Path parent = target.getParent();
        Files.createDirectories(parent);
        String name = target.getFileName().toString();
        Path temp = Files.createTempDirectory(parent, "." + name + ".tmp-");
        try {
            body.fill(temp);
            if (Files.exists(target)) {
                Path old = Files.createTempDirectory(parent, "." + name + ".old-");
                Files.delete(old);
                moveDirectory(target, old);
                try {
                    moveDirectory(temp, target);
                } catch (IOException e) {
                    moveDirectory(old, target);
                    throw e;
                }
                deleteRecursively(old);
            } else {
                moveDirectory(temp, target);
            }
        } finally {
            if (Files.exists(temp)) {
                deleteRecursively(temp);
            }
        }
    }

    private static void moveDirectory(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Says why an I/O operation in a directory failed, in words, naming the directory rather than
     * any temporary file and no Java exception class.
     *
     * @param e the failure
     * @param dir the directory the operation wrote in
     * @return e.g. {@code directory /tmp/x does not exist}
     */
    public static String reason(IOException e, Path dir) {
        if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
            return Files.isDirectory(dir) ? "no such file" : Files.exists(dir) ? dir + " is not a directory"
                    : "directory " + dir + " does not exist";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied in directory " + dir;
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + " (directory " + dir + ")";
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? "input/output error in directory " + dir : m;
    }
}
