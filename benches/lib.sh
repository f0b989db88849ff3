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

# Exits with a message unless hyperfine, GNU time and the corpus generator
# ($GEN) are there.
need_bench_tools() {
  command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }
  [ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }
  [ -x "$GEN" ] || { echo "bench: no corpus generator at $GEN (set GEN=...)" >&2; exit 2; }
}

# Builds reportsite with $PROFILE (default release) and sets BIN to it.
build_bench_binary() {
  PROFILE=${PROFILE:-release}
  cargo build --profile "$PROFILE" --locked -q
  BIN=${CARGO_TARGET_DIR:-$PWD/target}/$PROFILE/reportsite
}
