//! Incremental builds (`Site::load_cached` + `Site::build_cached`, what the preview
//! runs on every save) against whole builds: after any sequence of edits the two
//! must agree byte for byte, in files, findings, warnings and errors.
//!
//! In: a temp copy of the sample site, edited by a random sequence of operations
//! (proptest). Out: pass, or the first edit after which the results differ.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use proptest::prelude::*;
use reportsite::Error;
use reportsite::build::{BuildCache, Built};
use reportsite::load::SourceCache;
use reportsite::site::{LoadOptions, Site};

use crate::common;

/// One edit an author (or a theme developer) might make.
#[derive(Debug, Clone)]
enum Edit {
    /// Change the title of the n-th Markdown file.
    Retitle(usize, u8),
    /// Append a paragraph (with an abbreviation, a link, or neither).
    Append(usize, u8),
    /// Add a page to the n-th chapter folder.
    AddPage(usize, u8),
    /// Delete the n-th page (not a chapter's `_index.md`).
    Delete(usize),
    /// Rename the n-th page.
    Rename(usize, u8),
    /// Add a glossary term.
    Glossary(u8),
    /// Change the site title in config.toml.
    Config(u8),
    /// Add or change a site template overriding the theme's 404 page.
    Template(u8),
    /// Add or change a static file.
    Static(u8),
    /// Rewrite the n-th file with the same length (a stamp that may not change).
    SameLength(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(n, v)| Edit::Retitle(n, v)),
        (any::<usize>(), any::<u8>()).prop_map(|(n, v)| Edit::Append(n, v)),
        (any::<usize>(), any::<u8>()).prop_map(|(n, v)| Edit::AddPage(n, v)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), any::<u8>()).prop_map(|(n, v)| Edit::Rename(n, v)),
        any::<u8>().prop_map(Edit::Glossary),
        any::<u8>().prop_map(Edit::Config),
        any::<u8>().prop_map(Edit::Template),
        any::<u8>().prop_map(Edit::Static),
        any::<usize>().prop_map(Edit::SameLength),
    ]
}

fn markdown_files(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    v.sort();
    v
}

fn pages(root: &Path) -> Vec<PathBuf> {
    markdown_files(root)
        .into_iter()
        .filter(|p| !p.ends_with("_index.md"))
        .collect()
}

fn chapters(root: &Path) -> Vec<PathBuf> {
    markdown_files(root)
        .into_iter()
        .filter(|p| p.ends_with("_index.md"))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .collect()
}

/// Writes `text` to `path` and gives it a modification time of its own, well in
/// the past, so the incremental load may trust the stamp of every other file.
fn write(path: &Path, text: &str, clock: &mut u64) {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("mkdir");
    }
    std::fs::write(path, text).expect("write");
    *clock += 1;
    let when = SystemTime::now() - Duration::from_secs(86_400) + Duration::from_secs(*clock);
    let f = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open");
    f.set_modified(when).expect("set mtime");
}

fn apply(root: &Path, e: &Edit, clock: &mut u64) {
    let md = markdown_files(root);
    let pg = pages(root);
    match e {
        Edit::Retitle(n, v) => {
            let p = &md[n % md.len()];
            let text = std::fs::read_to_string(p).expect("read");
            let text = text.replacen("title:", &format!("title: Edited {v} —"), 1);
            write(p, &text, clock);
        }
        Edit::Append(n, v) => {
            let p = &md[n % md.len()];
            let mut text = std::fs::read_to_string(p).expect("read");
            text.push_str(match v % 4 {
                0 => "\n\nThe HWBB and the LSCB met again.\n",
                1 => "\n\nSee [the glossary](/glossary/) for terms.\n",
                // A broken link: a Markdown error, found in the render pass of a
                // whole build and in the Markdown pass of a cached one.
                2 => "\n\nSee [a page](no-such-page.md) that is not there.\n",
                _ => "\n\nA plain added paragraph.\n",
            });
            write(p, &text, clock);
        }
        Edit::AddPage(n, v) => {
            let ch = chapters(root);
            let dir = &ch[n % ch.len()];
            let text = format!(
                "---\ntitle: Added page {v}\nweight: {}\n---\nA new page about QXR {v}.\n",
                *v as usize % 7
            );
            write(&dir.join(format!("added-{v}.md")), &text, clock);
        }
        Edit::Delete(n) => {
            if pg.len() > 1 {
                std::fs::remove_file(&pg[n % pg.len()]).expect("delete");
            }
        }
        Edit::Rename(n, v) => {
            if !pg.is_empty() {
                let from = &pg[n % pg.len()];
                let to = from.with_file_name(format!("renamed-{v}.md"));
                if !to.exists() {
                    std::fs::rename(from, &to).expect("rename");
                }
            }
        }
        Edit::Glossary(v) => {
            let p = root.join("content/glossary.yaml");
            let mut text = std::fs::read_to_string(&p).expect("read");
            text.push_str(&format!("QX{}: Added term {v}\n", (b'A' + v % 26) as char));
            write(&p, &text, clock);
        }
        Edit::Config(v) => {
            let p = root.join("config.toml");
            let text = std::fs::read_to_string(&p).expect("read");
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            if let Some(l) = lines.iter_mut().find(|l| l.starts_with("title")) {
                *l = format!("title = \"Edited site {v}\"");
            }
            write(&p, &(lines.join("\n") + "\n"), clock);
        }
        Edit::Template(v) => {
            let text = format!(
                "{{% extends \"base.html\" %}}\n{{% block content %}}<h1>Not here ({v})</h1><p>Try the <a href=\"{{{{ url(path='/') }}}}\">home page</a>.</p>{{% endblock content %}}\n"
            );
            write(&root.join("templates/404.html"), &text, clock);
        }
        Edit::Static(v) => {
            write(
                &root.join("static/extra.css"),
                &format!("/* {v} */ p {{ margin: 0; }}\n"),
                clock,
            );
        }
        Edit::SameLength(n) => {
            // Same length and, on a coarse clock, possibly the same time stamp:
            // the cache must not trust it (the file was just written).
            let p = &md[n % md.len()];
            let text = std::fs::read_to_string(p).expect("read");
            let swapped = text.replacen("the ", "thE ", 1);
            std::fs::write(p, swapped).expect("write");
        }
    }
}

/// What a build produced, in a comparable form.
#[derive(Debug, PartialEq)]
enum Outcome {
    Built {
        files: Vec<(String, Vec<u8>)>,
        warnings: Vec<String>,
        findings: Vec<String>,
    },
    Failed(Vec<String>),
}

fn outcome(r: Result<Built, Error>) -> Outcome {
    match r {
        Ok(b) => Outcome::Built {
            files: b
                .files
                .into_iter()
                .map(|f| (f.path, f.bytes.to_vec()))
                .collect(),
            warnings: b.warnings.iter().map(|d| d.render()).collect(),
            findings: b.findings.iter().map(|d| d.render()).collect(),
        },
        Err(Error::Content(d)) => Outcome::Failed(d.iter().map(|d| d.render()).collect()),
        Err(e) => Outcome::Failed(vec![e.to_string()]),
    }
}

/// The sample site in `root`, every Markdown file with an old, distinct stamp,
/// as on a real disk; returns the clock for the next writes.
fn sample_site(root: &Path) -> u64 {
    common::copy_sample(root);
    let mut clock = 0;
    for p in markdown_files(root) {
        let text = std::fs::read_to_string(&p).expect("read");
        write(&p, &text, &mut clock);
    }
    clock
}

/// Turns the full report off (`build_full_report = false`) when `off`.
fn without_full_report(root: &Path, off: bool, clock: &mut u64) {
    if off {
        let config = root.join("config.toml");
        let text = std::fs::read_to_string(&config).expect("read");
        write(
            &config,
            &format!("build_full_report = false\n{text}"),
            clock,
        );
    }
}

fn whole(root: &Path) -> Outcome {
    outcome(Site::load(root, &LoadOptions::default()).and_then(|s| s.build()))
}

fn cached(root: &Path, sources: &mut SourceCache, cache: &mut BuildCache) -> Outcome {
    outcome(
        Site::load_cached(root, &LoadOptions::default(), Some(sources), None)
            .and_then(|s| s.build_cached(cache)),
    )
}

/// Describes the first difference, so a failure says where to look.
fn first_difference(a: &Outcome, b: &Outcome) -> String {
    match (a, b) {
        (Outcome::Built { files: fa, .. }, Outcome::Built { files: fb, .. }) => {
            for (x, y) in fa.iter().zip(fb) {
                if x != y {
                    return format!("first different file: {} / {}", x.0, y.0);
                }
            }
            if fa.len() != fb.len() {
                return format!("{} files against {}", fa.len(), fb.len());
            }
            "warnings or findings differ".to_string()
        }
        (Outcome::Failed(ma), Outcome::Failed(mb)) => {
            for (x, y) in ma.iter().zip(mb) {
                if x != y {
                    return format!("first different message:\n{x}\n-- against --\n{y}");
                }
            }
            format!("{} messages against {}", ma.len(), mb.len())
        }
        _ => "one built, the other failed".to_string(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn incremental_builds_equal_whole_builds(
        edits in proptest::collection::vec(edit(), 1..8),
        full_report in any::<bool>(),
    ) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        let mut clock = sample_site(root);
        // Without the full report, a whole build makes each page's Markdown in
        // its render worker; with it, in a pass of its own, as a cached build does.
        without_full_report(root, !full_report, &mut clock);
        let mut sources = SourceCache::default();
        let mut cache = BuildCache::default();
        let first = cached(root, &mut sources, &mut cache);
        prop_assert_eq!(&first, &whole(root));
        for (i, e) in edits.iter().enumerate() {
            apply(root, e, &mut clock);
            let inc = cached(root, &mut sources, &mut cache);
            let full = whole(root);
            prop_assert!(
                inc == full,
                "after edit {} of {:?}: {}",
                i + 1,
                edits,
                first_difference(&inc, &full)
            );
        }
    }
}

/// The cache is used: an edit to one page re-renders that page and its
/// neighbours, not the whole site.
#[test]
fn an_edit_re_renders_only_what_depends_on_it() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let mut clock = sample_site(root);
    let mut sources = SourceCache::default();
    let mut cache = BuildCache::default();
    let Outcome::Built { .. } = cached(root, &mut sources, &mut cache) else {
        panic!("the sample builds");
    };
    let total = markdown_files(root).len();
    assert_eq!(cache.reused(), 0, "nothing to reuse on the first build");

    // Nothing changed: every page is reused.
    cached(root, &mut sources, &mut cache);
    assert_eq!(cache.reused(), total);

    // A body edit changes only that page.
    let p = root.join("content/background/other-themes.md");
    let mut text = std::fs::read_to_string(&p).expect("read");
    text.push_str("\nOne more sentence.\n");
    write(&p, &text, &mut clock);
    cached(root, &mut sources, &mut cache);
    assert_eq!(cache.reused(), total - 1);

    // A title edit also changes the pages that show the title (neighbours, the
    // chapter's list, every page's contents), but not all of them.
    let text = std::fs::read_to_string(&p).expect("read");
    write(
        &p,
        &text.replacen("title: Other themes", "title: More themes", 1),
        &mut clock,
    );
    cached(root, &mut sources, &mut cache);
    assert!(
        cache.reused() < total - 1,
        "neighbours and lists re-render: reused {} of {total}",
        cache.reused()
    );
}

/// Pages below the contents list (depth 3 here) are not in every page's
/// navigation, so an edit to one re-renders only the pages that show it: its
/// neighbours (previous/next), its chapter's list and its own children's
/// breadcrumbs. Each part of a page's fingerprint that covers other entries is
/// needed for one of these edits; each must still give a whole build's bytes.
#[test]
fn edits_below_the_contents_list_reach_the_pages_that_show_them() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let mut clock = sample_site(root);
    let mut sources = SourceCache::default();
    let mut cache = BuildCache::default();
    assert_eq!(cached(root, &mut sources, &mut cache), whole(root));
    let total = markdown_files(root).len();
    let deep = "content/background/key-themes";
    let edits: [(&str, &str, &str); 3] = [
        // The middle page: its previous and next neighbours show the title.
        (
            "child-sam.md",
            "title: Child Sam",
            "title: Child Sam (renamed)",
        ),
        // The first page: the chapter before it, and the page after it.
        (
            "child-j-and-child-l.md",
            "title: Child J and Child L",
            "title: Children J and L",
        ),
        // A new order: numbers and neighbours change (and the order of pages,
        // which Markdown links resolve against, so every page is made again).
        ("operation-fenestra.md", "weight: 3", "weight: 0"),
    ];
    for (file, from, to) in edits {
        let p = root.join(deep).join(file);
        let text = std::fs::read_to_string(&p).expect("read");
        assert!(text.contains(from), "{file} has `{from}`");
        write(&p, &text.replacen(from, to, 1), &mut clock);
        let inc = cached(root, &mut sources, &mut cache);
        let full = whole(root);
        assert!(
            inc == full,
            "after editing {file}: {}",
            first_difference(&inc, &full)
        );
        if from.starts_with("title") {
            assert!(
                cache.reused() > 0 && cache.reused() < total,
                "{file}: reused {} of {total}",
                cache.reused()
            );
        }
    }
}

/// A whole build renders each page's Markdown just before the page; a cached
/// build renders all Markdown first. Both report the same Markdown errors, every
/// one of them, in the same order.
#[test]
fn markdown_errors_are_reported_alike_by_whole_and_cached_builds() {
    for full_report in [false, true] {
        markdown_errors_alike(full_report);
    }
}

fn markdown_errors_alike(full_report: bool) {
    let tmp = tempfile::tempdir().expect("tempdir");
    let root = tmp.path();
    let mut clock = sample_site(root);
    without_full_report(root, !full_report, &mut clock);
    let md = pages(root);
    for (n, p) in [md[0].clone(), md[md.len() - 1].clone()].iter().enumerate() {
        let mut text = std::fs::read_to_string(p).expect("read");
        text.push_str(&format!("\n\nSee [page {n}](no-such-page-{n}.md).\n"));
        write(p, &text, &mut clock);
    }
    let whole = whole(root);
    let mut sources = SourceCache::default();
    let mut cache = BuildCache::default();
    let cached = cached(root, &mut sources, &mut cache);
    let Outcome::Failed(messages) = &whole else {
        panic!("broken links fail the build");
    };
    for n in 0..2 {
        assert_eq!(
            messages
                .iter()
                .filter(|m| m.contains(&format!("no-such-page-{n}.md")))
                .count(),
            1,
            "the broken link of page {n} is reported once: {messages:?}"
        );
    }
    assert!(
        whole == cached,
        "whole and cached builds differ: {}",
        first_difference(&whole, &cached)
    );
}
