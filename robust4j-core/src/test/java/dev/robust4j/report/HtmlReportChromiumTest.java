package dev.robust4j.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.robust4j.evaluate.RobustnessReport;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Renders a written report in headless Chromium (Debian's {@code chromium}; {@code .ci/run}
 * installs it when it can) and checks what a reader sees: the tables, every image decoded, no
 * script but the probe, and a screenshot that is not blank. Skipped, with the reason, where no
 * browser is installed.
 */
class HtmlReportChromiumTest {

    private static final List<String> BROWSERS = List.of("chromium", "chromium-browser", "google-chrome",
            "google-chrome-stable");
    private static final long TIMEOUT_SECONDS = 60;
    /** Counts the decoded images and the script elements once the page has loaded. */
    private static final String PROBE = "<script>window.addEventListener('load',()=>{"
            + "document.body.setAttribute('data-images-ok',"
            + "[...document.images].filter(i=>i.complete&&i.naturalWidth>0).length+'/'+document.images.length);"
            + "document.body.setAttribute('data-scripts',document.scripts.length)})</script>";

    @TempDir
    static Path tmp;

    static Path browser;
    static Path index;

    @BeforeAll
    static void findBrowserAndWriteReport() throws IOException, InterruptedException {
        browser = onPath();
        Assumptions.assumeTrue(browser != null, "chromium not installed: none of " + BROWSERS
                + " is on the PATH, so the report was not rendered in a browser (apt-get install chromium)");
        Run version = run(List.of(browser.toString(), "--version"));
        Assumptions.assumeTrue(version.exit == 0 && version.out.contains("Chrom"), "chromium at " + browser
                + " does not run (exit " + version.exit + "): " + version.tail());
        RobustnessReport report = SampleReports.build();
        index = ReportWriter.write(report, tmp.resolve("report"));
    }

    @Test
    void theBrowserShowsTheTablesAndDecodesEveryImage() throws IOException, InterruptedException {
        String html = Files.readString(index, StandardCharsets.UTF_8);
        Path probe = index.resolveSibling("probe.html");
        Files.writeString(probe, html.replace("</body>", PROBE + "</body>"), StandardCharsets.UTF_8);
        Run dom = run(chromium("--virtual-time-budget=5000", "--dump-dom", probe.toUri().toString()));
        assertThat(dom.exit).as("chromium --dump-dom: %s", dom.tail()).isZero();
        int k = SampleReports.imageCount();
        assertThat(dom.out).contains("data-images-ok=\"" + k + "/" + k + "\"");
        // the probe is the only script: the hostile strings stayed text
        assertThat(dom.out).contains("data-scripts=\"1\"");
        assertThat(HtmlReportTest.count(dom.out, "<table\\b")).isEqualTo(4);
        assertThat(dom.out).contains("<caption>Rounds: the attack pool against each defended model</caption>",
                "<caption>Attacks of round 0</caption>", "<caption>Attacks of round 1</caption>",
                "<caption>Attacks of round 2</caption>", "Target met");
        assertThat(dom.out).contains("T-shirt &lt;script&gt;alert(1)&lt;/script&gt; &amp; top");
    }

    @Test
    void theScreenshotIsNotBlank() throws IOException, InterruptedException {
        Path png = tmp.resolve("shot.png");
        Run shot = run(chromium("--window-size=1200,2400", "--screenshot=" + png, index.toUri().toString()));
        assertThat(shot.exit).as("chromium --screenshot: %s", shot.tail()).isZero();
        BufferedImage img = ImageIO.read(png.toFile());
        assertThat(img).isNotNull();
        assertThat(img.getWidth()).isEqualTo(1200);
        double sum = 0;
        double sq = 0;
        long dark = 0;
        long n = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                int p = img.getRGB(x, y);
                double g = 0.299 * ((p >> 16) & 255) + 0.587 * ((p >> 8) & 255) + 0.114 * (p & 255);
                sum += g;
                sq += g * g;
                dark += g < 128 ? 1 : 0;
                n++;
            }
        }
        double mean = sum / n;
        double variance = sq / n - mean * mean;
        // a blank page has variance 0; text, tables, charts and images give hundreds
        assertThat(variance).as("grey-level variance of the screenshot").isGreaterThan(200);
        assertThat((double) dark / n).as("fraction of dark pixels").isBetween(0.02, 0.6);
    }

    private static List<String> chromium(String... args) {
        List<String> cmd = new ArrayList<>(List.of(browser.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--disable-background-networking", "--disable-sync", "--hide-scrollbars",
                "--user-data-dir=" + tmp.resolve("profile")));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Path onPath() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String name : BROWSERS) {
            for (String dir : path.split(File.pathSeparator)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private record Run(int exit, String out, String err) {
        String tail() {
            String all = (out + "\n" + err).strip();
            return all.length() <= 2000 ? all : "…" + all.substring(all.length() - 2000);
        }
    }

    private static Run run(List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "chromium", ".out");
        Path err = Files.createTempFile(tmp, "chromium", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError(cmd.get(0) + " did not finish in " + TIMEOUT_SECONDS + " s: " + cmd);
            }
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
