package dev.robust4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robust4j.evaluate.Example;
import dev.robust4j.evaluate.PoolResult;
import dev.robust4j.evaluate.RobustnessReport;
import dev.robust4j.evaluate.Round;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWriterTest {

    @TempDir
    Path tmp;

    static RobustnessReport report;

    @BeforeAll
    static void build() {
        report = SampleReports.build();
    }

    static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesTheJsonAndThePageIntoANewDirectory() throws IOException {
        Path dir = tmp.resolve("a/b/report");
        Path index = ReportWriter.write(report, dir);
        assertThat(index).isEqualTo(dir.resolve("index.html"));
        assertThat(names(dir)).containsExactly("index.html", "report.json");
        assertThat(Files.readString(index, StandardCharsets.UTF_8)).isEqualTo(HtmlReport.render(report));
        assertThat(new ObjectMapper().readTree(dir.resolve("report.json").toFile()).toString())
                .isEqualTo(RobustnessReportJson.toJson(report).toString());
    }

    @Test
    void replacesAnEarlierReport() throws IOException {
        Files.writeString(tmp.resolve("index.html"), "old");
        Files.writeString(tmp.resolve("report.json"), "{}");
        ReportWriter.write(report, tmp);
        assertThat(Files.readString(tmp.resolve("index.html"))).startsWith("<!DOCTYPE html>");
        assertThat(Files.readString(tmp.resolve("report.json"))).contains("\"verdict\"");
    }

    @Test
    void aFileInTheWayIsRefused() throws IOException {
        Path file = Files.writeString(tmp.resolve("report"), "x");
        assertThatThrownBy(() -> ReportWriter.write(report, file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("report directory " + file + " exists and is not a directory");
        assertThat(Files.readString(file)).isEqualTo("x");
    }

    @Test
    void aBadReportWritesNothing() throws IOException {
        Round r0 = report.rounds().get(0);
        Example e = r0.pool().examples().get(0);
        Example bad = new Example(e.index(), e.shape(), e.clean(), new float[10], e.label(), e.cleanPrediction(),
                e.adversarialPrediction(), e.attack(), e.l2(), e.linf());
        PoolResult p = r0.pool();
        Round broken = new Round(0, r0.defence(), r0.kinds(), r0.model(), 0, new PoolResult(p.samples(), p.cleanAccuracy(),
                p.attacks(), p.successRate(), p.robustAccuracy(), p.broken(), List.of(bad), p.seconds()), r0.curves(),
                false, 1);
        RobustnessReport malformed = new RobustnessReport(report.threatModel(), 0.2, List.of(broken), 0, List.of(),
                report.provenance());
        Path dir = tmp.resolve("out");
        assertThatThrownBy(() -> ReportWriter.write(malformed, dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("example of sample " + e.index() + ": shape [1, 28, 28] needs 784 values");
        assertThat(dir).doesNotExist();
    }

    @Test
    void aFailingWriteLeavesNoPartialPage() throws IOException {
        // a non-empty directory where index.html should go: the final move fails
        Path blocker = Files.createDirectories(tmp.resolve("index.html"));
        Files.writeString(blocker.resolve("keep"), "k");
        assertThatThrownBy(() -> ReportWriter.write(report, tmp))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("index.html: cannot write");
        assertThat(blocker).isDirectory();
        assertThat(names(blocker)).containsExactly("keep");
        // no temporary file left behind; report.json, written first, is whole
        assertThat(names(tmp)).containsExactly("index.html", "report.json");
        assertThat(new ObjectMapper().readTree(tmp.resolve("report.json").toFile()).toString())
                .isEqualTo(RobustnessReportJson.toJson(report).toString());
    }
}
