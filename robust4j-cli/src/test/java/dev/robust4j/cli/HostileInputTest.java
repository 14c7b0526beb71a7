package dev.robust4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input corpus ({@code src/test/resources/hostile/cases.tsv}) through the command
 * line: every case exits 2 with exactly one line on stderr naming what is wrong (no stack trace,
 * no Java exception class, no temporary file name), and leaves every file of its folder as it was.
 * Small inputs are committed (made by {@code make_corpus.py}); large and tampered ones are made
 * here: an 8 MB YAML scalar, model directories with tampered metadata or NaN parameters, and a
 * loopback HTTP server answering garbage, infinities, NaN tokens, too few rows and 200 MB.
 */
class HostileInputTest {

    static final Path HOSTILE = Path.of("src", "test", "resources", "hostile");
    static final Path FIXTURES = Path.of("..", "robust4j-core", "src", "test", "resources", "fixtures");
    static final Path TS = FIXTURES.resolve("torchscript");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir static Path generated;
    private static HttpServer server;
    private static String url;

    @BeforeAll
    static void generate() throws Exception {
        Files.writeString(generated.resolve("big.yaml"), "data: " + "a".repeat(8 << 20) + "\n");
        Path model = generated.resolve("model");
        CliTest.Run t = CliTest.run("train", "--data", "sample", "--limit", "300", "--arch", "mlp", "--epochs", "1",
                "--out", model.toString());
        assertThat(t.code()).as(t.err()).isZero();
        tamper(model, "model-bad-json", (dir, meta) -> Files.writeString(dir.resolve("robust4j-model.json"), "{ not json"));
        tamper(model, "model-sha", (dir, meta) -> {
            Path p = parameters(dir, meta);
            Files.write(p, new byte[] {1}, java.nio.file.StandardOpenOption.APPEND);
        });
        tamper(model, "model-huge-shape", (dir, meta) -> {
            ArrayNode shape = meta.putArray("input_shape");
            shape.add(1).add(100000).add(100000);
            write(dir, meta);
        });
        tamper(model, "model-deep-json", (dir, meta) -> Files.writeString(dir.resolve("robust4j-model.json"),
                "{\"format\": " + "[".repeat(200_000) + "]".repeat(200_000) + "}"));
        tamper(model, "model-num-classes", (dir, meta) -> {
            meta.put("num_classes", 1000000);
            write(dir, meta);
        });
        tamper(model, "model-big-metadata", (dir, meta) -> Files.writeString(dir.resolve("robust4j-model.json"),
                JSON.writeValueAsString(meta) + " ".repeat(2 << 20)));
        tamper(model, "model-nan", (dir, meta) -> {
            // The last parameter saved is the output layer's bias; these four bytes are NaN in
            // either byte order. The recorded SHA-256 is updated, so only the NaN is wrong.
            Path p = parameters(dir, meta);
            byte[] b = Files.readAllBytes(p);
            b[b.length - 4] = 0x7F;
            b[b.length - 3] = (byte) 0xC0;
            b[b.length - 2] = (byte) 0xC0;
            b[b.length - 1] = 0x7F;
            Files.write(p, b);
            ((ObjectNode) meta.get("parameters")).put("sha256",
                    HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)));
            write(dir, meta);
        });

        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/garbage", ex -> answer(ex, 200, "this is not JSON {"));
        server.createContext("/infinite", ex -> answer(ex, 200, scores(rows(ex), "1e999")));
        server.createContext("/nan", ex -> answer(ex, 200, scores(rows(ex), "NaN")));
        server.createContext("/rows", ex -> answer(ex, 200, scores(1, "0.5")));
        server.createContext("/status400", ex -> answer(ex, 400, "{\"error\": \"bad request\"}"));
        server.createContext("/huge", HostileInputTest::huge);
        server.createContext("/constant", ex -> {
            int n = rows(ex);
            StringBuilder b = new StringBuilder("{\"scores\": [");
            for (int i = 0; i < n; i++) {
                b.append(i == 0 ? "" : ",").append("[0,0,0,0,0,0,0,0,0,5]");
            }
            answer(ex, 200, b.append("]}").toString());
        });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String line : Files.readAllLines(HOSTILE.resolve("cases.tsv"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split(" \\| ", 3);
            out.add(Arguments.of(cols[0].trim(), cols[1].trim(), cols[2].trim()));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void refusedWithOneLineAndNothingReplaced(String name, String args, String fragment, @TempDir Path t)
            throws IOException {
        Files.writeString(t.resolve("old.json"), "{\"old\": true}\n");
        dev.robust4j.data.Npy.writeFloat32(t.resolve("old.npy"), new float[] {1, 2, 3}, 3);
        Files.copy(TS.resolve("x.npy"), t.resolve("data.npy"));
        Files.writeString(t.resolve("afile"), "a file\n");
        Files.createDirectory(t.resolve("dir"));
        Files.createDirectory(t.resolve("full"));
        Files.writeString(t.resolve("full").resolve("keep.txt"), "keep\n");
        Map<String, String> before = snapshot(t);

        String[] argv = expand(args, t);
        CliTest.Run r = CliTest.run(argv);

        String expected = fill(fragment, t);
        List<String> lines = r.err().lines().toList();
        assertThat(r.code()).as("exit code of %s; stderr: %s", name, r.err()).isEqualTo(2);
        assertThat(lines).as("stderr of %s", name).hasSize(1);
        String line = lines.get(0);
        assertThat(line).as(name).startsWith("robust4j: ").contains(expected)
                .doesNotContainPattern("\\w+(Exception|Error)\\b")
                .doesNotContainPattern("\\.tmp\\b")
                .doesNotContain("internal error");
        assertThat(line.length()).as("length of the message of %s", name).isLessThanOrEqualTo(1100);
        assertThat(snapshot(t)).as("files of %s after the run", name).isEqualTo(before);
    }

    @Test
    void aModelThatClassifiesNothingCorrectlyGetsAPlainVerdict(@TempDir Path t) {
        CliTest.Run r = CliTest.run("evaluate", "--model", url + "/constant", "--num-classes", "10",
                "--data", HOSTILE.resolve("npy/good-x.npy").toString(),
                "--labels", HOSTILE.resolve("labels/four.npy").toString(), "--threat-model", "black-box",
                "--attacks", "square:eps=0.1,max-queries=5", "--target-sr", "0.2", "--json", t.resolve("r.json").toString());
        assertThat(r.code()).as(r.err()).isEqualTo(1);
        assertThat(r.out()).contains("target not met: the model classifies none of the samples correctly")
                .doesNotContain("NaN");
    }

    /** Every file and directory under {@code dir} with a digest of its content. */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                String key = dir.relativize(p).toString();
                out.put(key, Files.isDirectory(p) ? "dir" : digest(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    private static String digest(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] expand(String args, Path t) {
        String full = args.replace("{ATTACK}", "attack --model {TS}/cnn_traced.pt --attack fgsm --limit 4");
        return Arrays.stream(full.split(" +"))
                .map(a -> a.equals("''") ? "" : fill(a, t))
                .toArray(String[]::new);
    }

    private static String fill(String s, Path t) {
        return s.replace("{H}", HOSTILE.toString())
                .replace("{TS}", TS.toString())
                .replace("{ONNX}", FIXTURES.resolve("onnx").toString())
                .replace("{G}", generated.toString())
                .replace("{URL}", url)
                .replace("{T}", t.toString());
    }

    // --- generated inputs ---

    @FunctionalInterface
    interface Tamper {
        void apply(Path dir, ObjectNode metadata) throws Exception;
    }

    private static void tamper(Path model, String name, Tamper how) throws Exception {
        Path dir = generated.resolve(name);
        Files.createDirectory(dir);
        try (Stream<Path> files = Files.list(model)) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        ObjectNode meta = (ObjectNode) JSON.readTree(dir.resolve("robust4j-model.json").toFile());
        how.apply(dir, meta);
    }

    private static Path parameters(Path dir, ObjectNode meta) {
        return dir.resolve(meta.get("parameters").get("file").asText());
    }

    private static void write(Path dir, ObjectNode meta) throws IOException {
        Files.write(dir.resolve("robust4j-model.json"), JSON.writeValueAsBytes(meta));
    }

    private static int rows(HttpExchange ex) throws IOException {
        return JSON.readTree(ex.getRequestBody().readAllBytes()).get("inputs").size();
    }

    private static String scores(int rows, String first) {
        StringBuilder b = new StringBuilder("{\"scores\": [");
        for (int i = 0; i < rows; i++) {
            b.append(i == 0 ? "" : ",").append('[').append(first);
            for (int j = 1; j < 10; j++) {
                b.append(",0.1");
            }
            b.append(']');
        }
        return b.append("]}").toString();
    }

    private static void answer(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getRequestBody().transferTo(OutputStream.nullOutputStream());
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    /** Streams a 200 MB answer; the client is expected to hang up after its cap. */
    private static void huge(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(200, 0);
        byte[] chunk = "0.1,".repeat(1 << 14).getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = ex.getResponseBody()) {
            out.write("{\"scores\": [[".getBytes(StandardCharsets.US_ASCII));
            for (long sent = 0; sent < 200L << 20; sent += chunk.length) {
                out.write(chunk);
            }
            out.write("0]]}".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException | UncheckedIOException e) {
            // the client hung up, as it should
        } finally {
            ex.close();
        }
    }
}
