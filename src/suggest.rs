//! "Did you mean …?" suggestions for misspelt keys, kinds and link targets.
//!
//! In: what the author wrote and the list of names that would be valid. Out: the
//! closest valid name, when it is close enough to be a likely typo.

/// The candidate closest to `word`, if it is a plausible misspelling of it.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    // A key cut short (`minify` for `minify_html`) is a likely slip too.
    if word.chars().count() >= 4 {
        let mut prefixed = candidates
            .iter()
            .filter(|c| c.to_lowercase().starts_with(&word));
        if let (Some(only), None) = (prefixed.next(), prefixed.next()) {
            return Some(only);
        }
    }
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&word, &c.to_lowercase()), *c))
        .filter(|(dist, c)| *dist <= (c.chars().count().max(word.chars().count()) / 3).max(1))
        .min_by_key(|(dist, c)| (*dist, *c))
        .map(|(_, c)| c)
}

/// The closest candidate path, comparing the file names and the folders apart so
/// that a shared folder does not make unrelated files look alike.
pub(crate) fn did_you_mean_path<'a>(path: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let names: Vec<&str> = candidates
        .iter()
        .map(|c| c.rsplit('/').next().unwrap_or(c))
        .collect();
    let best = candidates
        .iter()
        .zip(&names)
        .filter(|(_, n)| did_you_mean(name, &[n]).is_some())
        .map(|(c, _)| {
            let cdir = c.rsplit_once('/').map(|p| p.0).unwrap_or("");
            (
                strsim::damerau_levenshtein(dir, cdir)
                    + strsim::damerau_levenshtein(name, c.rsplit('/').next().unwrap_or(c)),
                *c,
            )
        })
        .min();
    best.filter(|(d, _)| *d <= path.chars().count() / 3 + 1)
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
        assert_eq!(
            did_you_mean("minify", &["minify_html", "title"]),
            Some("minify_html")
        );
    }
}
