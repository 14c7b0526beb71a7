/** Adversarial-example detectors: the feature-squeezing joint detector of Xu et al. */
package dev.robust4j.defence.detect;
