/** Run-time input transformations that wrap a model: feature squeezing, smoothing, JPEG, noise; gradients flow exactly where the transform is differentiable and by BPDA where it is not. */
package dev.robust4j.defence.preprocess;
