package dev.robust4j.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on stderr for long work, drawn only when stderr is an interactive terminal so
 * that logs and captured output stay clean.
 */
final class ProgressReporter implements AutoCloseable {

    private final ProgressBar bar;

    private ProgressReporter(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * @param task what is being done, e.g. "pgd"
     * @param total the number of units of work
     * @param unit the unit's name, e.g. "samples"
     * @return a reporter; a silent one when not on a terminal
     */
    static ProgressReporter start(String task, long total, String unit) {
        if (System.console() == null || System.getenv("ROBUST4J_NO_PROGRESS") != null) {
            return new ProgressReporter(null);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .continuousUpdate()
                .build();
        return new ProgressReporter(bar);
    }

    /** @param done units done so far */
    void stepTo(long done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    /** @param text extra text shown after the bar */
    void message(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
