package dev.robust4j.report;

import dev.robust4j.defence.smoothing.Certification;
import dev.robust4j.evaluate.AttackOutcome;
import dev.robust4j.evaluate.Curve;
import dev.robust4j.evaluate.PhysicalResult;
import dev.robust4j.evaluate.Round;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's charts, drawn by XChart into PNG bytes (headless). */
final class ReportCharts {

    static {
        HtmlReport.ensureHeadless();
    }

    /** Size of a round's success-rate bar chart, in pixels. */
    static final int BAR_WIDTH = 760;
    /** Height of a round's success-rate bar chart, in pixels. */
    static final int BAR_HEIGHT = 380;
    /** Width of an accuracy-vs-epsilon chart, in pixels. */
    static final int CURVE_WIDTH = 640;
    /** Height of an accuracy-vs-epsilon chart, in pixels. */
    static final int CURVE_HEIGHT = 400;

    /** Longest defence shown in a legend; longer ones are cut (the rounds table has them whole). */
    private static final int LEGEND_DEFENCE = 48;
    private static final Color BAR = new Color(0x3b6ea8);
    private static final Color TARGET = new Color(0xc0392b);
    private static final Color[] LINES = {
        new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf)
    };

    private static final Marker[] MARKERS = {
        SeriesMarkers.CIRCLE, SeriesMarkers.DIAMOND, SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP,
        SeriesMarkers.TRIANGLE_DOWN
    };

    private ReportCharts() {}

    /**
     * Draws a bar chart of the success rate of each attack of a round that ran, with the target
     * as a dashed horizontal line.
     *
     * @param round the round
     * @param target the target success rate
     * @return the PNG, or {@code null} if no attack of the round has a success rate to draw
     */
    static byte[] successRates(Round round, double target) {
        List<String> labels = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        for (AttackOutcome a : round.pool().attacks()) {
            if (a.ran() && Double.isFinite(a.successRate())) {
                labels.add(a.label());
                rates.add(a.successRate());
            }
        }
        if (labels.isEmpty()) {
            return null;
        }
        CategoryChart chart = new CategoryChartBuilder()
                .width(BAR_WIDTH)
                .height(BAR_HEIGHT)
                .title("Round " + round.index() + ": success rate per attack (dashed: target "
                        + Html.num(target, 3) + ")")
                .yAxisTitle("success rate")
                .build();
        CategoryStyler s = chart.getStyler();
        style(s);
        s.setLegendVisible(false);
        s.setAvailableSpaceFill(0.6);
        s.setLabelsVisible(true);
        s.setLabelsFontColorAutomaticEnabled(true);
        s.setLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        s.setLabelsPosition(1.0);
        s.setAnnotationLineColor(TARGET);
        s.setAnnotationLineStroke(new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {8f, 6f}, 0f));
        s.setPlotGridVerticalLinesVisible(false);
        s.setXAxisLabelRotation(labels.size() > 4 ? 25 : 0);
        s.setSeriesColors(new Color[] {BAR});
        chart.addSeries("success rate", labels, rates);
        chart.addAnnotation(new AnnotationLine(target, false, false));
        return png(chart);
    }

    /**
     * Draws robust accuracy against epsilon: one line per round. Undefined points (NaN) are left
     * out.
     *
     * @param title the chart's title (the attack)
     * @param rounds the round of each curve, which names the line and picks its colour and marker
     *     (the same in every chart)
     * @param curves the curves
     * @return the PNG, or {@code null} if no curve has a defined point
     */
    static byte[] accuracyVsEpsilon(String title, List<Round> rounds, List<Curve> curves) {
        XYChart chart = new XYChartBuilder()
                .width(CURVE_WIDTH)
                .height(CURVE_HEIGHT)
                .title(title)
                .xAxisTitle("epsilon")
                .yAxisTitle("robust accuracy")
                .build();
        XYStyler s = chart.getStyler();
        style(s);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Vertical);
        s.setXAxisDecimalPattern("0.###");
        int drawn = 0;
        for (int i = 0; i < curves.size(); i++) {
            Curve c = curves.get(i);
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (int k = 0; k < Math.min(c.epsilons().length, c.robustAccuracy().length); k++) {
                if (Double.isFinite(c.epsilons()[k]) && Double.isFinite(c.robustAccuracy()[k])) {
                    x.add(c.epsilons()[k]);
                    y.add(c.robustAccuracy()[k]);
                }
            }
            if (!x.isEmpty()) {
                int r = rounds.get(i).index();
                String defence = HtmlReport.defence(rounds.get(i));
                if (defence.length() > LEGEND_DEFENCE) {
                    defence = defence.substring(0, LEGEND_DEFENCE - 1) + "…";
                }
                chart.addSeries("round " + r + ": " + defence, x, y)
                        .setMarker(MARKERS[r % MARKERS.length])
                        .setMarkerColor(LINES[r % LINES.length])
                        .setLineColor(LINES[r % LINES.length]);
                drawn++;
            }
        }
        return drawn == 0 ? null : png(chart);
    }

    /**
     * Draws, for each attack of a round that ran under a physical threat model, the survival of
     * its successful adversarials against the strength of the transformation (the factor of T):
     * one line per attack. Undefined points (NaN) are left out.
     *
     * @param round the round
     * @return the PNG, or {@code null} if the round has no physical figures or no defined point
     */
    static byte[] survivalVsStrength(Round round) {
        PhysicalResult p = round.physical();
        if (p == null || p.threat().strengths().length == 0) {
            return null;
        }
        double[] factors = p.threat().strengths();
        XYChart chart = new XYChartBuilder()
                .width(CURVE_WIDTH)
                .height(CURVE_HEIGHT)
                .title("Round " + round.index() + ": survival against strength (1 = "
                        + p.threat().transform().describe() + ")")
                .xAxisTitle("transformation strength (factor of T)")
                .yAxisTitle("survival of successful adversarials")
                .build();
        XYStyler s = chart.getStyler();
        style(s);
        s.setYAxisMax(1.0);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Vertical);
        s.setXAxisDecimalPattern("0.##");
        int drawn = 0;
        for (int i = 0; i < p.attacks().size(); i++) {
            PhysicalResult.Attack a = p.attacks().get(i);
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            double[] v = a.survivalAtStrength();
            for (int k = 0; k < Math.min(factors.length, v.length); k++) {
                if (Double.isFinite(v[k])) {
                    x.add(factors[k]);
                    y.add(v[k]);
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(a.label(), x, y)
                        .setMarker(MARKERS[i % MARKERS.length])
                        .setMarkerColor(LINES[i % LINES.length])
                        .setLineColor(LINES[i % LINES.length]);
                drawn++;
            }
        }
        return drawn == 0 ? null : png(chart);
    }

    /**
     * Draws certified accuracy against the L2 radius (Cohen et al., Figure 1): the fraction of
     * samples certified correct to at least each radius, as a step curve from 0 to just past the
     * largest certified radius, with markers at the reported radii.
     *
     * @param c the certification
     * @param radii the reported radii
     * @return the PNG
     */
    static byte[] certifiedAccuracy(Certification c, double[] radii) {
        XYChart chart = new XYChartBuilder()
                .width(CURVE_WIDTH)
                .height(CURVE_HEIGHT)
                .title("Certified accuracy vs L2 radius (sigma " + Html.num(c.sigma(), 3) + ", n " + c.n() + ", alpha "
                        + c.alpha() + ")")
                .xAxisTitle("L2 radius")
                .yAxisTitle("certified accuracy")
                .build();
        XYStyler s = chart.getStyler();
        style(s);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setXAxisDecimalPattern("0.##");
        double top = c.maxCorrectRadius();
        for (double r : radii) {
            top = Math.max(top, r);
        }
        top = top > 0 ? top * 1.05 : 1.0;
        int steps = 200;
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (int i = 0; i <= steps; i++) {
            double r = top * i / steps;
            x.add(r);
            y.add(c.size() == 0 ? 0.0 : c.certifiedAccuracy(r));
        }
        chart.addSeries("certified accuracy", x, y)
                .setMarker(SeriesMarkers.NONE)
                .setLineColor(LINES[0]);
        List<Double> rx = new ArrayList<>();
        List<Double> ry = new ArrayList<>();
        for (double r : radii) {
            rx.add(r);
            ry.add(c.size() == 0 ? 0.0 : c.certifiedAccuracy(r));
        }
        chart.addSeries("reported radii", rx, ry)
                .setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter)
                .setMarker(SeriesMarkers.CIRCLE)
                .setMarkerColor(LINES[1]);
        return png(chart);
    }

    private static void style(AxesChartStyler s) {
        s.setYAxisMin(0.0);
        s.setYAxisMax(1.0);
        s.setYAxisDecimalPattern("0.00");
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setLegendBorderColor(Color.WHITE);
        s.setChartTitleBoxVisible(false);
        s.setPlotGridLinesColor(new Color(0xdddddd));
        s.setAxisTickMarksColor(Color.GRAY);
        s.setChartFontColor(Color.BLACK);
        s.setAntiAlias(true);
    }

    private static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw the chart '" + chart.getTitle() + "': " + e.getMessage(), e);
        }
    }
}
