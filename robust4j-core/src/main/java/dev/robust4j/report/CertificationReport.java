package dev.robust4j.report;

import dev.robust4j.defence.smoothing.Certification;
import dev.robust4j.defence.smoothing.SmoothedClassifier.Certificate;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A self-contained HTML page for a randomized-smoothing certification: the settings, certified
 * accuracy at the reported radii, the certified-accuracy-vs-radius chart, and a table of the samples
 * (the first {@value #MAX_ROWS}). Every string from the caller is escaped.
 */
public final class CertificationReport {

    /** The most samples listed in the page's table. */
    public static final int MAX_ROWS = 200;

    static {
        HtmlReport.ensureHeadless();
    }

    private CertificationReport() {}

    /**
     * Renders the page.
     *
     * @param c the certification
     * @param radii the radii to report
     * @param model a description of the base model
     * @param data a description of the data
     * @param classNames the class names, possibly empty
     * @param provenance seed, versions and the like, shown as a list
     * @return the whole HTML document
     */
    public static String render(Certification c, double[] radii, String model, String data, List<String> classNames,
            Map<String, Object> provenance) {
        StringBuilder b = new StringBuilder(1 << 15);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Certified robustness: randomized smoothing</title>\n<style>\n").append(HtmlReport.CSS)
                .append("</style>\n</head>\n<body>\n");
        b.append("<header><h1>Certified robustness</h1><p class=\"note\">robust4j · randomized smoothing (Cohen, Rosenfeld"
                + " and Kolter, ICML 2019) · ").append(c.size()).append(" samples</p></header>\n");
        b.append("<section id=\"summary\">\n<h2>Summary</h2>\n<dl class=\"facts\">");
        fact(b, "model", model);
        fact(b, "data", data);
        fact(b, "noise", "Gaussian, sigma " + c.sigma() + ", added to the model's inputs without clipping");
        fact(b, "draws", "n0 = " + c.n0() + " to select the class, n = " + c.n() + " to bound its probability");
        fact(b, "alpha", c.alpha() + " (each certificate is wrong with probability at most alpha)");
        fact(b, "abstained", Html.num(c.abstentionRate(), 3));
        fact(b, "time", Html.num(c.seconds(), 1) + " s");
        b.append("</dl>\n");
        b.append("<table class=\"curve\"><caption>Certified accuracy: certified class = label, radius at least r"
                + "</caption><tr><th class=\"n\">L2 radius r</th><th class=\"n\">certified accuracy</th></tr>");
        for (double r : radii) {
            b.append("<tr><td class=\"n\">").append(Html.num(r, 2)).append("</td><td class=\"n\">")
                    .append(Html.num(c.certifiedAccuracy(r), 3)).append("</td></tr>");
        }
        b.append("</table>\n");
        byte[] png = ReportCharts.certifiedAccuracy(c, radii);
        b.append("<figure class=\"chart\"><img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
                .append("\" width=\"").append(ReportCharts.CURVE_WIDTH).append("\" height=\"")
                .append(ReportCharts.CURVE_HEIGHT).append("\" alt=\"certified accuracy against L2 radius\">")
                .append("<figcaption>Fraction of the samples whose smoothed prediction is certified correct within"
                        + " each L2 radius.</figcaption></figure>\n");
        b.append("</section>\n");
        b.append("<section id=\"samples\">\n<h2>Samples</h2>\n");
        if (c.size() > MAX_ROWS) {
            b.append("<p class=\"note\">The first ").append(MAX_ROWS).append(" of ").append(c.size())
                    .append(" samples; the JSON output has them all.</p>\n");
        }
        b.append("<table><tr><th class=\"n\">#</th><th>label</th><th>certified class</th><th class=\"n\">radius</th>"
                + "<th class=\"n\">votes for it</th><th class=\"n\">lower bound on pA</th><th>correct</th></tr>");
        for (int i = 0; i < Math.min(c.size(), MAX_ROWS); i++) {
            Certificate cert = c.certificates().get(i);
            b.append("<tr><td class=\"n\">").append(i).append("</td><td>")
                    .append(Html.escape(HtmlReport.className(classNames, c.labels()[i]))).append("</td><td>")
                    .append(cert.abstained() ? "abstained" : Html.escape(HtmlReport.className(classNames, cert.label())))
                    .append("</td><td class=\"n\">").append(Html.num(cert.radius(), 3)).append("</td><td class=\"n\">")
                    .append(cert.candidateCount()).append(" / ").append(cert.samples()).append("</td><td class=\"n\">")
                    .append(Html.num(cert.pALower(), 4)).append("</td><td>").append(c.correct(i) ? "yes" : "no")
                    .append("</td></tr>");
        }
        b.append("</table>\n</section>\n");
        b.append("<section id=\"provenance\">\n<h2>Provenance</h2>\n<dl class=\"facts\">");
        for (Map.Entry<String, Object> e : provenance.entrySet()) {
            fact(b, e.getKey(), String.valueOf(e.getValue()));
        }
        b.append("</dl>\n</section>\n");
        b.append("<footer class=\"note\">Written by robust4j. This page is self-contained: no scripts, no network.</footer>\n");
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    private static void fact(StringBuilder b, String name, String value) {
        b.append("<dt>").append(Html.escape(name)).append("</dt><dd>").append(Html.escape(value)).append("</dd>");
    }
}
