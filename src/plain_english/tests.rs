use comrak::{Arena, Options};
use proptest::prelude::*;

use super::*;

/// The settings with the checks on (they are off by default).
fn on() -> PlainEnglishConfig {
    PlainEnglishConfig {
        enabled: true,
        ..PlainEnglishConfig::default()
    }
}

/// The checker's advice on `md` (as a whole file), with `config`; `full`:
/// every word looked up, not only those the filter lets through.
fn check_md(
    md: &str,
    config: &PlainEnglishConfig,
    glossary: &[&str],
    full: bool,
) -> Vec<Diagnostic> {
    with_body(md, config, glossary, full, |checker, root, body| {
        checker.check(root, body)
    })
}

/// What `run` gives with the checker of `config` (`full`: every word
/// looked up) on `md`, parsed, as a whole file.
fn with_body<R>(
    md: &str,
    config: &PlainEnglishConfig,
    glossary: &[&str],
    full: bool,
    run: impl for<'a> FnOnce(&Checker, &'a comrak::nodes::AstNode<'a>, &Body<'_>) -> R,
) -> R {
    let mut o = Options::default();
    o.extension.table = true;
    o.extension.footnotes = true;
    o.extension.alerts = true;
    o.extension.autolink = true;
    o.parse.smart = true;
    let arena = Arena::new();
    let root = comrak::parse_document(&arena, md, &o);
    let mut checker = Checker::new(config, glossary.iter().copied()).expect("on");
    if full {
        checker.filter = segment::Filter::full();
    }
    let locate = |l: usize, c: usize| (l, c);
    let body = Body {
        file: "content/a.md",
        text: md,
        md,
        first_line: 1,
        first_column: 1,
        locate: &locate,
    };
    run(&checker, root, &body)
}

/// `md`'s advice counted by rule as a build that lists none of it counts
/// it: from the advice made, and by [`Checker::count`].
fn counts_both_ways(md: &str, config: &PlainEnglishConfig) -> (Counts, Counts) {
    let mut made = Counts::new();
    for d in check_md(md, config, &["LSCB"], false) {
        if !is_reading_age(&d) {
            *made.entry(d.code).or_default() += 1;
        }
    }
    let counted = with_body(md, config, &["LSCB"], false, |checker, root, body| {
        let mut counts = Counts::new();
        checker.count(root, body, &mut counts);
        counts
    });
    (made, counted)
}

#[test]
fn counting_advice_gives_what_counting_the_advice_made_gives() {
    let piece = "We utilise robust plans, e.g. THE BIG PLAN of the LSCB, to facilitate it; click here etc. ";
    let long = format!("This sentence {} ends.", "goes on ".repeat(30));
    let mut off = on();
    off.off = vec!["capitals".to_string()];
    let texts = [
        piece.to_string(),
        // Past the 100 pieces listed for a page: one note on the rest.
        piece.repeat(40),
        format!(
            "{long}\n\nA. B. C. D. E. F. G. H. I.\n\n# IN CAPITALS\n\n| A NUMBER of |\n|---|\n| x |\n"
        ),
        "Nothing to say here at all.".to_string(),
    ];
    for md in &texts {
        for config in [on(), off.clone()] {
            let (made, counted) = counts_both_ways(md, &config);
            assert!(!made.is_empty() || md.starts_with("Nothing"), "{md}");
            assert_eq!(counted, made, "{md}");
        }
    }
    let (made, _) = counts_both_ways(&texts[1], &on());
    assert_eq!(made.get("plain-english"), Some(&1));
}

/// The advice on `md` (as a whole file), as `code line:col`, with `config`.
fn advice_with(md: &str, config: &PlainEnglishConfig, glossary: &[&str]) -> Vec<String> {
    check_md(md, config, glossary, false)
        .iter()
        .filter(|d| d.code != "reading-age")
        .map(|d| {
            format!(
                "{} {}:{}",
                d.code,
                d.line.unwrap_or(0),
                d.column.unwrap_or(0)
            )
        })
        .collect()
}

fn advice(md: &str) -> Vec<String> {
    advice_with(md, &on(), &[])
}

fn off(rule: &str) -> PlainEnglishConfig {
    PlainEnglishConfig {
        off: vec![rule.to_string()],
        ..on()
    }
}

/// `n` short words, the first capitalised (a new sentence).
fn words(n: usize) -> String {
    format!("Cat{}", " cat".repeat(n - 1))
}

#[test]
fn a_long_sentence_is_advised_at_its_start() {
    let md = format!("Short one. {}.\n\nA {}.\n", words(26), words(24));
    assert_eq!(advice(&md), ["long-sentence 1:12"]);
    assert!(advice_with(&md, &off("long-sentence"), &[]).is_empty());
    let limit = PlainEnglishConfig {
        sentence_words: 30,
        ..on()
    };
    assert!(advice_with(&md, &limit, &[]).is_empty());
}

#[test]
fn a_sentence_across_lines_and_after_smart_quotes_is_placed_right() {
    // The sentence starts after `"Yes" -- ` (smart punctuation changes its
    // bytes in the tree, not in the file).
    let md = format!("\"Yes\" -- no.\n  {}.\n", words(26));
    assert_eq!(advice(&md), ["long-sentence 2:3"]);
}

#[test]
fn a_long_paragraph_is_advised_at_its_start() {
    let md = "Intro.\n\n- One. Two. Three. Four. Five. Six.\n";
    assert_eq!(advice(md), ["long-paragraph 3:3"]);
    assert!(advice_with(md, &off("long-paragraph"), &[]).is_empty());
    assert!(advice("One. Two. Three. Four. Five.\n").is_empty());
}

#[test]
fn words_to_avoid_are_advised_at_the_word() {
    let md = "We will *facilitate* a robust plan.\n\nIn order to help, we utilised it.\n";
    assert_eq!(
        advice(md),
        [
            "word-to-avoid 1:10",
            "word-to-avoid 1:24",
            "word-to-avoid 3:1",
            "word-to-avoid 3:22"
        ]
    );
    assert!(advice_with(md, &off("word-to-avoid"), &[]).is_empty());
}

#[test]
fn words_can_be_allowed_and_added() {
    let config = PlainEnglishConfig {
        allow: vec!["Robust".into()],
        avoid: [("touchpoint".to_string(), "\"contact\"".to_string())].into(),
        ..on()
    };
    assert_eq!(
        advice_with("A robust touchpoint.\n", &config, &[]),
        ["word-to-avoid 1:10"]
    ); // A phrase allowed whole: none of its words is advised on, elsewhere they are.
    let config = PlainEnglishConfig {
        allow: vec!["promoting the welfare of children".into()],
        ..on()
    };
    assert_eq!(
        advice_with(
            "Safeguarding and promoting the welfare of children, and promoting health.\n",
            &config,
            &[]
        ),
        ["word-to-avoid 1:57"]
    );
}

#[test]
fn names_and_glossary_terms_are_not_words_to_avoid() {
    // Mid-sentence capitals: a name. A glossary term: its own words.
    let md = "Pupils at Key Stage 2 did well. The Robust Families team met.\n";
    assert!(advice(md).is_empty(), "{:?}", advice(md));
    let md = "The board met the key workers.\n";
    assert_eq!(advice(md), ["word-to-avoid 1:19"]);
    assert!(advice_with(md, &on(), &["key workers"]).is_empty());
}

#[test]
fn latin_abbreviations_are_advised() {
    let md = "Some, e.g. these, i.e. those, etc.\n";
    assert_eq!(
        advice(md),
        [
            "latin-abbreviation 1:7",
            "latin-abbreviation 1:19",
            "latin-abbreviation 1:31"
        ]
    );
    assert!(advice_with(md, &off("latin-abbreviation"), &[]).is_empty());
}

#[test]
fn advice_shows_the_abbreviation_as_written_and_help_that_reads() {
    let md = "Some, e.g. these, etc. We facilitate and utilise, i.e not.\n";
    let shown: Vec<(String, String)> = check_md(md, &on(), &[], false)
        .into_iter()
        .filter(|d| d.code != "reading-age")
        .map(|d| (d.message, d.help.unwrap_or_default()))
        .collect();
    let message = |i: usize| shown[i].0.as_str();
    // The full stop after a Latin abbreviation is shown with it.
    assert!(message(0).starts_with("`e.g.` is a Latin"), "{shown:?}");
    assert!(message(1).starts_with("`etc.` is a Latin"), "{shown:?}");
    assert!(message(4).starts_with("`i.e` is a Latin"), "{shown:?}");
    // An instruction is not "tried"; a word to write instead is.
    assert!(shown[2].1.starts_with("say what is done: "), "{shown:?}");
    assert!(shown[3].1.starts_with("try \"use\"; "), "{shown:?}");
}

#[test]
fn text_in_capitals_is_advised_but_not_glossary_abbreviations() {
    let md = "Read this. PLEASE NOTE the date.\n\n## THE SSCB\n";
    // `THE SSCB`: with SSCB in the glossary, `THE` is one word in capitals.
    assert_eq!(advice_with(md, &on(), &["SSCB"]), ["capitals 1:12"]);
    assert_eq!(advice(md), ["capitals 1:12", "capitals 3:4"]);
    assert!(advice_with(md, &off("capitals"), &[]).is_empty());
}

#[test]
fn click_here_wording_is_advised_outside_links_only() {
    let md =
        "To read it, click [here](https://example.org).\n\n[Click here](https://example.org).\n";
    assert_eq!(advice(md), ["click-here 1:13"]);
    assert!(advice_with(md, &off("click-here"), &[]).is_empty());
}

#[test]
fn code_quotes_and_html_are_not_checked() {
    let md = format!(
        "Use `utilise` here.\n\n> We will facilitate a ROBUST PLAN. {}.\n\n```\nutilise\n```\n",
        words(30)
    );
    assert!(advice(&md).is_empty(), "{:?}", advice(&md));
}

#[test]
fn the_reading_age_uses_flesch_kincaid_plus_five() {
    let md = format!(
        "{}.\n\nThe cat sat on the mat. It was a good cat.\n",
        words(30)
    );
    let arena = Arena::new();
    let root = comrak::parse_document(&arena, &md, &Options::default());
    let checker = Checker::new(&on(), []).expect("on");
    let body = Body {
        file: "content/a.md",
        text: &md,
        md: &md,
        first_line: 1,
        first_column: 1,
        locate: &|l, c| (l, c),
    };
    let all = checker.check(root, &body);
    let age = all
        .iter()
        .find(|d| d.code == "reading-age")
        .expect("a reading age");
    let r = *age.reading_age.as_deref().expect("its counts");
    // 41 words of one syllable in 3 sentences.
    assert_eq!((r.words, r.sentences, r.syllables), (41, 3, 41));
    let grade = 0.39 * (41.0 / 3.0) + 11.8 - 15.59;
    assert!((r.grade() - grade).abs() < 1e-9);
    assert_eq!(r.age(), ((grade + 5.0) * 10.0_f64).round() / 10.0);
    assert_eq!(age.severity, Severity::Advice);
    assert_eq!((age.line, age.column), (Some(1), Some(1)));
    let none = Checker::new(&off("reading-age"), []).expect("on");
    assert!(
        none.check(root, &body)
            .iter()
            .all(|d| d.code != "reading-age")
    );
}

#[test]
fn strict_makes_advice_warnings() {
    let strict = PlainEnglishConfig {
        strict: true,
        ..on()
    };
    let md = "A robust plan.\n";
    let arena = Arena::new();
    let root = comrak::parse_document(&arena, md, &Options::default());
    let body = Body {
        file: "content/a.md",
        text: md,
        md,
        first_line: 1,
        first_column: 1,
        locate: &|l, c| (l, c),
    };
    for (config, severity) in [(on(), Severity::Advice), (strict, Severity::Warning)] {
        let d = Checker::new(&config, []).expect("on").check(root, &body);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, severity);
    }
    let disabled = PlainEnglishConfig {
        enabled: false,
        ..on()
    };
    assert!(Checker::new(&disabled, []).is_none());
}

#[test]
fn a_page_lists_at_most_a_hundred_pieces_of_advice() {
    let md = "Some, e.g. this.\n".repeat(150);
    let all = advice(&md);
    assert_eq!(all.len(), 101);
    // In the order the build lists them: the note on the rest (it has no
    // place) first; then the paragraph's length, and a Latin abbreviation a
    // line.
    assert_eq!(all[0], "plain-english 0:0");
    assert_eq!(all[1], "long-paragraph 1:1");
    assert_eq!(all[100], "latin-abbreviation 99:7");
}

/// Every piece of advice on `md` in full (rule, place, message, help), with
/// the checker's filter or with every word looked up (`full`).
fn all_advice(md: &str, config: &PlainEnglishConfig, glossary: &[&str], full: bool) -> Vec<String> {
    check_md(md, config, glossary, full)
        .iter()
        .map(|d| format!("{d:?}"))
        .collect()
}

/// Words of the lists (first words of phrases alone and before their second
/// words, in any case), of the glossary and `allow` below, and others.
const VOCABULARY: &[&str] = &[
    "a",
    "A",
    "number",
    "NUMBER",
    "of",
    "in",
    "In",
    "order",
    "to",
    "relation",
    "the",
    "The",
    "link",
    "below",
    "this",
    "click",
    "here",
    "Click",
    "key",
    "Key",
    "KEY",
    "robust",
    "ring",
    "fencing",
    "fenced",
    "e.g.",
    "i.e.",
    "etc.",
    "et",
    "al",
    "per",
    "annum",
    "going",
    "forward",
    "Going",
    "touch",
    "base",
    "NHS",
    "BIG",
    "PLAN",
    "board",
    "Board",
    "plan",
    "we",
    "met",
    "children",
    "safeguarding",
    "Safeguarding",
    "partnership",
    "welfare",
    "promoting",
    "’s",
    "it’s",
    "don't",
    "3.5",
    "2016",
    "co-operate",
    "ring-fencing",
    "café",
    "deliver",
    "Delivered",
    ".",
    ",",
    ";",
    "!",
    "?",
    ":",
    "-",
    "–",
    "\n",
    "\n\n",
    "[",
    "](u)",
    "`x`",
    "*",
    "**",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]
    #[test]
    fn the_filter_changes_no_advice(
        words in proptest::collection::vec(proptest::sample::select(VOCABULARY), 0..60)
    ) {
        let md = format!("{}\n", words.join(" "));
        let config = PlainEnglishConfig {
            allow: vec!["promoting the welfare".into(), "ring fenced".into()],
            avoid: [("board".to_string(), "\"group\"".to_string())].into(),
            sentence_words: 8,
            paragraph_sentences: 2,
            ..on()
        };
        let glossary = ["NHS", "Safeguarding partnership", "key plan"];
        prop_assert_eq!(
            all_advice(&md, &config, &glossary, false),
            all_advice(&md, &config, &glossary, true),
            "{:?}", md
        );
    }
}
