//! A Zola site's content moves over (issue 17): `tests/fixtures/sites/zola-content`
//! (zola.toml, TOML and YAML front matter, Zola's page and section keys, a
//! page without a title, a page bundle, no `content/_index.md`) builds, its
//! pages hold what its content says, and every key reportsite ignores is named
//! in a warning at its place. Also the cases the invalid fixtures used to
//! refuse (no root `_index.md`, an empty front matter), a bundle with its own
//! slug, Zola's `path`, and the errors of the settings file.

use reportsite::site::{LoadOptions, Site};

use crate::common::{build, build_errors, fixture, page, write_file};

fn built_fixture() -> reportsite::Built {
    Site::load(&fixture("sites/zola-content"), &LoadOptions::default())
        .expect("loads")
        .build()
        .expect("builds")
}

#[test]
fn a_zola_site_builds_with_its_pages_in_place() {
    let built = built_fixture();
    let paths: Vec<&str> = built.files.iter().map(|f| f.path.as_str()).collect();
    for p in [
        "index.html",
        "journal/index.html",
        "journal/low-tide/index.html",
        "journal/old-low-tide/index.html",
        "journal/untitled-notes/index.html",
        "harbour-walk/index.html",
        "harbour-walk/photo.png",
        "harbour-walk/route.txt",
        "about-us/index.html",
        "glossary/index.html",
        "accessibility/index.html",
        "404.html",
    ] {
        assert!(paths.contains(&p), "no {p} in {paths:?}");
    }
    // The bundle is the page `harbour-walk/`, not `harbour-walk/index/`;
    // `path` replaces the page's own URL.
    for p in ["harbour-walk/index/index.html", "about/index.html"] {
        assert!(!paths.contains(&p), "{p} should not be built");
    }
    let photo = built
        .files
        .iter()
        .find(|f| f.path == "harbour-walk/photo.png")
        .expect("photo");
    let original = std::fs::read(fixture("sites/zola-content/content/harbour-walk/photo.png"))
        .expect("the fixture's photo");
    assert_eq!(photo.bytes, original, "copied as is");
}

#[test]
fn the_pages_hold_what_the_content_says() {
    let files = built_fixture().files;
    // No root _index.md: a plain home page named after the site, listing the
    // top-level chapter and pages (ordered by weight) — no report parts.
    let home = page(&files, "index.html");
    assert!(home.contains("<title>Harbour Walks</title>"), "{home}");
    assert!(home.contains("<h1>Harbour Walks</h1>"), "{home}");
    let order: Vec<usize> = [
        "href=\"/harbour/journal/\">",
        "href=\"/harbour/harbour-walk/\">",
        "href=\"/harbour/about-us/\">",
    ]
    .iter()
    .map(|l| home.find(l).unwrap_or_else(|| panic!("{l} in {home}")))
    .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "weight order: {order:?}"
    );
    // TOML front matter: title and a TOML date.
    let low_tide = page(&files, "journal/low-tide/index.html");
    assert!(
        low_tide.contains("Low tide at the north wall</h1>"),
        "{low_tide}"
    );
    assert!(
        low_tide.contains("<time datetime=\"2026-03-14\">14 March 2026</time>"),
        "{low_tide}"
    );
    assert!(
        low_tide.contains("href=\"/harbour/harbour-walk/\">route of the harbour walk</a>"),
        "{low_tide}"
    );
    // No title: the first heading is the page's h1 and title, once.
    let notes = page(&files, "journal/untitled-notes/index.html");
    assert!(
        notes.contains("<title>Notes from the slipway – Harbour Walks</title>"),
        "{notes}"
    );
    assert!(notes.contains("Notes from the slipway</h1>"), "{notes}");
    assert_eq!(
        notes.matches("Notes from the slipway</h").count(),
        1,
        "{notes}"
    );
    // No title and no heading: the file name.
    let about = page(&files, "about-us/index.html");
    assert!(
        about.contains("<span class=\"number\">3</span> About</h1>"),
        "{about}"
    );
    // The bundle's relative image and link resolve to the files beside it.
    let walk = page(&files, "harbour-walk/index.html");
    assert!(
        walk.contains("src=\"/harbour/harbour-walk/photo.png\""),
        "{walk}"
    );
    assert!(
        walk.contains("href=\"/harbour/harbour-walk/route.txt\">"),
        "{walk}"
    );
    // The alias redirects to the page.
    let alias = page(&files, "journal/old-low-tide/index.html");
    assert!(alias.contains("/harbour/journal/low-tide/"), "{alias}");
}

#[test]
fn each_ignored_key_and_made_title_is_a_warning_at_its_place() {
    let built = built_fixture();
    let mut warnings: Vec<String> = built
        .warnings
        .iter()
        .map(|d| {
            format!(
                "{} {}:{}:{} {}",
                d.code,
                d.file,
                d.line.unwrap_or(0),
                d.column.unwrap_or(0),
                d.message
            )
        })
        .collect();
    warnings.sort();
    assert_eq!(
        warnings,
        [
            "ignored-key content/journal/_index.md:4:1 reportsite does not use these Zola front-matter keys and ignores them: `sort_by`, `paginate_by`",
            "ignored-key content/journal/low-tide.md:7:1 reportsite does not use these Zola front-matter keys and ignores them: `taxonomies`, `authors`",
            "ignored-key content/journal/untitled-notes.md:4:1 reportsite does not use these Zola front-matter keys and ignores them: `in_search_index`",
            "ignored-key zola.toml:10:1 reportsite does not use these Zola settings and ignores them: `compile_sass`, `generate_feeds`, `build_search_index`, `taxonomies`, `markdown`, `link_checker`, `slugify`",
            "no-title content/about.md:1:1 no `title` in the front matter: the title is \"About\", from its file name (it has no heading)",
            "no-title content/journal/untitled-notes.md:7:1 no `title` in the front matter: the title is \"Notes from the slipway\", from its first heading",
        ]
    );
    let about = built
        .warnings
        .iter()
        .find(|d| d.file == "content/about.md")
        .expect("about.md's warning");
    assert_eq!(
        about.help.as_deref(),
        Some(
            "add `title = \"About\"` to the front matter to choose the title (page lists and the browser tab show it)"
        )
    );
}

/// A site folder with `config` as `config.toml` and the given content files.
fn site(config: &str, files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_file(dir.path(), "config.toml", config);
    for (rel, bytes) in files {
        write_file(dir.path(), rel, bytes);
    }
    dir
}

const CONFIG: &str = "base_url = \"/\"\ntitle = \"T\"\n";

#[test]
fn what_the_invalid_fixtures_refused_now_builds() {
    // Once `invalid/missing-root-index` and `invalid/empty-front-matter`.
    let dir = site(
        "base_url = \"/\"\n",
        &[
            (
                "content/background/_index.md",
                b"---\ntitle: Background\n---\nBackground.\n",
            ),
            (
                "content/background/board.md",
                b"---\n---\n# The Board\n\nMembers.\n",
            ),
        ],
    );
    let files = build(dir.path()).expect("builds");
    let home = page(&files, "index.html");
    assert!(
        home.contains("<h1>Home</h1>"),
        "no site title: `Home`: {home}"
    );
    assert!(home.contains("href=\"/background/\">"), "{home}");
    let board = page(&files, "background/board/index.html");
    assert!(board.contains("The Board</h1>"), "{board}");
}

#[test]
fn a_folder_without_an_index_stays_in_the_url() {
    // As in Zola: `posts/no-section/simple.md` is `/posts/no-section/simple/`
    // (a page of the chapter `posts`), not `/posts/simple/`.
    let dir = site(
        CONFIG,
        &[
            ("content/_index.md", b"---\ntitle: Home\n---\n"),
            (
                "content/posts/_index.md",
                b"---\ntitle: Posts\nslug: news\n---\n",
            ),
            ("content/posts/simple.md", b"---\ntitle: Simple\n---\n"),
            (
                "content/posts/No Section/simple.md",
                b"---\ntitle: Simple too\n---\n",
            ),
            ("content/loose/deeper/page.md", b"---\ntitle: Loose\n---\n"),
        ],
    );
    let files = build(dir.path()).expect("builds");
    for p in [
        "news/simple/index.html",
        "news/no-section/simple/index.html",
        "loose/deeper/page/index.html",
    ] {
        assert!(files.iter().any(|f| f.path == p), "no {p}");
    }
}

#[test]
fn a_bundle_with_its_own_slug_takes_its_files_along() {
    let dir = site(
        CONFIG,
        &[
            ("content/_index.md", b"---\ntitle: Home\n---\n"),
            (
                "content/trip/index.md",
                b"+++\ntitle = \"Trip\"\nslug = \"voyage\"\n+++\n[The map](map.txt)\n",
            ),
            ("content/trip/map.txt", b"north"),
        ],
    );
    let files = build(dir.path()).expect("builds");
    assert!(page(&files, "voyage/index.html").contains("href=\"/voyage/map.txt\">The map</a>"));
    assert_eq!(page(&files, "voyage/map.txt"), "north");
    assert!(!files.iter().any(|f| f.path.starts_with("trip/")));
}

#[test]
fn a_draft_bundle_hides_its_files_too() {
    let dir = site(
        CONFIG,
        &[
            ("content/_index.md", b"---\ntitle: Home\n---\n"),
            (
                "content/trip/index.md",
                b"+++\ntitle = \"Trip\"\ndraft = true\n+++\n![A map](map.png)\n",
            ),
            ("content/trip/map.png", b"not really a picture"),
        ],
    );
    let files = build(dir.path()).expect("builds");
    assert!(
        !files.iter().any(|f| f.path.starts_with("trip/")),
        "nothing of the draft bundle"
    );
}

#[test]
fn zolas_path_places_a_page_and_a_clash_is_located_at_it() {
    let dir = site(
        CONFIG,
        &[
            ("content/_index.md", b"---\ntitle: Home\n---\n"),
            ("content/a/_index.md", b"---\ntitle: A\n---\n"),
            ("content/a/b.md", b"---\ntitle: B\n---\n"),
            (
                "content/c.md",
                b"+++\ntitle = \"C\"\n\npath = \"/a/b/\"\n+++\n",
            ),
        ],
    );
    let errors = build_errors(dir.path());
    let d = &errors[0];
    assert_eq!(
        (d.code, d.file.as_str(), d.line, d.column),
        ("duplicate-path", "content/c.md", Some(4), Some(1)),
        "{}",
        d.render()
    );
    assert_eq!(
        d.message,
        "this page would be written to `/a/b/`, which `content/a/b.md` also uses"
    );
}

#[test]
fn both_settings_files_is_an_error() {
    let dir = site(CONFIG, &[("content/_index.md", b"---\ntitle: Home\n---\n")]);
    write_file(dir.path(), "zola.toml", CONFIG);
    let errors = build_errors(dir.path());
    assert_eq!(
        (
            errors[0].code,
            errors[0].file.as_str(),
            errors[0].message.as_str()
        ),
        (
            "two-configs",
            "zola.toml",
            "the site has both `config.toml` and `zola.toml`; reportsite reads one settings file"
        )
    );
}

#[test]
fn a_misspelt_key_in_a_zola_table_is_an_error_with_a_suggestion() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_file(
        dir.path(),
        "zola.toml",
        "base_url = \"/\"\n[markdown]\nhighlighting = { theme = \"x\", dark_them = \"y\" }\nsmart_punctuaton = true\n",
    );
    write_file(dir.path(), "content/_index.md", "---\ntitle: Home\n---\n");
    let errors = build_errors(dir.path());
    let found: Vec<_> = errors
        .iter()
        .map(|d| {
            (
                d.file.as_str(),
                d.line,
                d.column,
                d.message.as_str(),
                d.help.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "zola.toml",
                Some(3),
                Some(31),
                "unknown key `dark_them` in zola.toml",
                Some("did you mean `dark_theme`? Free-form values go under `[extra]`.")
            ),
            (
                "zola.toml",
                Some(4),
                Some(1),
                "unknown key `smart_punctuaton` in zola.toml",
                Some("did you mean `smart_punctuation`? Free-form values go under `[extra]`.")
            ),
        ]
    );
}
