package dev.robust4j.cli;

import dev.robust4j.evaluate.RobustnessReport;
import dev.robust4j.report.ReportWriter;
import dev.robust4j.report.RobustnessReportJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a robustness report where the options say. */
final class Reports {

    private Reports() {}

    /**
     * Refuses an output directory that is a file, before any work.
     *
     * @param option the option's name, for the message
     * @param dir the directory, or {@code null}
     */
    static void checkDirectory(String option, Path dir) {
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(option + " " + dir + " exists and is not a directory");
        }
    }

    /**
     * Writes the HTML report and its JSON into a directory, and the JSON alone to a file.
     *
     * @param report the report
     * @param dir the report directory, or {@code null}
     * @param json the JSON file, or {@code null}
     * @return the index page, or {@code null} without a directory
     * @throws IOException if writing fails
     */
    static Path write(RobustnessReport report, Path dir, Path json) throws IOException {
        if (json != null) {
            dev.robust4j.report.AttackRunJson.write(RobustnessReportJson.toJson(report), json);
        }
        return dir == null ? null : ReportWriter.write(report, dir);
    }
}
