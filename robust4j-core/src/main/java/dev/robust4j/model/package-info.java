/** Classifiers and their adapters: TorchScript, DJL blocks, black-box functions, query counting. */
package dev.robust4j.model;
