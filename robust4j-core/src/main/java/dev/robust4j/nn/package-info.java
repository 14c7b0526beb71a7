/** Built-in networks (MLP, small CNN, small ResNet) with pluggable activations, and the training loop. */
package dev.robust4j.nn;
