#!/usr/bin/env bash
# Times the data quality checker (issue 16 part 1) on N rows per expectation kind:
#   scripts/bench-quality.sh [ROWS...]      default 5000000 20000000
# Compiles Larder, LarderColumnar and the checker files of LarderQuality with -O into a temp dir (the checker's
# storage half needs SQLite and is left out), then runs Benchmarks/QualityBenchmark/main.swift.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp -d "${TMPDIR:-/tmp}/larder-bench-quality.XXXXXX")
trap 'rm -rf "$out"' EXIT
flags=(-O -wmo -package-name larder -swift-version 6 -I "$out" -L "$out")
q=Sources/LarderQuality
swiftc "${flags[@]}" -parse-as-library -module-name Larder -emit-library -emit-module -o "$out/libLarder.so" Sources/Larder/*.swift
swiftc "${flags[@]}" -parse-as-library -module-name LarderColumnar -emit-library -emit-module -lLarder \
    -o "$out/libLarderColumnar.so" Sources/LarderColumnar/*.swift
swiftc "${flags[@]}" -parse-as-library -module-name LarderQuality -emit-library -emit-module -lLarder -lLarderColumnar \
    -o "$out/libLarderQuality.so" "$q/ExpectationChecker.swift" "$q/RowScan.swift" "$q/DuplicateScan.swift" "$q/ExpectationResult.swift"
swiftc "${flags[@]}" -lLarder -lLarderColumnar -lLarderQuality -o "$out/bench" Benchmarks/QualityBenchmark/main.swift
[ "$#" -gt 0 ] || set -- 5000000 20000000
for rows in "$@"; do
    LD_LIBRARY_PATH="$out" "$out/bench" "$rows"
done
