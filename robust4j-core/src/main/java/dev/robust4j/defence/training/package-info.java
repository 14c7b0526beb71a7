/** Training-time defences as {@link dev.robust4j.nn.BatchTransform}s: adversarial training, Gaussian augmentation, label smoothing. */
package dev.robust4j.defence.training;
