package dev.robust4j.cli;

import dev.robust4j.data.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command's output files: checked before any work, written only after the work succeeded, and
 * all or none replaced.
 *
 * <p>{@link #file} and {@link #directory} refuse, before anything runs, an empty path, a directory
 * where a file is expected (or a file where a directory is), a missing or unwritable parent, a
 * path that is not a regular file, and one path named by two outputs or by an output and an input.
 * After the work, {@link #stage} writes each output to a temporary file beside its target;
 * {@link #commit()} then moves them all into place. Closing without a commit deletes what was
 * staged, so a run that fails never replaces an earlier output.
 */
final class Outputs implements AutoCloseable {

    private final Map<Path, String> claimed = new LinkedHashMap<>();
    private final List<AtomicFiles.Staged> staged = new ArrayList<>();

    /**
     * Names an input file, so that no output may replace it.
     *
     * @param option the option, e.g. {@code --data}
     * @param path the input, or {@code null}
     */
    void input(String option, Path path) {
        if (path != null && !path.toString().isBlank() && Files.isRegularFile(path)) {
            claimed.putIfAbsent(key(path), option);
        }
    }

    /**
     * Checks a file output before any work.
     *
     * @param option the option, e.g. {@code --json}
     * @param path the file, or {@code null} when the option is not given
     * @return the path
     * @throws IllegalArgumentException naming the option, the path and what is wrong
     */
    Path file(String option, Path path) {
        if (path == null) {
            return null;
        }
        String p = path.toString();
        if (p.isBlank()) {
            throw new IllegalArgumentException(option + " must name a file, got ''");
        }
        if (Files.isDirectory(path)) {
            throw new IllegalArgumentException(option + " " + p + " is a directory; expected a file");
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path)) {
            throw new IllegalArgumentException(option + " " + p + " exists and is not a regular file; expected a"
                    + " file to write");
        }
        Path parent = path.toAbsolutePath().normalize().getParent();
        writableDirectory(option, p, parent);
        claim(option, path);
        return path;
    }

    /**
     * Checks an output directory before any work: it exists and is a writable directory, or its
     * nearest existing ancestor is one (the directory is then created).
     *
     * @param option the option, e.g. {@code --report}
     * @param dir the directory, or {@code null}
     * @param files the files the command writes into it, claimed like {@link #file} outputs
     * @return the directory
     * @throws IllegalArgumentException naming the option, the path and what is wrong
     */
    Path directory(String option, Path dir, String... files) {
        if (dir == null) {
            return null;
        }
        String p = dir.toString();
        if (p.isBlank()) {
            throw new IllegalArgumentException(option + " must name a directory, got ''");
        }
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.exists(abs)) {
            if (!Files.isDirectory(abs)) {
                throw new IllegalArgumentException(option + " " + p + " exists and is not a directory");
            }
            writableDirectory(option, p, abs);
        } else {
            Path existing = abs.getParent();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null || !Files.isDirectory(existing)) {
                throw new IllegalArgumentException(option + " " + p + ": cannot create it, "
                        + (existing == null ? "no existing parent" : existing + " is not a directory"));
            }
            writableDirectory(option, p, existing);
        }
        for (String f : files) {
            Path file = dir.resolve(f);
            if (Files.isDirectory(file)) {
                throw new IllegalArgumentException(option + " " + p + ": " + file + " is a directory; expected a file");
            }
            claim(option, file);
        }
        return dir;
    }

    /**
     * Writes an output to a temporary file beside it; the output itself is replaced on {@link #commit()}.
     *
     * @param target the output file
     * @param body its content
     */
    void stage(Path target, AtomicFiles.Body body) {
        staged.add(AtomicFiles.stage(target, body));
    }

    /** Moves every staged output into place. */
    void commit() {
        for (AtomicFiles.Staged s : staged) {
            s.commit();
        }
        staged.clear();
    }

    /** Deletes the temporary files of outputs not committed. */
    @Override
    public void close() {
        for (AtomicFiles.Staged s : staged) {
            s.close();
        }
        staged.clear();
    }

    private void claim(String option, Path path) {
        Path k = key(path);
        String other = claimed.putIfAbsent(k, option);
        if (other != null) {
            throw new IllegalArgumentException(option + " " + path + " is the same file as " + other
                    + "; give each output its own file");
        }
    }

    /** The path with its directory resolved through links, so two spellings of one file compare equal. */
    private static Path key(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        try {
            if (Files.isRegularFile(abs)) {
                return abs.toRealPath();
            }
            return parent == null ? abs : parent.toRealPath().resolve(abs.getFileName());
        } catch (IOException e) {
            return abs;
        }
    }

    /** Refuses a directory that is missing, not a directory, or where a file cannot be created. */
    private static void writableDirectory(String option, String path, Path dir) {
        if (dir == null || !Files.exists(dir)) {
            throw new IllegalArgumentException(option + " " + path + ": directory " + dir + " does not exist");
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + path + ": " + dir + " is not a directory");
        }
        // Try it: permissions alone do not tell (root, read-only mounts, ACLs).
        Path probe = null;
        try {
            probe = Files.createTempFile(dir, ".robust4j-probe", ".tmp");
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + path + ": cannot write in directory " + dir + " ("
                    + AtomicFiles.reason(e, dir) + ")");
        } finally {
            if (probe != null) {
                try {
                    Files.deleteIfExists(probe);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }
}
