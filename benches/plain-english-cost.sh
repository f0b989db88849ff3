#!/usr/bin/env bash
# Benchmark: what the plain-English checks cost a whole build.
# Builds the same synthetic corpus with `[plain_english] enabled = true` and
# with it off (the default), everything else as benches/build.sh has it
# (minification on, the a11y stage), on tmpfs, hyperfine alternating the two,
# and prints both medians and the plain-English share (also paired, run by
# run, so it holds on a noisy machine).
#
#   benches/plain-english-cost.sh [PAGES]        default: 1000
#
# Needs what benches/build.sh needs (gen-corpus, hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
GEN=${GEN:-../shared/bench/gen-corpus}
RUNS=${RUNS:-15}
N=${1:-1000}
WORK=${WORK:-/dev/shm/reportsite-plain-english-cost}
need_bench_tools
build_bench_binary
rm -rf "$WORK" && mkdir -p "$WORK/with" "$WORK/without"
"$GEN" --pages "$N" --out "$WORK/with/content" --seed 1 >/dev/null
cp -r "$WORK/with/content" "$WORK/without/content"
corpus_config > "$WORK/without/config.toml"
{ corpus_config; printf '\n[plain_english]\nenabled = true\n'; } > "$WORK/with/config.toml"
json="$WORK/hf.json"
hyperfine -N -w 2 -r "$RUNS" --export-json "$json" \
  "$BIN build --root $WORK/with --output $WORK/out-with" \
  "$BIN build --root $WORK/without --output $WORK/out-without" >/dev/null 2>&1
python3 - "$json" "$N" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w, wo = d["results"][0], d["results"][1]
share = (w["median"] - wo["median"]) / w["median"]
# Paired, so the share holds on a noisy machine.
# `added`: what turning the checks on adds to the build without them.
pairs = sorted((a - b) / a for a, b in zip(w["times"], wo["times"]))
added = sorted((a - b) / b for a, b in zip(w["times"], wo["times"]))
mid = len(pairs) // 2
print(f"| pages | with plain English (median) | without | plain-English share of the build | paired median | added, paired median |")
print(f"| ---: | ---: | ---: | ---: | ---: | ---: |")
print(f"| {sys.argv[2]} | {w['median']:.3f} s | {wo['median']:.3f} s | {share * 100:.1f} % | {pairs[mid] * 100:.1f} % | {added[mid] * 100:+.1f} % |")
PY
rm -rf "$WORK"
