//! Whether a page's language is one a screen reader can speak.
//!
//! In: the value of `<html lang>` as the page has it after the repair. Out:
//! whether its primary language subtag is a language of the IANA Language
//! Subtag Registry (`language-subtags.txt`, beside this file), as ACT rule
//! bf051a asks: `en`, `FR`, `en-US-GB` are known; `em-US`, `#1`, `eng` (ISO 639-2,
//! where the registry has `en`) and grandfathered tags such as `i-lux` are not.

use std::sync::OnceLock;

/// The registry's primary language subtags, lower case, separated by spaces
/// and line breaks, after comment lines starting with `#`.
const REGISTRY: &str = include_str!("language-subtags.txt");

/// The registry's subtags, one by one.
fn subtags() -> impl Iterator<Item = &'static str> {
    REGISTRY
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_ascii_whitespace)
}

/// `lang`'s primary subtag, when it has the shape of one (two or three
/// letters).
fn primary(lang: &str) -> Option<&str> {
    let primary = lang.trim().split('-').next().unwrap_or_default();
    ((2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic()))
        .then_some(primary)
}

/// Whether `lang`'s primary subtag is a known language, by one scan of the
/// registry's text (about 8,000 words): for the site's language, asked once
/// a build, this costs less than sorting the registry into a table first.
pub(super) fn known(lang: &str) -> bool {
    primary(lang).is_some_and(|p| subtags().any(|tag| tag.eq_ignore_ascii_case(p)))
}

/// The registry as a sorted table, made the first time a page asks about a
/// language other than the site's (most builds never do), for one stage.
#[derive(Debug, Default)]
pub(super) struct Registry {
    table: OnceLock<Vec<&'static str>>,
}

impl Registry {
    /// [`known`], looked up in the table.
    pub(super) fn known(&self, lang: &str) -> bool {
        let Some(p) = primary(lang) else {
            return false;
        };
        let table = self.table.get_or_init(|| {
            let mut all: Vec<&'static str> = subtags().collect();
            all.sort_unstable();
            all
        });
        table
            .binary_search(&p.to_ascii_lowercase().as_str())
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::{Registry, known};

    #[test]
    fn primary_subtags_of_the_registry() {
        let registry = Registry::default();
        let both = |lang: &str| {
            let (scanned, looked_up) = (known(lang), registry.known(lang));
            assert_eq!(scanned, looked_up, "{lang}");
            scanned
        };
        for ok in [
            "en",
            "FR",
            "en-US-GB",
            "en-GB",
            "cy",
            "haw",
            "zh-Hant-TW",
            "zu",
        ] {
            assert!(both(ok), "{ok}");
        }
        for bad in [
            "em-US",
            "#1",
            "eng",
            "i-lux",
            "",
            " ",
            "english",
            "en_GB",
            "qaa",
            "x-klingon",
        ] {
            assert!(!both(bad), "{bad}");
        }
    }
}
