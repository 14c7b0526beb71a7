/**
 * Reports: the JSON record of an attack run ({@link dev.robust4j.report.AttackRunJson}), and the
 * robustness test's report as JSON ({@link dev.robust4j.report.RobustnessReportJson}) and as one
 * self-contained HTML page with charts and image grids ({@link dev.robust4j.report.HtmlReport}),
 * written together by {@link dev.robust4j.report.ReportWriter}.
 */
package dev.robust4j.report;
