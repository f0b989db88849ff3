//! Shared helpers: paths to fixtures, building a site in memory, copying a site.

use std::path::{Path, PathBuf};

use reportsite::output::OutputFile;
use reportsite::site::{LoadOptions, Site};
use reportsite::{Diagnostic, Error};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `tests/fixtures/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    repo().join("tests/fixtures").join(rel)
}

/// Builds the site at `root` in memory.
pub fn build(root: &Path) -> Result<Vec<OutputFile>, Error> {
    Site::load(root, &LoadOptions::default())?
        .build()
        .map(|b| b.files)
}

/// Builds and expects content errors; returns the errors (a failed build also
/// reports its warnings, such as the statement's reminders that minimal test
/// sites leave out; the tests here are about the errors).
pub fn build_errors(root: &Path) -> Vec<Diagnostic> {
    match build(root) {
        Err(Error::Content(d)) => d
            .into_iter()
            .filter(|d| d.severity == reportsite::error::Severity::Error)
            .collect(),
        Err(e) => panic!("expected content errors from {}, got {e}", root.display()),
        Ok(_) => panic!("expected {} to fail, but it built", root.display()),
    }
}

/// The text of one output file.
pub fn page<'a>(files: &'a [OutputFile], path: &str) -> &'a str {
    let f = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no output file {path}"));
    std::str::from_utf8(&f.bytes).expect("UTF-8 page")
}

/// All HTML of the site, tags removed and whitespace collapsed, for fact checks.
pub fn all_text(files: &[OutputFile]) -> String {
    let mut out = String::new();
    for f in files.iter().filter(|f| f.path.ends_with(".html")) {
        out.push_str(&text_of(std::str::from_utf8(&f.bytes).expect("UTF-8")));
        out.push('\n');
    }
    out
}

/// The visible text of an HTML string, entities decoded for the common cases.
/// Block-level tags separate words; inline tags (`abbr`, `a`, `em`) do not.
pub fn text_of(html: &str) -> String {
    const INLINE: &[&str] = &[
        "a", "abbr", "em", "strong", "span", "time", "code", "b", "i", "sup", "sub", "small",
    ];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('>')
            .map(|e| start + e + 1)
            .unwrap_or(rest.len());
        let tag = &rest[start + 1..end.saturating_sub(1)];
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !INLINE.contains(&name.as_str()) {
            out.push(' ');
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    let out = out
        .replace("&amp;", "&")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace('\u{a0}', " ");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Copies a folder tree (for tests that modify a site).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let rel = entry.path().strip_prefix(from).expect("prefix");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// Copies the sample site (`config.toml` and `content/` at the repository root)
/// into `to`, for tests that run it somewhere else.
pub fn copy_sample(to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    std::fs::copy(repo().join("config.toml"), to.join("config.toml")).expect("copy config");
    copy_tree(&repo().join("content"), &to.join("content"));
}

/// The `reportsite` binary of this build.
pub fn reportsite_bin() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_reportsite"))
}

/// What a finished run of the binary printed.
pub struct Run {
    /// Exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Standard error.
    pub stderr: String,
    /// Wall time.
    pub elapsed: std::time::Duration,
}

/// Runs `cmd`, killing it and failing the test if it has not ended after
/// `limit` (a hang must fail, not stall the suite).
pub fn run_within(mut cmd: std::process::Command, limit: std::time::Duration) -> Run {
    let logs = tempfile::tempdir().expect("tempdir");
    let err_path = logs.path().join("stderr");
    let err = std::fs::File::create(&err_path).expect("stderr file");
    let started = std::time::Instant::now();
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{cmd:?} did not finish within {limit:?}; stderr: {}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    Run {
        code: status.code(),
        stderr: std::fs::read_to_string(&err_path).expect("read stderr"),
        elapsed: started.elapsed(),
    }
}

/// Runs the binary with `args` on the site at `root`, without colours, within a
/// minute.
pub fn run_cli(args: &[&str], root: &Path) -> Run {
    let mut cmd = reportsite_bin();
    cmd.args(args)
        .arg("--root")
        .arg(root)
        .arg("--color")
        .arg("never");
    run_within(cmd, std::time::Duration::from_secs(60))
}

/// Writes `bytes` to `root/rel`, creating the folders on the way.
pub fn write_file(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(&path, bytes).expect("write");
}

/// Every file and folder under `dir`: path (folders end in `/`) → bytes. Two
/// equal snapshots are the same tree, byte for byte.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).min_depth(1) {
        let e = e.expect("walk");
        let rel = e
            .path()
            .strip_prefix(dir)
            .expect("prefix")
            .to_string_lossy()
            .replace('\\', "/");
        if e.file_type().is_dir() {
            out.insert(format!("{rel}/"), Vec::new());
        } else {
            out.insert(rel, std::fs::read(e.path()).expect("read"));
        }
    }
    out
}

/// The settings every generated site shares, with the accessibility statement's
/// details (so `--strict` passes on the statement).
pub const GENERATED_CONFIG: &str = "base_url = \"https://example.org\"\ndefault_language = \"en-GB\"\ntheme = \"civic\"\nminify_html = true\n\n[accessibility]\ncontact_email = \"accessibility@example.org\"\nresponse_time = \"5 working days\"\nprepared = \"2026-11-30\"\nreviewed = \"2026-11-30\"\ntested = \"2026-11-30\"\n";

/// Generates a report site in `root`: `pages` pages in chapters of ten, each with
/// headings, a list, a captioned table and links to its neighbours, and `assets`
/// small files in `content/files/`. Two editions differ in every page and in the
/// set of assets (edition 2 drops every seventh and adds others).
pub fn generate_report(root: &Path, pages: usize, assets: usize, edition: u32) {
    let config = format!("title = \"Generated report, edition {edition}\"\n{GENERATED_CONFIG}");
    write_file(root, "config.toml", config);
    write_file(
        root,
        "content/_index.md",
        format!(
            "---\ntitle: Generated Safeguarding Board Annual Report, edition {edition}\nkind: report\norganisation: Generated Safeguarding Board\n---\nThe summary of edition {edition} of the report.\n"
        ),
    );
    write_file(
        root,
        "content/glossary.yaml",
        "GSB: Generated Safeguarding Board\nLA: Local Authority\n",
    );
    let chapters = pages.div_ceil(10).max(1);
    for c in 0..chapters {
        write_file(
            root,
            &format!("content/chapter-{c:03}/_index.md"),
            format!(
                "---\ntitle: Chapter {c} of edition {edition}\nweight: {c}\ndescription: What the GSB did about theme {c}.\n---\nThe chapter's introduction.\n"
            ),
        );
    }
    for p in 0..pages {
        let c = p / 10;
        let previous = if p % 10 == 0 {
            format!("@/chapter-{c:03}/_index.md")
        } else {
            format!("@/chapter-{c:03}/page-{:03}.md", p - 1)
        };
        let mut body = format!(
            "---\ntitle: Page {p} of edition {edition}\nweight: {p}\ndescription: Findings of review {p}.\ndate: 2017-11-15\n---\n"
        );
        for s in 0..3 {
            body.push_str(&format!(
                "## Section {s} of page {p}\n\nThe GSB and the LA reviewed case {p}.{s} in edition {edition}. \
                 Agencies shared information earlier, and referrals rose. See [the previous part of the report]({previous}).\n\n\
                 - Referrals checked: {}\n- Audits completed: {}\n- Plans reviewed: {}\n\n",
                p * 3 + s,
                p + s,
                s * 7
            ));
        }
        body.push_str(&format!(
            "*Table: Referrals by quarter, page {p}*\n\n| Quarter | Referrals |\n| --- | --- |\n| Q1 | {} |\n| Q2 | {} |\n",
            p * 11 % 97,
            p * 13 % 89
        ));
        write_file(
            root,
            &format!("content/chapter-{c:03}/page-{p:03}.md"),
            body,
        );
    }
    for a in 0..assets {
        if edition >= 2 && a % 7 == 0 {
            continue;
        }
        let size = 200 + (a * 37 % 1800);
        let line = format!("{a},{edition},data\n");
        let text: String = line.repeat(size / line.len() + 1);
        write_file(root, &format!("content/files/data-{a:05}.csv"), text);
    }
    if edition >= 2 {
        for a in 0..assets / 7 {
            write_file(
                root,
                &format!("content/files/new-{a:05}.csv"),
                format!("{a},new\n"),
            );
        }
    }
}

/// Runs `reportsite ARGS` as the unprivileged user `nobody` (uid 65534), so file
/// permissions apply even when the tests run as root (CI does). Needs root (to
/// change user) and `setpriv` (util-linux); fails loudly without them.
#[cfg(unix)]
pub fn as_nobody(args: &[&std::ffi::OsStr], cwd: &Path) -> Run {
    let mut cmd = std::process::Command::new("setpriv");
    cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_reportsite"))
        .args(args)
        .current_dir(cwd);
    let run = run_within(cmd, std::time::Duration::from_secs(300));
    assert!(
        !run.stderr.contains("setpriv:"),
        "this test runs reportsite as the user nobody with setpriv (util-linux), as root: {}",
        run.stderr
    );
    run
}

/// Makes `dir` and everything in it readable by everyone (temp folders are private).
#[cfg(unix)]
pub fn open_up(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for e in walkdir::WalkDir::new(dir) {
        let e = e.expect("walk");
        let mode = if e.file_type().is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(e.path(), std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
}

/// A folder that `nobody` may write in, for the output.
#[cfg(unix)]
pub fn nobody_folder(parent: &Path) -> std::path::PathBuf {
    let dir = parent.join("writable");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::os::unix::fs::chown(&dir, Some(65534), Some(65534))
        .expect("chown (the tests run as root)");
    dir
}

/// A mounted file system, unmounted when dropped (also when the test fails).
pub struct Mount {
    at: PathBuf,
}

impl Mount {
    fn run(args: &[&std::ffi::OsStr]) {
        let output = std::process::Command::new("mount")
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("cannot run mount: {e}"));
        assert!(
            output.status.success(),
            "`mount {args:?}` failed: {}. These tests mount file systems and need root (CI runs as root); \
             skip them explicitly with `--skip faults:: --skip hostile::fifty` where that is impossible",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }

    /// A tmpfs of `size` (e.g. `512k`) at `at`.
    pub fn tmpfs(at: &Path, size: &str) -> Mount {
        std::fs::create_dir_all(at).expect("mkdir");
        Mount::run(&[
            "-t".as_ref(),
            "tmpfs".as_ref(),
            "-o".as_ref(),
            format!("size={size}").as_ref(),
            "tmpfs".as_ref(),
            at.as_os_str(),
        ]);
        Mount {
            at: at.to_path_buf(),
        }
    }

    /// `from`, seen read-only at `at`.
    pub fn read_only(from: &Path, at: &Path) -> Mount {
        std::fs::create_dir_all(at).expect("mkdir");
        Mount::run(&["--bind".as_ref(), from.as_os_str(), at.as_os_str()]);
        let mount = Mount {
            at: at.to_path_buf(),
        };
        Mount::run(&["-o".as_ref(), "remount,bind,ro".as_ref(), at.as_os_str()]);
        mount
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let ok = std::process::Command::new("umount")
            .arg(&self.at)
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            // Busy: detach it now, it goes when nothing uses it.
            let _ = std::process::Command::new("umount")
                .arg("-l")
                .arg(&self.at)
                .status();
        }
    }
}

/// Names in `dir` that start with a dot: staging folders and the like.
pub fn hidden(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    v.sort();
    v
}
