package dev.robust4j.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.robust4j.evaluate.Example;
import dev.robust4j.evaluate.RobustnessReport;
import dev.robust4j.evaluate.ThreatModel;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final Pattern IMG = Pattern.compile("<img\\b([^>]*)>");
    private static final Pattern SRC = Pattern.compile("\\bsrc=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");
    private static final Pattern SIZE = Pattern.compile("\\bwidth=\"(\\d+)\" height=\"(\\d+)\"");

    static RobustnessReport report;
    /** The page. */
    static String page;
    /** The page with the base64 image data cut out, for text checks (base64 may spell anything). */
    static String html;

    @BeforeAll
    static void render() {
        report = SampleReports.build();
        page = HtmlReport.render(report);
        html = withoutImageData(page);
    }

    static String withoutImageData(String page) {
        return page.replaceAll("data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,…");
    }

    static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void oneTablePerRoundAndOneForTheSummary() {
        assertThat(count(html, "<table\\b")).isEqualTo(report.rounds().size() + 1);
        assertThat(count(html, "</table>")).isEqualTo(report.rounds().size() + 1);
        assertThat(html).contains("<table class=\"rounds\">");
        assertThat(count(html, "<table class=\"attacks\">")).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(html).contains("<section class=\"round\" id=\"round-" + i + "\">");
        }
        assertThat(html).contains("id=\"summary\"", "id=\"curves\"", "id=\"provenance\"");
    }

    @Test
    void summaryShowsTheVerdictTargetAndBestDefence() {
        assertThat(html).contains("<div class=\"verdict met\"><strong>Target met</strong>");
        assertThat(html).contains(Html.escape(report.verdict()));
        assertThat(report.verdict()).contains("adversarial-training:preset=madry (round 2)");
        assertThat(html).contains("<dt>Target</dt><dd>success rate ≤ 0.200</dd>");
        assertThat(html).contains("<dt>Threat model</dt><dd>white-box</dd>");
        assertThat(html).contains("<dt>Rounds</dt><dd>3</dd>");
        assertThat(html).contains("<dt>Best defence</dt><dd>round 2: adversarial-training:preset=madry");
        // the best round's row is marked; round 0 is "no defence"
        assertThat(html).contains("<tr class=\"best\"><td><a href=\"#round-2\">2</a> <span class=\"badge\">best</span>");
        assertThat(html).contains("<td>no defence</td><td>–</td><td class=\"n\">0.900</td><td class=\"n\">0.990</td>");
    }

    @Test
    void notMetIsShownInRed() {
        RobustnessReport unmet = new RobustnessReport(ThreatModel.BLACK_BOX, 0.01, report.rounds().subList(0, 2), 1,
                List.of(), Map.of());
        String page = withoutImageData(HtmlReport.render(unmet));
        assertThat(page).contains("<div class=\"verdict not-met\"><strong>Target not met</strong>");
        assertThat(page).contains("<dt>Threat model</dt><dd>black-box</dd>");
        // without class names, labels are named by index; without provenance, it says so
        assertThat(page).contains("true: <strong>class 0</strong>");
        assertThat(page).contains("The report records no provenance.");
    }

    @Test
    void attackTablesShowNumbersSkipsAndDetection() {
        // round 0, fgsm: SR, robust acc, median L2, max Linf, queries, seconds, detected (none: –), note
        assertThat(html).contains("<td>white-box (gradients)</td><td class=\"n\">0.720</td><td class=\"n\">0.250</td>"
                + "<td class=\"n\">2.420</td><td class=\"n\">0.100</td><td class=\"n\">1.0</td><td class=\"n\">1.50</td>"
                + "<td class=\"n\">–</td><td></td>");
        // round 1, square: black-box, undefined median L2, detected 0.3
        assertThat(html).contains("<td>black-box (scores)</td><td class=\"n\">0.450</td><td class=\"n\">0.470</td>"
                + "<td class=\"n\">–</td><td class=\"n\">0.100</td><td class=\"n\">610.0</td><td class=\"n\">1.50</td>"
                + "<td class=\"n\">0.300</td>");
        // round 1, pgd: skipped, every number undefined, the reason escaped
        assertThat(html).contains("<tr class=\"skipped\"><td>pgd linf eps=0.1");
        assertThat(html).contains("<td class=\"n\">–</td><td class=\"n\">–</td><td class=\"n\">–</td><td class=\"n\">–</td>"
                + "<td class=\"n\">–</td><td class=\"n\">0.00</td><td class=\"n\">–</td>"
                + "<td>skipped: the detector &lt;b&gt;hides&lt;/b&gt; gradients &amp; pgd needs them</td>");
        assertThat(html).doesNotContain("NaN");
        // parameters, sorted
        assertThat(html).contains("<div class=\"params\">pgd eps=0.1 norm=linf step-size=0.01 steps=40</div>");
    }

    @Test
    void everyUserStringIsEscaped() {
        assertThat(html.toLowerCase()).doesNotContain("<script", "<b>", "<img src=x");
        assertThat(html).doesNotContain(SampleReports.SCRIPT, SampleReports.EVIL_CLASS, SampleReports.DETECTOR_DEFENCE);
        String script = "&lt;script&gt;alert(1)&lt;/script&gt;";
        // the class name in the example captions
        assertThat(html).contains("true: <strong>T-shirt " + script + " &amp; top</strong>");
        // the defence in the summary table, the round heading and the curve legends' page text
        assertThat(html).contains("<td>" + Html.escape(SampleReports.DETECTOR_DEFENCE) + "</td>");
        assertThat(html).contains("<h2>Round 1: feature-squeezing:bit-depth=1 + detector:note=" + script + "&amp;fpr=0.05</h2>");
        // the provenance
        assertThat(html).contains("&lt;img src=x onerror=alert(2)&gt;");
        assertThat(Html.escape("<a href=\"x\">'&'</a>")).isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assertThat(Html.escape(null)).isEmpty();
    }

    @Test
    void loadsNothingFromTheNetworkAndRunsNoScript() {
        assertThat(html).doesNotContainPattern("(?i)\\b(src|href)\\s*=\\s*[\"']?\\s*(https?:|//|file:)");
        assertThat(html).doesNotContainPattern("(?i)@import|url\\(|<link\\b|<iframe|<object|<embed");
        assertThat(count(html, "<[^>]*\\bsrc=")).isEqualTo(count(html, "<img src=\"data:image/png;base64,"));
        assertThat(count(html, "\\bhref=")).isEqualTo(count(html, "\\bhref=\"#"));
        assertThat(html).doesNotContainPattern("(?i)<[^>]*\\son[a-z]+\\s*=");
    }

    @Test
    void imagesAreChartsAndThreePerExampleEachAValidPngOfItsStatedSize() throws IOException {
        Matcher m = IMG.matcher(page);
        List<int[]> sizes = new ArrayList<>();
        while (m.find()) {
            Matcher src = SRC.matcher(m.group(1));
            assertThat(src.find()).as("data URI in %s", m.group(1).substring(0, Math.min(80, m.group(1).length()))).isTrue();
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(src.group(1))));
            assertThat(img).isNotNull();
            Matcher size = SIZE.matcher(m.group(1));
            assertThat(size.find()).isTrue();
            assertThat(img.getWidth()).isEqualTo(Integer.parseInt(size.group(1)));
            assertThat(img.getHeight()).isEqualTo(Integer.parseInt(size.group(2)));
            sizes.add(new int[] {img.getWidth(), img.getHeight()});
        }
        assertThat(sizes).hasSize(SampleReports.imageCount());
        long bars = sizes.stream().filter(s -> s[0] == ReportCharts.BAR_WIDTH && s[1] == ReportCharts.BAR_HEIGHT).count();
        long curves = sizes.stream().filter(s -> s[0] == ReportCharts.CURVE_WIDTH && s[1] == ReportCharts.CURVE_HEIGHT).count();
        long samples = sizes.stream().filter(s -> s[0] == 112 && s[1] == 112).count();
        assertThat(bars).isEqualTo(SampleReports.BAR_CHARTS);
        assertThat(curves).isEqualTo(SampleReports.CURVE_CHARTS);
        assertThat(samples).isEqualTo(3L * SampleReports.exampleCount());
    }

    @Test
    void exampleCaptionsNameTrueAndPredictedLabels() {
        Example e = report.rounds().get(0).pool().examples().get(1);
        String truth = Html.escape(HtmlReport.className(report.classNames(), e.label()));
        String wrong = Html.escape(HtmlReport.className(report.classNames(), e.adversarialPrediction()));
        assertThat(html).contains("<p class=\"caption\">sample " + e.index() + " · true: <strong>" + truth
                + "</strong> · predicted: " + truth + " → <strong>" + wrong + "</strong><br>pgd linf eps=0.1 · L2 "
                + Html.num(e.l2(), 3) + " · L∞ 0.100</p>");
    }

    @Test
    void provenanceIsADefinitionListWithConfigFirst() {
        String prov = html.substring(html.indexOf("<section id=\"provenance\">"));
        assertThat(prov.indexOf("<dt>config</dt>")).isLessThan(prov.indexOf("<dt>seed</dt>"));
        assertThat(prov).contains("<dt>seed</dt><dd>7</dd>", "<dt>threads</dt><dd>2</dd>", "<dt>djl</dt><dd>0.36.0</dd>",
                "<dt>undefined</dt><dd>–</dd>", "<pre>attacks:\n  - fgsm\n  - pgd\n</pre>");
    }

    @Test
    void roundWithoutRunningAttacksOrCurvesSaysSo() {
        var r0 = report.rounds().get(0);
        var pool = r0.pool();
        var skipped = pool.attacks().stream()
                .map(a -> SampleReports.outcome(a.label(), a.attack(), a.params(), a.kind(), Double.NaN, Double.NaN,
                        Double.NaN, Double.NaN, Double.NaN, Double.NaN, "not allowed"))
                .toList();
        var empty = new dev.robust4j.evaluate.Round(0, "none", List.of(), "m", 0, new dev.robust4j.evaluate.PoolResult(
                pool.samples(), pool.cleanAccuracy(), skipped, Double.NaN, Double.NaN, new boolean[pool.samples()],
                List.of(), 0), List.of(), false, 1);
        String page = HtmlReport.render(new RobustnessReport(ThreatModel.WHITE_BOX, 0.2, List.of(empty), 0, List.of(), Map.of()));
        assertThat(count(page, "<img\\b")).isZero();
        assertThat(page).contains("No attack ran in this round", "No sample was broken", "No accuracy-vs-epsilon curve");
    }

    @Test
    void badReportsAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> HtmlReport.render(new RobustnessReport(ThreatModel.WHITE_BOX, 0.2, List.of(), 0,
                List.of(), Map.of()))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no rounds");
        assertThatThrownBy(() -> HtmlReport.render(new RobustnessReport(ThreatModel.WHITE_BOX, 0.2, report.rounds(), 3,
                List.of(), Map.of()))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bestRound must be in [0, 2], got 3");
        assertThatThrownBy(() -> HtmlReport.render(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
