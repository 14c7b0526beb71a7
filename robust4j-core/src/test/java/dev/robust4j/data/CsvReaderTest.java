package dev.robust4j.data;

import static dev.robust4j.data.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

    @TempDir
    Path dir;

    @Test
    void headerWithALabelColumnAnywhere() {
        Path f = write(dir.resolve("h.csv"), "a,label,b\n0.5,2,1e-3\n-1,0,4\n");
        Dataset d = CsvReader.defaults().read(f);
        assertThat(d.size()).isEqualTo(2);
        assertThat(d.sampleShape()).containsExactly(2);
        assertThat(d.features()).containsExactly(0.5f, 1e-3f, -1f, 4f);
        assertThat(d.labels()).containsExactly(2, 0);
        assertThat(d.source()).isEqualTo(f.toString());
    }

    @Test
    void withoutHeaderTheFirstColumnIsTheLabel() {
        Path f = write(dir.resolve("n.csv"), "3,0.25,0.75\n1,1,0\n");
        Dataset d = CsvReader.defaults().read(f);
        assertThat(d.labels()).containsExactly(3, 1);
        assertThat(d.features()).containsExactly(0.25f, 0.75f, 1f, 0f);
    }

    @Test
    void headerWithoutALabelColumnUsesTheFirst() {
        Path f = write(dir.resolve("h.csv"), "cls,x1,x2\n1,2,3\n");
        Dataset d = CsvReader.defaults().read(f);
        assertThat(d.labels()).containsExactly(1);
        assertThat(d.features()).containsExactly(2f, 3f);
    }

    @Test
    void labelColumnByNameOrIndex() {
        Path f = write(dir.resolve("y.csv"), "x1,x2,y\n5,6,1\n7,8,0\n");
        Dataset byName = CsvReader.builder().optLabelColumn("y").build().read(f);
        assertThat(byName.labels()).containsExactly(1, 0);
        assertThat(byName.features()).containsExactly(5f, 6f, 7f, 8f);
        Dataset byIndex = CsvReader.builder().optLabelIndex(1).build().read(f);
        assertThat(byIndex.labels()).containsExactly(6, 8);
        assertThat(byIndex.features()).containsExactly(5f, 1f, 7f, 0f);
        assertThatThrownBy(() -> CsvReader.builder().optLabelColumn("target").build().read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("'target'")
                .hasMessageContaining("[x1, x2, y]");
    }

    @Test
    void unlabelledReadsEveryColumn() {
        Path f = write(dir.resolve("u.csv"), "1,2\n3,4\n");
        Dataset d = CsvReader.builder().optUnlabelled().build().read(f);
        assertThat(d.hasLabels()).isFalse();
        assertThat(d.sampleShape()).containsExactly(2);
        assertThat(d.features()).containsExactly(1f, 2f, 3f, 4f);
    }

    @Test
    void skipsBlankLinesAndByteOrderMarkAndReadsQuotedCells() {
        Path f = write(dir.resolve("q.csv"), "\uFEFF\"label\", \"x\" ,y\r\n\r\n\"1\",\"2.5\", 3 \r\n\n");
        Dataset d = CsvReader.defaults().read(f);
        assertThat(d.labels()).containsExactly(1);
        assertThat(d.features()).containsExactly(2.5f, 3f);
    }

    @Test
    void raggedRowNamesFileAndLine() {
        Path f = write(dir.resolve("ragged.csv"), "label,a,b\n0,1,2\n\n1,3\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f + ":4:")
                .hasMessageContaining("ragged row: 2 cells, expected 3");
    }

    @Test
    void nonNumericCellNamesFileLineAndColumn() {
        Path f = write(dir.resolve("text.csv"), "label,a,b\n0,1,2\n1,3,abc\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f + ":3:")
                .hasMessageContaining("column 3 ('b')")
                .hasMessageContaining("'abc' is not a number");
    }

    @Test
    void emptyCellIsAnError() {
        Path f = write(dir.resolve("empty.csv"), "1,2,\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(f))
                .hasMessageContaining(f + ":1:")
                .hasMessageContaining("column 3")
                .hasMessageContaining("empty cell");
    }

    @Test
    void nanAndInfinityAreRefused() {
        Path nan = write(dir.resolve("nan.csv"), "0,1\n1,NaN\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(nan))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(nan + ":2:")
                .hasMessageContaining("column 2")
                .hasMessageContaining("'NaN' is not a finite number");
        Path inf = write(dir.resolve("inf.csv"), "0,-inf\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(inf))
                .hasMessageContaining(inf + ":1:")
                .hasMessageContaining("'-inf'");
        Path big = write(dir.resolve("big.csv"), "0,1e39\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(big))
                .hasMessageContaining(big + ":1:")
                .hasMessageContaining("float32 range");
    }

    @Test
    void labelsMustBeNonNegativeIntegers() {
        Path f = write(dir.resolve("lab.csv"), "label,x\n1.5,0\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(f + ":2:")
                .hasMessageContaining("column 1 ('label')")
                .hasMessageContaining("'1.5'");
        Path neg = write(dir.resolve("neg.csv"), "-1,0\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(neg)).hasMessageContaining(neg + ":1:").hasMessageContaining("'-1'");
        Path whole = write(dir.resolve("whole.csv"), "2.0,0\n");
        assertThat(CsvReader.defaults().read(whole).labels()).containsExactly(2);
    }

    @Test
    void headerOnlyOrSingleColumnIsAnError() {
        Path h = write(dir.resolve("h.csv"), "label,a\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(h))
                .hasMessageContaining(h.toString())
                .hasMessageContaining("no data rows");
        Path one = write(dir.resolve("one.csv"), "1\n2\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(one))
                .hasMessageContaining(one + ":1:")
                .hasMessageContaining("feature column");
    }

    @Test
    void builderRejectsBadOptions() {
        assertThatThrownBy(() -> CsvReader.builder().optLabelIndex(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
        assertThatThrownBy(() -> CsvReader.builder().optLabelColumn(""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void headerCanBeForced() {
        Path f = write(dir.resolve("n.csv"), "0,1\n1,2\n");
        Dataset d = CsvReader.builder().optHeader(CsvReader.Header.PRESENT).build().read(f);
        assertThat(d.size()).isEqualTo(1);
        assertThat(d.labels()).containsExactly(1);
        Path t = write(dir.resolve("t.csv"), "0;1\n");
        assertThat(CsvReader.builder().optDelimiter(';').build().read(t).features()).containsExactly(1f);
    }

    @Test
    void quotedCellsMaySpanLinesAndHoldCommas() {
        // A header whose names hold a comma and a line break, then a quoted number with doubled
        // quotes around nothing: the rows after the two-line header keep their physical line numbers.
        Path f = write(dir.resolve("quoted.csv"),
                "label,\"pixel, top\",\"pixel\nbottom\",\"say \"\"hi\"\"\"\n"
                        + "1,\"0.5\",0.25,1\n"
                        + "0,0.75,\"1,5\",2\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(f + ":4: column 3 ('pixel\nbottom'): '1,5' is not a number");
        Path ok = write(dir.resolve("ok.csv"),
                "label,\"pixel, top\",\"pixel\r\nbottom\",\"say \"\"hi\"\"\"\r\n1,\"0.5\",0.25,1\r\n0,0.75, \"2\" ,3\r\n");
        Dataset d = CsvReader.builder().optLabelColumn("label").build().read(ok);
        assertThat(d.labels()).containsExactly(1, 0);
        assertThat(d.features()).containsExactly(0.5f, 0.25f, 1f, 0.75f, 2f, 3f);
        Path ragged = write(dir.resolve("ragged.csv"), "\"a\nb\",c\n1,2\n3,4,5\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(ragged))
                .hasMessage(ragged + ":4: ragged row: more than 2 cells, expected 2 as in the header");
    }

    @Test
    void anUnterminatedQuoteNamesTheLine() {
        Path f = write(dir.resolve("open.csv"), "label,a\n1,2\n0,\"3\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(f))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(f + ":3: column 2: Missing closing quote for value");
        Path after = write(dir.resolve("after.csv"), "label,a\n1,\"2\"x\n");
        assertThatThrownBy(() -> CsvReader.defaults().read(after))
                .hasMessageStartingWith(after + ":2: column 2: Unexpected character ('x'");
    }

    @Test
    void aHugeCellOrRowIsRefusedWithoutReadingItWhole() throws Exception {
        // 32 MB of digits in one cell: refused at the cell limit, not parsed into a string.
        Path cell = dir.resolve("cell.csv");
        try (var out = java.nio.file.Files.newBufferedWriter(cell)) {
            out.write("1,");
            char[] digits = new char[1 << 20];
            java.util.Arrays.fill(digits, '7');
            for (int i = 0; i < 32; i++) {
                out.write(digits);
            }
            out.write("\n");
        }
        assertThatThrownBy(() -> CsvReader.defaults().read(cell))
                .isInstanceOf(DataFormatException.class)
                .hasMessage(cell + ":1: column 2: a cell longer than 65536 characters; expected a number or a column name");
        // A first row wider than the sample limit stops at the limit.
        String saved = System.getProperty(Limits.SAMPLE_VALUES);
        System.setProperty(Limits.SAMPLE_VALUES, "1000");
        try {
            Path row = write(dir.resolve("row.csv"), "0" + ",1".repeat(50_000) + "\n");
            assertThatThrownBy(() -> CsvReader.defaults().read(row))
                    .isInstanceOf(DataFormatException.class)
                    .hasMessage(row + ":1: the first row has 1002 values per sample, more than the limit of 1000"
                            + Limits.hint(Limits.SAMPLE_VALUES));
        } finally {
            if (saved == null) {
                System.clearProperty(Limits.SAMPLE_VALUES);
            } else {
                System.setProperty(Limits.SAMPLE_VALUES, saved);
            }
        }
    }
}
