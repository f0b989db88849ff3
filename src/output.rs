//! Output: where a build's files go, in memory or to disk in one step.
//!
//! In: the [`OutputFile`]s of a build, one by one as they are made, from parallel
//! workers, through the [`Sink`] trait. Out: [`Memory`] keeps them (the preview,
//! tests, library users without a site folder); [`Staging`] writes them into a
//! staging folder that becomes the output folder, holding exactly those files
//! and a marker file, [`MARKER`], that lists them ([`write_site`] does it for
//! files already in memory).
//!
//! - **In one step.** The files are written to a staging folder beside the output
//!   folder (`.public.staging-PID-N`), which then takes the output folder's place
//!   in one step (on Linux `renameat2(RENAME_EXCHANGE)`, which swaps the two
//!   folders atomically; elsewhere two renames). A build that fails, is stopped or
//!   is killed (`kill -9`) leaves the output folder as the previous build or the
//!   new one, never a mix. Staging folders left by a killed build are removed by
//!   the next build (only when they hold the marker and their process has ended).
//! - **Deletes only what it wrote.** The marker lists every file of the build. A
//!   build replaces the output folder only when it does not exist, is empty, or
//!   holds nothing but the files its marker lists. A file put there by hand (a
//!   `CNAME`, a `.htaccess`), or a folder that reportsite never wrote, stops the
//!   build with a message naming it, and nothing is deleted: files that belong to
//!   the site go in `static/`. A marker without a list (written before the list
//!   existed) marks the whole folder as reportsite's.
//! - **Clear errors.** A full disk, a read-only file system, a missing permission
//!   or an output folder that is a mount point are named as such, with the output
//!   folder; the previous build stays as it was.

use std::collections::HashSet;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::error::{Error, Result};

pub use crate::html::escape;
pub use crate::plugins::OutputFile;

/// Where a build hands each file as soon as it is made. Called from the build's
/// parallel workers; the first error stops the build.
pub trait Sink: Sync {
    /// Takes one file of the site.
    fn put(&self, file: OutputFile) -> Result<()>;
}

/// A sink that keeps the files in memory.
#[derive(Debug, Default)]
pub(crate) struct Memory {
    files: std::sync::Mutex<Vec<OutputFile>>,
}

impl Memory {
    /// The files handed over, sorted by path.
    pub(crate) fn into_files(self) -> Vec<OutputFile> {
        let mut files = self
            .files
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        files.sort_unstable_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

impl Sink for Memory {
    fn put(&self, file: OutputFile) -> Result<()> {
        self.files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(file);
        Ok(())
    }
}

/// The marker file that says a folder was written by reportsite, and lists what it wrote.
pub const MARKER: &str = ".reportsite";

/// The marker's first line.
const MARKER_HEADER: &str = "This folder is written by reportsite; it is replaced on every build.";
/// The marker's second line; the files written follow, one a line.
const MARKER_LIST: &str = "Files it wrote (only these are deleted when the folder is replaced; anything else stops the build):";
/// The marker of a staging folder still being written.
const MARKER_STAGING: &str = "A build of reportsite in progress (removed when it ends).";

/// Checks that writing to `out` cannot destroy the sources in `root`, nor any file
/// that reportsite did not write.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<()> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        };
        normalize(&p)
    };
    let (root_abs, out_abs) = (abs(root), abs(out));
    let root_real = root_abs.canonicalize().unwrap_or(root_abs.clone());
    let out_real = out_abs.canonicalize().unwrap_or(out_abs.clone());
    for (r, o) in [(&root_abs, &out_abs), (&root_real, &out_real)] {
        if r.starts_with(o) {
            return Err(Error::Usage(format!(
                "the output folder `{}` contains the site folder: writing there would delete the sources. Choose another --output",
                out.display()
            )));
        }
        for protected in ["content", "templates", "static", "themes"] {
            if o.starts_with(r.join(protected)) {
                return Err(Error::Usage(format!(
                    "the output folder `{}` is inside the site's `{protected}/` folder. Choose another --output, such as `public`",
                    out.display()
                )));
            }
        }
    }
    check_replaceable(out)
}

/// Checks that `out` may be replaced by a build: it does not exist, is an empty
/// folder, or is a previous build holding only the files its marker lists.
pub(crate) fn check_replaceable(out: &Path) -> Result<()> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(write_error(out, "cannot use", out, e)),
    };
    if meta.file_type().is_symlink() {
        return Err(Error::Usage(format!(
            "the output folder `{}` is a symbolic link; reportsite replaces the output folder as a whole, which would replace the link. Give the folder it points to as --output",
            out.display()
        )));
    }
    if !meta.is_dir() {
        return Err(Error::Usage(format!(
            "the output `{}` is a file, not a folder; reportsite will not delete it. Choose a folder with --output",
            out.display()
        )));
    }
    let empty = std::fs::read_dir(out)
        .map_err(|e| write_error(out, "cannot read", out, e))?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    let marker = out.join(MARKER);
    let listed = match std::fs::read(&marker) {
        Ok(bytes) => parse_marker(&String::from_utf8_lossy(&bytes)),
        Err(e) if e.kind() == ErrorKind::NotFound => {
            return Err(Error::Usage(format!(
                "the output folder `{}` is not empty and was not written by reportsite (it has no `{MARKER}` file); reportsite replaces the whole output folder on every build, so it will not use this one. Choose a new or empty folder with --output",
                out.display()
            )));
        }
        Err(e) => return Err(write_error(out, "cannot read", &marker, e)),
    };
    let Some(files) = listed else {
        return Ok(());
    };
    let foreign = foreign_files(out, &files)?;
    if foreign.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = foreign.iter().take(5).map(|f| format!("`{f}`")).collect();
    let more = if foreign.len() > shown.len() {
        format!(" and {} more", foreign.len() - shown.len())
    } else {
        String::new()
    };
    Err(Error::Usage(format!(
        "the output folder `{}` holds {} that the last build did not write: {}{more}. reportsite replaces the whole folder on every build and deletes only what it wrote itself, so it stopped without changing anything. Move them into the site's `static/` folder to publish them with the site, or delete them, then build again",
        out.display(),
        if foreign.len() == 1 {
            "a file"
        } else {
            "files"
        },
        shown.join(", ")
    )))
}

/// What `out` holds that its marker does not list (`files`): files, and folders
/// of someone else's, named once (`dir/`), in name order.
fn foreign_files(out: &Path, files: &HashSet<String>) -> Result<Vec<String>> {
    let mut dirs: HashSet<&str> = HashSet::new();
    for f in files {
        let mut rest = f.as_str();
        while let Some((parent, _)) = rest.rsplit_once('/') {
            dirs.insert(parent);
            rest = parent;
        }
    }
    let mut foreign = Vec::new();
    let mut walk = walkdir::WalkDir::new(out)
        .follow_links(false)
        .min_depth(1)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(out).to_path_buf();
            let source = e
                .into_io_error()
                .unwrap_or_else(|| std::io::Error::other("a folder loop"));
            write_error(out, "cannot read", &path, source)
        })?;
        let rel = crate::load::rel_to(out, entry.path());
        if entry.file_type().is_dir() {
            if !dirs.contains(rel.as_str()) {
                foreign.push(format!("{rel}/"));
                walk.skip_current_dir();
            }
        } else if rel != MARKER && !files.contains(&rel) {
            foreign.push(rel);
        }
    }
    Ok(foreign)
}

/// The files a marker lists; `None` for a marker without a list (trusted whole).
fn parse_marker(text: &str) -> Option<HashSet<String>> {
    let mut lines = text.lines();
    lines.next();
    if lines.next() != Some(MARKER_LIST) {
        return None;
    }
    Some(lines.filter(|l| !l.is_empty()).map(unescape_path).collect())
}

/// The marker of a complete build: the header, then every file written.
fn marker_text<'a>(files: impl IntoIterator<Item = &'a str>) -> String {
    // Borrowed unless a path needs escaping: the list of a site of 100,000
    // pages is made at the end of the build, when memory is at its peak.
    let mut paths: Vec<std::borrow::Cow<'a, str>> = files.into_iter().map(escape_path).collect();
    paths.sort();
    let mut text = format!("{MARKER_HEADER}\n{MARKER_LIST}\n");
    text.reserve_exact(paths.iter().map(|p| p.len() + 1).sum());
    for p in paths {
        text.push_str(&p);
        text.push('\n');
    }
    text
}

fn escape_path(p: &str) -> std::borrow::Cow<'_, str> {
    if !p.contains(['\\', '\n', '\r']) {
        return std::borrow::Cow::Borrowed(p);
    }
    std::borrow::Cow::Owned(
        p.replace('\\', "\\\\")
            .replace('\n', "\\n")
            .replace('\r', "\\r"),
    )
}

fn unescape_path(p: &str) -> String {
    let mut out = String::with_capacity(p.len());
    let mut chars = p.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// An I/O error while writing the output folder `out`, saying what went wrong in
/// words (a full disk, a read-only file system) and that the previous build stays.
fn write_error(out: &Path, action: &str, path: &Path, e: std::io::Error) -> Error {
    let (what, fix) = match e.kind() {
        ErrorKind::StorageFull => (
            "the disk is full".to_string(),
            "free some space on that disk, or choose another --output",
        ),
        ErrorKind::ReadOnlyFilesystem => (
            "it is on a read-only file system".into(),
            "choose an --output folder on a disk you can write to",
        ),
        ErrorKind::PermissionDenied => (
            "you are not allowed to write there".into(),
            "choose an --output folder you can write to, or change its permissions",
        ),
        ErrorKind::ResourceBusy | ErrorKind::CrossesDevices => (
            "it is a mount point (or in use), and reportsite replaces the output folder as a whole"
                .into(),
            "give a folder inside the mount as --output",
        ),
        _ => (
            format!("{action} `{}`", path.display()),
            "fix the problem and build again",
        ),
    };
    Error::io(
        "cannot write the site into",
        out,
        std::io::Error::new(
            e.kind(),
            format!("{what} ({e}); any previous build in it is unchanged. To fix: {fix}"),
        ),
    )
}

/// Distinguishes the staging folders of writes made by one process.
static WRITES: AtomicU64 = AtomicU64::new(0);

/// Writes `files` into `out` in one step (staging folder, then swap). Refuses an
/// `out` that holds files reportsite did not write (see [`check_replaceable`]).
pub fn write_site(files: &[OutputFile], out: &Path) -> Result<()> {
    let staging = Staging::new(out)?;
    staging.write_all(files)?;
    staging.finish(files.iter().map(|f| f.path.as_str()))
}

/// A build being written: a staging folder beside the output folder that takes
/// its place when [`Staging::finish`] is called. Files can be written into it
/// from several threads while the build goes on, so a build need not hold its
/// pages in memory. Dropped without `finish` (the build failed), it is removed
/// and the output folder stays as it was.
#[derive(Debug)]
pub struct Staging {
    /// The staging folder.
    dir: PathBuf,
    /// The output folder, absolute.
    target: PathBuf,
    /// The output folder as the user named it, for messages.
    shown: PathBuf,
    /// Whether the staging folder took the output folder's place.
    finished: bool,
}

impl Staging {
    /// Checks that `out` may be replaced (see [`check_replaceable`]), removes what
    /// killed builds left beside it, and creates an empty staging folder.
    pub fn new(out: &Path) -> Result<Staging> {
        // Work on the absolute path: `--output .` or `--output ..` have no name of
        // their own to put a staging folder beside. Messages show `out` as given.
        let target = match std::env::current_dir() {
            Ok(cwd) => normalize(&cwd.join(out)),
            Err(_) => out.to_path_buf(),
        };
        let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
            return Err(Error::Usage(format!(
                "cannot use `{}` as the output folder: choose a folder below the root of the disk",
                out.display()
            )));
        };
        let name = name.to_string_lossy().into_owned();
        std::fs::create_dir_all(parent)
            .map_err(|e| write_error(out, "cannot create", parent, e))?;
        remove_stale(parent, &name);
        check_replaceable(&target).map_err(|e| match e {
            // The same message, naming the folder as the user did.
            Error::Usage(m) => Error::Usage(m.replacen(
                &format!("`{}`", target.display()),
                &format!("`{}`", out.display()),
                1,
            )),
            other => other,
        })?;
        let dir = parent.join(format!(
            ".{name}.staging-{}-{}",
            std::process::id(),
            WRITES.fetch_add(1, Ordering::Relaxed)
        ));
        if std::fs::symlink_metadata(&dir).is_ok() {
            remove_ours(&dir).map_err(|e| write_error(out, "cannot remove", &dir, e))?;
        }
        std::fs::create_dir(&dir).map_err(|e| write_error(out, "cannot create", &dir, e))?;
        let staging = Staging {
            dir,
            target,
            shown: out.to_path_buf(),
            finished: false,
        };
        // First, so a staging folder left by a killed build is known to be ours.
        let marker = staging.dir.join(MARKER);
        std::fs::write(&marker, format!("{MARKER_STAGING}\n"))
            .map_err(|e| write_error(out, "cannot write", &marker, e))?;
        Ok(staging)
    }

    /// Writes one file (its folders as needed). Safe to call from several threads.
    pub fn write(&self, file: &OutputFile) -> Result<()> {
        let path = self.dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| write_error(&self.shown, "cannot create", parent, e))?;
        }
        std::fs::write(&path, &file.bytes)
            .map_err(|e| write_error(&self.shown, "cannot write", &path, e))
    }

    /// Writes `files` in parallel.
    pub fn write_all(&self, files: &[OutputFile]) -> Result<()> {
        files.par_iter().try_for_each(|f| self.write(f))
    }

    /// Lists `paths` (every file written) in the marker and puts the staging
    /// folder in the output folder's place, in one step.
    pub fn finish<'a>(mut self, paths: impl IntoIterator<Item = &'a str>) -> Result<()> {
        let marker = self.dir.join(MARKER);
        std::fs::write(&marker, marker_text(paths))
            .map_err(|e| write_error(&self.shown, "cannot write", &marker, e))?;
        swap_in(&self.dir, &self.target, &self.shown)?;
        self.finished = true;
        Ok(())
    }
}

impl Sink for Staging {
    fn put(&self, file: OutputFile) -> Result<()> {
        self.write(&file)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = remove_ours(&self.dir);
        }
    }
}

/// Removes a folder that reportsite wrote, its marker last: a removal that is
/// interrupted leaves a folder still known to be reportsite's, which the next
/// build removes.
fn remove_ours(dir: &Path) -> std::io::Result<()> {
    let entries = std::fs::read_dir(dir)?.collect::<std::io::Result<Vec<_>>>()?;
    // In parallel: removing the previous build of a large site is a good part
    // of the time a build takes to swap in.
    entries.par_iter().try_for_each(|entry| {
        if entry.file_name() == MARKER {
            return Ok(());
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())
        } else {
            std::fs::remove_file(entry.path())
        }
    })?;
    match std::fs::remove_file(dir.join(MARKER)) {
        Err(e) if e.kind() != ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::remove_dir(dir)
}

/// Removes the staging folders (and previous builds set aside) that builds which
/// were killed left beside `parent/name`: those that hold a marker, or nothing,
/// and whose process has ended. Best effort: what cannot be removed stays.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    let prefixes = [format!(".{name}.staging-"), format!(".{name}.old-")];
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(tail) = prefixes
            .iter()
            .find_map(|p| file_name.strip_prefix(p.as_str()))
        else {
            continue;
        };
        let pid = tail.split('-').next().and_then(|p| p.parse::<u32>().ok());
        let Some(pid) = pid else { continue };
        if pid == std::process::id() || process_alive(pid) {
            continue;
        }
        let path = entry.path();
        let is_dir = std::fs::symlink_metadata(&path)
            .map(|m| m.is_dir())
            .unwrap_or(false);
        let ours = path.join(MARKER).is_file()
            || std::fs::read_dir(&path)
                .map(|mut d| d.next().is_none())
                .unwrap_or(false);
        if is_dir && ours {
            let _ = remove_ours(&path);
        }
    }
}

/// Whether process `pid` is running (so its staging folder is in use).
#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return true;
    };
    // Signal 0: nothing is sent, only whether the process exists is asked.
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(e) => e == rustix::io::Errno::PERM,
    }
}

/// Without a way to ask, every process is taken to be running: nothing is removed.
#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Puts the complete build in `staging` in the place of `target`, in one step.
/// `shown` is the output folder as the user named it, for messages.
fn swap_in(staging: &Path, target: &Path, shown: &Path) -> Result<()> {
    let fail = |action: &'static str| move |e| write_error(shown, action, shown, e);
    if std::fs::symlink_metadata(target).is_err() {
        return std::fs::rename(staging, target).map_err(fail("cannot move the new build into"));
    }
    match exchange(staging, target) {
        Ok(()) => {
            // `staging` now holds the previous build. Should removing it fail, the
            // next build removes it.
            let _ = remove_ours(staging);
            return Ok(());
        }
        Err(e) if e.kind() != ErrorKind::Unsupported => {
            return Err(fail("cannot swap the new build into")(e));
        }
        Err(_) => {}
    }
    // No atomic exchange here: set the previous build aside, then move the new one in.
    let aside = staging.with_file_name(
        staging
            .file_name()
            .map(|n| n.to_string_lossy().replacen(".staging-", ".old-", 1))
            .unwrap_or_else(|| ".old".into()),
    );
    std::fs::rename(target, &aside).map_err(fail("cannot move the previous build aside from"))?;
    if let Err(e) = std::fs::rename(staging, target) {
        // Put the previous build back.
        let _ = std::fs::rename(&aside, target);
        return Err(fail("cannot move the new build into")(e));
    }
    let _ = remove_ours(&aside);
    Ok(())
}

/// Swaps two folders atomically (Linux `renameat2` with `RENAME_EXCHANGE`).
/// `Unsupported` when the system or file system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        Err(e) if e == Errno::INVAL || e == Errno::NOSYS => Err(std::io::Error::new(
            ErrorKind::Unsupported,
            std::io::Error::from(e),
        )),
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> std::io::Result<()> {
    Err(ErrorKind::Unsupported.into())
}

/// A redirect page for an alias. It carries the same Content-Security-Policy
/// as the theme's pages (`themes/civic/templates/base.html`).
pub(crate) fn redirect_page(to: &str, lang: &str) -> String {
    let to = escape(to);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'\">\
<title>Moved</title>\
<meta http-equiv=\"refresh\" content=\"0; url={to}\"><link rel=\"canonical\" href=\"{to}\"></head>\
<body><main><h1>This page has moved</h1><p><a href=\"{to}\">Go to the new page</a></p></main></body></html>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_lists_every_file_and_reads_back() {
        let f = |p: &str| OutputFile {
            path: p.into(),
            bytes: Vec::new().into(),
        };
        let files = [f("index.html"), f("odd\nname\\x.html"), f("a/b/index.html")];
        let listed =
            parse_marker(&marker_text(files.iter().map(|f| f.path.as_str()))).expect("a list");
        let expected: HashSet<String> = files.iter().map(|f| f.path.clone()).collect();
        assert_eq!(listed, expected);
        assert_eq!(
            parse_marker(&format!("{MARKER_HEADER}\n")),
            None,
            "an older marker"
        );
    }

    #[test]
    fn refuses_to_write_over_the_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(&root, dir.path()).is_err());
        assert!(check_output_dir(&root, &root.join("content/out")).is_err());
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
    }

    #[test]
    fn writes_and_replaces_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let f = |p: &str, b: &str| OutputFile {
            path: p.into(),
            bytes: b.as_bytes().to_vec().into(),
        };
        write_site(&[f("index.html", "one"), f("a/index.html", "a")], &out).unwrap();
        write_site(&[f("index.html", "two")], &out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("a").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders must be gone");
    }
}
