//! Zola compatibility: a Zola site's settings move over. Zola's `config.toml`
//! keys that reportsite has no feature for are accepted and named in one
//! warning; `zola.toml` is read when there is no `config.toml`; a misspelt key
//! is still an error with "did you mean".

use reportsite::site::{LoadOptions, Site};

use crate::common::{build_errors, write_file};

const ZOLA_CONFIG: &str = r#"base_url = "https://example.org"
title = "A Zola site"
compile_sass = true
generate_feeds = true
taxonomies = [
    { name = "tags" },
    { name = "categories", feed = true },
]
ignored_content = ["*.xlsx"]

[markdown]
highlight_code = true

[link_checker]
skip_prefixes = ["http://[2001:db8::]/"]

[slugify]
paths = "on"

[extra]
author = "A"

[accessibility]
contact_email = "a@board.test"
prepared = "2025-01-01"
reviewed = "2025-01-01"
tested = "2025-01-01"
"#;

fn zola_site(config_name: &str, config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_file(dir.path(), config_name, config);
    write_file(
        dir.path(),
        "content/_index.md",
        "---\ntitle: Home\n---\nHello.\n",
    );
    dir
}

#[test]
fn zolas_settings_are_accepted_with_one_warning() {
    for name in ["config.toml", "zola.toml"] {
        let dir = zola_site(name, ZOLA_CONFIG);
        let built = Site::load(dir.path(), &LoadOptions::default())
            .expect("loads")
            .build()
            .expect("builds");
        let ignored: Vec<_> = built
            .warnings
            .iter()
            .filter(|d| d.code == "ignored-key")
            .collect();
        assert_eq!(
            ignored.len(),
            1,
            "{name}: one warning: {:?}",
            built.warnings
        );
        let d = ignored[0];
        assert_eq!(d.file, name);
        for key in [
            "compile_sass",
            "generate_feeds",
            "taxonomies",
            "ignored_content",
            "markdown",
            "link_checker",
            "slugify",
        ] {
            assert!(
                d.message.contains(&format!("`{key}`")),
                "{name}: {key}: {}",
                d.message
            );
        }
        assert!(!d.message.contains("`extra`"), "{}", d.message);
        assert!(d.line.is_some(), "located");
    }
}

#[test]
fn a_misspelt_key_is_still_an_error_with_a_suggestion() {
    let dir = zola_site("config.toml", &ZOLA_CONFIG.replace("title = ", "titel = "));
    let errors = build_errors(dir.path());
    let d = errors
        .iter()
        .find(|d| d.code == "unknown-key")
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(d.line, Some(2), "{}", d.render());
    assert!(
        d.help.as_deref().unwrap_or("").contains("`title`"),
        "{}",
        d.render()
    );
}
