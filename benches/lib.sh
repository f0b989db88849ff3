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
