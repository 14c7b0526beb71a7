package dev.robust4j.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Reads a labelled (or unlabelled) dataset from a CSV file: one sample per line, one label column
 * of integer class indices, every other column a float feature; the sample shape is {@code (D)}.
 *
 * <p>The first line is a header when any of its cells is not a number (or as set by
 * {@link Builder#optHeader(Header)}). The label column is the one named by
 * {@link Builder#optLabelColumn(String)}, or at the index given by
 * {@link Builder#optLabelIndex(int)}; by default, the column named {@code label} if the header has
 * one, else the first column. Cells may be quoted ({@code "1.5"}); blank lines are skipped; a UTF-8
 * byte-order mark is ignored. Every fault (a non-numeric or empty cell, a ragged row, NaN or
 * infinity, a label that is not a non-negative integer) is a {@link DataFormatException} naming the
 * file, the line and the column.
 *
 * <p>Instances are immutable and thread-safe: {@code CsvReader.builder().optLabelColumn("y").build()}.
 */
public final class CsvReader {

    /** Whether the first line is a header. */
    public enum Header {
        /** A header when any cell of the first line is not a number. */
        AUTO,
        /** The first line is a header. */
        PRESENT,
        /** There is no header: the first line is data. */
        ABSENT
    }

    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final Pattern NON_FINITE =
            Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private final Header header;
    private final String labelName;
    private final int labelIndex;
    private final boolean labelled;
    private final char delimiter;

    private CsvReader(Builder b) {
        this.header = b.header;
        this.labelName = b.labelName;
        this.labelIndex = b.labelIndex;
        this.labelled = b.labelled;
        this.delimiter = b.delimiter;
    }

    /**
     * Returns a reader with the defaults: header detected, label column {@code label} or the first.
     *
     * @return the default reader
     */
    public static CsvReader defaults() {
        return builder().build();
    }

    /**
     * Starts building a reader.
     *
     * @return a builder with the defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads a CSV file.
     *
     * @param file the file
     * @return the dataset, sample shape {@code (D)}, no class names
     * @throws DataFormatException naming the file, line and column of any fault
     * @throws UncheckedIOException if the file cannot be read
     */
    public Dataset read(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(r, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read: " + IoErrors.describe(e), e);
        }
    }

    private Dataset read(BufferedReader r, String name) throws IOException {
        List<String> names = null;
        int width = -1;
        int label = -1;
        FloatList features = new FloatList();
        IntList labels = new IntList();
        String line;
        int lineNo = 0;
        int firstDataLine = -1;
        while ((line = r.readLine()) != null) {
            lineNo++;
            if (lineNo == 1 && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = split(line, name, lineNo);
            if (width < 0) {
                width = cells.size();
                boolean isHeader = header == Header.PRESENT
                        || (header == Header.AUTO && cells.stream().anyMatch(c -> !c.isEmpty() && !looksNumeric(c)));
                if (isHeader) {
                    names = cells;
                }
                label = labelColumn(names, width, name);
                if (labelled ? width < 2 : width < 1) {
                    throw new DataFormatException(name + ":" + lineNo + ": " + width + " column" + (width == 1 ? "" : "s")
                            + "; expected " + (labelled ? "a label column and at least one feature column"
                                    : "at least one feature column"));
                }
                if (isHeader) {
                    continue;
                }
            }
            if (cells.size() != width) {
                throw new DataFormatException(name + ":" + lineNo + ": ragged row: " + cells.size() + " cells, expected "
                        + width + (names != null ? " as in the header" : " as in the first row"));
            }
            if (firstDataLine < 0) {
                firstDataLine = lineNo;
                Limits.checkSample(name, "a row of " + width + " columns", width);
            }
            if ((long) features.size() + width > Limits.arrayValues()) {
                Limits.checkArray(name + ":" + lineNo, "the data up to this row", (long) features.size() + width);
            }
            for (int c = 0; c < width; c++) {
                String cell = cells.get(c);
                if (c == label) {
                    labels.add(parseLabel(cell, name, lineNo, column(c, names)));
                } else {
                    features.add(parseFeature(cell, name, lineNo, column(c, names)));
                }
            }
        }
        if (firstDataLine < 0) {
            throw new DataFormatException(name + ": no data rows");
        }
        int d = labelled ? width - 1 : width;
        return new Dataset(features.toArray(), new long[] {d}, labelled ? labels.toArray() : null, List.of(), name);
    }

    private int labelColumn(List<String> names, int width, String file) {
        if (!labelled) {
            return -1;
        }
        if (labelIndex >= 0) {
            if (labelIndex >= width) {
                throw new DataFormatException(file + ": label column index " + labelIndex + " is out of range; the file has "
                        + width + " columns");
            }
            return labelIndex;
        }
        if (labelName != null) {
            int i = names == null ? -1 : names.indexOf(labelName);
            if (i < 0) {
                throw new DataFormatException(file + ": no label column named '" + labelName + "'; "
                        + (names == null ? "the file has no header" : "the header is " + names));
            }
            return i;
        }
        int i = names == null ? -1 : names.indexOf("label");
        return Math.max(i, 0);
    }

    private static String column(int c, List<String> names) {
        return "column " + (c + 1) + (names != null ? " ('" + names.get(c) + "')" : "");
    }

    private static boolean looksNumeric(String cell) {
        return NUMBER.matcher(cell).matches() || NON_FINITE.matcher(cell).matches();
    }

    private static float parseFeature(String cell, String file, int line, String column) {
        if (cell.isEmpty()) {
            throw new DataFormatException(file + ":" + line + ": " + column + ": empty cell; expected a number");
        }
        if (NON_FINITE.matcher(cell).matches()) {
            throw new DataFormatException(file + ":" + line + ": " + column + ": '" + cell
                    + "' is not a finite number; NaN and infinity are not allowed");
        }
        if (!NUMBER.matcher(cell).matches()) {
            throw new DataFormatException(file + ":" + line + ": " + column + ": '" + cell + "' is not a number");
        }
        float v = Float.parseFloat(cell);
        if (!Float.isFinite(v)) {
            throw new DataFormatException(file + ":" + line + ": " + column + ": '" + cell
                    + "' is beyond the float32 range");
        }
        return v;
    }

    private static int parseLabel(String cell, String file, int line, String column) {
        double v = NUMBER.matcher(cell).matches() ? Double.parseDouble(cell) : Double.NaN;
        if (!(v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v))) {
            throw new DataFormatException(file + ":" + line + ": " + column + ": label '" + cell
                    + "' is not a class index (a non-negative integer)");
        }
        return (int) v;
    }

    /** Splits a line into trimmed cells, honouring double quotes ({@code ""} inside quotes is a quote). */
    private List<String> split(String line, String file, int lineNo) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < line.length(); i++) {
            char ch = line.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"' && cell.toString().isBlank() && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
                cell.setLength(0);
            } else if (ch == delimiter) {
                cells.add(wasQuoted ? cell.toString() : cell.toString().strip());
                cell.setLength(0);
                wasQuoted = false;
            } else if (wasQuoted && !Character.isWhitespace(ch)) {
                throw new DataFormatException(file + ":" + lineNo + ": column " + (cells.size() + 1)
                        + ": text after a closing quote");
            } else if (!wasQuoted) {
                cell.append(ch);
            }
        }
        if (quoted) {
            throw new DataFormatException(file + ":" + lineNo + ": column " + (cells.size() + 1)
                    + ": unterminated quote (quoted line breaks are not supported)");
        }
        cells.add(wasQuoted ? cell.toString() : cell.toString().strip());
        return cells;
    }

    /** Builds a {@link CsvReader}. */
    public static final class Builder {
        private Header header = Header.AUTO;
        private String labelName;
        private int labelIndex = -1;
        private boolean labelled = true;
        private char delimiter = ',';

        private Builder() {}

        /**
         * Sets whether the first line is a header.
         *
         * @param header {@link Header#AUTO} (the default), {@link Header#PRESENT} or {@link Header#ABSENT}
         * @return this builder
         */
        public Builder optHeader(Header header) {
            if (header == null) {
                throw new IllegalArgumentException("header must not be null");
            }
            this.header = header;
            return this;
        }

        /**
         * Takes the labels from the column with this header name (the file must have a header).
         *
         * @param name the column name
         * @return this builder
         */
        public Builder optLabelColumn(String name) {
            if (name == null || name.isEmpty()) {
                throw new IllegalArgumentException("label column name must not be empty, got " + name);
            }
            this.labelName = name;
            this.labelIndex = -1;
            this.labelled = true;
            return this;
        }

        /**
         * Takes the labels from the column at this index.
         *
         * @param index the zero-based column index
         * @return this builder
         */
        public Builder optLabelIndex(int index) {
            if (index < 0) {
                throw new IllegalArgumentException("label column index must be non-negative, got " + index);
            }
            this.labelIndex = index;
            this.labelName = null;
            this.labelled = true;
            return this;
        }

        /**
         * Reads every column as a feature and makes an unlabelled dataset.
         *
         * @return this builder
         */
        public Builder optUnlabelled() {
            this.labelled = false;
            this.labelName = null;
            this.labelIndex = -1;
            return this;
        }

        /**
         * Sets the cell delimiter.
         *
         * @param delimiter the delimiter, {@code ','} by default (e.g. {@code ';'} or a tab)
         * @return this builder
         */
        public Builder optDelimiter(char delimiter) {
            if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
                throw new IllegalArgumentException("delimiter must not be a quote or line break, got '" + delimiter + "'");
            }
            this.delimiter = delimiter;
            return this;
        }

        /**
         * Builds the reader.
         *
         * @return the reader
         */
        public CsvReader build() {
            return new CsvReader(this);
        }
    }

    @Override
    public String toString() {
        return "CsvReader[header=" + header.name().toLowerCase(Locale.ROOT) + ", label="
                + (!labelled ? "none" : labelName != null ? "'" + labelName + "'" : labelIndex >= 0 ? labelIndex : "default")
                + "]";
    }

    /** A growable float array. */
    static final class FloatList {
        private float[] a = new float[1024];
        private int n;

        void add(float v) {
            if (n == a.length) {
                if (a.length >= Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException("too many values for one Java array");
                }
                a = Arrays.copyOf(a, (int) Math.min(Integer.MAX_VALUE - 8L, a.length * 2L));
            }
            a[n++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(a, n);
        }

        int size() {
            return n;
        }
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a = new int[256];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
