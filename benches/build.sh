#!/usr/bin/env bash
# Benchmark: build synthetic report corpora of several sizes and compare with the
# floor (`cp -r` of the same corpus), pair by pair, on tmpfs.
#
#   benches/build.sh [SIZES...]        default: 1000 10000
#   PROFILE=dist benches/build.sh       the same with the `dist` profile (LTO)
#
# Needs: a corpus generator (GEN, default ../shared/bench/gen-corpus, which writes
# CONTENT folders of Zola-style Markdown), hyperfine and GNU time (Debian:
# `apt-get install hyperfine time`). Prints a Markdown table; per-stage timings
# and peak memory come from `reportsite build --timings`.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
GEN=${GEN:-../shared/bench/gen-corpus}
RUNS=${RUNS:-5}
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(1000 10000)
WORK=${WORK:-/dev/shm/reportsite-bench}
need_bench_tools
# PROFILE=dist benchmarks the whole-program-optimised build (Cargo.toml).
build_bench_binary
rm -rf "$WORK" && mkdir -p "$WORK"

echo "| pages | reportsite (median) | cp -r (median) | multiple of cp -r | peak memory |"
echo "| ---: | ---: | ---: | ---: | ---: |"
for n in "${SIZES[@]}"; do
  site="$WORK/site-$n"
  mkdir -p "$site"
  "$GEN" --pages "$n" --out "$site/content" --seed 1 >/dev/null
  corpus_config > "$site/config.toml"
  json="$WORK/hf-$n.json"
  hyperfine -N -w 1 -r "$RUNS" --export-json "$json" \
    --prepare "rm -rf $WORK/cp-$n" \
    "cp -r $site $WORK/cp-$n" \
    "$BIN build --root $site --output $WORK/out-$n" >/dev/null 2>&1
  peak=$(/usr/bin/time -f %M "$BIN" build --root "$site" --output "$WORK/out-$n" 2>&1 >/dev/null | tail -1)
  python3 - "$json" "$n" "$peak" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cp = next(r for r in d["results"] if r["command"].startswith("cp "))
rs = next(r for r in d["results"] if "build" in r["command"])
# Pair the runs, so the multiple holds on a noisy machine.
pairs = sorted(a / b for a, b in zip(rs["times"], cp["times"]))
mult = pairs[len(pairs) // 2]
print(f"| {sys.argv[2]} | {rs['median']:.2f} s | {cp['median']:.3f} s | {mult:.1f}× | {int(sys.argv[3]) / 1024:.0f} MiB |")
PY
  "$BIN" build --root "$site" --output "$WORK/out-$n" --timings 2>&1 | sed -n '/^timings/,/^peak/p' | sed "s/^/    [$n] /" >&2
done
