#!/usr/bin/env bash
# Benchmark: what the accessibility stage (rewrite + audit) costs a whole build.
# Builds the same synthetic corpus with the default page stages (a11y) and with
# none (which also turns off what Markdown does only for the audit: the source
# positions it marks), both with `minify_html` on, on tmpfs, run in
# alternation (benches/alternate.py: each round runs both, the first in turn),
# and prints both medians and the a11y share, also paired run by run.
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
paired_corpus "$N"
corpus_config '"a11y"' > "$WORK/with/config.toml"
corpus_config '' > "$WORK/without/config.toml"
paired_cost "a11y" "$N" 1
