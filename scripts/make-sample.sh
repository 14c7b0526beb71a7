#!/usr/bin/env bash
# Regenerates the bundled `sample` dataset: the first 10,000 training and the first 2,000 test
# images and labels of Fashion-MNIST, as gzipped IDX files in the same format as the originals.
#
# Usage: scripts/make-sample.sh [SOURCE_DIR]
#   SOURCE_DIR holds the full Fashion-MNIST IDX .gz files (default: /usr/share/datasets/fashion-mnist,
#   from Debian's package dataset-fashion-mnist). Needs only bash, coreutils and gzip.
#
# The output is deterministic for a given gzip: `gzip -9n` stores no name and no time stamp.
set -euo pipefail

SRC="${1:-/usr/share/datasets/fashion-mnist}"
OUT="$(cd "$(dirname "$0")/.." && pwd)/robust4j-core/src/main/resources/dev/robust4j/data/sample"
TRAIN_N=10000
TEST_N=2000

# Prints a 32-bit unsigned big-endian integer as 4 raw bytes.
be32() {
  printf "\\$(printf '%03o' $(( ($1 >> 24) & 255 )))\\$(printf '%03o' $(( ($1 >> 16) & 255 )))"
  printf "\\$(printf '%03o' $(( ($1 >> 8) & 255 )))\\$(printf '%03o' $(( $1 & 255 )))"
}

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Prints the first N 32-bit big-endian integers of a file, one per line.
header() {
  head -c $(( 4 * $2 )) "$1" | od -An -v -tu1 | tr -s ' \n' ' ' |
    awk '{ for (i = 1; i <= NF; i += 4) print $i * 16777216 + $(i+1) * 65536 + $(i+2) * 256 + $(i+3) }'
}

# slice STEM N: keeps the first N images and labels of STEM (train or t10k).
slice() {
  local stem=$1 n=$2
  local images="$WORK/$stem-images" labels="$WORK/$stem-labels"
  gzip -dc "$SRC/$stem-images-idx3-ubyte.gz" > "$images"
  gzip -dc "$SRC/$stem-labels-idx1-ubyte.gz" > "$labels"
  local h
  h=($(header "$images" 4))
  if [[ ${h[0]} -ne 2051 || ${h[2]} -ne 28 || ${h[3]} -ne 28 || ${h[1]} -lt $n
        || $(stat -c %s "$images") -ne $(( 16 + h[1] * 784 )) ]]; then
    echo "$SRC/$stem-images-idx3-ubyte.gz: expected IDX magic 0x00000803 and at least $n images of 28x28, got header ${h[*]}" >&2
    exit 1
  fi
  h=($(header "$labels" 2))
  if [[ ${h[0]} -ne 2049 || ${h[1]} -lt $n || $(stat -c %s "$labels") -ne $(( 8 + h[1] )) ]]; then
    echo "$SRC/$stem-labels-idx1-ubyte.gz: expected IDX magic 0x00000801 and at least $n labels, got header ${h[*]}" >&2
    exit 1
  fi
  # Write to temporary files and move into place, so a failure leaves no half-written file.
  { be32 2051; be32 "$n"; be32 28; be32 28; head -c $(( 16 + n * 784 )) "$images" | tail -c +17; } > "$WORK/i"
  { be32 2049; be32 "$n"; head -c $(( 8 + n )) "$labels" | tail -c +9; } > "$WORK/l"
  [[ $(stat -c %s "$WORK/i") -eq $(( 16 + n * 784 )) && $(stat -c %s "$WORK/l") -eq $(( 8 + n )) ]]
  gzip -9n < "$WORK/i" > "$OUT/.$stem-images.tmp"
  gzip -9n < "$WORK/l" > "$OUT/.$stem-labels.tmp"
  mv "$OUT/.$stem-images.tmp" "$OUT/$stem-images-idx3-ubyte.gz"
  mv "$OUT/.$stem-labels.tmp" "$OUT/$stem-labels-idx1-ubyte.gz"
}

mkdir -p "$OUT"
slice train "$TRAIN_N"
slice t10k "$TEST_N"
ls -l "$OUT"
