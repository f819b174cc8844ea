#!/usr/bin/env bash
# Times Larder's CSV reader against pyarrow.csv.read_csv on gen_data.py's scale-M driver_stats.csv
# (7.27 M rows, 6 columns), in one run, and prints wall times, peak RSS and the ratios.
#
#   scripts/bench-csv.sh [RUNS]     (default 3 runs; medians are printed)
#
# Needs python3 (a venv with numpy + pyarrow is made in .venv) and the Swift toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-3}"
GEN=/work/shared/bench/gen_data.py
DATA=data/M
FILE="$DATA/driver_stats.csv"

if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
    .venv/bin/pip install -q numpy pyarrow
fi
if [ ! -f "$FILE" ]; then
    .venv/bin/python "$GEN" --scale M "$DATA"
fi
swift build -c release --product CSVBenchmark >/dev/null
BIN=.build/release/CSVBenchmark

# Prints "<in-call seconds> <peak RSS MiB>" of one command whose output has *_seconds= and whose
# RSS /usr/bin/time measures.
measure() {
    local out rss secs
    out=$( { /usr/bin/time -f "time_rss_kib=%M" "$@"; } 2>&1 )
    secs=$(grep -o '_seconds=[0-9.]*' <<<"$out" | head -1 | cut -d= -f2)
    rss=$(grep -o 'time_rss_kib=[0-9]*' <<<"$out" | cut -d= -f2)
    echo "$secs $((rss / 1024))"
}
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

declare -a pa_default pa_typed larder larder1 rss_pa_default rss_pa_typed rss_larder rss_larder1
for ((i = 0; i < RUNS; i++)); do
    read -r s r < <(measure .venv/bin/python scripts/bench_csv_pyarrow.py "$FILE" default); pa_default+=("$s"); rss_pa_default+=("$r")
    read -r s r < <(measure .venv/bin/python scripts/bench_csv_pyarrow.py "$FILE" typed); pa_typed+=("$s"); rss_pa_typed+=("$r")
    read -r s r < <(measure "$BIN" read "$FILE"); larder+=("$s"); rss_larder+=("$r")
    read -r s r < <(measure "$BIN" read "$FILE" --threads 1); larder1+=("$s"); rss_larder1+=("$r")
done

m_pd=$(printf '%s\n' "${pa_default[@]}" | median); m_pt=$(printf '%s\n' "${pa_typed[@]}" | median)
m_l=$(printf '%s\n' "${larder[@]}" | median); m_l1=$(printf '%s\n' "${larder1[@]}" | median)
r_pd=$(printf '%s\n' "${rss_pa_default[@]}" | median); r_pt=$(printf '%s\n' "${rss_pa_typed[@]}" | median)
r_l=$(printf '%s\n' "${rss_larder[@]}" | median); r_l1=$(printf '%s\n' "${rss_larder1[@]}" | median)
pyarrow_version=$(.venv/bin/python -c 'import pyarrow; print(pyarrow.__version__)')
cores=$(nproc)

echo "file: $FILE ($(stat -c %s "$FILE") bytes), $RUNS runs, medians, $cores cores, pyarrow $pyarrow_version"
echo "in-memory size of the data: 7.27 M rows x 36 B = ~250 MiB"
printf '%-44s %8s s  %6s MiB\n' "pyarrow.csv.read_csv (inferred types)" "$m_pd" "$r_pd"
printf '%-44s %8s s  %6s MiB\n' "pyarrow.csv.read_csv (Larder's schema)" "$m_pt" "$r_pt"
printf '%-44s %8s s  %6s MiB\n' "Larder CSVReader ($cores threads)" "$m_l" "$r_l"
printf '%-44s %8s s  %6s MiB\n' "Larder CSVReader (1 thread)" "$m_l1" "$r_l1"
awk -v l="$m_l" -v pd="$m_pd" -v pt="$m_pt" 'BEGIN {
    printf "ratio Larder / pyarrow (inferred): %.2fx   Larder / pyarrow (typed): %.2fx   (target <= 3x)\n", l / pd, l / pt }'
larder_sums=$("$BIN" checksum "$FILE")
pyarrow_sums=$(.venv/bin/python scripts/bench_csv_pyarrow.py "$FILE" typed --checksum | tail -1)
if [ "$larder_sums" = "$pyarrow_sums" ]; then
    echo "values: per-column sums identical to pyarrow's ($larder_sums)"
else
    echo "values: MISMATCH larder: $larder_sums"
    echo "                 pyarrow: $pyarrow_sums"
fi
echo "raw: pyarrow_default=${pa_default[*]} pyarrow_typed=${pa_typed[*]} larder=${larder[*]} larder_1thread=${larder1[*]}"
