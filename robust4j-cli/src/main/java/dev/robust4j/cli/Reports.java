package dev.robust4j.cli;

import dev.robust4j.evaluate.RobustnessReport;
import dev.robust4j.data.AtomicFiles;
import dev.robust4j.report.AttackRunJson;
import dev.robust4j.report.HtmlReport;
import dev.robust4j.report.ReportWriter;
import dev.robust4j.report.RobustnessReportJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a robustness report where the options say. */
final class Reports {

    private Reports() {}

    /**
     * Stages the HTML report and its JSON in a directory, and the JSON alone in a file; they replace
     * earlier files on {@link Outputs#commit()}.
     *
     * @param outputs the command's outputs (the paths were checked with it before the run)
     * @param report the report
     * @param dir the report directory, or {@code null}
     * @param json the JSON file, or {@code null}
     * @return the index page, or {@code null} without a directory
     * @throws IOException if the report cannot be rendered
     */
    static Path stage(Outputs outputs, RobustnessReport report, Path dir, Path json) throws IOException {
        byte[] bytes = AttackRunJson.toBytes(RobustnessReportJson.toJson(report));
        if (json != null) {
            outputs.stage(json, o -> o.write(bytes));
        }
        if (dir == null) {
            return null;
        }
        byte[] html = HtmlReport.render(report).getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("report directory " + dir + ": cannot create it ("
                    + AtomicFiles.reason(e, dir.toAbsolutePath().getParent()) + ")", e);
        }
        outputs.stage(dir.resolve(ReportWriter.JSON), o -> o.write(bytes));
        Path index = dir.resolve(ReportWriter.INDEX);
        outputs.stage(index, o -> o.write(html));
        return index;
    }
}
