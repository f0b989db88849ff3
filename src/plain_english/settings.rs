//! `[plain_english]` in `config.toml`: the limits, the words added to and
//! taken from the built-in list, the rules turned off, and whether advice
//! fails a `--strict` build.
//!
//! In: the table as TOML (read by serde with the rest of the config). Out:
//! [`PlainEnglishConfig`], with the defaults GOV.UK's guidance suggests.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The keys `[plain_english]` accepts (for located "unknown key" errors).
pub(crate) const KEYS: &[&str] = &[
    "enabled",
    "sentence_words",
    "paragraph_sentences",
    "avoid",
    "allow",
    "off",
    "strict",
];

/// `[plain_english]`: the plain-English checks of every Markdown body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlainEnglishConfig {
    /// Check at all. Off by default until the checks fit the build's time
    /// budget of 5 % (they add about a fifth to a 1,000-page build: half
    /// of it reading every word, half keeping the ~12,000 pieces of advice
    /// such a corpus gets until they are sorted and counted); a page turns
    /// them off for itself with `plain_english: false`.
    #[serde(default)]
    pub enabled: bool,
    /// The most words a sentence may have before advice is given (25).
    #[serde(default = "sentence_words")]
    pub sentence_words: usize,
    /// The most sentences a paragraph may have before advice is given (5).
    #[serde(default = "paragraph_sentences")]
    pub paragraph_sentences: usize,
    /// Words or phrases to avoid, added to the built-in list, each with what
    /// to write instead (`leverage = "use"`).
    #[serde(default)]
    pub avoid: BTreeMap<String, String>,
    /// Words or phrases of the built-in list this site uses on purpose (`key`).
    #[serde(default)]
    pub allow: Vec<String>,
    /// Rules turned off, by id (`capitals`, `long-paragraph`, …).
    #[serde(default)]
    pub off: Vec<String>,
    /// Advice becomes warnings, which fail `build --strict` (off by default:
    /// advice never fails a build).
    #[serde(default)]
    pub strict: bool,
}

impl Default for PlainEnglishConfig {
    fn default() -> Self {
        PlainEnglishConfig {
            enabled: false,
            sentence_words: sentence_words(),
            paragraph_sentences: paragraph_sentences(),
            avoid: BTreeMap::new(),
            allow: Vec::new(),
            off: Vec::new(),
            strict: false,
        }
    }
}

fn sentence_words() -> usize {
    25
}

fn paragraph_sentences() -> usize {
    5
}
