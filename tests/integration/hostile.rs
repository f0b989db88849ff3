//! Hostile and odd content: each case ends in a clear, located error or a correct
//! build — never a panic, a hang or unbounded memory.

use std::path::Path;

use reportsite::{Diagnostic, Error};

use crate::common::build;

/// A minimal valid site in a temp folder; `files` are (path, bytes) to add.
fn site(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let write = |rel: &str, bytes: &[u8]| {
        let p = dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    };
    write(
        "config.toml",
        b"base_url = \"https://example.org\"\ntitle = \"T\"\n",
    );
    write("content/_index.md", b"---\ntitle: Home\n---\nHello.\n");
    for (rel, bytes) in files {
        write(rel, bytes);
    }
    dir
}

fn errors(root: &Path) -> Vec<Diagnostic> {
    match build(root) {
        Err(Error::Content(d)) => d,
        Err(e) => panic!("expected content errors, got {e}"),
        Ok(_) => panic!("expected the build to fail"),
    }
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let mut yaml =
        String::from("---\ntitle: Bomb\nextra:\n  a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        yaml.push_str(&format!(
            "  a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n",
            p = i - 1
        ));
    }
    yaml.push_str("---\nBody.\n");
    let dir = site(&[("content/bomb.md", yaml.as_bytes())]);
    let started = std::time::Instant::now();
    let d = errors(dir.path());
    assert!(
        started.elapsed().as_secs() < 10,
        "must not expand the aliases"
    );
    assert_eq!(d[0].file, "content/bomb.md");
    assert!(
        d[0].message.contains("repetition limit") || d[0].message.contains("recursion"),
        "{}",
        d[0].message
    );
}

#[test]
fn deep_nesting_is_refused() {
    let text = format!(
        "---\ntitle: Deep\nextra: {}{}\n---\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let dir = site(&[("content/deep.md", text.as_bytes())]);
    let d = errors(dir.path());
    assert_eq!(d[0].file, "content/deep.md");
    assert!(
        d[0].message.contains("more than 64 levels deep"),
        "{}",
        d[0].message
    );
    assert_eq!(d[0].line, Some(3));
}

#[test]
fn invalid_utf8_and_nul_bytes_are_located() {
    let dir = site(&[
        ("content/latin1.md", b"---\ntitle: Caf\xe9\n---\n"),
        ("content/binary.md", b"---\ntitle: A\n---\n\x00\x01\x02"),
    ]);
    let d = errors(dir.path());
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(
        (d[0].file.as_str(), d[0].code, d[0].line),
        ("content/binary.md", "encoding", Some(4))
    );
    assert_eq!(
        (d[1].file.as_str(), d[1].code, d[1].line),
        ("content/latin1.md", "encoding", Some(2))
    );
}

#[test]
fn bom_crlf_unicode_and_spaces_build() {
    let dir = site(&[
        (
            "content/with space.md",
            b"\xef\xbb\xbf---\r\ntitle: Spaces\r\n---\r\nBody\r\n",
        ),
        (
            "content/café résumé.md",
            "---\ntitle: Café\n---\nÉté.\n".as_bytes(),
        ),
    ]);
    let files = build(dir.path()).expect("builds");
    assert!(
        files.iter().any(|f| f.path == "with-space/index.html"),
        "{:?}",
        files.iter().map(|f| &f.path).collect::<Vec<_>>()
    );
    assert!(files.iter().any(|f| f.path == "café-résumé/index.html"));
}

#[test]
fn editor_files_and_hidden_files_are_ignored() {
    let dir = site(&[
        ("content/.draft.md", b"not front matter"),
        ("content/page.md~", b"not front matter"),
        ("content/.page.md.swp", b"\x00binary"),
    ]);
    build(dir.path()).expect("hidden and backup files are not content");
}

#[test]
fn a_huge_page_builds() {
    let mut text = String::from("---\ntitle: Huge\n---\n");
    let para = "The Board reviewed the arrangements for safeguarding children in every locality. "
        .repeat(20);
    while text.len() < 8 * 1024 * 1024 {
        text.push_str(&para);
        text.push_str("\n\n");
    }
    let dir = site(&[("content/huge.md", text.as_bytes())]);
    let files = build(dir.path()).expect("builds");
    assert!(
        files
            .iter()
            .any(|f| f.path == "huge/index.html" && f.bytes.len() > 4 * 1024 * 1024)
    );
}

#[cfg(unix)]
#[test]
fn symlinks_are_not_followed() {
    let dir = site(&[]);
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: Secret\n---\nSecret.\n",
    )
    .expect("write");
    std::os::unix::fs::symlink(
        outside.path().join("secret.md"),
        dir.path().join("content/secret.md"),
    )
    .expect("symlink");
    std::os::unix::fs::symlink(dir.path().join("content"), dir.path().join("content/loop"))
        .expect("symlink loop");
    let files = build(dir.path()).expect("builds, with a warning");
    assert!(
        !files.iter().any(|f| f.path.contains("secret")),
        "a link out of the site is not published"
    );
}

#[test]
fn raw_html_is_escaped_unless_allowed_and_then_audited() {
    let page = b"---\ntitle: Raw\n---\n<script>alert(1)</script>\n\n<img src=\"a.png\">\n";
    let dir = site(&[("content/raw.md", page), ("static/a.png", b"png")]);
    let files = build(dir.path()).expect("builds");
    let html = crate::common::page(&files, "raw/index.html");
    assert!(
        !html.contains("<script>alert"),
        "raw HTML is escaped by default"
    );
    let cfg = dir.path().join("config.toml");
    let text = std::fs::read_to_string(&cfg).expect("config");
    std::fs::write(&cfg, text + "allow_raw_html = true\n").expect("write");
    let built = reportsite::site::Site::load(dir.path(), &reportsite::LoadOptions::default())
        .expect("loads")
        .build()
        .expect("builds");
    assert!(
        built
            .findings
            .iter()
            .any(|d| d.code == "image-alt" && d.file == "content/raw.md"),
        "{:?}",
        built.findings
    );
}
