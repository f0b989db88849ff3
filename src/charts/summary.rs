//! The words a chart says: numbers as a reader reads them, and the summary
//! sentence that stands for the picture.
//!
//! In: a chart's [`ChartData`] and whether its bars are stacked. Out: plain
//! text — one sentence per series ("Referrals rose from 3,512 in 2012-13 to
//! 4,186 in 2014-15."), the highest value named when it is not at either end,
//! and, for a stacked chart, one more for the total. The text is what the
//! SVG's `<desc>` and the figure's caption say, so a reader who cannot see the
//! chart gets its point without reading the table.

use super::columns::{ChartData, Series};

/// `3512` → `3,512`; `4.25` → `4.25`; `-1200.5` → `-1,200.5`.
pub(crate) fn number(v: f64) -> String {
    let negative = v < 0.0;
    let rounded = (v.abs() * 100.0).round() / 100.0;
    let whole = rounded.trunc();
    let frac = rounded - whole;
    let digits = format!("{whole:.0}");
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac > 0.0 {
        let decimals = format!("{frac:.2}");
        grouped.push_str(decimals.trim_start_matches('0').trim_end_matches('0'));
    }
    if negative && rounded > 0.0 {
        format!("-{grouped}")
    } else {
        grouped
    }
}

/// The summary of the whole chart.
pub(crate) fn summary(data: &ChartData, stacked: bool) -> String {
    let mut sentences: Vec<String> = data
        .series
        .iter()
        .map(|s| sentence(&s.name, &s.values, &data.categories))
        .collect();
    if stacked && data.series.len() > 1 {
        sentences.push(sentence(
            "The total",
            &totals(&data.series),
            &data.categories,
        ));
    }
    sentences.join(" ")
}

/// Each category's sum over the series.
pub(crate) fn totals(series: &[Series]) -> Vec<f64> {
    let n = series.first().map_or(0, |s| s.values.len());
    (0..n)
        .map(|i| series.iter().map(|s| s.values[i]).sum())
        .collect()
}

/// One series' sentence.
fn sentence(name: &str, values: &[f64], categories: &[String]) -> String {
    let (Some(&first), Some(&last)) = (values.first(), values.last()) else {
        return format!("{name} has no values.");
    };
    let c0 = categories.first().map_or("", String::as_str);
    let cn = categories.last().map_or("", String::as_str);
    if values.len() == 1 {
        return format!("{name} was {} in {c0}.", number(first));
    }
    let mut s = if last > first {
        format!(
            "{name} rose from {} in {c0} to {} in {cn}",
            number(first),
            number(last)
        )
    } else if last < first {
        format!(
            "{name} fell from {} in {c0} to {} in {cn}",
            number(first),
            number(last)
        )
    } else {
        format!("{name} was {} in both {c0} and {cn}", number(first))
    };
    let (hi, &max) =
        values.iter().enumerate().fold(
            (0, &values[0]),
            |best, (i, v)| if *v > *best.1 { (i, v) } else { best },
        );
    if hi != 0 && hi != values.len() - 1 {
        s.push_str(&format!(
            ", and was highest at {} in {}",
            number(max),
            categories.get(hi).map_or("", String::as_str)
        ));
    }
    s.push('.');
    s
}
