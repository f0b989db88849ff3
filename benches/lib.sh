# Shared by the benchmark scripts (sourced, not run).

# The config.toml of a benchmark corpus on stdout: minification on, the
# accessibility statement's details set; page stages as given (default: the
# built-in default, a11y then minify), e.g. `corpus_config '"minify"'`.
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
