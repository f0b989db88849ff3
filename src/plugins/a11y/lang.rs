//! Whether a page's language is one a screen reader can speak.
//!
//! In: the value of `<html lang>` as the page has it after the repair. Out:
//! whether its primary language subtag is a language of the IANA Language
//! Subtag Registry (`language-subtags.txt`, beside this file), as ACT rule
//! bf051a asks: `en`, `FR`, `en-US-GB` are known; `em-US`, `#1`, `eng` (ISO 639-2,
//! where the registry has `en`) and grandfathered tags such as `i-lux` are not.

use std::sync::OnceLock;

/// The registry's primary language subtags, lower case, sorted.
fn subtags() -> &'static [&'static str] {
    static SUBTAGS: OnceLock<Vec<&'static str>> = OnceLock::new();
    SUBTAGS.get_or_init(|| {
        let mut all: Vec<&'static str> = include_str!("language-subtags.txt")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .flat_map(str::split_ascii_whitespace)
            .collect();
        all.sort_unstable();
        all
    })
}

/// Whether `lang`'s primary subtag is a known language.
pub(super) fn known(lang: &str) -> bool {
    let primary = lang.trim().split('-').next().unwrap_or_default();
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let lower = primary.to_ascii_lowercase();
    subtags().binary_search(&lower.as_str()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::known;

    #[test]
    fn primary_subtags_of_the_registry() {
        for ok in ["en", "FR", "en-US-GB", "en-GB", "cy", "haw", "zh-Hant-TW"] {
            assert!(known(ok), "{ok}");
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
            assert!(!known(bad), "{bad}");
        }
    }
}
