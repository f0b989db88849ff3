//! Whether a page's language is one a screen reader can speak.
//!
//! In: the value of `<html lang>` as the page has it after the repair. Out:
//! whether its primary language subtag is a language of the IANA Language
//! Subtag Registry (`language-subtags.txt`, beside this file), as ACT rule
//! bf051a asks: `en`, `FR`, `en-US-GB` are known; `em-US`, `#1`, `eng` (ISO 639-2,
//! where the registry has `en`) and grandfathered tags such as `i-lux` are not.

/// The registry's primary language subtags, lower case, separated by spaces
/// and line breaks, after comment lines starting with `#`.
const REGISTRY: &str = include_str!("language-subtags.txt");

/// Whether `lang`'s primary subtag is a known language.
///
/// Asked once a build for the site's language, and for a page that sets its
/// own: one scan of the registry's text (about 8,000 words) costs less than
/// sorting it into a table first.
pub(super) fn known(lang: &str) -> bool {
    let primary = lang.trim().split('-').next().unwrap_or_default();
    if !(2..=3).contains(&primary.len()) || !primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    REGISTRY
        .lines()
        .filter(|l| !l.starts_with('#'))
        .flat_map(str::split_ascii_whitespace)
        .any(|tag| tag.eq_ignore_ascii_case(primary))
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
