/**
 * Typed parameter declarations and the one reader of {@code k=v} parameters: an attack (or any
 * immutable value with withers) declares each parameter once as a {@link dev.robust4j.param.Param}
 * (name, type, documentation, getter, wither), and the registry, {@code params()}, command-line
 * help and validation, and the JSON record all read that declaration; defences read their
 * {@code name:k=v} specs through the same {@link dev.robust4j.param.ParamReader}.
 */
package dev.robust4j.param;
