/** Datasets and the readers that load them: NPY/NPZ, IDX, CSV, image folders, the bundled sample. */
package dev.robust4j.data;
