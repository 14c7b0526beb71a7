package dev.robust4j.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;

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
 * one, else the first column. The file is split into rows and cells by Jackson's CSV parser
 * ({@code jackson-dataformat-csv}): cells may be quoted ({@code "1.5"}, {@code "a, b"}, {@code ""}
 * for a quote) and a quoted cell may span lines (a column name with a line break); unquoted cells
 * are trimmed; blank lines are skipped; a UTF-8 byte-order mark is ignored. Faults name the line
 * a row starts on. A cell longer than 65,536 characters is refused, and a row is refused as soon as
 * it outgrows the first row or the sample limit, so a huge line cannot exhaust memory. Every fault (a non-numeric or empty cell, a ragged row, NaN or
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

    /** The longest cell read, in characters: far beyond any number or column name, far below a heap. */
    static final int MAX_CELL_CHARS = 1 << 16;

    /**
     * Jackson's CSV parser: unquoted cells trimmed, blank lines skipped, each row an array of
     * strings (robust4j parses the numbers itself, to name the faults its own way).
     */
    private static final CsvFactory FACTORY = CsvFactory.builder()
            .enable(CsvParser.Feature.TRIM_SPACES)
            .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_CELL_CHARS).build())
            .build();

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
        r.mark(1);
        if (r.read() != '\uFEFF') {
            r.reset(); // no byte-order mark
        }
        CsvSchema schema = CsvSchema.emptySchema()
                .withColumnSeparator(delimiter)
                .withQuoteChar('"')
                .withoutEscapeChar();
        List<String> names = null;
        int width = -1;
        int label = -1;
        FloatList features = new FloatList();
        IntList labels = new IntList();
        int firstDataLine = -1;
        try (CsvParser p = FACTORY.createParser(r)) {
            p.setSchema(schema);
            List<String> cells = new ArrayList<>();
            while (true) {
                int lineNo = 0;
                cells.clear();
                try {
                    JsonToken t = p.nextToken();
                    if (t == null) {
                        break;
                    }
                    lineNo = p.currentLocation().getLineNr();
                    if (t != JsonToken.START_ARRAY) {
                        throw new DataFormatException(name + ":" + lineNo + ": unexpected " + t + "; expected a row");
                    }
                    // A row may not grow past the limits: more cells than the first row is a ragged
                    // row, and the first row is held to the sample limit as it is read.
                    long most = width >= 0 ? width : Limits.sampleValues() + (labelled ? 1 : 0);
                    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (t == null) {
                            throw new DataFormatException(name + ":" + lineNo + ": the file ends inside a row");
                        }
                        if (cells.size() >= most) {
                            if (width >= 0) {
                                throw new DataFormatException(name + ":" + lineNo + ": ragged row: more than " + width
                                        + " cells, expected " + width
                                        + (names != null ? " as in the header" : " as in the first row"));
                            }
                            Limits.checkSample(name + ":" + lineNo, "the first row", cells.size() + 1L);
                        }
                        if (cells.isEmpty()) {
                            lineNo = p.currentTokenLocation().getLineNr(); // where the row starts
                        }
                        cells.add(p.getText());
                    }
                } catch (StreamConstraintsException e) {
                    throw new DataFormatException(name + ":" + (lineNo > 0 ? lineNo : p.currentLocation().getLineNr())
                            + ": column " + (cells.size() + 1) + ": a cell longer than " + MAX_CELL_CHARS
                            + " characters; expected a number or a column name", e);
                } catch (JsonProcessingException e) {
                    // the line the row starts on, as for every other fault of a row
                    throw new DataFormatException(name + ":" + (lineNo > 0 ? lineNo : p.currentLocation().getLineNr())
                            + ": column " + (cells.size() + 1) + ": " + firstLine(e.getOriginalMessage()), e);
                }
                if (cells.size() == 1 && cells.get(0).isBlank()) {
                    continue; // a blank line
                }
                if (width < 0) {
                    width = cells.size();
                    boolean isHeader = header == Header.PRESENT
                            || (header == Header.AUTO && cells.stream().anyMatch(c -> !c.isEmpty() && !looksNumeric(c)));
                    if (isHeader) {
                        names = List.copyOf(cells);
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
        }
        if (firstDataLine < 0) {
            throw new DataFormatException(name + ": no data rows");
        }
        int d = labelled ? width - 1 : width;
        return new Dataset(features.toArray(), new long[] {d}, labelled ? labels.toArray() : null, List.of(), name);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "malformed CSV";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
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
