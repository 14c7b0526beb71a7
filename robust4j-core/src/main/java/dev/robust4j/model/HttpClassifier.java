package dev.robust4j.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A black-box {@link Classifier} behind an HTTP endpoint: a served model that answers scores (or
 * labels) for a batch of inputs, and nothing else.
 *
 * <h2>Protocol</h2>
 * Each request is a {@code POST} to the URL with {@code Content-Type: application/json} and body
 * <pre>{@code {"inputs": [[x_1, x_2, ..., x_d], ...]}}</pre>
 * one row per sample: the sample's features flattened in row-major order ({@code C, H, W} for an
 * image), float values inside the model's bounds, at most {@link Builder#optMaxBatchSize} rows. A
 * {@code 2xx} answer must carry
 * <pre>{@code {"scores": [[s_1, ..., s_K], ...]}}</pre>
 * one row of {@code K} numbers per input row, in the same order: logits, probabilities or any
 * scores whose arg-max is the prediction; a label-only service returns one-hot rows (declare it
 * with {@link Builder#optOutputKind}). Other fields of the answer are ignored. The two field names
 * are configurable ({@link Builder#optInputField}, {@link Builder#optOutputField}); extra headers
 * (an API key) can be added with {@link Builder#optHeader}.
 *
 * <h2>Failures</h2>
 * Every attempt has a connect timeout and a timeout on the whole response. A failed attempt is
 * retried, at most {@link Builder#optMaxRetries} times with exponential backoff starting at
 * {@link Builder#optRetryBackoff}, when it failed in transport (connection refused or reset, a
 * timeout) or was answered {@code 5xx} or {@code 429 Too Many Requests}; any other {@code 4xx}
 * means the request is wrong and fails at once. What still fails is an {@link UncheckedIOException}
 * whose message names the URL, the status and the start of the answer's body. An answer that
 * breaks the protocol (not JSON, no scores field, a wrong number of rows or scores) fails the same
 * way, without retry.
 *
 * <p>Thread-safe. Each row sent is one query; wrap the model in a {@link QueryCounter} to count
 * them.
 */
public final class HttpClassifier implements Classifier {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HttpClassifier.class);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BODY_EXCERPT = 200;

    /** Default of {@link Builder#optMaxAnswerBytes}: 16 MiB. */
    public static final long DEFAULT_MAX_ANSWER_BYTES = 16L << 20;

    private final URI url;
    private final Shape inputShape;
    private final int numClasses;
    private final Bounds bounds;
    private final OutputKind outputKind;
    private final List<String> classNames;
    private final String inputField;
    private final String outputField;
    private final Duration connectTimeout;
    private final Duration readTimeout;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final int maxBatchSize;
    private final long maxAnswerBytes;
    private final Map<String, String> headers;
    private final HttpClient client;

    private HttpClassifier(Builder b) {
        this.url = b.url;
        this.inputShape = b.inputShape;
        this.numClasses = b.numClasses;
        this.bounds = b.bounds;
        this.outputKind = b.outputKind;
        this.classNames = b.classNames;
        this.inputField = b.inputField;
        this.outputField = b.outputField;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
        this.maxRetries = b.maxRetries;
        this.retryBackoff = b.retryBackoff;
        this.maxBatchSize = b.maxBatchSize;
        this.maxAnswerBytes = b.maxAnswerBytes;
        this.headers = Map.copyOf(b.headers);
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Scores a batch: sends it in requests of at most {@code maxBatchSize} rows, one after the
     * other, and stacks the answers in input order.
     *
     * @param x the inputs, shape {@code (N, inputShape...)}
     * @return the scores, shape {@code (N, K)}, in {@code x}'s manager
     * @throws UncheckedIOException if a request still fails after its retries, or an answer
     *     breaks the protocol
     */
    @Override
    public NDArray predict(NDArray x) {
        Shape shape = x.getShape();
        if (shape.dimension() != inputShape.dimension() + 1 || !shape.slice(1).equals(inputShape)) {
            throw new IllegalArgumentException(description() + " takes inputs of shape (N, "
                    + inputShape.toString().replaceAll("[()]", "") + "), got " + shape);
        }
        int n = (int) shape.get(0);
        int dim = (int) inputShape.size();
        float[] flat;
        if (x.getDataType() == DataType.FLOAT32) {
            flat = x.toFloatArray();
        } else {
            try (NDArray f = x.toType(DataType.FLOAT32, true)) {
                flat = f.toFloatArray();
            }
        }
        float[] scores = new float[n * numClasses];
        for (int from = 0; from < n; from += maxBatchSize) {
            int to = Math.min(n, from + maxBatchSize);
            byte[] body = encode(flat, from, to, dim);
            byte[] answer = post(body, to - from);
            decode(answer, to - from, scores, from * numClasses);
        }
        return x.getManager().create(scores, new Shape(n, numClasses));
    }

    private byte[] encode(float[] flat, int from, int to, int dim) {
        ByteArrayOutputStream out = new ByteArrayOutputStream((to - from) * dim * 12 + 32);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName(inputField);
            g.writeStartArray();
            for (int i = from; i < to; i++) {
                g.writeStartArray();
                for (int j = i * dim; j < (i + 1) * dim; j++) {
                    g.writeNumber(flat[j]);
                }
                g.writeEndArray();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Sends one request with retries and returns the body of the 2xx answer. */
    private byte[] post(byte[] body, int rows) {
        HttpRequest.Builder rb = HttpRequest.newBuilder(url)
                .timeout(readTimeout)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(rb::header);
        HttpRequest request = rb.build();
        String last = null;
        IOException lastCause = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            if (attempt > 0) {
                Duration wait = retryBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
                LOG.info("POST {} ({} inputs) failed ({}); retry {} of {} in {} ms", url, rows, last, attempt, maxRetries,
                        wait.toMillis());
                sleep(wait);
            }
            HttpResponse<byte[]> response;
            try {
                response = send(request);
            } catch (AnswerTooLargeException e) {
                throw failure("the answer of POST " + url + " (" + rows + " inputs) is larger than " + maxAnswerBytes
                        + " bytes, the most this client reads (raise it with optMaxAnswerBytes or --max-answer-bytes)");
            } catch (IOException e) {
                last = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                lastCause = e;
                continue;
            }
            int status = response.statusCode();
            if (status / 100 == 2) {
                return response.body();
            }
            String message = "POST " + url + " (" + rows + " inputs) answered HTTP " + status + ": "
                    + excerpt(response.body());
            if (status >= 500 || status == 429) {
                last = "HTTP " + status + ": " + excerpt(response.body());
                lastCause = new IOException(message);
                continue;
            }
            throw failure(message);
        }
        throw new UncheckedIOException(
                "POST " + url + " (" + rows + " inputs) failed after " + (maxRetries + 1) + " attempt"
                        + (maxRetries == 0 ? "" : "s") + "; last: " + last,
                lastCause);
    }

    private HttpResponse<byte[]> send(HttpRequest request) throws IOException {
        CompletableFuture<HttpResponse<byte[]>> future =
                client.sendAsync(request, info -> new BoundedBody(maxAnswerBytes));
        try {
            return future.get(readTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IOException("timed out after " + readTimeout.toMillis() + " ms waiting for the answer");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof java.net.http.HttpConnectTimeoutException) {
                throw new IOException("connect timed out after " + connectTimeout.toMillis() + " ms", cause);
            }
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw new IOException("timed out after " + readTimeout.toMillis() + " ms waiting for the answer", cause);
            }
            if (cause instanceof AnswerTooLargeException) {
                throw (AnswerTooLargeException) cause;
            }
            if (cause instanceof IOException) {
                throw (IOException) cause;
            }
            throw new IOException(String.valueOf(cause), cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new UncheckedIOException("interrupted while waiting for POST " + url,
                    new InterruptedIOException("interrupted while waiting for POST " + url));
        }
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException("interrupted while retrying POST " + url,
                    new InterruptedIOException("interrupted while retrying POST " + url));
        }
    }

    private void decode(byte[] answer, int rows, float[] out, int offset) {
        JsonNode root;
        try {
            root = JSON.readTree(answer);
        } catch (IOException e) {
            throw protocol("is not JSON (" + firstLine(e.getMessage()) + "): " + excerpt(answer));
        }
        JsonNode scores = root == null ? null : root.get(outputField);
        if (scores == null || !scores.isArray()) {
            throw protocol("has no array field '" + outputField + "': " + excerpt(answer));
        }
        if (scores.size() != rows) {
            throw protocol("has " + scores.size() + " rows of " + outputField + " for " + rows + " inputs");
        }
        for (int i = 0; i < rows; i++) {
            JsonNode row = scores.get(i);
            if (!row.isArray() || row.size() != numClasses) {
                throw protocol("row " + i + " of " + outputField + " has " + (row.isArray() ? row.size() : 0)
                        + " scores; expected " + numClasses);
            }
            for (int j = 0; j < numClasses; j++) {
                JsonNode v = row.get(j);
                if (!v.isNumber()) {
                    throw protocol("row " + i + " of " + outputField + " holds a non-number: " + excerpt(v.toString()));
                }
                float f = v.floatValue();
                if (!Float.isFinite(f)) {
                    throw new IllegalArgumentException(description() + " answered a non-finite score in row "
                            + (offset / numClasses + i) + ", column " + j + ": " + f + " (" + excerpt(v.asText())
                            + " as float32); expected finite scores");
                }
                out[offset + i * numClasses + j] = f;
            }
        }
    }

    private static String excerpt(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    /** The answer exceeded {@code maxAnswerBytes}: not retried. */
    private static final class AnswerTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        AnswerTooLargeException() {
            super("answer too large");
        }
    }

    /** Collects an answer body of at most {@code max} bytes; cancels the rest and fails. */
    private static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final long max;
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final java.util.List<java.nio.ByteBuffer> parts = new java.util.ArrayList<>();
        private java.util.concurrent.Flow.Subscription subscription;
        private long size;

        BoundedBody(long max) {
            this.max = max;
        }

        @Override
        public java.util.concurrent.CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(java.util.concurrent.Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<java.nio.ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (java.nio.ByteBuffer b : items) {
                size += b.remaining();
                if (size > max) {
                    parts.clear();
                    subscription.cancel();
                    result.completeExceptionally(new AnswerTooLargeException());
                    return;
                }
                parts.add(b);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            parts.clear();
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            if (result.isDone()) {
                return;
            }
            byte[] out = new byte[(int) size];
            int at = 0;
            for (java.nio.ByteBuffer b : parts) {
                int n = b.remaining();
                b.get(out, at, n);
                at += n;
            }
            parts.clear();
            result.complete(out);
        }
    }

    /** An I/O failure whose message is exactly {@code message} (not prefixed by a class name). */
    private static UncheckedIOException failure(String message) {
        return new UncheckedIOException(message, new IOException(message));
    }

    private UncheckedIOException protocol(String what) {
        return failure("the answer of POST " + url + " " + what);
    }

    private static String excerpt(byte[] body) {
        if (body == null || body.length == 0) {
            return "(empty body)";
        }
        String s = new String(body, 0, Math.min(body.length, BODY_EXCERPT * 4), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ").trim();
        return s.length() > BODY_EXCERPT ? s.substring(0, BODY_EXCERPT) + "..." : s;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unknown error";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public Shape inputShape() {
        return inputShape;
    }

    @Override
    public Bounds bounds() {
        return bounds;
    }

    @Override
    public OutputKind outputKind() {
        return outputKind;
    }

    @Override
    public List<String> classNames() {
        return classNames;
    }

    @Override
    public String description() {
        return "HTTP " + url;
    }

    /** @return the endpoint */
    public URI url() {
        return url;
    }

    /**
     * Builds an {@link HttpClassifier}: {@code setUrl}, {@code setInputShape} and
     * {@code setNumClasses} are required. Building sends nothing.
     */
    public static final class Builder extends ModelBuilder<Builder> {
        private URI url;
        private int numClasses;
        private OutputKind outputKind = OutputKind.SCORES;
        private String inputField = "inputs";
        private String outputField = "scores";
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration readTimeout = Duration.ofSeconds(60);
        private int maxRetries = 3;
        private Duration retryBackoff = Duration.ofMillis(200);
        private int maxBatchSize = 64;
        private long maxAnswerBytes = DEFAULT_MAX_ANSWER_BYTES;
        private final Map<String, String> headers = new LinkedHashMap<>();

        private Builder() {}

        @Override
        Builder self() {
            return this;
        }

        /**
         * @param url the endpoint, {@code http} or {@code https}
         * @return this builder
         */
        public Builder setUrl(URI url) {
            this.url = Objects.requireNonNull(url, "url");
            return this;
        }

        /**
         * @param url the endpoint, e.g. {@code http://127.0.0.1:8080/predict}
         * @return this builder
         * @throws IllegalArgumentException if it is not a URI
         */
        public Builder setUrl(String url) {
            try {
                return setUrl(URI.create(Objects.requireNonNull(url, "url")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("url must be an http(s) URL, got '" + url + "'");
            }
        }

        /**
         * @param k the number of scores per answer row, at least 2
         * @return this builder
         */
        public Builder setNumClasses(int k) {
            this.numClasses = k;
            return this;
        }

        /**
         * @param kind {@code LABEL_ONLY} if the service answers one-hot rows; default {@code SCORES}
         * @return this builder
         */
        public Builder optOutputKind(OutputKind kind) {
            this.outputKind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /**
         * @param name the request's field holding the rows of inputs; default {@code inputs}
         * @return this builder
         */
        public Builder optInputField(String name) {
            this.inputField = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param name the answer's field holding the rows of scores; default {@code scores}
         * @return this builder
         */
        public Builder optOutputField(String name) {
            this.outputField = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param timeout the longest wait to open a connection; default 10 s
         * @return this builder
         */
        public Builder optConnectTimeout(Duration timeout) {
            this.connectTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param timeout the longest wait for a whole answer, per attempt; default 60 s
         * @return this builder
         */
        public Builder optReadTimeout(Duration timeout) {
            this.readTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        /**
         * @param retries how often a failed request is retried (transport errors, 5xx, 429);
         *     default 3; 0 disables retries
         * @return this builder
         */
        public Builder optMaxRetries(int retries) {
            this.maxRetries = retries;
            return this;
        }

        /**
         * @param backoff the wait before the first retry, doubled before each next one; default
         *     200 ms
         * @return this builder
         */
        public Builder optRetryBackoff(Duration backoff) {
            this.retryBackoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * @param rows the most input rows per request; default 64
         * @return this builder
         */
        public Builder optMaxBatchSize(int rows) {
            this.maxBatchSize = rows;
            return this;
        }

        /**
         * Caps the size of an answer: the body is read as it arrives and the request fails, without
         * retry, as soon as it exceeds the cap, so a hostile or broken service cannot exhaust memory.
         *
         * @param bytes the largest answer body read; default {@link HttpClassifier#DEFAULT_MAX_ANSWER_BYTES} (16 MiB)
         * @return this builder
         */
        public Builder optMaxAnswerBytes(long bytes) {
            this.maxAnswerBytes = bytes;
            return this;
        }

        /**
         * Adds a header to every request, e.g. {@code Authorization}.
         *
         * @param name the header's name
         * @param value its value
         * @return this builder
         */
        public Builder optHeader(String name, String value) {
            headers.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Validates the settings.
         *
         * @return the classifier
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public HttpClassifier build() {
            if (url == null) {
                throw new IllegalArgumentException("url is required");
            }
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
                throw new IllegalArgumentException("url must be an http(s) URL with a host, got '" + url + "'");
            }
            checkInputShape("model " + url);
            if (numClasses < 2) {
                throw new IllegalArgumentException("number of classes must be >= 2, got " + numClasses);
            }
            if (!classNames.isEmpty() && classNames.size() != numClasses) {
                throw new IllegalArgumentException(
                        classNames.size() + " class names were given for " + numClasses + " classes");
            }
            if (inputField.isBlank() || outputField.isBlank()) {
                throw new IllegalArgumentException("JSON field names must not be blank");
            }
            checkPositive("connect timeout", connectTimeout);
            checkPositive("read timeout", readTimeout);
            if (maxRetries < 0 || maxRetries > 10) {
                throw new IllegalArgumentException("max retries must be in [0, 10], got " + maxRetries);
            }
            if (retryBackoff.isNegative()) {
                throw new IllegalArgumentException("retry backoff must not be negative, got " + retryBackoff);
            }
            if (maxBatchSize < 1) {
                throw new IllegalArgumentException("max batch size must be >= 1, got " + maxBatchSize);
            }
            if (maxAnswerBytes < 1 || maxAnswerBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("max answer bytes must be in [1, " + (Integer.MAX_VALUE - 8)
                        + "], got " + maxAnswerBytes);
            }
            return new HttpClassifier(this);
        }

        private static void checkPositive(String what, Duration d) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
        }
    }
}
