#!/usr/bin/env bash
# Benchmark: what the accessibility stage (rewrite + audit) costs a whole build.
# Builds the same synthetic corpus with the default page stages (a11y) and with
# none (which also turns off what Markdown does only for the audit: the source
# positions it marks), both with `minify_html` on, on tmpfs, and prints both
# medians and the a11y share.
#
#   benches/a11y-cost.sh [PAGES]        default: 1000
#
# Needs what benches/build.sh needs (gen-corpus, hyperfine).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
GEN=${GEN:-../shared/bench/gen-corpus}
RUNS=${RUNS:-5}
N=${1:-1000}
WORK=${WORK:-/dev/shm/reportsite-a11y-cost}
need_bench_tools
build_bench_binary
rm -rf "$WORK" && mkdir -p "$WORK/with" "$WORK/without"
"$GEN" --pages "$N" --out "$WORK/with/content" --seed 1 >/dev/null
cp -r "$WORK/with/content" "$WORK/without/content"
corpus_config '"a11y"' > "$WORK/with/config.toml"
corpus_config '' > "$WORK/without/config.toml"
json="$WORK/hf.json"
hyperfine -N -w 1 -r "$RUNS" --export-json "$json" \
  "$BIN build --root $WORK/with --output $WORK/out-with" \
  "$BIN build --root $WORK/without --output $WORK/out-without" >/dev/null 2>&1
python3 - "$json" "$N" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
w, wo = d["results"][0], d["results"][1]
share = (w["median"] - wo["median"]) / w["median"]
# Paired, so the share holds on a noisy machine.
pairs = sorted((a - b) / a for a, b in zip(w["times"], wo["times"]))
print(f"| pages | with a11y (median) | without | a11y share of the build | paired median |")
print(f"| ---: | ---: | ---: | ---: | ---: |")
print(f"| {sys.argv[2]} | {w['median']:.3f} s | {wo['median']:.3f} s | {share * 100:.0f} % | {pairs[len(pairs) // 2] * 100:.0f} % |")
PY
