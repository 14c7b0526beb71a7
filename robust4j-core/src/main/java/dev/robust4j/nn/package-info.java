/**
 * Built-in networks (MLP, small CNN, small ResNet) with a pluggable activation such as the bounded
 * ReLU, the soft-label training loop that training-time defences plug into, and model directories
 * that save and load trained networks.
 */
package dev.robust4j.nn;
