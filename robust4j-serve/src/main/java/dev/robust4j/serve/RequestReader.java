package dev.robust4j.serve;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.robust4j.model.Bounds;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Reads and checks the body of {@code POST /v1/predict}: {@code {"inputs": [[x_1, ..., x_d], ...]}},
 * at least one row, each of exactly {@code d} finite numbers inside the model's bounds. Streams the
 * JSON (no tree), so a body costs about its own size in memory. Every refusal is a
 * {@link ApiException} with status 400 (or 413 for a body over the limit) and a message that names
 * the problem, the row and the column.
 */
final class RequestReader {

    private static final JsonFactory JSON = new JsonFactory();

    private final int dim;
    private final String shape;
    private final Bounds bounds;
    private final long maxBody;

    RequestReader(int dim, String shape, Bounds bounds, long maxBody) {
        this.dim = dim;
        this.shape = shape;
        this.bounds = bounds;
        this.maxBody = maxBody;
    }

    /**
     * Reads at most {@code maxBody} bytes.
     *
     * @param in the body
     * @param contentLength the declared length, or -1
     * @return the bytes
     * @throws ApiException 413 if the body is longer than the limit
     */
    byte[] readBody(InputStream in, long contentLength) throws IOException {
        if (contentLength > maxBody) {
            throw tooLarge(contentLength);
        }
        byte[] buf = new byte[(int) Math.min(maxBody + 1, contentLength >= 0 ? contentLength + 1 : 8192)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n > maxBody) {
                    throw tooLarge(-1);
                }
                buf = Arrays.copyOf(buf, (int) Math.min(maxBody + 1, (long) buf.length * 2));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
            if (n > maxBody) {
                throw tooLarge(-1);
            }
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    private ApiException tooLarge(long length) {
        return new ApiException(413, "request body " + (length >= 0 ? "of " + length + " bytes " : "")
                + "is larger than " + maxBody + " bytes, the most this server reads (--max-body); send fewer rows"
                + " per request");
    }

    /**
     * Parses and checks a body.
     *
     * @param body the bytes
     * @return the rows
     * @throws ApiException 400 naming the problem
     */
    float[][] parse(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw bad("request body must be a JSON object {\"inputs\": [[...], ...]}");
            }
            float[][] rows = null;
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("inputs")) {
                    if (rows != null) {
                        throw bad("field 'inputs' is given twice");
                    }
                    rows = rows(p);
                } else {
                    p.skipChildren();
                }
            }
            if (t != JsonToken.END_OBJECT) {
                throw bad("request body is not valid JSON: unexpected " + t);
            }
            if (p.nextToken() != null) {
                throw bad("request body is not valid JSON: more after the closing '}'");
            }
            if (rows == null) {
                throw bad("missing field 'inputs'; expected {\"inputs\": [[...], ...]} with rows of " + dim
                        + " numbers (input shape " + shape + ")");
            }
            return rows;
        } catch (JsonProcessingException e) {
            throw bad("request body is not valid JSON: " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + " at byte " + e.getLocation().getByteOffset());
        } catch (IOException e) {
            throw bad("cannot read the request body: " + e.getMessage());
        }
    }

    private float[][] rows(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_ARRAY) {
            throw bad("field 'inputs' must be an array of rows, got " + describe(p.currentToken()));
        }
        List<float[]> rows = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            int i = rows.size();
            if (t != JsonToken.START_ARRAY) {
                throw bad("row " + i + " of 'inputs' must be an array of " + dim + " numbers, got " + describe(t));
            }
            float[] row = new float[dim];
            int j = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                    throw bad("row " + i + ", column " + j + " of 'inputs' is " + describe(t) + "; expected a number");
                }
                if (j >= dim) {
                    throw bad("row " + i + " of 'inputs' has more than " + dim + " values; expected " + dim
                            + " (input shape " + shape + ")");
                }
                float v = (float) p.getDoubleValue();
                if (!Float.isFinite(v)) {
                    throw bad("row " + i + ", column " + j + " of 'inputs' is not a finite float32: " + excerpt(p.getText()));
                }
                if (v < bounds.min() || v > bounds.max()) {
                    throw bad(String.format(Locale.ROOT, "row %d, column %d of 'inputs' is %s, outside the model's"
                            + " input bounds [%s, %s]", i, j, excerpt(p.getText()), bounds.min(), bounds.max()));
                }
                row[j++] = v;
            }
            if (j != dim) {
                throw bad("row " + i + " of 'inputs' has " + j + " values; expected " + dim + " (input shape " + shape
                        + ")");
            }
            rows.add(row);
        }
        if (rows.isEmpty()) {
            throw bad("field 'inputs' has no rows; expected at least one row of " + dim + " numbers");
        }
        return rows.toArray(new float[0][]);
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the body";
        }
        switch (t) {
            case START_OBJECT: return "an object";
            case START_ARRAY: return "an array";
            case VALUE_STRING: return "a string";
            case VALUE_TRUE: case VALUE_FALSE: return "a boolean";
            case VALUE_NULL: return "null";
            default: return t.asString() == null ? t.name() : t.asString();
        }
    }

    private static String excerpt(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    private static ApiException bad(String message) {
        return new ApiException(400, message);
    }

    /** A refusal with an HTTP status and a message for the JSON error. */
    static final class ApiException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int status;

        ApiException(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }
}
