package dev.robust4j.param;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parameters of one type, in the order they are reported and applied: the single declaration
 * behind the registry, {@code params()}, help and the JSON record.
 *
 * @param <A> the declaring type
 */
public final class Parameters<A> {

    private final List<Param<A, ?>> list;

    private Parameters(List<Param<A, ?>> list) {
        this.list = List.copyOf(list);
        Set<String> seen = new java.util.HashSet<>();
        for (Param<A, ?> p : this.list) {
            if (!seen.add(p.name())) {
                throw new IllegalArgumentException("parameter " + p.name() + " is declared twice");
            }
        }
    }

    /**
     * Declares the parameters of a type.
     *
     * @param params the declarations, in report order
     * @param <A> the declaring type
     * @return the list
     */
    @SafeVarargs
    public static <A> Parameters<A> of(Param<A, ?>... params) {
        return new Parameters<>(Arrays.asList(params));
    }

    /** @return the declarations, in order */
    public List<Param<A, ?>> list() {
        return list;
    }

    /**
     * @param name a parameter's name
     * @return true if declared here and settable from text
     */
    public boolean accepts(String name) {
        return list.stream().anyMatch(p -> p.name().equals(name) && p.settable());
    }

    /**
     * The same declarations without some, for a preset that does not take them (FGSM takes no
     * {@code steps}).
     *
     * @param names the parameters to leave out
     * @return the rest, in order
     */
    public Parameters<A> except(String... names) {
        List<String> drop = Arrays.asList(names);
        List<Param<A, ?>> out = new ArrayList<>();
        for (Param<A, ?> p : list) {
            if (!drop.contains(p.name())) {
                out.add(p);
            }
        }
        if (out.size() + drop.size() != list.size()) {
            throw new IllegalArgumentException("not every name in " + drop + " is declared");
        }
        return new Parameters<>(out);
    }

    /**
     * Reports a value's parameters, for {@code params()}: those that apply to it and are not
     * {@code null}, in declaration order.
     *
     * @param value the value
     * @return the parameters by name
     */
    public Map<String, Object> values(A value) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Param<A, ?> p : list) {
            if (p.shown().test(value)) {
                Object v = p.getter().apply(value);
                if (v != null) {
                    out.put(p.name(), v);
                }
            }
        }
        return out;
    }

    /**
     * Sets every given, settable parameter on a copy of {@code base}, in declaration order.
     * Parameters the reader holds that are not declared stay unread, for {@link ParamReader#done()}
     * to refuse.
     *
     * @param base the value with defaults
     * @param reader the given parameters
     * @return the configured copy
     * @throws IllegalArgumentException for a malformed value or one the type's constructor refuses
     */
    public A apply(A base, ParamReader reader) {
        A a = base;
        for (Param<A, ?> p : list) {
            if (p.settable()) {
                a = p.apply(a, reader);
            }
        }
        return a;
    }
}
