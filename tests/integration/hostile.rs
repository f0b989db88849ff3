//! Hostile and odd content: each case ends in a clear, located error or a correct
//! build — never a panic, a hang or unbounded memory.

use std::path::Path;
use std::time::Duration;

use reportsite::{Diagnostic, Error};

#[cfg(unix)]
use crate::common::{as_nobody, nobody_folder, open_up};
use crate::common::{build, reportsite_bin, run_within, tree, write_file};

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

/// The errors of a build that must fail (without the warnings it also reports).
fn errors(root: &Path) -> Vec<Diagnostic> {
    match build(root) {
        Err(Error::Content(d)) => d
            .into_iter()
            .filter(|d| d.severity == reportsite::error::Severity::Error)
            .collect(),
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

/// 100,000 nested quotes and 50,000 nested emphasis markers in the body: a
/// located error (not a stack overflow in the HTML stages), within seconds.
#[test]
fn deeply_nested_markdown_is_a_located_error() {
    let quotes = format!(
        "---\ntitle: Quotes\n---\nIntro.\n\n{} deep\n",
        ">".repeat(100_000)
    );
    let emphasis = format!(
        "---\ntitle: Emphasis\n---\n{}x{}\n",
        "*".repeat(50_000),
        "*".repeat(50_000)
    );
    for (name, text, line) in [("quotes", &quotes, 6), ("emphasis", &emphasis, 4)] {
        let dir = site(&[(&format!("content/{name}.md"), text.as_bytes())]);
        let started = std::time::Instant::now();
        let d = errors(dir.path());
        assert!(started.elapsed().as_secs() < 120, "{name}: too slow");
        let deep: Vec<&Diagnostic> = d.iter().filter(|d| d.code == "too-deep").collect();
        assert_eq!(deep.len(), 1, "{name}: {d:?}");
        assert_eq!(deep[0].file, format!("content/{name}.md"));
        assert_eq!(deep[0].line, Some(line), "{name}");
        assert!(
            deep[0].message.contains("more than 100 levels"),
            "{}",
            deep[0].message
        );
    }
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
    // Then it is audited: an image without alt text is an error.
    let found = errors(dir.path());
    assert!(
        found
            .iter()
            .any(|d| d.code == "image-alt" && d.file == "content/raw.md"),
        "{found:?}"
    );
}

#[test]
fn an_empty_file_is_a_located_error_and_nothing_is_written() {
    let dir = site(&[("content/empty.md", b"")]);
    let d = errors(dir.path());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].file.as_str(), d[0].code, d[0].line, d[0].column),
        ("content/empty.md", "front-matter", Some(1), Some(1))
    );
    assert!(
        d[0].help
            .as_deref()
            .unwrap_or("")
            .contains("the file is empty"),
        "{:?}",
        d[0].help
    );
    let out = tempfile::tempdir().expect("tempdir");
    let mut cmd = reportsite_bin();
    cmd.current_dir(dir.path())
        .args(["build", "--root", ".", "--output"])
        .arg(out.path().join("public"));
    let run = run_within(cmd, Duration::from_secs(120));
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("--> content/empty.md:1:1")
            && run.stderr.contains("nothing was written"),
        "{}",
        run.stderr
    );
    assert!(!out.path().join("public").exists());
}

#[test]
fn an_empty_glossary_static_file_and_asset_build() {
    let dir = site(&[
        ("content/glossary.yaml", b""),
        ("content/empty.pdf", b""),
        ("static/empty.txt", b""),
    ]);
    let files = build(dir.path()).expect("empty files other than pages are fine");
    for path in ["empty.pdf", "empty.txt"] {
        let f = files.iter().find(|f| f.path == path);
        assert_eq!(f.map(|f| f.bytes.len()), Some(0), "{path} is copied, empty");
    }
    assert!(
        !files.iter().any(|f| f.path == "glossary/index.html"),
        "an empty glossary makes no glossary page"
    );
    // Comments only: still empty, not an error.
    std::fs::write(
        dir.path().join("content/glossary.yaml"),
        "# abbreviations\n\n",
    )
    .expect("write");
    build(dir.path()).expect("a glossary of comments is empty");
}

/// The peak memory that `reportsite build --timings` printed, in MiB.
fn peak_mib(stderr: &str) -> f64 {
    stderr
        .lines()
        .find_map(|l| l.strip_prefix("peak memory: "))
        .and_then(|l| l.strip_suffix(" MiB"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in --timings output: {stderr}"))
}

/// A 50 MB page, built by the (debug) binary: measured at 42 s and 490 MiB peak
/// on the 2-core CI machine under load. The limits catch a quadratic pass or a
/// copy per stage (4 GiB would be 80 copies), with room for a slow machine.
#[test]
fn a_50_mb_page_builds_in_bounded_time_and_memory() {
    let mut text = String::from("---\ntitle: Fifty megabytes\n---\n");
    let para = "The Board reviewed the arrangements for safeguarding children in every locality. "
        .repeat(20);
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&para);
        text.push_str("\n\n");
    }
    text.push_str("The very last sentence of the page.\n");
    let dir = site(&[("content/huge.md", text.as_bytes())]);
    drop(text);
    let out = tempfile::tempdir().expect("tempdir");
    let mut cmd = reportsite_bin();
    cmd.args(["build", "--timings", "--root"])
        .arg(dir.path())
        .arg("--output")
        .arg(out.path().join("public"));
    let run = run_within(cmd, Duration::from_secs(900));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let peak = peak_mib(&run.stderr);
    eprintln!(
        "50 MB page: built in {:.1} s, peak memory {peak:.0} MiB",
        run.elapsed.as_secs_f64()
    );
    assert!(peak < 2048.0, "peak memory {peak} MiB for a 50 MB page");
    let html = std::fs::read_to_string(out.path().join("public/huge/index.html")).expect("page");
    assert!(html.len() > 50_000_000, "{} bytes", html.len());
    assert!(html.contains("The very last sentence of the page."));
}

/// 50,000 files in `content/`: 200 pages in 10 chapters, 24,789 drafts (read and
/// checked, not rendered: rendering 50,000 pages in the debug binary would take
/// about 40 minutes, at ~85 ms of CPU a page) and 25,000 assets. Built, then built
/// again over the first build (which is swapped out and deleted, 25,000 files).
/// Needs root, to mount its tmpfs.
#[cfg(unix)]
#[test]
fn fifty_thousand_files_build_and_rebuild() {
    // On a tmpfs of its own: deleting 75,000 files from an ext4 disk mounted with
    // `discard` took 105 s here, ten times the build.
    let dir = tempfile::tempdir().expect("tempdir");
    let disk = dir.path().join("tmpfs");
    let _mount = crate::common::Mount::tmpfs(&disk, "2g");
    let root = disk.join("site");
    write_file(
        &root,
        "config.toml",
        format!(
            "title = \"Many files\"\n{}",
            crate::common::GENERATED_CONFIG
        ),
    );
    write_file(
        &root,
        "content/_index.md",
        "---\ntitle: Many files\nkind: report\norganisation: A Board\n---\nSummary.\n",
    );
    let mut files = 1;
    for c in 0..10 {
        write_file(
            &root,
            &format!("content/c{c:02}/_index.md"),
            format!("---\ntitle: Chapter {c}\nweight: {c}\n---\nIntroduction.\n"),
        );
        files += 1;
        for p in 0..20 {
            write_file(
                &root,
                &format!("content/c{c:02}/p{p:02}.md"),
                format!(
                    "---\ntitle: Page {c}.{p}\nweight: {p}\n---\n## Findings\n\nText of page {c}.{p}.\n"
                ),
            );
            files += 1;
        }
    }
    let generating = std::time::Instant::now();
    let drafts = 50_000 - 25_000 - files;
    for f in 0..50 {
        std::fs::create_dir_all(root.join(format!("content/files/{f:02}"))).expect("mkdir");
    }
    for d in 0..drafts {
        let path = root.join(format!("content/c{:02}/draft-{d:05}.md", d % 10));
        std::fs::write(
            path,
            format!("---\ntitle: Draft {d}\ndraft: true\n---\nNot yet.\n"),
        )
        .expect("write");
    }
    for a in 0..25_000 {
        let path = root.join(format!("content/files/{:02}/a{a:05}.csv", a % 50));
        std::fs::write(path, format!("{a},value\n")).expect("write");
    }
    let generated = generating.elapsed();
    let on_disk = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .filter(|e| e.as_ref().is_ok_and(|e| e.file_type().is_file()))
        .count();
    assert_eq!(on_disk, 50_000);

    let out = disk.join("public");
    let mut figures = Vec::new();
    let mut first = None;
    for pass in ["build", "rebuild"] {
        let mut cmd = reportsite_bin();
        cmd.args(["build", "--timings", "--root"])
            .arg(&root)
            .arg("--output")
            .arg(&out);
        let run = run_within(cmd, Duration::from_secs(1200));
        assert_eq!(run.code, Some(0), "{pass}: {}", run.stderr);
        assert!(
            // 211 entries, the accessibility statement and the 404 page.
            run.stderr.contains("built 213 pages (25216 files)"),
            "{pass}: drafts are left out: {}",
            run.stderr.lines().last().unwrap_or("")
        );
        figures.push(format!(
            "{pass} {:.1} s, peak {:.0} MiB",
            run.elapsed.as_secs_f64(),
            peak_mib(&run.stderr)
        ));
        assert!(peak_mib(&run.stderr) < 2048.0, "{pass}: {}", run.stderr);
        let snapshot = tree(&out);
        let assets = snapshot
            .keys()
            .filter(|k| k.starts_with("files/") && k.ends_with(".csv"))
            .count();
        assert_eq!(assets, 25_000, "{pass}: every asset is copied");
        match &first {
            None => first = Some(snapshot),
            Some(f) => assert!(f == &snapshot, "the rebuild differs from the build"),
        }
    }
    eprintln!(
        "50,000 files: generated in {:.1} s; {}",
        generated.as_secs_f64(),
        figures.join("; ")
    );
    let leftovers: Vec<_> = std::fs::read_dir(&disk)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[cfg(unix)]
#[test]
fn a_named_pipe_in_content_is_left_out_not_waited_on() {
    let dir = site(&[]);
    for name in ["pipe.md", "pipe.csv"] {
        let status = std::process::Command::new("mkfifo")
            .arg(dir.path().join("content").join(name))
            .status()
            .expect("mkfifo (coreutils) must be installed for this test");
        assert!(status.success());
    }
    let out = tempfile::tempdir().expect("tempdir");
    let mut cmd = reportsite_bin();
    cmd.args(["build", "--root"])
        .arg(dir.path())
        .arg("--output")
        .arg(out.path().join("public"));
    // Reading a pipe waits for a writer that never comes: the build would hang.
    let run = run_within(cmd, Duration::from_secs(120));
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(!out.path().join("public/pipe.csv").exists());
    assert!(!out.path().join("public/pipe/index.html").exists());
    // The loader says why they are left out.
    let (_, problems) = reportsite::load::load_lenient(dir.path()).expect("loads");
    let named: Vec<(&str, &str)> = problems.iter().map(|d| (d.file.as_str(), d.code)).collect();
    assert_eq!(
        named,
        [
            ("content/pipe.csv", "not-a-file"),
            ("content/pipe.md", "not-a-file")
        ]
    );
}

#[cfg(unix)]
#[test]
fn unreadable_files_are_located_errors() {
    use std::os::unix::fs::PermissionsExt;
    let page = b"---\ntitle: Private\n---\nText.\n";
    // (what is made unreadable, the file the message names, the exit code)
    let cases: &[(&str, &str, i32)] = &[
        ("content/secret.md", "content/secret.md", 1),
        ("content/private", "content/private", 1),
        ("content/report.pdf", "content/report.pdf", 1),
        ("content/glossary.yaml", "content/glossary.yaml", 1),
        ("static/logo.png", "static/logo.png", 1),
        ("templates/page.html", "templates/page.html", 1),
        (
            "themes/mine/static/mine.css",
            "themes/mine/static/mine.css",
            1,
        ),
        // Without its settings nothing can be checked: a file that cannot be
        // read, exit code 2 (README).
        ("config.toml", "./config.toml", 2),
    ];
    for &(target, named, code) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("site");
        write_file(
            &root,
            "config.toml",
            "base_url = \"https://example.org\"\ntitle = \"T\"\ntheme = \"mine\"\n",
        );
        write_file(
            &root,
            "content/_index.md",
            "---\ntitle: Home\n---\nHello.\n",
        );
        write_file(&root, "content/secret.md", page);
        write_file(&root, "content/private/_index.md", page);
        write_file(&root, "content/report.pdf", b"%PDF-1.4");
        write_file(
            &root,
            "content/glossary.yaml",
            "GSB: Generated Safeguarding Board\n",
        );
        write_file(&root, "static/logo.png", b"png");
        let civic = crate::common::repo().join("themes/civic");
        crate::common::copy_tree(&civic, &root.join("themes/mine"));
        write_file(&root, "themes/mine/static/mine.css", "body{}");
        write_file(
            &root,
            "templates/page.html",
            std::fs::read(civic.join("templates/page.html")).expect("civic page.html"),
        );
        open_up(dir.path());
        let out = nobody_folder(dir.path()).join("public");
        let args = [
            "build".as_ref(),
            "--root".as_ref(),
            ".".as_ref(),
            "--output".as_ref(),
            out.as_os_str(),
        ];
        // The same site builds for `nobody` while every file is readable.
        let run = as_nobody(&args, &root);
        assert_eq!(
            run.code,
            Some(0),
            "{target}: the readable site builds: {}",
            run.stderr
        );
        std::fs::remove_dir_all(&out).expect("rm");

        std::fs::set_permissions(root.join(target), std::fs::Permissions::from_mode(0o000))
            .expect("chmod 000");
        let run = as_nobody(&args, &root);
        assert_eq!(run.code, Some(code), "{target}: {}", run.stderr);
        assert!(
            run.stderr.contains(named) && run.stderr.contains("Permission denied"),
            "{target}: the message names `{named}` and says why: {}",
            run.stderr
        );
        if code == 1 {
            assert!(
                run.stderr.contains(&format!("--> {named}")),
                "{}",
                run.stderr
            );
        }
        assert!(!out.exists(), "{target}: nothing is written");
    }
}

/// A site with its own theme `loop` (a copy of civic) changed by `edit`.
fn theme_site(edit: &dyn Fn(&Path)) -> tempfile::TempDir {
    let dir = site(&[("content/page.md", b"---\ntitle: A page\n---\nText.\n")]);
    std::fs::write(
        dir.path().join("config.toml"),
        "base_url = \"https://example.org\"\ntitle = \"T\"\ntheme = \"loop\"\n",
    )
    .expect("config");
    crate::common::copy_tree(
        &crate::common::repo().join("themes/civic/templates"),
        &dir.path().join("themes/loop/templates"),
    );
    edit(&dir.path().join("themes/loop/templates"));
    dir
}

/// Adds `tags` at the start of page.html's `content` block.
fn in_page_block(templates: &Path, tags: &str) {
    let page = templates.join("page.html");
    let text = std::fs::read_to_string(&page).expect("page.html");
    assert!(
        text.contains("{%- block content %}"),
        "civic's page.html changed"
    );
    std::fs::write(
        &page,
        text.replacen(
            "{%- block content %}",
            &format!("{{%- block content %}}{tags}"),
            1,
        ),
    )
    .expect("write");
}

/// Builds `root` into `root/public` with the binary (a stack overflow aborts the
/// process; it must not take the test binary with it).
fn build_bin(root: &Path) -> crate::common::Run {
    let mut cmd = reportsite_bin();
    cmd.args(["build", "--root"])
        .arg(root)
        .arg("--output")
        .arg(root.join("public"));
    run_within(cmd, Duration::from_secs(300))
}

#[test]
fn a_template_that_includes_itself_is_a_located_error() {
    let dir = theme_site(&|t| in_page_block(t, "{% include \"page.html\" %}"));
    let d = errors(dir.path());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].file.as_str(), d[0].line, d[0].column),
        ("themes/loop/templates/page.html", Some(8), Some(21))
    );
    assert_eq!(d[0].message, "the template `page.html` includes itself");
    assert!(d[0].help.as_deref().unwrap_or("").contains("never end"));
}

#[test]
fn a_template_that_extends_itself_is_a_located_error() {
    let dir = theme_site(&|t| {
        std::fs::write(
            t.join("base.html"),
            "{% extends \"base.html\" %}{% block content %}{% endblock %}",
        )
        .expect("write")
    });
    let d = errors(dir.path());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].file.as_str(), d[0].line, d[0].column),
        ("themes/loop/templates/base.html", Some(1), Some(1))
    );
    assert_eq!(d[0].message, "the template `base.html` extends itself");
}

#[test]
fn templates_that_include_each_other_are_a_located_error() {
    let dir = theme_site(&|t| {
        std::fs::write(t.join("a.html"), "A\n{% include \"b.html\" %}").expect("write");
        std::fs::write(t.join("b.html"), "{% include \"a.html\" %}").expect("write");
        in_page_block(t, "{% include \"a.html\" %}");
    });
    let d = errors(dir.path());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].file.as_str(), d[0].line),
        ("themes/loop/templates/b.html", Some(1))
    );
    assert_eq!(
        d[0].message,
        "templates include or extend each other in a loop: a.html → b.html → a.html"
    );
}

#[test]
fn a_site_template_that_includes_its_own_name_is_a_located_error() {
    // The site's page.html overrides the theme's, so "page.html" is itself.
    let dir = site(&[
        ("content/page.md", b"---\ntitle: A page\n---\nText.\n"),
        ("templates/page.html", b"{% include \"page.html\" %}"),
    ]);
    let d = errors(dir.path());
    assert_eq!(
        (d[0].file.as_str(), d[0].line, d[0].message.as_str()),
        (
            "templates/page.html",
            Some(1),
            "the template `page.html` includes itself"
        )
    );
}

#[test]
fn a_component_that_calls_itself_for_ever_is_a_located_error() {
    let dir = theme_site(&|t| {
        std::fs::write(
            t.join("forever.html"),
            "{% component forever(n=0) %}<b>{{ <forever n={n}/> }}</b>{% endcomponent forever %}",
        )
        .expect("write");
        in_page_block(t, "{{ <forever/> }}");
    });
    let run = build_bin(dir.path());
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("--> themes/loop/templates/page.html")
            && run.stderr.contains("recursion depth for components")
            && run.stderr.contains("calls itself more than 20 levels deep")
            && run.stderr.contains("content/page.md"),
        "{}",
        run.stderr
    );
}

/// Writes `inc0.html` … including each other in a chain of `n` templates.
fn include_chain(templates: &Path, n: usize) {
    for i in 0..n {
        let body = if i + 1 < n {
            format!("x{{% include \"inc{}.html\" %}}", i + 1)
        } else {
            "end".to_string()
        };
        std::fs::write(templates.join(format!("inc{i}.html")), body).expect("write");
    }
}

#[test]
fn a_deep_include_chain_is_an_error_not_a_stack_overflow() {
    // 30 templates deep overflowed the 2 MiB stack of a debug build's worker.
    let dir = theme_site(&|t| {
        include_chain(t, 200);
        in_page_block(t, "{% include \"inc0.html\" %}");
    });
    let run = build_bin(dir.path());
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("--> themes/loop/templates/page.html:8:21")
            && run.stderr.contains(
                "templates nest 201 deep through include and extends (at most 16): page.html → inc0.html"
            ),
        "{}",
        run.stderr
    );
}

#[test]
fn the_deepest_nesting_allowed_renders() {
    // A component 20 levels deep, each level including a chain of 15 templates
    // (page.html → inc0 … inc14 is 16 deep): what Tera and check_nesting allow.
    let dir = theme_site(&|t| {
        include_chain(t, 15);
        std::fs::write(
            t.join("deep.html"),
            "{% component deep(n=0) %}<b>{% include \"inc0.html\" %}{% if n < 19 %}{{ <deep n={n+1}/> }}{% endif %}</b>{% endcomponent deep %}",
        )
        .expect("write");
        in_page_block(t, "{% include \"inc0.html\" %}{{ <deep/> }}");
    });
    let run = build_bin(dir.path());
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let html = std::fs::read_to_string(dir.path().join("public/page/index.html")).expect("page");
    let chain = format!("{}end", "x".repeat(14));
    assert_eq!(html.matches(&chain).count(), 21, "{html}");
}
