#!/usr/bin/env bash
# Runs the decoders' seeded mutation fuzzers (Parquet, CSV, Redis reply streams, lookup bodies) from a
# release build, far past the few thousand cases `make test` runs, and prints the outcomes by kind.
#
#   scripts/fuzz-decoders.sh [--cases N | --minutes M] [--seed S] [--only parquet,csv,redis,json]
#
# Defaults: 250,000 cases per fuzzer (1,000,000 in all), seed 0xDEC0DE. The pyarrow-written fixtures of
# the Parquet tests are mutated too. Exits non-zero if any case broke an oracle; a crash ends the run
# with the signal. Builds into .build-release (kept apart from the debug build).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --scratch-path .build-release --product DecoderFuzz >/dev/null
exec .build-release/release/DecoderFuzz --fixtures Tests/LarderParquetTests/Fixtures "$@"
