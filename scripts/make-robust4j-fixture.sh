#!/usr/bin/env bash
# Makes the committed model-directory fixture robust4j-core/src/test/resources/fixtures/robust4j-cnn:
# the built-in CNN (ReLU) trained by robust4j for 5 epochs of Adam on the bundled 10,000-image
# Fashion-MNIST slice, seed 0 (test accuracy 0.899 on the 2,000 bundled test images).
#
# Tests that need "a CNN robust4j trained" load this file instead of training one: libtorch's
# arithmetic differs between CPUs (AVX2 vs AVX-512) and thread counts, so "seed 0" trained on
# another machine is another model, and a strength figure measured on it is a figure of that
# machine. Regenerating the fixture changes the model: re-measure the figures the tests cite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/robust4j-core/src/test/resources/fixtures/robust4j-cnn"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
"$root/robust4j" train --data sample --arch cnn --epochs 5 --seed 0 --out "$tmp/model"
rm -rf "$out"
mkdir -p "$out"
cp "$tmp/model/"* "$out/"
echo "wrote $out"
