#!/usr/bin/env bash
# Benchmark: reportsite against Zola 0.23 on the same synthetic corpus, in one
# paired run (the two builds alternate, so the machine's load falls on both).
#
#   ZOLA=/path/to/zola benches/zola-compare.sh [PAGES]     default: 10000
#
# Zola is not part of this repository and is never committed: build it from its
# `next` branch (0.23) with `cargo build --release` (~30 min on 2 cores) and point
# ZOLA at the binary. Zola builds the corpus with a minimal theme written here
# (a base, a page and a section template: title, navigation, content), reportsite
# with its own theme, its accessibility stage and templates compacted; both with
# `minify_html = true`, output on tmpfs. Prints both medians, the paired ratio,
# and each one's peak memory. Needs what benches/build.sh needs.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
GEN=${GEN:-../shared/bench/gen-corpus}
RUNS=${RUNS:-5}
N=${1:-10000}
WORK=${WORK:-/dev/shm/reportsite-vs-zola}
[ -n "${ZOLA:-}" ] && [ -x "$ZOLA" ] || { echo "bench: set ZOLA to a Zola 0.23 binary" >&2; exit 2; }
need_bench_tools
build_bench_binary

rm -rf "$WORK" && mkdir -p "$WORK/rs" "$WORK/zola/templates"
"$GEN" --pages "$N" --out "$WORK/rs/content" --seed 1 >/dev/null
cp -r "$WORK/rs/content" "$WORK/zola/content"
corpus_config > "$WORK/rs/config.toml"
cat > "$WORK/zola/config.toml" <<'TOML'
base_url = "https://example.org"
title = "Corpus"
minify_html = true
compile_sass = false
build_search_index = false
TOML
cat > "$WORK/zola/templates/base.html" <<'HTML'
<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock %}</title></head>
<body>
<header><a href="{{ config.base_url }}">{{ config.title }}</a></header>
<main>{% block content %}{% endblock %}</main>
<footer><p>{{ config.title }}</p></footer>
</body>
</html>
HTML
cat > "$WORK/zola/templates/page.html" <<'HTML'
{% extends "base.html" %}
{% block title %}{{ page.title }}{% endblock %}
{% block content %}<h1>{{ page.title }}</h1>
{% if page.description %}<p>{{ page.description }}</p>{% endif %}
{{ page.content | safe }}{% endblock %}
HTML
cat > "$WORK/zola/templates/section.html" <<'HTML'
{% extends "base.html" %}
{% block title %}{{ section.title }}{% endblock %}
{% block content %}<h1>{{ section.title }}</h1>
{{ section.content | safe }}
<ul>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>
<ul>{% for s in section.subsections %}<li><a href="{{ get_url(path=s) }}">{{ s }}</a></li>{% endfor %}</ul>{% endblock %}
HTML
cp "$WORK/zola/templates/section.html" "$WORK/zola/templates/index.html"

"$ZOLA" --root "$WORK/zola" build --output-dir "$WORK/zola-out" --force >/dev/null
json="$WORK/hf.json"
python3 benches/alternate.py "$RUNS" 1 "$json" \
  "$ZOLA --root $WORK/zola build --output-dir $WORK/zola-out --force" \
  "$BIN build --root $WORK/rs --output $WORK/rs-out"
zpeak=$(/usr/bin/time -f %M "$ZOLA" --root "$WORK/zola" build --output-dir "$WORK/zola-out" --force 2>&1 >/dev/null | tail -1)
rpeak=$(/usr/bin/time -f %M "$BIN" build --root "$WORK/rs" --output "$WORK/rs-out" 2>&1 >/dev/null | tail -1)
python3 - "$json" "$N" "$zpeak" "$rpeak" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
z, r = d["results"][0], d["results"][1]
pairs = sorted(a / b for a, b in zip(r["times"], z["times"]))
zp, rp = int(sys.argv[3]) / 1024, int(sys.argv[4]) / 1024
print("| build of %s pages | wall (median) | peak memory |" % sys.argv[2])
print("| --- | ---: | ---: |")
print(f"| Zola 0.23 | {z['median']:.2f} s | {zp:.0f} MiB |")
print(f"| reportsite (a11y, templates compacted) | {r['median']:.2f} s | {rp:.0f} MiB |")
print(f"\nreportsite / Zola, paired median: {pairs[len(pairs) // 2]:.2f}× time, {rp / zp:.2f}× memory")
PY
