//! A page's reading age: the Flesch–Kincaid grade level (Kincaid, Fishburne,
//! Rogers and Chissom, 1975: `0.39 × words per sentence + 11.8 × syllables
//! per word − 15.59`), a US school grade, plus 5 to make it an age (a child
//! starts grade 1 at about 6), as readability tools commonly convert it.
//!
//! In: the words of a page's paragraphs, one at a time. Out: the counts, and
//! from them the grade and the age ([`crate::error::ReadingAge`]).

/// Syllables in one word, estimated from its groups of vowels (`y` counts),
/// less a silent `e` at the end (not `-le`): good enough on average over a
/// page, which is all the formula needs. A number or other word without
/// vowels is one syllable.
pub(crate) fn syllables(word: &str) -> u32 {
    let mut count = 0u32;
    let mut in_vowels = false;
    let mut last = ' ';
    let mut before_last = ' ';
    for c in word.chars() {
        let c = c.to_ascii_lowercase();
        let vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
        if vowel && !in_vowels {
            count += 1;
        }
        in_vowels = vowel;
        before_last = last;
        last = c;
    }
    if last == 'e'
        && before_last != 'l'
        && count > 1
        && !matches!(before_last, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
    {
        count -= 1;
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_syllables_by_vowel_groups() {
        for (word, n) in [
            ("board", 1),
            ("children", 2),
            ("agreed", 2),
            ("table", 2),
            ("make", 1),
            ("independent", 4),
            ("2016", 1),
            ("SSCB", 1),
        ] {
            assert_eq!(syllables(word), n, "{word}");
        }
    }
}
