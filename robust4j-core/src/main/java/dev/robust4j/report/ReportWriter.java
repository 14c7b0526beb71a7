package dev.robust4j.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.robust4j.data.AtomicFiles;
import dev.robust4j.evaluate.RobustnessReport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a robustness report into a directory: {@code report.json} ({@link RobustnessReportJson})
 * and {@code index.html} ({@link HtmlReport}). Both are rendered in memory first, so bad input
 * writes nothing; each file is then written atomically (a temporary file moved into place), so no
 * reader ever sees a half-written one.
 */
public final class ReportWriter {

    /** The HTML page's file name. */
    public static final String INDEX = "index.html";
    /** The JSON file's name. */
    public static final String JSON = "report.json";

    private ReportWriter() {}

    /**
     * Writes the report.
     *
     * @param report the report
     * @param dir the directory, created with its parents if needed
     * @return the path of {@code index.html}
     * @throws IllegalArgumentException if {@code dir} exists and is not a directory, or the report
     *     is malformed (see {@link HtmlReport#render})
     * @throws UncheckedIOException naming the file if the directory cannot be made or a file cannot
     *     be written; a file that was not written is left as it was
     */
    public static Path write(RobustnessReport report, Path dir) {
        if (dir == null) {
            throw new IllegalArgumentException("report directory must not be null");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("report directory " + dir + " exists and is not a directory");
        }
        byte[] json;
        try {
            json = AttackRunJson.MAPPER.writeValueAsBytes(RobustnessReportJson.toJson(report));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the report as JSON: " + e.getOriginalMessage(), e);
        }
        byte[] html = HtmlReport.render(report).getBytes(StandardCharsets.UTF_8);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("report directory " + dir + ": cannot create it: " + e, e);
        }
        AtomicFiles.write(dir.resolve(JSON), out -> out.write(json));
        Path index = dir.resolve(INDEX);
        AtomicFiles.write(index, out -> out.write(html));
        return index;
    }
}
