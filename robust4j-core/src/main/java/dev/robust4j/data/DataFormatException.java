package dev.robust4j.data;

/**
 * Thrown when a data file is malformed or holds something a reader does not support: a bad magic
 * number, a truncated file, an unsupported dtype, a ragged CSV row, a label out of range. The
 * message always names the file and the fault.
 *
 * <p>It is an {@link IllegalArgumentException} (bad input), unchecked, and not to be confused with
 * the checked {@code java.util.zip.DataFormatException}.
 */
public class DataFormatException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is wrong, naming the file
     */
    public DataFormatException(String message) {
        super(message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param message what is wrong, naming the file
     * @param cause the underlying error
     */
    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
