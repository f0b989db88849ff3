//! A chart drawn as inline SVG, by hand: a chart is a few rectangles, lines
//! and labels, which `format!` writes plainly; no crate or script is needed,
//! and the page stays one static file that works without JavaScript.
//!
//! In: an id prefix (unique on the page), the title and summary, the
//! [`ChartData`] and the [`Kind`]. Out: an `<svg role="img">` whose
//! `aria-labelledby` names its `<title>` and `<desc>` (the summary); it has a
//! `viewBox` and no size or style of its own — the theme's classes size it to
//! its container and colour it (`chart__fill--N`, `chart__stroke--N`,
//! `chart__hatch`, `chart__mark`, `chart__axis`, `chart__grid`,
//! `chart__text`), so the text scales with the chart and a theme restyles it.
//! Series are told apart without colour: each bar series has its own
//! `<pattern>` (solid, diagonal, dots, horizontal, cross, vertical) shown in a
//! legend, and each line its own dash and marker shape, labelled at its end.

use std::fmt::Write;

use super::Kind;
use super::columns::ChartData;
use super::summary::{number, totals};
use crate::html::escape;

/// The drawing's width and height in SVG units. The width is what a phone's
/// column gives (~290 px at 320 px) over 0.8, so the 15-unit text reads at 12 px
/// there; the theme caps the drawing's width on wide screens (`.chart__svg`).
const WIDTH: f64 = 360.0;
const HEIGHT: f64 = 260.0;
/// The text's size in SVG units (the theme's CSS says the same), and the
/// width of an average character, for laying labels out.
const CHAR: f64 = 8.4;
/// The most series a chart tells apart (one pattern and colour each).
pub(crate) const MAX_SERIES: usize = 6;

/// The plot area and the value scale.
struct Frame {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    min: f64,
    max: f64,
    ticks: Vec<f64>,
}

impl Frame {
    fn y(&self, v: f64) -> f64 {
        self.bottom - (v - self.min) / (self.max - self.min) * (self.bottom - self.top)
    }
    fn band(&self, n: usize) -> f64 {
        (self.right - self.left) / n.max(1) as f64
    }
    fn centre(&self, i: usize, n: usize) -> f64 {
        self.left + self.band(n) * (i as f64 + 0.5)
    }
}

/// The whole SVG.
pub(crate) fn svg(id: &str, title: &str, summary: &str, data: &ChartData, kind: Kind) -> String {
    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<svg class=\"chart__svg\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" preserveAspectRatio=\"xMidYMid meet\"><title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(summary)
    );
    let legend = kind != Kind::Line && data.series.len() > 1;
    let top = if legend {
        legend_svg(&mut out, id, data)
    } else {
        16.0
    };
    let frame = frame(data, kind, top);
    if kind != Kind::Line {
        patterns(&mut out, id, data.series.len());
    }
    axes(&mut out, &frame, data);
    match kind {
        Kind::Bar | Kind::GroupedBar => grouped_bars(&mut out, id, &frame, data),
        Kind::StackedBar => stacked_bars(&mut out, id, &frame, data),
        Kind::Line => lines(&mut out, &frame, data),
    }
    out.push_str("</svg>");
    out
}

/// Lays out the plot area for `data`, below `top`.
fn frame(data: &ChartData, kind: Kind, top: f64) -> Frame {
    let all = data.series.iter().flat_map(|s| s.values.iter().copied());
    let (mut lo, mut hi) = all.fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    if kind == Kind::StackedBar {
        hi = totals(&data.series).into_iter().fold(hi, f64::max);
        lo = 0.0;
    }
    let (min, max, ticks) = ticks(lo, hi);
    let widest = ticks.iter().map(|t| number(*t).len()).max().unwrap_or(1) as f64;
    let right = if kind == Kind::Line {
        let name = data
            .series
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0);
        WIDTH - (name as f64 * CHAR + 22.0).min(WIDTH / 3.0)
    } else {
        WIDTH - 12.0
    };
    Frame {
        left: widest * CHAR + 14.0,
        right,
        top,
        bottom: HEIGHT - 34.0,
        min,
        max,
        ticks,
    }
}

/// A scale from `lo` to `hi` in round steps (1, 2 or 5 times a power of ten).
fn ticks(lo: f64, hi: f64) -> (f64, f64, Vec<f64>) {
    let hi = if hi <= lo { lo + 1.0 } else { hi };
    let raw = (hi - lo) / 5.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = match raw / magnitude {
        n if n <= 1.0 => 1.0,
        n if n <= 2.0 => 2.0,
        n if n <= 5.0 => 5.0,
        _ => 10.0,
    } * magnitude;
    let min = (lo / step).floor() * step;
    let max = (hi / step).ceil() * step;
    let count = ((max - min) / step).round() as usize;
    let ticks = (0..=count).map(|i| min + step * i as f64).collect();
    (min, max, ticks)
}

/// The legend above the plot (a swatch of each series' pattern and its name);
/// returns where the plot starts.
fn legend_svg(out: &mut String, id: &str, data: &ChartData) -> f64 {
    let (mut x, mut y) = (12.0, 8.0);
    out.push_str("<g class=\"chart__legend\">");
    for (i, s) in data.series.iter().enumerate() {
        let width = 22.0 + s.name.chars().count() as f64 * CHAR + 16.0;
        if x > 12.0 && x + width > WIDTH {
            x = 12.0;
            y += 24.0;
        }
        let _ = write!(
            out,
            "<rect class=\"chart__mark\" x=\"{x}\" y=\"{y}\" width=\"16\" height=\"16\" fill=\"url(#{id}-p{n})\"/><text class=\"chart__text\" x=\"{tx}\" y=\"{ty}\">{name}</text>",
            n = i + 1,
            tx = x + 22.0,
            ty = y + 13.0,
            name = escape(&s.name)
        );
        x += width;
    }
    out.push_str("</g>");
    y + 34.0
}

/// One `<pattern>` per series: the series' colour, and over it a texture in
/// the background's colour (none for the first).
fn patterns(out: &mut String, id: &str, n: usize) {
    const TEXTURES: [&str; MAX_SERIES] = [
        "",
        "M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6",
        "M4,2.5 a1.5,1.5 0 1,0 0.01,0",
        "M0,4 L8,4",
        "M0,0 L8,8 M0,8 L8,0",
        "M4,0 L4,8",
    ];
    out.push_str("<defs>");
    for (i, texture) in TEXTURES.iter().enumerate().take(n) {
        let _ = write!(
            out,
            "<pattern id=\"{id}-p{k}\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\"><rect class=\"chart__fill--{k}\" width=\"8\" height=\"8\"/>",
            k = i + 1
        );
        if !texture.is_empty() {
            let _ = write!(
                out,
                "<path class=\"chart__hatch\" d=\"{texture}\" stroke-width=\"2\"/>"
            );
        }
        out.push_str("</pattern>");
    }
    out.push_str("</defs>");
}

/// Grid lines with the scale's labels, the base line, and the categories.
fn axes(out: &mut String, f: &Frame, data: &ChartData) {
    for t in &f.ticks {
        let y = f.y(*t);
        let _ = write!(
            out,
            "<line class=\"chart__grid\" x1=\"{l}\" x2=\"{r}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"chart__text\" x=\"{tx}\" y=\"{ty:.1}\" text-anchor=\"end\">{v}</text>",
            l = f.left,
            r = f.right,
            tx = f.left - 6.0,
            ty = y + 5.0,
            v = number(*t)
        );
    }
    let base = f.y(0.0f64.clamp(f.min, f.max));
    let _ = write!(
        out,
        "<line class=\"chart__axis\" x1=\"{}\" x2=\"{}\" y1=\"{base:.1}\" y2=\"{base:.1}\"/>",
        f.left, f.right
    );
    let n = data.categories.len();
    let widest = data
        .categories
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(1) as f64;
    // Every k-th label when they would overlap (the table lists them all).
    let every = ((widest * CHAR + 6.0) / f.band(n)).ceil().max(1.0) as usize;
    for (i, c) in data
        .categories
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
    {
        let _ = write!(
            out,
            "<text class=\"chart__text\" x=\"{x:.1}\" y=\"{y}\" text-anchor=\"middle\">{c}</text>",
            x = f.centre(i, n),
            y = f.bottom + 21.0,
            c = escape(c)
        );
    }
}

/// Bars side by side in each category (one series: with its value on top).
fn grouped_bars(out: &mut String, id: &str, f: &Frame, data: &ChartData) {
    let n = data.categories.len();
    let k = data.series.len().max(1);
    let group = f.band(n) * 0.7;
    let width = group / k as f64;
    let zero = f.y(0.0f64.clamp(f.min, f.max));
    for (j, s) in data.series.iter().enumerate() {
        for (i, v) in s.values.iter().enumerate() {
            let x = f.centre(i, n) - group / 2.0 + width * j as f64;
            let y = f.y(*v);
            let (top, height) = (y.min(zero), (y - zero).abs());
            let _ = write!(
                out,
                "<rect class=\"chart__mark chart__bar\" x=\"{x:.1}\" y=\"{top:.1}\" width=\"{width:.1}\" height=\"{height:.1}\" fill=\"url(#{id}-p{p})\"/>",
                p = j + 1
            );
            if k == 1 {
                let ty = if *v < 0.0 { y + 16.0 } else { y - 5.0 };
                let _ = write!(
                    out,
                    "<text class=\"chart__text chart__value\" x=\"{cx:.1}\" y=\"{ty:.1}\" text-anchor=\"middle\">{t}</text>",
                    cx = x + width / 2.0,
                    t = number(*v)
                );
            }
        }
    }
}

/// Each category's series stacked, the first at the bottom.
fn stacked_bars(out: &mut String, id: &str, f: &Frame, data: &ChartData) {
    let n = data.categories.len();
    let width = f.band(n) * 0.6;
    let mut base = vec![0.0f64; n];
    for (j, s) in data.series.iter().enumerate() {
        for (i, v) in s.values.iter().enumerate() {
            let (from, to) = (base[i], base[i] + v);
            base[i] = to;
            let (y0, y1) = (f.y(from), f.y(to));
            let _ = write!(
                out,
                "<rect class=\"chart__mark chart__bar\" x=\"{x:.1}\" y=\"{y1:.1}\" width=\"{width:.1}\" height=\"{h:.1}\" fill=\"url(#{id}-p{p})\"/>",
                x = f.centre(i, n) - width / 2.0,
                h = y0 - y1,
                p = j + 1
            );
        }
    }
}

/// One line per series, each with its own dash and marker, named at its end.
fn lines(out: &mut String, f: &Frame, data: &ChartData) {
    const DASHES: [&str; MAX_SERIES] = ["", "8 4", "2 4", "12 4 2 4", "4 4", "16 4"];
    let n = data.categories.len();
    let mut ends: Vec<(f64, usize)> = Vec::new();
    for (j, s) in data.series.iter().enumerate() {
        let points: Vec<(f64, f64)> = (s.values.iter().enumerate())
            .map(|(i, v)| (f.centre(i, n), f.y(*v)))
            .collect();
        let path: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let dash = DASHES[j % MAX_SERIES];
        let dash = if dash.is_empty() {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{dash}\"")
        };
        let _ = write!(
            out,
            "<polyline class=\"chart__line chart__stroke--{k}\" points=\"{}\" fill=\"none\" stroke-width=\"3\"{dash}/>",
            path.join(" "),
            k = j + 1
        );
        for (x, y) in &points {
            marker(out, j, *x, *y);
        }
        if let Some((_, y)) = points.last() {
            ends.push((*y, j));
        }
    }
    // Names at the lines' ends, moved apart so none overlaps another.
    ends.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut last = f64::MIN;
    for (y, j) in ends {
        let y = (y + 5.0).max(last + 18.0);
        last = y;
        let _ = write!(
            out,
            "<text class=\"chart__text chart__direct\" x=\"{x:.1}\" y=\"{y:.1}\">{}</text>",
            escape(&data.series[j].name),
            x = f.centre(n.saturating_sub(1), n) + 10.0
        );
    }
}

/// Series `j`'s marker at `x`, `y`: circle, square, triangle, diamond, …
fn marker(out: &mut String, j: usize, x: f64, y: f64) {
    let k = j % MAX_SERIES + 1;
    let shape = match j % 4 {
        0 => format!("<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"4.5\""),
        1 => format!(
            "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"8\" height=\"8\"",
            x - 4.0,
            y - 4.0
        ),
        2 => format!(
            "<path d=\"M{x:.1},{:.1} L{:.1},{:.1} L{:.1},{:.1} Z\"",
            y - 5.5,
            x + 5.0,
            y + 4.0,
            x - 5.0,
            y + 4.0
        ),
        _ => format!(
            "<path d=\"M{x:.1},{:.1} L{:.1},{y:.1} L{x:.1},{:.1} L{:.1},{y:.1} Z\"",
            y - 5.5,
            x + 5.5,
            y + 5.5,
            x - 5.5
        ),
    };
    let _ = write!(out, "{shape} class=\"chart__mark chart__fill--{k}\"/>");
}
