package dev.robust4j.transform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A distribution T of input transformations, each parameter the half-width of a uniform draw (or
 * a standard deviation), all zero for the identity:
 *
 * <ul>
 *   <li>{@code rotation}: degrees, the angle is uniform in {@code [-rotation, rotation]} about the
 *       image centre;
 *   <li>{@code translation}: pixels, each axis's shift is uniform in
 *       {@code [-translation, translation]} (sub-pixel, bilinear);
 *   <li>{@code scale}: the zoom factor is uniform in {@code [1 - scale, 1 + scale]}, {@code scale < 1};
 *   <li>{@code brightness}: an offset uniform in {@code [-brightness, brightness]} added to every
 *       feature;
 *   <li>{@code contrast}: a factor uniform in {@code [1 - contrast, 1 + contrast]} multiplying every
 *       feature, {@code contrast < 1};
 *   <li>{@code noise}: the standard deviation of Gaussian noise added to every feature;
 *   <li>{@code blur}: the standard deviation in pixels of a Gaussian blur (fixed, not random; 0 for
 *       none).
 * </ul>
 *
 * <p>Applied in that order (geometry, blur, contrast, brightness, noise), then clipped to the
 * model's bounds; pixels that the geometry brings in from outside the image take the lower bound.
 * The same names are used by attacks ({@code eot-pgd}), measurements ({@link Survival}), the JSON
 * record and the report.
 *
 * @param rotation maximum rotation in degrees, in {@code [0, 180]}
 * @param translation maximum shift in pixels, at least 0
 * @param scale maximum relative zoom, in {@code [0, 1)}
 * @param brightness maximum additive brightness change, at least 0
 * @param contrast maximum relative contrast change, in {@code [0, 1)}
 * @param noise standard deviation of additive Gaussian noise, at least 0
 * @param blur standard deviation of the Gaussian blur in pixels, at least 0
 */
public record TransformSpec(
        double rotation, double translation, double scale, double brightness, double contrast, double noise,
        double blur) {

    /** The parameter names, in the order they are applied. */
    public static final List<String> NAMES =
            List.of("rotation", "translation", "scale", "brightness", "contrast", "noise", "blur");

    /** The identity: no transformation. */
    public static final TransformSpec NONE = new TransformSpec(0, 0, 0, 0, 0, 0, 0);

    /**
     * Validates the parameters.
     *
     * @param rotation maximum rotation in degrees, in {@code [0, 180]}
     * @param translation maximum shift in pixels, at least 0
     * @param scale maximum relative zoom, in {@code [0, 1)}
     * @param brightness maximum additive brightness change, at least 0
     * @param contrast maximum relative contrast change, in {@code [0, 1)}
     * @param noise standard deviation of additive Gaussian noise, at least 0
     * @param blur standard deviation of the Gaussian blur in pixels, at least 0
     * @throws IllegalArgumentException naming the parameter and its value when one is out of range
     */
    public TransformSpec {
        check("rotation", rotation, 180, true);
        check("translation", translation, Double.POSITIVE_INFINITY, true);
        check("scale", scale, 1, false);
        check("brightness", brightness, Double.POSITIVE_INFINITY, true);
        check("contrast", contrast, 1, false);
        check("noise", noise, Double.POSITIVE_INFINITY, true);
        check("blur", blur, Double.POSITIVE_INFINITY, true);
    }

    private static void check(String name, double value, double max, boolean maxIncluded) {
        boolean ok = Double.isFinite(value) && value >= 0 && (maxIncluded ? value <= max : value < max);
        if (!ok) {
            String range = Double.isInfinite(max) ? "a finite number >= 0"
                    : "in [0, " + fmt(max) + (maxIncluded ? "]" : ")");
            throw new IllegalArgumentException(name + " must be " + range + ", got " + fmt(value));
        }
    }

    /**
     * Reads a distribution from named values; names not given are 0.
     *
     * @param values values by name (case-insensitive), e.g. {@code rotation=15, translation=2}
     * @return the distribution
     * @throws IllegalArgumentException for an unknown name, a malformed number or a value out of range
     */
    public static TransformSpec of(Map<String, String> values) {
        double[] v = new double[NAMES.size()];
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey().trim().toLowerCase(Locale.ROOT);
            int i = NAMES.indexOf(key);
            if (i < 0) {
                throw new IllegalArgumentException(
                        "unknown transformation parameter '" + e.getKey() + "'; known: " + String.join(", ", NAMES));
            }
            try {
                v[i] = Double.parseDouble(e.getValue().trim());
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(key + " must be a number, got '" + e.getValue() + "'");
            }
        }
        return new TransformSpec(v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }

    /**
     * Reads a distribution from {@code k=v,k=v} text, e.g. {@code rotation=15,translation=2}.
     *
     * @param text the text; empty for the identity
     * @return the distribution
     * @throws IllegalArgumentException for a malformed pair, an unknown name or a bad value
     */
    public static TransformSpec parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "transformation parameters are name=value pairs such as rotation=15,translation=2, got '"
                                + pair.trim() + "'");
            }
            values.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
        return of(values);
    }

    /** @return the parameters by name, for records and reports (zeros included) */
    public Map<String, Object> params() {
        Map<String, Object> p = new LinkedHashMap<>();
        double[] v = values();
        for (int i = 0; i < v.length; i++) {
            p.put(NAMES.get(i), v[i]);
        }
        return p;
    }

    /** @return whether every parameter is 0 */
    public boolean isIdentity() {
        return equals(NONE);
    }

    /** @return whether the distribution moves pixels (rotation, translation or scale) */
    public boolean geometric() {
        return rotation > 0 || translation > 0 || scale > 0;
    }

    /** @return the non-zero parameters as {@code k=v,...}, or {@code none} */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        double[] v = values();
        for (int i = 0; i < v.length; i++) {
            if (v[i] != 0) {
                sb.append(sb.length() == 0 ? "" : ",").append(NAMES.get(i)).append('=').append(fmt(v[i]));
            }
        }
        return sb.length() == 0 ? "none" : sb.toString();
    }

    /**
     * Returns a copy with every parameter multiplied by a factor (a transformation strength), for
     * curves of survival against strength; {@code blur} is scaled too.
     *
     * @param factor the factor, in {@code [0, 1]}
     * @return the scaled distribution
     */
    public TransformSpec scaled(double factor) {
        if (!(factor >= 0 && factor <= 1)) {
            throw new IllegalArgumentException("strength factor must be in [0, 1], got " + factor);
        }
        return new TransformSpec(rotation * factor, translation * factor, scale * factor, brightness * factor,
                contrast * factor, noise * factor, blur * factor);
    }

    private double[] values() {
        return new double[] {rotation, translation, scale, brightness, contrast, noise, blur};
    }

    private static String fmt(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? Long.toString((long) v) : Double.toString(v);
    }
}
