/**
 * Datasets and the readers that load them.
 *
 * <ul>
 *   <li>{@link dev.robust4j.data.Dataset}: an immutable labelled dataset on the heap;
 *   <li>{@link dev.robust4j.data.DataReaders}: the one entry point, reading any supported file or
 *       folder and stating the conventions (scaling of {@code uint8} data by 1/255, sample shapes,
 *       labels, NPZ keys);
 *   <li>format readers: {@link dev.robust4j.data.Npy} (also writes, atomically),
 *       {@link dev.robust4j.data.Npz}, {@link dev.robust4j.data.Idx} (plain or gzip),
 *       {@link dev.robust4j.data.CsvReader}, {@link dev.robust4j.data.ImageFolder};
 *   <li>{@link dev.robust4j.data.KnownDatasets}: {@code sample} (a slice of Fashion-MNIST bundled in
 *       the jar) and {@code fashion-mnist} (from local files, never downloaded).
 * </ul>
 *
 * <p>Readers never touch NDArrays or native memory, and report every fault in the data as a
 * {@link dev.robust4j.data.DataFormatException} (an {@code IllegalArgumentException}) naming the
 * file; I/O failures are {@code UncheckedIOException}s naming the file.
 */
package dev.robust4j.data;
