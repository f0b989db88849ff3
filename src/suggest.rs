//! "Did you mean …?" suggestions for misspelt keys, kinds and link targets.
//!
//! In: what the author wrote and the list of names that would be valid. Out: the
//! closest valid name, when it is close enough to be a likely typo.

/// The candidate closest to `word`, if it is a plausible misspelling of it.
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&word, &c.to_lowercase()), *c))
        .filter(|(dist, c)| *dist <= (c.chars().count().max(word.chars().count()) / 3).max(1))
        .min_by_key(|(dist, c)| (*dist, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn finds_close_names_only() {
        let keys = ["title", "description", "date", "weight"];
        assert_eq!(did_you_mean("titel", &keys), Some("title"));
        assert_eq!(did_you_mean("Descripton", &keys), Some("description"));
        assert_eq!(did_you_mean("colour", &keys), None);
    }
}
