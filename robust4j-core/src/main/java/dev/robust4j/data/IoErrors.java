package dev.robust4j.data;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.zip.ZipException;

/** Says in words why reading failed, without Java exception class names. */
public final class IoErrors {

    private IoErrors() {}

    /**
     * @param e the failure
     * @return e.g. {@code permission denied}, {@code no such file or directory}
     */
    public static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        if (e instanceof EOFException) {
            return "unexpected end of file";
        }
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e instanceof ZipException ? "corrupt zip data" : "input/output error";
        }
        return m;
    }
}
