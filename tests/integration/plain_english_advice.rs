//! Plain-English advice on whole sites (issue 16): located in the content
//! file (front matter counted), listed by `check` (human and JSON, with each
//! page's reading age), never failing a build — not even `--strict` — unless
//! `[plain_english] strict = true`; `[plain_english]` and the per-page
//! `plain_english: false` switch.

use std::path::Path;

use reportsite::error::{Diagnostic, Severity};
use reportsite::site::{LoadOptions, Site};

use crate::common::{reportsite_bin, write_file};

const CONFIG: &str = "base_url = \"https://example.org\"\ntitle = \"T\"\ndefault_language = \"en-GB\"\n\n[accessibility]\ncontact_email = \"a@board.test\"\nprepared = \"2025-01-01\"\nreviewed = \"2025-01-01\"\ntested = \"2025-01-01\"\n";

/// A page whose body (from line 5 of the file) triggers every rule once.
const PAGE: &str = "---\ntitle: Plans\nweight: 1\n---\nWe will facilitate it, e.g. soon.\n\nPLEASE NOTE the date. To read more, click [the plan](@/_index.md).\n\nOne. Two. Three. Four. Five. Six.\n\nThe board and the council and the schools and the police and the health services and the charities all met in the hall in the town in May.\n";

/// (code, line, column) of each piece of advice on PAGE, in the file.
const EXPECTED: &[(&str, usize, usize)] = &[
    ("word-to-avoid", 5, 9),
    ("latin-abbreviation", 5, 24),
    ("capitals", 7, 1),
    ("click-here", 7, 37),
    ("long-paragraph", 9, 1),
    ("long-sentence", 11, 1),
];

/// A site with `page`, and the checks on (they are off by default) unless
/// `config_extra` says otherwise.
fn site(config_extra: &str, page: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let extra = if config_extra.contains("enabled") {
        config_extra.to_string()
    } else if config_extra.contains("[plain_english]") {
        // The last table in every test: the key goes at its end, so the
        // lines of the others stay as written.
        format!("{config_extra}enabled = true\n")
    } else {
        format!("{config_extra}\n[plain_english]\nenabled = true\n")
    };
    write_file(dir.path(), "config.toml", format!("{CONFIG}{extra}"));
    write_file(
        dir.path(),
        "content/_index.md",
        "---\ntitle: Home\nkind: report\norganisation: Board\n---\nThe summary.\n",
    );
    write_file(dir.path(), "content/plans.md", page);
    dir
}

fn advice(root: &Path) -> Vec<Diagnostic> {
    let built = Site::load(root, &LoadOptions::default())
        .expect("loads")
        .build()
        .expect("advice never fails a build");
    built
        .warnings
        .into_iter()
        .filter(|d| d.file == "content/plans.md")
        .collect()
}

fn located(list: &[Diagnostic]) -> Vec<(&str, usize, usize)> {
    list.iter()
        .filter(|d| d.code != "reading-age")
        .map(|d| (d.code, d.line.unwrap_or(0), d.column.unwrap_or(0)))
        .collect()
}

#[test]
fn each_rule_is_located_in_the_content_file() {
    let dir = site("", PAGE);
    let list = advice(dir.path());
    assert_eq!(located(&list), EXPECTED);
    assert!(list.iter().all(|d| d.severity == Severity::Advice));
    // The snippet is the file's own line.
    let d = list
        .iter()
        .find(|d| d.code == "word-to-avoid")
        .expect("advice");
    assert_eq!(
        d.source_line.as_deref(),
        Some("We will facilitate it, e.g. soon.")
    );
    assert!(
        d.render()
            .starts_with("advice[word-to-avoid]: `facilitate`"),
        "{}",
        d.render()
    );
    let age = list
        .iter()
        .find(|d| d.code == "reading-age")
        .and_then(|d| d.reading_age.as_deref().copied())
        .expect("the page's reading age");
    assert_eq!((age.words, age.sentences), (50, 10));
}

#[test]
fn rules_turn_off_and_limits_change_in_config() {
    let dir = site(
        "\n[plain_english]\noff = [\"capitals\", \"click-here\"]\nsentence_words = 40\nparagraph_sentences = 6\nallow = [\"facilitate\"]\n",
        PAGE,
    );
    assert_eq!(
        located(&advice(dir.path())),
        [("latin-abbreviation", 5, 24)]
    );
    let dir = site("\n[plain_english]\nenabled = false\n", PAGE);
    assert!(advice(dir.path()).is_empty());
}

#[test]
fn a_page_turns_its_advice_off_in_its_front_matter() {
    let page = PAGE.replace("weight: 1\n", "weight: 1\nplain_english: false\n");
    let dir = site("", &page);
    assert!(advice(dir.path()).is_empty());
}

#[test]
fn an_unknown_plain_english_key_is_located() {
    let dir = site("\n[plain_english]\nsentence_word = 20\n", PAGE);
    let Err(reportsite::Error::Content(list)) = Site::load(dir.path(), &LoadOptions::default())
    else {
        panic!("an unknown key is an error");
    };
    let d = &list[0];
    assert_eq!(
        (d.code, d.file.as_str(), d.line),
        ("unknown-key", "config.toml", Some(12))
    );
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.starts_with("did you mean `sentence_words`?")),
        "{:?}",
        d.help
    );
}

fn run(args: &[&str], root: &Path) -> crate::common::Run {
    crate::common::run_cli(args, root)
}

#[test]
fn advice_never_fails_a_build_unless_strict_is_set() {
    // (`PLEASE` and `NOTE` are also the audit's `abbreviation` warnings.)
    let dir = site("", PAGE);
    let r = run(
        &["build", "--strict", "--allow", "abbreviation"],
        dir.path(),
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("0 errors, 2 warnings and 6 pieces of plain-English advice"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("advice[capitals]: `PLEASE NOTE`"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("--> content/plans.md:7:1"),
        "{}",
        r.stderr
    );
    // strict = true: advice is a warning, so --strict fails (and --allow lets a rule pass).
    let dir = site("\n[plain_english]\nstrict = true\n", PAGE);
    let r = run(&["build"], dir.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.contains("warning[capitals]"), "{}", r.stderr);
    let r = run(
        &["check", "--strict", "--allow", "abbreviation"],
        dir.path(),
    );
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("warning[long-sentence]"), "{}", r.stderr);
}

#[test]
fn check_lists_advice_and_reading_ages_in_human_and_json() {
    let dir = site("", PAGE);
    let r = run(&["check"], dir.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("reading age (Flesch–Kincaid grade level + 5)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .lines()
            .any(|l| l.contains("content/plans.md  (50 words, 10 sentences)")),
        "{}",
        r.stderr
    );
    let output = reportsite_bin()
        .args(["check", "--format", "json", "--root"])
        .arg(dir.path())
        .output()
        .expect("run");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let list = json.as_array().expect("a list, as before");
    let advice: Vec<(String, u64, u64)> = list
        .iter()
        .filter(|d| d["severity"] == "advice" && d["code"] != "reading-age")
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let expected: Vec<(String, u64, u64)> = EXPECTED
        .iter()
        .map(|(c, l, col)| (c.to_string(), *l as u64, *col as u64))
        .collect();
    assert_eq!(advice, expected);
    let age = list
        .iter()
        .find(|d| d["code"] == "reading-age" && d["file"] == "content/plans.md")
        .expect("the page's reading age");
    assert_eq!(age["reading_age"]["formula"], "flesch-kincaid-grade+5");
    assert_eq!(age["reading_age"]["words"], 50);
    assert!(age["reading_age"]["age"].as_f64().is_some());
    // Today's fields are all still there, on every item.
    for d in list {
        for key in [
            "severity", "code", "file", "line", "column", "message", "help", "page", "wcag",
        ] {
            assert!(d.get(key).is_some(), "{key} missing: {d}");
        }
    }
}

/// A site of 31 pages of six pieces of advice each (PAGE), without the full
/// report (which needs every body at once): each page's Markdown is made in
/// its own job, where its advice is kept or counted.
fn many_pages() -> tempfile::TempDir {
    let dir = site("", PAGE);
    write_file(
        dir.path(),
        "config.toml",
        format!("build_full_report = false\n{CONFIG}\n[plain_english]\nenabled = true\n"),
    );
    for i in 0..30 {
        write_file(
            dir.path(),
            &format!("content/p{i:02}.md"),
            PAGE.replace("weight: 1", &format!("weight: {}", i + 2)),
        );
    }
    dir
}

/// The advice lines `build` prints, and the count in its last line.
fn listed_and_counted(stderr: &str) -> (usize, usize) {
    let listed = stderr.lines().filter(|l| l.starts_with("advice[")).count();
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.is_empty())
        .unwrap_or_default();
    let counted = last
        .split(" pieces of plain-English advice")
        .next()
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    (listed, counted)
}

#[test]
fn build_lists_fifty_pieces_and_counts_them_all_when_it_succeeds_or_fails() {
    let dir = many_pages();
    let r = run(&["build"], dir.path());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(listed_and_counted(&r.stderr), (50, 31 * 6), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("… and 136 more pieces of plain-English advice ("),
        "{}",
        r.stderr
    );
    // One page's front matter fails the build: its page is not made, the
    // others' advice is listed and counted as when the build succeeds (it
    // was all printed, a piece a line, before advice was counted).
    write_file(
        dir.path(),
        "content/p29.md",
        PAGE.replace("weight: 1", "weight: [1"),
    );
    let r = run(&["build"], dir.path());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(listed_and_counted(&r.stderr), (50, 30 * 6), "{}", r.stderr);
    assert!(r.stderr.contains("error["), "{}", r.stderr);
    assert!(r.stderr.contains("… and 130 more pieces"), "{}", r.stderr);
}

#[test]
fn a_build_listing_part_of_the_advice_keeps_what_it_lists_and_counts_the_rest() {
    // Thirty-one pages of six pieces each: a build listing 50 keeps the advice of
    // the files that hold the first 50 (by file, line and column), counts
    // the later files' by rule as their pages are made, and gives the same
    // first 50 and the same counts as a build that keeps it all.
    let dir = many_pages();
    let site = Site::load(dir.path(), &LoadOptions::default()).expect("loads");
    let pieces = |list: Vec<Diagnostic>| -> Vec<Diagnostic> {
        list.into_iter()
            .filter(|d| {
                d.severity == Severity::Advice && !reportsite::plain_english::is_reading_age(d)
            })
            .collect()
    };
    let by_rule = |list: &[Diagnostic]| {
        let mut n = std::collections::BTreeMap::<&str, usize>::new();
        for d in list {
            *n.entry(d.code).or_default() += 1;
        }
        n
    };
    let all = pieces(site.build().expect("builds").warnings);
    assert_eq!(all.len(), 31 * 6);
    struct Discard;
    impl reportsite::output::Sink for Discard {
        fn put(&self, _: reportsite::output::OutputFile) -> reportsite::error::Result<()> {
            Ok(())
        }
    }
    // Which pages' advice is counted depends on the order the jobs finish
    // in (a page's is counted once the files sorted before it are known to
    // hold the 50), and rayon may run them out of order (a job waiting on
    // nested work runs others meanwhile): every build must give the same
    // first 50 and counts; until one counts something, build again (on an
    // idle machine the first does).
    let mut counted_some = false;
    for _ in 0..20 {
        let mut listing = reportsite::AdviceListing::new(50);
        let kept = pieces(
            site.build_into_listing(&Discard, &|_, _| {}, &mut listing)
                .expect("builds")
                .warnings,
        );
        assert_eq!(kept.len() + listing.left_out_total(), all.len());
        assert_eq!(kept[..50], all[..50]);
        let mut counted = by_rule(&kept);
        for (rule, n) in &listing.left_out {
            *counted.entry(rule).or_default() += n;
        }
        assert_eq!(counted, by_rule(&all));
        if listing.left_out_total() > 0 {
            counted_some = true;
            break;
        }
    }
    assert!(counted_some, "no build counted the later files' advice");
}
