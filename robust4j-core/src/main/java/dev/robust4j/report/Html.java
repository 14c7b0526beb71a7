package dev.robust4j.report;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Small helpers for writing HTML by hand: escaping and number formatting. */
final class Html {

    /** What an undefined number (NaN or infinite) is shown as. */
    static final String UNDEFINED = "\u2013";

    private Html() {}

    /**
     * Escapes text for HTML element content and quoted attribute values: {@code & < > " '}.
     *
     * @param text any text; {@code null} gives the empty string
     * @return the escaped text
     */
    static String escape(Object text) {
        if (text == null) {
            return "";
        }
        String s = text.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * Formats a number with a fixed number of decimals.
     *
     * @param value the number
     * @param decimals digits after the point
     * @return the number, or {@link #UNDEFINED} if it is NaN or infinite
     */
    static String num(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return UNDEFINED;
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    /**
     * Formats parameters as {@code k=v k=v}, sorted by name (the maps of the report do not keep
     * an order).
     *
     * @param params the parameters
     * @return the text, not escaped
     */
    static String params(Map<String, Object> params) {
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Object> e : new TreeMap<>(params).entrySet()) {
            if (b.length() > 0) {
                b.append(' ');
            }
            b.append(e.getKey()).append('=').append(e.getValue());
        }
        return b.toString();
    }
}
