package dev.robust4j.report;

import dev.robust4j.evaluate.AttackOutcome;
import dev.robust4j.evaluate.Curve;
import dev.robust4j.evaluate.Example;
import dev.robust4j.evaluate.PhysicalResult;
import dev.robust4j.evaluate.PoolResult;
import dev.robust4j.evaluate.RobustnessReport;
import dev.robust4j.evaluate.Round;

import java.awt.image.BufferedImage;
import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders a {@link RobustnessReport} as one self-contained HTML page: inline CSS, charts and images
 * inlined as {@code data:} PNGs, no scripts and no external resources, readable on screen and in
 * print.
 *
 * <p>Sections: a summary (the verdict in a coloured box, the target, the threat model, the best
 * defence and a table of the rounds); one section per round (its attacks in a table, a bar chart of
 * each attack's success rate against the target, and a grid of adversarial examples: clean,
 * adversarial and the amplified perturbation, with the true and predicted labels; under a
 * physical threat model also the figures under its transformations and a chart of each attack's
 * survival against transformation strength); the
 * accuracy-vs-epsilon curves (one chart per attack, one line per round); and the provenance. Every
 * string that comes from the report (class names, defences, attack labels and parameters, model
 * descriptions, provenance) is HTML-escaped. Undefined numbers are shown as {@code –}.
 *
 * <p>Charts are drawn by XChart and images by Java2D, so the JVM must be able to run AWT headless;
 * this class sets {@code java.awt.headless=true} unless it was set already.
 */
public final class HtmlReport {

    static {
        ensureHeadless();
    }

    private HtmlReport() {}

    /** Sets {@code java.awt.headless=true} unless the property is already set. */
    static void ensureHeadless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /**
     * Renders the page.
     *
     * @param report the report
     * @return the whole HTML document
     * @throws IllegalArgumentException if the report has no rounds, its best round is out of range,
     *     or an example's arrays do not match its shape
     */
    public static String render(RobustnessReport report) {
        check(report);
        StringBuilder b = new StringBuilder(1 << 16);
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Robustness report: ").append(Html.escape(report.targetMet() ? "target met" : "target not met"))
                .append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        b.append("<header><h1>Robustness report</h1><p class=\"note\">robust4j · threat model ")
                .append(Html.escape(report.threatModel().id())).append(" · ").append(report.rounds().size())
                .append(report.rounds().size() == 1 ? " round" : " rounds").append("</p></header>\n");
        nav(b, report);
        summary(b, report);
        for (Round r : report.rounds()) {
            round(b, report, r);
        }
        curves(b, report);
        provenance(b, report);
        b.append("<footer class=\"note\">Written by robust4j. This page is self-contained: no scripts, no network.</footer>\n");
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    /**
     * Checks what the renderers rely on.
     *
     * @param report the report
     * @throws IllegalArgumentException naming what is wrong
     */
    static void check(RobustnessReport report) {
        if (report == null) {
            throw new IllegalArgumentException("report must not be null");
        }
        if (report.rounds().isEmpty()) {
            throw new IllegalArgumentException("report has no rounds; a robustness report needs at least round 0");
        }
        if (report.bestRound() < 0 || report.bestRound() >= report.rounds().size()) {
            throw new IllegalArgumentException("report's bestRound must be in [0, " + (report.rounds().size() - 1)
                    + "], got " + report.bestRound());
        }
    }

    private static void nav(StringBuilder b, RobustnessReport report) {
        b.append("<nav><a href=\"#summary\">Summary</a>");
        for (Round r : report.rounds()) {
            b.append(" · <a href=\"#round-").append(r.index()).append("\">Round ").append(r.index()).append("</a>");
        }
        b.append(" · <a href=\"#curves\">Accuracy vs epsilon</a> · <a href=\"#provenance\">Provenance</a></nav>\n");
    }

    private static void summary(StringBuilder b, RobustnessReport report) {
        Round best = report.best();
        b.append("<section id=\"summary\">\n<h2>Summary</h2>\n");
        b.append("<div class=\"verdict ").append(report.targetMet() ? "met" : "not-met").append("\"><strong>")
                .append(report.targetMet() ? "Target met" : "Target not met").append("</strong><br>")
                .append(Html.escape(report.verdict())).append("</div>\n");
        b.append("<dl class=\"facts\">");
        fact(b, "Target", "success rate ≤ " + Html.num(report.targetSuccessRate(), 3));
        fact(b, "Threat model", report.threatModel().id());
        PhysicalResult physical = report.rounds().get(0).physical();
        if (physical != null) {
            fact(b, "Physical threat model", "inputs transformed by " + physical.threat().transform().describe()
                    + ", " + physical.threat().draws() + " draws per sample (seed " + physical.threat().seed()
                    + "); the target is judged on the success rate under these transformations");
        }
        fact(b, "Rounds", Integer.toString(report.rounds().size()));
        fact(b, "Best defence", "round " + best.index() + ": " + defence(best) + " (success rate "
                + Html.num(best.successRate(), 3) + ", clean accuracy " + Html.num(best.cleanAccuracy(), 3) + ")");
        b.append("</dl>\n");
        b.append("<table class=\"rounds\">\n<caption>Rounds: the attack pool against each defended model</caption>\n")
                .append("<thead><tr><th>round</th><th>defence</th><th>kinds</th><th class=\"n\">clean accuracy</th>")
                .append("<th class=\"n\">success rate</th><th class=\"n\">robust accuracy</th>")
                .append(physical == null ? "" : "<th class=\"n\">clean accuracy under T</th>"
                        + "<th class=\"n\">success rate under T</th>")
                .append("<th class=\"n\">defence s</th><th class=\"n\">round s</th><th>target</th></tr></thead>\n<tbody>\n");
        for (Round r : report.rounds()) {
            boolean isBest = r.index() == best.index();
            b.append(isBest ? "<tr class=\"best\">" : "<tr>")
                    .append("<td><a href=\"#round-").append(r.index()).append("\">").append(r.index()).append("</a>")
                    .append(isBest ? " <span class=\"badge\">best</span>" : "").append("</td>");
            cell(b, defence(r));
            cell(b, kinds(r));
            numbers(b, 3, r.cleanAccuracy(), r.successRate(), r.robustAccuracy());
            if (physical != null) {
                PhysicalResult p = r.physical();
                numbers(b, 3, p == null ? Double.NaN : p.cleanAccuracy(), p == null ? Double.NaN : p.successRate());
            }
            numbers(b, 1, r.defenceSeconds(), r.seconds());
            b.append("<td>").append(r.targetMet() ? "met" : "not met").append("</td></tr>\n");
        }
        b.append("</tbody>\n</table>\n");
        b.append("<p class=\"note\">The success rate (SR) is over the samples the model classifies correctly (and,"
                + " with a detector, does not flag) before the attack: the fraction whose adversarial it gets wrong."
                + " Robust accuracy is over all samples. The overall figures are the per-sample worst case: a sample"
                + " counts as broken if any attack of the pool broke it.</p>\n</section>\n");
    }

    private static void round(StringBuilder b, RobustnessReport report, Round r) {
        PoolResult pool = r.pool();
        b.append("<section class=\"round\" id=\"round-").append(r.index()).append("\">\n<h2>Round ").append(r.index())
                .append(": ").append(Html.escape(defence(r))).append("</h2>\n<dl class=\"facts\">");
        fact(b, "Model", r.model());
        fact(b, "Defence kinds", kinds(r));
        int broken = 0;
        for (boolean x : pool.broken() == null ? new boolean[0] : pool.broken()) {
            broken += x ? 1 : 0;
        }
        fact(b, "Samples", pool.samples() + " attacked, " + broken + " broken by some attack");
        fact(b, "Clean accuracy", Html.num(r.cleanAccuracy(), 3));
        fact(b, "Success rate (worst case)", Html.num(r.successRate(), 3) + (r.targetMet() ? " — target met" : " — above the target"));
        fact(b, "Robust accuracy (worst case)", Html.num(r.robustAccuracy(), 3));
        fact(b, "Time", "defence " + Html.num(r.defenceSeconds(), 1) + " s, attack pool " + Html.num(pool.seconds(), 1)
                + " s, round " + Html.num(r.seconds(), 1) + " s");
        b.append("</dl>\n");
        attackTable(b, r);
        byte[] chart = ReportCharts.successRates(r, report.targetSuccessRate());
        if (chart == null) {
            b.append("<p class=\"note\">No attack ran in this round, so there is no success-rate chart.</p>\n");
        } else {
            b.append("<figure class=\"chart\">");
            img(b, chart, ReportCharts.BAR_WIDTH, ReportCharts.BAR_HEIGHT, "success rate per attack, round " + r.index());
            b.append("<figcaption>Success rate of each attack that ran; the dashed line is the target ")
                    .append(Html.num(report.targetSuccessRate(), 3)).append(".</figcaption></figure>\n");
        }
        if (r.physical() != null) {
            physical(b, r);
        }
        examples(b, report, r);
        b.append("</section>\n");
    }

    private static void physical(StringBuilder b, Round r) {
        PhysicalResult p = r.physical();
        String t = p.threat().transform().describe();
        b.append("<h3>Under transformation: ").append(Html.escape(t)).append("</h3>\n<dl class=\"facts\">");
        fact(b, "Draws", p.threat().draws() + " per sample, the same for the clean input and every adversarial (seed "
                + p.threat().seed() + ")");
        fact(b, "Clean accuracy under T", Html.num(p.cleanAccuracy(), 3));
        fact(b, "Success rate under T (worst case)", Html.num(p.successRate(), 3)
                + (r.targetMet() ? " — target met" : " — above the target"));
        fact(b, "Robust accuracy under T (worst case)", Html.num(p.robustAccuracy(), 3));
        b.append("</dl>\n");
        b.append("<table class=\"attacks physical\">\n<caption>Attacks of round ").append(r.index())
                .append(" under ").append(Html.escape(t)).append("</caption>\n")
                .append("<thead><tr><th>attack</th><th class=\"n\">success rate under T</th>")
                .append("<th class=\"n\">robust accuracy under T</th><th class=\"n\">survival</th>")
                .append("<th class=\"n\">survive ≥ half the draws</th></tr></thead>\n<tbody>\n");
        for (PhysicalResult.Attack a : p.attacks()) {
            b.append("<tr>");
            cell(b, a.label());
            numbers(b, 3, a.successRate(), a.robustAccuracy(), a.survival(), a.survivalAtLeastHalf());
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n");
        byte[] chart = ReportCharts.survivalVsStrength(r);
        if (chart == null) {
            b.append("<p class=\"note\">No attack has a successful adversarial to follow, so there is no chart of"
                    + " survival against strength.</p>\n");
        } else {
            b.append("<figure class=\"chart survival\">");
            img(b, chart, ReportCharts.CURVE_WIDTH, ReportCharts.CURVE_HEIGHT,
                    "survival against transformation strength, round " + r.index());
            b.append("<figcaption>Survival against transformation strength: at each factor of T (")
                    .append(Html.escape(t)).append("), the mean fraction of ").append(p.threat().strengthDraws())
                    .append(" draws under which each attack's successful adversarials stay adversarial.")
                    .append("</figcaption></figure>\n");
        }
        b.append("<p class=\"note\">Under T, each sample is shown to the model after a random transformation;"
                + " the clean input and every adversarial of a sample see the same draws. Success rate under T: over"
                + " the (sample, draw) pairs whose clean input the model answers right, the share whose adversarial it"
                + " gets wrong; worst case: per sample, the attack broken under the most draws. Survival: over an"
                + " attack's successful adversarials, the mean fraction of draws under which they stay adversarial."
                + "</p>\n");
    }

    private static void attackTable(StringBuilder b, Round r) {
        b.append("<table class=\"attacks\">\n<caption>Attacks of round ").append(r.index()).append("</caption>\n")
                .append("<thead><tr><th>attack</th><th>kind</th><th class=\"n\">success rate</th>")
                .append("<th class=\"n\">robust accuracy</th><th class=\"n\">median L2</th><th class=\"n\">max L∞</th>")
                .append("<th class=\"n\">queries / sample</th><th class=\"n\">seconds</th><th class=\"n\">detected</th>")
                .append("<th>note</th></tr></thead>\n<tbody>\n");
        for (AttackOutcome a : r.pool().attacks()) {
            b.append(a.ran() ? "<tr>" : "<tr class=\"skipped\">").append("<td>").append(Html.escape(a.label()));
            String params = Html.params(a.params());
            if (!params.isEmpty()) {
                b.append("<div class=\"params\">").append(Html.escape(a.attack())).append(' ')
                        .append(Html.escape(params)).append("</div>");
            }
            b.append("</td>");
            cell(b, a.kind() == null ? Html.UNDEFINED : a.kind().threatModel() + " (" + a.kind().access() + ")");
            numbers(b, 3, a.successRate(), a.robustAccuracy(), a.l2Median(), a.linfMax());
            numbers(b, 1, a.queriesMean());
            numbers(b, 2, a.seconds());
            numbers(b, 3, a.detectedRate());
            cell(b, a.ran() ? "" : "skipped: " + a.skipped());
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table>\n");
    }

    private static void examples(StringBuilder b, RobustnessReport report, Round r) {
        List<Example> examples = r.pool().examples();
        b.append("<h3>Adversarial examples</h3>\n");
        if (examples.isEmpty()) {
            b.append("<p class=\"note\">No sample was broken, so there is no example to show.</p>\n");
            return;
        }
        b.append("<p class=\"note\">Each row: the clean sample, the adversarial one, and the perturbation"
                + " amplified to the full range (one channel: red where the attack added, blue where it took away,"
                + " full colour at the largest change; three channels: grey 0.5 ± the scaled change).</p>\n");
        b.append("<div class=\"grid\">\n");
        for (Example e : examples) {
            b.append("<div class=\"example\">");
            if (ExampleImages.drawable(e)) {
                b.append("<div class=\"triple\">");
                figure(b, ExampleImages.clean(e), "clean", "clean sample " + e.index());
                figure(b, ExampleImages.adversarial(e), "adversarial", "adversarial sample " + e.index());
                figure(b, ExampleImages.perturbation(e), "perturbation (±" + Html.num(ExampleImages.maxAbsPerturbation(e), 3) + ")",
                        "perturbation of sample " + e.index());
                b.append("</div>");
            } else {
                b.append("<p class=\"note\">Not an image (shape ").append(Html.escape(java.util.Arrays.toString(e.shape())))
                        .append("), so it is not drawn.</p>");
            }
            List<String> names = report.classNames();
            b.append("<p class=\"caption\">sample ").append(e.index()).append(" · true: <strong>")
                    .append(Html.escape(className(names, e.label()))).append("</strong> · predicted: ")
                    .append(Html.escape(className(names, e.cleanPrediction()))).append(" → <strong>")
                    .append(Html.escape(className(names, e.adversarialPrediction()))).append("</strong><br>")
                    .append(Html.escape(e.attack())).append(" · L2 ").append(Html.num(e.l2(), 3)).append(" · L∞ ")
                    .append(Html.num(e.linf(), 3)).append("</p></div>\n");
        }
        b.append("</div>\n");
    }

    private static void curves(StringBuilder b, RobustnessReport report) {
        Map<String, List<Round>> rounds = new LinkedHashMap<>();
        Map<String, List<Curve>> curves = new LinkedHashMap<>();
        for (Round r : report.rounds()) {
            for (Curve c : r.curves()) {
                String key = c.attack() + (c.params().isEmpty() ? "" : " " + Html.params(c.params()));
                rounds.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
                curves.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
            }
        }
        b.append("<section id=\"curves\">\n<h2>Accuracy against epsilon</h2>\n");
        int drawn = 0;
        for (Map.Entry<String, List<Curve>> e : curves.entrySet()) {
            byte[] png = ReportCharts.accuracyVsEpsilon(e.getKey(), rounds.get(e.getKey()), e.getValue());
            if (png != null) {
                b.append("<figure class=\"chart\">");
                img(b, png, ReportCharts.CURVE_WIDTH, ReportCharts.CURVE_HEIGHT, "robust accuracy against epsilon, " + e.getKey());
                b.append("<figcaption>Robust accuracy of ").append(Html.escape(e.getKey()))
                        .append(" at increasing budgets, one line per round.</figcaption></figure>\n");
                drawn++;
            }
        }
        if (drawn == 0) {
            b.append("<p class=\"note\">No accuracy-vs-epsilon curve was computed.</p>\n");
        }
        b.append("</section>\n");
    }

    private static void provenance(StringBuilder b, RobustnessReport report) {
        b.append("<section id=\"provenance\">\n<h2>Provenance</h2>\n");
        Map<String, Object> p = report.provenance();
        if (p.isEmpty()) {
            b.append("<p class=\"note\">The report records no provenance.</p>\n");
        } else {
            Map<String, Object> ordered = new LinkedHashMap<>();
            for (String k : List.of("config", "seed", "versions", "threads", "started", "seconds")) {
                if (p.containsKey(k)) {
                    ordered.put(k, p.get(k));
                }
            }
            ordered.putAll(new TreeMap<>(p));
            b.append("<dl class=\"facts\">");
            for (Map.Entry<String, Object> e : ordered.entrySet()) {
                b.append("<dt>").append(Html.escape(e.getKey())).append("</dt><dd>");
                value(b, e.getValue());
                b.append("</dd>");
            }
            b.append("</dl>\n");
        }
        b.append("</section>\n");
    }

    private static void value(StringBuilder b, Object v) {
        if (v instanceof Map<?, ?> m) {
            b.append("<dl class=\"facts\">");
            Map<String, Object> sorted = new TreeMap<>();
            m.forEach((k, x) -> sorted.put(String.valueOf(k), x));
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                b.append("<dt>").append(Html.escape(e.getKey())).append("</dt><dd>");
                value(b, e.getValue());
                b.append("</dd>");
            }
            b.append("</dl>");
        } else if (v instanceof Collection<?> || (v != null && v.getClass().isArray())) {
            List<Object> items = new ArrayList<>();
            if (v instanceof Collection<?> c) {
                items.addAll(c);
            } else {
                for (int i = 0; i < Array.getLength(v); i++) {
                    items.add(Array.get(v, i));
                }
            }
            b.append("<ul>");
            for (Object item : items) {
                b.append("<li>");
                value(b, item);
                b.append("</li>");
            }
            b.append("</ul>");
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            b.append(Double.isFinite(d) ? Html.escape(v) : Html.UNDEFINED);
        } else {
            String s = String.valueOf(v);
            if (s.indexOf('\n') >= 0 || s.length() > 120) {
                b.append("<pre>").append(Html.escape(s)).append("</pre>");
            } else {
                b.append(Html.escape(s));
            }
        }
    }

    private static void figure(StringBuilder b, BufferedImage image, String caption, String alt) {
        b.append("<figure>");
        img(b, ExampleImages.png(image), image.getWidth(), image.getHeight(), alt);
        b.append("<figcaption>").append(Html.escape(caption)).append("</figcaption></figure>");
    }

    private static void img(StringBuilder b, byte[] png, int width, int height, String alt) {
        b.append("<img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
                .append("\" width=\"").append(width).append("\" height=\"").append(height).append("\" alt=\"")
                .append(Html.escape(alt)).append("\">");
    }

    private static void fact(StringBuilder b, String name, String value) {
        b.append("<dt>").append(Html.escape(name)).append("</dt><dd>").append(Html.escape(value)).append("</dd>");
    }

    private static void cell(StringBuilder b, String text) {
        b.append("<td>").append(Html.escape(text)).append("</td>");
    }

    private static void numbers(StringBuilder b, int decimals, double... values) {
        for (double v : values) {
            b.append("<td class=\"n\">").append(Html.num(v, decimals)).append("</td>");
        }
    }

    /** @return the round's defence, {@code no defence} for round 0 */
    static String defence(Round r) {
        return r.index() == 0 && "none".equals(r.defence()) ? "no defence" : String.valueOf(r.defence());
    }

    private static String kinds(Round r) {
        return r.kinds().isEmpty() ? Html.UNDEFINED : String.join(", ", r.kinds());
    }

    /**
     * Names a class.
     *
     * @param names the class names, possibly empty
     * @param label the class index
     * @return its name, or {@code class N} when there is no name for it
     */
    static String className(List<String> names, int label) {
        return label >= 0 && label < names.size() ? names.get(label) : "class " + label;
    }

    static final String CSS = """
            :root { color-scheme: light; }
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
                   color: #1d1f23; background: #fff; margin: 0 auto; max-width: 1120px; padding: 24px 32px;
                   line-height: 1.45; }
            h1 { font-size: 1.9rem; margin: 0 0 .2rem; }
            h2 { font-size: 1.4rem; border-bottom: 2px solid #e3e6ea; padding-bottom: .2rem; margin-top: 2.4rem; }
            h3 { font-size: 1.1rem; margin-top: 1.6rem; }
            a { color: #2457a6; }
            nav { font-size: .92rem; padding: 8px 0; border-bottom: 1px solid #e3e6ea; }
            .note { color: #555; font-size: .9rem; }
            .verdict { padding: 12px 16px; border-radius: 6px; border-left: 6px solid; font-size: 1.05rem; margin: 1rem 0; }
            .verdict.met { background: #e8f5e9; border-color: #2e7d32; color: #1b5e20; }
            .verdict.not-met { background: #fdecea; border-color: #c62828; color: #8e1010; }
            dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 18px; margin: 1rem 0; }
            dl.facts dt { font-weight: 600; color: #3c4148; }
            dl.facts dd { margin: 0; overflow-wrap: anywhere; }
            dl.facts dl.facts { margin: 0; }
            dd ul { margin: 0; padding-left: 1.2rem; }
            table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: 1rem 0; }
            caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
            th, td { padding: 5px 8px; border-bottom: 1px solid #e3e6ea; text-align: left; vertical-align: top; }
            th { background: #f4f6f8; font-weight: 600; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            tr.best td { background: #f1f8e9; }
            tr.skipped td { color: #777; }
            .params { color: #666; font-size: .8rem; }
            table.attacks td:first-child { min-width: 13em; }
            table.rounds td:last-child { white-space: nowrap; }
            .badge { display: inline-block; padding: 0 6px; border-radius: 8px; background: #2e7d32; color: #fff;
                     font-size: .72rem; }
            figure { margin: 0; }
            figure.chart { margin: 1rem 0; }
            figure.chart img { max-width: 100%; height: auto; border: 1px solid #eceef1; }
            figcaption { font-size: .85rem; color: #555; }
            .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(370px, 1fr)); gap: 14px; }
            .example { border: 1px solid #e3e6ea; border-radius: 6px; padding: 8px; }
            .triple { display: flex; gap: 6px; }
            .triple figure { text-align: center; }
            .triple img { image-rendering: pixelated; border: 1px solid #ccc; display: block; }
            .triple figcaption { font-size: .72rem; }
            .caption { font-size: .85rem; margin: .4rem 0 0; }
            pre { background: #f4f6f8; padding: 8px; margin: 0; white-space: pre-wrap; overflow-wrap: anywhere;
                  font-size: .8rem; }
            footer { margin-top: 2.4rem; border-top: 1px solid #e3e6ea; padding-top: 8px; }
            @media print {
              body { max-width: none; padding: 0; font-size: 10pt; }
              nav { display: none; }
              a { color: inherit; text-decoration: none; }
              h2, h3 { break-after: avoid; }
              table, figure, .example, .verdict { break-inside: avoid; }
              .verdict, tr.best td, .badge { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
            }
            """;
}
