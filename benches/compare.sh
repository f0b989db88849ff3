#!/usr/bin/env bash
# Benchmark: two builds of reportsite on the same corpora, run alternately
# (paired), so a refactor can show it is no slower on a noisy machine.
#
#   benches/compare.sh OLD_BINARY NEW_BINARY [SIZES...]     default sizes: 1000 10000
#
# OLD_BINARY is typically a release build of the previous commit (build it in a
# `git worktree`), NEW_BINARY this one. Prints one Markdown row per size: both
# medians, the median of the per-pair ratios new/old, and both peak memories.
# Needs what benches/build.sh needs (gen-corpus, hyperfine, GNU time).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
[ $# -ge 2 ] || { echo "usage: benches/compare.sh OLD_BINARY NEW_BINARY [SIZES...]" >&2; exit 2; }
OLD=$(realpath "$1"); NEW=$(realpath "$2"); shift 2
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
GEN=${GEN:-../shared/bench/gen-corpus}
RUNS=${RUNS:-7}
WORK=${WORK:-/dev/shm/reportsite-compare}
need_bench_tools
rm -rf "$WORK" && mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

echo "| pages | old (median) | new (median) | new / old (paired median) | old peak | new peak |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: |"
for n in "${SIZES[@]}"; do
  site="$WORK/site-$n"
  mkdir -p "$site"
  "$GEN" --pages "$n" --out "$site/content" --seed 1 >/dev/null
  corpus_config > "$site/config.toml"
  times_old=(); times_new=()
  for round in $(seq "$RUNS"); do
    # Alternate which goes first, so drift on the machine falls on both.
    order="old new"; [ $((round % 2)) = 0 ] && order="new old"
    for which in $order; do
      bin=$OLD; [ $which = new ] && bin=$NEW
      /usr/bin/time -o "$WORK/time" -f "%e" "$bin" build --root "$site" --output "$WORK/out-$which" >/dev/null 2>&1
      t=$(tail -1 "$WORK/time")
      if [ $which = old ]; then times_old+=("$t"); else times_new+=("$t"); fi
    done
  done
  peak_old=$(/usr/bin/time -f %M "$OLD" build --root "$site" --output "$WORK/out-old" 2>&1 >/dev/null | tail -1)
  peak_new=$(/usr/bin/time -f %M "$NEW" build --root "$site" --output "$WORK/out-new" 2>&1 >/dev/null | tail -1)
  if ! diff -r "$WORK/out-old" "$WORK/out-new" >/dev/null; then
    echo "note: the two binaries' outputs differ at $n pages" >&2
  fi
  python3 - "$n" "${times_old[*]}" "${times_new[*]}" "$peak_old" "$peak_new" <<'PY'
import statistics, sys
n, old, new, po, pn = sys.argv[1:]
old = [float(x) for x in old.split()]; new = [float(x) for x in new.split()]
ratios = sorted(b / a for a, b in zip(old, new))
print(f"| {n} | {statistics.median(old):.2f} s | {statistics.median(new):.2f} s | "
      f"{ratios[len(ratios) // 2]:.3f} | {int(po) / 1024:.0f} MiB | {int(pn) / 1024:.0f} MiB |")
PY
done
