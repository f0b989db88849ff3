#!/usr/bin/env bash
# Benchmark: what the plain-English checks cost a whole build.
# Builds the same synthetic corpus with `[plain_english] enabled = true` and
# with it off (the default), everything else as benches/build.sh has it
# (minification on, the a11y stage), on tmpfs, run in alternation
# (benches/alternate.py: each round runs both, the first in turn),
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
paired_corpus "$N"
corpus_config > "$WORK/without/config.toml"
{ corpus_config; printf '\n[plain_english]\nenabled = true\n'; } > "$WORK/with/config.toml"
paired_cost "plain English" "$N" 2
rm -rf "$WORK"
