package dev.robust4j.cli;

import dev.robust4j.evaluate.AttackOutcome;
import dev.robust4j.evaluate.PhysicalResult;
import dev.robust4j.evaluate.RobustnessListener;
import dev.robust4j.evaluate.RobustnessReport;
import dev.robust4j.evaluate.Round;
import dev.robust4j.nn.TrainingListener;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows a robustness test on the console: progress bars for training and attacks, a table per
 * round as it finishes, and the table of rounds with the verdict at the end.
 */
final class RobustnessConsole implements RobustnessListener {

    private final PrintWriter out;
    private ProgressReporter bar;

    RobustnessConsole(PrintWriter out) {
        this.out = out;
    }

    @Override
    public void roundStarted(int index, String defence) {
        out.printf(Locale.ROOT, "%nround %d: %s%n", index, index == 0 ? "the undefended model" : defence);
        out.flush();
    }

    @Override
    public TrainingListener trainingStarted(String what) {
        return new TrainingListener() {
            @Override
            public void onBatch(BatchProgress p) {
                if (bar == null) {
                    bar = ProgressReporter.start("train " + what, p.totalSteps(), "batches");
                }
                bar.stepTo(p.step());
            }
        };
    }

    @Override
    public void trainingFinished(String what, double seconds) {
        closeBar();
        out.printf(Locale.ROOT, "  trained %s in %.1f s%n", what, seconds);
        out.flush();
    }

    @Override
    public void attackStarted(String label, int samples) {
        closeBar();
        bar = ProgressReporter.start(label, samples, "samples");
    }

    @Override
    public void attackProgress(String label, int done, int total) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    @Override
    public void attackFinished(AttackOutcome o) {
        closeBar();
    }

    @Override
    public void curveStarted(String attack, int points) {
        out.printf(Locale.ROOT, "  accuracy-vs-epsilon curve: %s at %d budgets%n", attack, points);
        out.flush();
    }

    @Override
    public void roundFinished(Round r) {
        closeBar();
        out.printf(Locale.ROOT, "  model: %s%n", r.model());
        out.printf(Locale.ROOT, "  %-30s %-9s %6s %10s %10s %9s %9s %8s%n",
                "attack", "kind", "SR", "robust acc", "median L2", "max Linf", "queries", "seconds");
        for (AttackOutcome a : r.pool().attacks()) {
            if (!a.ran()) {
                out.printf(Locale.ROOT, "  %-30s %-9s skipped: %s%n", a.label(), a.kind().access(), a.skipped());
                continue;
            }
            out.printf(Locale.ROOT, "  %-30s %-9s %6s %10s %10s %9s %9.0f %8.1f%s%n", a.label(), a.kind().access(),
                    Summaries.f3(a.successRate()), Summaries.f3(a.robustAccuracy()), Summaries.f3(a.l2Median()),
                    Summaries.f3(a.linfMax()), a.queriesMean(), a.seconds(),
                    Double.isNaN(a.detectedRate()) ? "" : "  (detector flagged " + Summaries.f3(a.detectedRate()) + ")");
        }
        PhysicalResult p = r.physical();
        if (p == null) {
            out.printf(Locale.ROOT, "  clean accuracy %s, worst-case SR %s, robust accuracy %s: target %s (%.1f s)%n",
                    Summaries.f3(r.cleanAccuracy()), Summaries.f3(r.successRate()), Summaries.f3(r.robustAccuracy()),
                    r.targetMet() ? "met" : "not met", r.seconds());
        } else {
            out.printf(Locale.ROOT, "  clean accuracy %s, worst-case SR %s, robust accuracy %s (untransformed)%n",
                    Summaries.f3(r.cleanAccuracy()), Summaries.f3(r.successRate()), Summaries.f3(r.robustAccuracy()));
            out.printf(Locale.ROOT, "  under %s (%d draws per sample):%n", p.threat().transform().describe(),
                    p.threat().draws());
            out.printf(Locale.ROOT, "  %-30s %10s %10s %9s %11s%n", "attack", "SR under T", "robust acc", "survival",
                    ">= half");
            for (PhysicalResult.Attack a : p.attacks()) {
                out.printf(Locale.ROOT, "  %-30s %10s %10s %9s %11s%n", a.label(), Summaries.f3(a.successRate()),
                        Summaries.f3(a.robustAccuracy()), Summaries.f3(a.survival()),
                        Summaries.f3(a.survivalAtLeastHalf()));
            }
            out.printf(Locale.ROOT, "  clean accuracy under T %s, worst-case SR under T %s, robust accuracy under T %s:"
                    + " target %s (%.1f s)%n", Summaries.f3(p.cleanAccuracy()), Summaries.f3(p.successRate()),
                    Summaries.f3(p.robustAccuracy()), r.targetMet() ? "met" : "not met", r.seconds());
        }
        out.flush();
    }

    /**
     * Prints the table of rounds and the verdict.
     *
     * @param report the report
     */
    void summary(RobustnessReport report) {
        out.printf(Locale.ROOT, "%nrounds (%s threat model, target success rate %s):%n", report.threatModel().id(),
                Summaries.f3(report.targetSuccessRate()));
        out.printf(Locale.ROOT, "  %-5s %-58s %9s %6s %10s %8s%n", "round", "defence", "clean acc", "SR", "robust acc",
                "seconds");
        for (Round r : report.rounds()) {
            String defence = r.defence().length() > 58 ? r.defence().substring(0, 55) + "..." : r.defence();
            out.printf(Locale.ROOT, "  %-5s %-58s %9s %6s %10s %8.1f%n",
                    r.index() + (r.index() == report.bestRound() ? "*" : ""), defence, Summaries.f3(r.cleanAccuracy()),
                    Summaries.f3(r.successRate()), Summaries.f3(r.robustAccuracy()), r.seconds());
        }
        PhysicalResult physical = report.rounds().get(0).physical();
        if (physical != null) {
            out.printf(Locale.ROOT, "  under %s (%d draws per sample):%n", physical.threat().transform().describe(),
                    physical.threat().draws());
            out.printf(Locale.ROOT, "  %-5s %-58s %9s %6s %10s%n", "round", "", "clean acc", "SR", "robust acc");
            for (Round r : report.rounds()) {
                PhysicalResult p = r.physical();
                out.printf(Locale.ROOT, "  %-5s %-58s %9s %6s %10s%n",
                        r.index() + (r.index() == report.bestRound() ? "*" : ""), "", Summaries.f3(p.cleanAccuracy()),
                        Summaries.f3(p.successRate()), Summaries.f3(p.robustAccuracy()));
            }
        }
        out.printf(Locale.ROOT, "  (* best round; SR is the per-sample worst case over the attack pool%s)%n%n%s%n",
                physical == null ? "" : "; the target is judged on the SR under the transformations", report.verdict());
        out.flush();
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
