/**
 * The library's entry point: {@link dev.robust4j.Robust4j} loads datasets and models by name or
 * path and makes attacks by name, as the command line does. The work itself lives in the
 * subpackages: {@code attack} (evasion attacks and the norms they work in), {@code model}
 * (classifiers and their input bounds), {@code data} (datasets and file formats), {@code defence},
 * {@code evaluate} (the robustness test and its report), {@code metric}, {@code nn} (networks and
 * training), {@code report} and {@code transform}.
 */
package dev.robust4j;
