# Sourced by the paired benchmark scripts: runs of two commands alternating (A B, B A, …) so that a load change on
# the shared machine falls on both, each timed by /usr/bin/time, then medians and ratios. Needs $work (a temporary
# directory) and .venv's python.

# timed NAME CMD… — runs CMD (its output discarded, its errors shown if it fails) and prints
# "NAME wall_s cpu_s peak_rss_mib" (cpu = user + sys).
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r wall user sys rss < "$work/time"
  echo "$name $wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $((rss / 1024))"
}

# alternate RUNS A B RUNNER — calls `RUNNER A` and `RUNNER B` (each printing a `timed` line) RUNS times, alternating
# which goes first; the lines go to $work/runs, numbered by run.
alternate() {
  local runs=$1 a=$2 b=$3 runner=$4 run name order
  echo "run name wall_s cpu_s peak_rss_mib" | tee "$work/runs"
  for run in $(seq 1 "$runs"); do
    if (( run % 2 )); then order="$a $b"; else order="$b $a"; fi
    for name in $order; do echo "$run $($runner "$name")" | tee -a "$work/runs"; done
  done
}

# summarize A B — medians of wall, CPU and peak RSS per name, and the ratios A / B.
summarize() {
  .venv/bin/python - "$work/runs" "$1" "$2" <<'PY'
import statistics, sys
path, a, b = sys.argv[1:]
rows = [line.split() for line in open(path).read().splitlines()[1:]]
med = {n: [statistics.median(float(r[i]) for r in rows if r[1] == n) for i in (2, 3, 4)] for n in (a, b)}
for n, (wall, cpu, rss) in med.items():
    print(f"median {n:<10} wall {wall:.2f} s  cpu {cpu:.2f} s  peak RSS {rss:.0f} MiB")
x, y = med[a], med[b]
print(f"{a} / {b}: wall {x[0] / y[0]:.3f}  cpu {x[1] / y[1]:.3f}  peak RSS {x[2] / y[2]:.3f}")
PY
}
