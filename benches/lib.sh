# Shared by the benchmark scripts (sourced, not run).

# The config.toml of a benchmark corpus on stdout: minification on (templates
# compacted), the accessibility statement's details set; page stages as given
# (none given: the built-in default, a11y), e.g. `corpus_config '"a11y", "minify"'`
# or `corpus_config ''` for none.
corpus_config() {
  cat <<TOML
base_url = "https://example.org"
title = "Corpus"
default_language = "en-GB"
minify_html = true
TOML
  if [ $# -gt 0 ]; then
    printf '\n[plugins]\npage_stages = [%s]\n' "$1"
  fi
  cat <<TOML

[accessibility]
contact_email = "a11y@example.org"
prepared = "2026-11-30"
reviewed = "2026-11-30"
tested = "2026-11-30"
TOML
}

# Exits with a message unless hyperfine, Python 3 (benches/alternate.py), GNU
# time and the corpus generator ($GEN) are there.
need_bench_tools() {
  command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
  command -v python3 >/dev/null || { echo "bench: needs python3 (apt-get install python3)" >&2; exit 2; }
  [ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
  [ -x "$GEN" ] || { echo "bench: no corpus generator at $GEN (set GEN=...)" >&2; exit 2; }
}

# Builds reportsite with $PROFILE (default release) and sets BIN to it.
build_bench_binary() {
  PROFILE=${PROFILE:-release}
  cargo build --profile "$PROFILE" --locked -q
  BIN=${CARGO_TARGET_DIR:-$PWD/target}/$PROFILE/reportsite
}

# Writes the same gen-corpus of N pages into $WORK/with and $WORK/without
# (their config.toml is the caller's).
paired_corpus() {
  rm -rf "$WORK" && mkdir -p "$WORK/with" "$WORK/without"
  "$GEN" --pages "$1" --out "$WORK/with/content" --seed 1 >/dev/null
  cp -r "$WORK/with/content" "$WORK/without/content"
}

# Builds $WORK/with and $WORK/without in alternation (benches/alternate.py:
# WARMUP rounds, then $RUNS, each round starting with the other build) and
# prints a Markdown table of one row for N pages: both medians, WHAT's share
# of the build with it, the same paired run by run (so it holds on a noisy
# machine), what it adds to the build without it, and what it adds to the
# CPU time (user + system, summed over threads), paired.
paired_cost() {
  local what=$1 n=$2 warmup=$3 json="$WORK/runs.json"
  python3 benches/alternate.py "$RUNS" "$warmup" "$json" \
    "$BIN build --root $WORK/with --output $WORK/out-with" \
    "$BIN build --root $WORK/without --output $WORK/out-without"
  python3 - "$json" "$n" "$what" <<'PY'
import json, statistics, sys
d = json.load(open(sys.argv[1]))
n, what = sys.argv[2], sys.argv[3]
w, wo = d["results"][0], d["results"][1]
share = (w["median"] - wo["median"]) / w["median"]
pairs = statistics.median((a - b) / a for a, b in zip(w["times"], wo["times"]))
added = statistics.median((a - b) / b for a, b in zip(w["times"], wo["times"]))
cpu = statistics.median((a - b) / b for a, b in zip(w["cpu"], wo["cpu"]))
print(f"| pages | with {what} (median) | without | {what} share of the build | paired median | added, paired median | added CPU, paired median |")
print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
print(f"| {n} | {w['median']:.3f} s | {wo['median']:.3f} s | {share * 100:.1f} % | {pairs * 100:.1f} % | {added * 100:+.1f} % | {cpu * 100:+.1f} % |")
PY
}
