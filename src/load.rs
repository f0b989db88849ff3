//! Loading: walks `content/`, reads every file, splits and parses front matter.
//!
//! In: the site folder (and, for the preview, a [`SourceCache`] of the last
//! load). Out: [`Loaded`] — one [`Source`] per Markdown file (in a stable
//! order), the glossary, and the other files of `content/` (assets copied as
//! they are) — or every problem found, each located in its file. Files are read
//! and parsed in parallel. The types are those of [`crate::source`];
//! [`fingerprint_of_model`] says whether the model of an earlier load can be
//! reused.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Diagnostic, Error, Result};
use crate::frontmatter::{self, GlossaryEntry};
use crate::source::LineIndex;
pub use crate::source::{Asset, Loaded, Source};

/// The content folder's name inside a site.
pub(crate) const CONTENT_DIR: &str = "content";
/// The glossary file's name inside `content/`.
pub(crate) const GLOSSARY_FILE: &str = "glossary.yaml";

/// Whether a file name is an editor's temporary or backup file, or hidden.
pub(crate) fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
}

/// Reads `root/content`; any problem fails.
pub fn load(root: &Path) -> Result<Loaded> {
    let (loaded, problems) = load_lenient(root)?;
    if problems
        .iter()
        .any(|d| d.severity == crate::error::Severity::Error)
    {
        return Err(Error::content(problems));
    }
    Ok(loaded)
}

/// Reads `root/content`, returning what could be read beside every problem found,
/// so later checks can still run. Fails only when there is no `content/` folder.
pub fn load_lenient(root: &Path) -> Result<(Loaded, Vec<Diagnostic>)> {
    load_lenient_cached(root, None, false)
}

/// What identifies a file's contents without reading it: its length, modification
/// time and inode. Editors that save by renaming change the inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileStamp {
    len: u64,
    modified: Option<std::time::SystemTime>,
    inode: u64,
}

impl FileStamp {
    fn of(path: &Path) -> Option<FileStamp> {
        let m = std::fs::symlink_metadata(path).ok()?;
        #[cfg(unix)]
        let inode = std::os::unix::fs::MetadataExt::ino(&m);
        #[cfg(not(unix))]
        let inode = 0;
        Some(FileStamp {
            len: m.len(),
            modified: m.modified().ok(),
            inode,
        })
    }
}

/// Markdown files parsed by an earlier load, reused while the file on disk has the
/// same length, modification time and inode (the preview's rebuilds). Files named
/// by [`SourceCache::forget`] are always read again, and so is a file modified
/// less than [`RACY_WINDOW`] before it was read: file systems keep modification
/// times in ticks, and a second save within the same tick would keep the stamp.
#[derive(Debug, Default)]
pub struct SourceCache {
    entries: rustc_hash::FxHashMap<String, (FileStamp, std::sync::Arc<Source>)>,
    /// Which files of `content/` the last load read ([`listing_changed`]).
    listing: Option<u128>,
}

/// How recent a modification must be for the stamp not to be trusted (coarser
/// than any file system's time stamps that matter here, FAT's 2 s included).
pub const RACY_WINDOW: std::time::Duration = std::time::Duration::from_secs(3);

impl SourceCache {
    /// Reads `rel` (relative to `content/`) again at the next load, whatever its stamp.
    // Only the preview (feature `serve`) forgets files and checks listings.
    #[cfg_attr(not(feature = "serve"), allow(dead_code))]
    pub(crate) fn forget(&mut self, rel: &str) {
        self.entries.remove(rel);
    }

    /// Forgets which files the last load read, so that [`listing_changed`] says
    /// nothing about a build that stops before it reads `content/` (a broken
    /// `config.toml`).
    #[cfg_attr(not(feature = "serve"), allow(dead_code))]
    pub(crate) fn forget_listing(&mut self) {
        self.listing = None;
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.listing = None;
    }
}

/// The files of `content/` a load reads: Markdown (path relative to `content/`,
/// path on disk), assets, the glossary, and the problems met on the way; sorted
/// folder by folder, names in byte order.
struct Walk {
    markdown: Vec<(String, PathBuf)>,
    assets: Vec<Asset>,
    glossary_path: Option<PathBuf>,
    problems: Vec<Diagnostic>,
}

/// A folder or file of `content/` that cannot be walked.
fn walk_error(root: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e
        .path()
        .map(|p| rel_to(root, p))
        .unwrap_or_else(|| CONTENT_DIR.to_string());
    let why = match e.io_error() {
        Some(io) => io.to_string(),
        None => "it leads back into a folder it is in".to_string(),
    };
    Diagnostic::error("io", path, format!("cannot read it: {why}")).help(
        "check its permissions (reportsite must be able to read every file of the site), or remove it",
    )
}

/// The warning for an entry of `content/` that is left out: a symbolic link, or
/// not a regular file (a named pipe, socket or device: reading it could wait
/// for ever).
fn not_readable(root: &Path, entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    let file = rel_to(root, entry.path());
    if entry.file_type().is_symlink() {
        return Some(
            Diagnostic::warning(
                "symlink",
                file,
                "symbolic links in content/ are not followed",
            )
            .help("copy the file into content/ instead of linking to it"),
        );
    }
    if !entry.file_type().is_file() {
        return Some(
            Diagnostic::warning(
                "not-a-file",
                file,
                "this is not a regular file (a named pipe, socket or device); it is left out",
            )
            .help("remove it from content/, or replace it with an ordinary file"),
        );
    }
    None
}

fn walk_content(root: &Path, content: &Path) -> Walk {
    let mut markdown = Vec::new();
    let mut assets = Vec::new();
    let mut glossary_path = None;
    let mut problems = Vec::new();
    // Not sorted while walking (walkdir's sort takes every name apart again at
    // each comparison): sorted below, name by name, which is the same order.
    let walker = walkdir::WalkDir::new(content)
        .follow_links(false)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                problems.push(walk_error(root, &e));
                continue;
            }
        };
        if entry.file_type().is_dir() {
            continue;
        }
        if let Some(d) = not_readable(root, &entry) {
            problems.push(d);
            continue;
        }
        let rel = rel_to(content, entry.path());
        if rel == GLOSSARY_FILE {
            glossary_path = Some(entry.path().to_path_buf());
        } else if rel.ends_with(".md") {
            markdown.push((rel, entry.path().to_path_buf()));
        } else {
            assets.push(Asset {
                output: rel.clone(),
                rel,
                path: entry.path().to_path_buf(),
            });
        }
    }

    // Folder by folder, names in byte order: `a/b.md` before `a-c.md`. That is
    // the byte order of the paths with `/` counted lowest (no name contains NUL).
    let by_name = |a: &str, b: &str| {
        let key = |c: u8| if c == b'/' { 0 } else { c };
        let common = a.bytes().zip(b.bytes()).position(|(x, y)| x != y);
        match common {
            Some(i) => key(a.as_bytes()[i]).cmp(&key(b.as_bytes()[i])),
            None => a.len().cmp(&b.len()),
        }
    };
    markdown.sort_by(|a, b| by_name(&a.0, &b.0));
    assets.sort_by(|a, b| by_name(&a.rel, &b.rel));
    problems.sort_by(|a, b| by_name(&a.file, &b.file));
    Walk {
        markdown,
        assets,
        glossary_path,
        problems,
    }
}

/// The fingerprint of which files a load reads (not of their bytes).
fn listing_key(markdown: &[(String, PathBuf)], assets: &[Asset], glossary: bool) -> u128 {
    let mut fp = crate::fingerprint::Fingerprint::new();
    for (rel, _) in markdown {
        fp.str(rel);
    }
    fp.num(u128::MAX);
    for a in assets {
        fp.str(&a.rel);
    }
    fp.num(u128::from(glossary)).finish()
}

/// Whether the files of `content/` are still those the last load with `cache`
/// read (the same names, whatever their bytes). The preview asks after a build:
/// a file created and removed again within the watcher's debounce time gives no
/// event at all, yet a build in between may have read it.
// Only the preview (feature `serve`) forgets files and checks listings.
#[cfg_attr(not(feature = "serve"), allow(dead_code))]
pub(crate) fn listing_changed(root: &Path, cache: &SourceCache) -> bool {
    let Some(listed) = cache.listing else {
        return false;
    };
    let w = walk_content(root, &root.join(CONTENT_DIR));
    listing_key(&w.markdown, &w.assets, w.glossary_path.is_some()) != listed
}

/// [`load_lenient`], reusing the sources of unchanged files from `cache` and
/// leaving this load's sources in it.
///
/// With `stream`, each source keeps only its front matter in memory
/// ([`Source::release_body`]).
pub(crate) fn load_lenient_cached(
    root: &Path,
    mut cache: Option<&mut SourceCache>,
    stream: bool,
) -> Result<(Loaded, Vec<Diagnostic>)> {
    let content = root.join(CONTENT_DIR);
    if !content.is_dir() {
        return Err(Error::content(vec![
            Diagnostic::error("no-content", CONTENT_DIR, "the site has no `content/` folder")
                .help("create `content/_index.md` (the report) inside the site folder, or run `reportsite new DIR`"),
        ]));
    }
    let Walk {
        markdown,
        assets,
        glossary_path,
        mut problems,
    } = walk_content(root, &content);
    if let Some(c) = cache.as_deref_mut() {
        c.listing = Some(listing_key(&markdown, &assets, glossary_path.is_some()));
    }
    let (sources, failed) = read_markdown(root, &markdown, cache, stream, &mut problems);
    // Assets are copied at the end of a build: find the unreadable ones now, so
    // they are reported with everything else, by their name in the site.
    problems.extend(unreadable_assets(root, &assets));
    let glossary = match glossary_path {
        Some(path) => read_glossary(&path).unwrap_or_else(|d| {
            problems.push(d);
            Vec::new()
        }),
        None => Vec::new(),
    };
    Ok((
        Loaded {
            sources,
            glossary,
            assets,
            failed,
        },
        problems,
    ))
}

/// Reads and parses the Markdown files in parallel, reusing from `cache` the
/// sources of files whose stamp did not change and leaving this load's in it:
/// the sources read, and the files that failed (their problems go to `problems`).
fn read_markdown(
    root: &Path,
    markdown: &[(String, PathBuf)],
    cache: Option<&mut SourceCache>,
    stream: bool,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<std::sync::Arc<Source>>, Vec<String>) {
    let previous = cache.as_deref();
    let results: Vec<(Option<FileStamp>, Read)> = markdown
        .par_iter()
        .map(|(rel, path)| read_one(root, rel, path, previous, stream))
        .collect();
    if let Some(c) = cache {
        c.entries.clear();
        for (stamp, r) in &results {
            if let (Some(stamp), Ok(source)) = (stamp, r) {
                c.entries
                    .insert(source.rel.clone(), (*stamp, source.clone()));
            }
        }
    }
    let mut sources = Vec::with_capacity(results.len());
    let mut failed = Vec::new();
    for ((_, r), (rel, _)) in results.into_iter().zip(markdown) {
        match r {
            Ok(s) => {
                problems.extend(s.warnings.iter().cloned());
                sources.push(s);
            }
            Err(d) => {
                problems.push(d);
                failed.push(rel.clone());
            }
        }
    }
    (sources, failed)
}

/// A source read, or why it could not be.
type Read = std::result::Result<std::sync::Arc<Source>, Diagnostic>;

/// One Markdown file: from `previous` when its stamp is the same, else read.
fn read_one(
    root: &Path,
    rel: &str,
    path: &Path,
    previous: Option<&SourceCache>,
    stream: bool,
) -> (Option<FileStamp>, Read) {
    let Some(previous) = previous else {
        let read = read_source(root, rel, path).map(|mut s| {
            if stream {
                // Only the front matter is kept, without its located tree:
                // the model reads neither the body nor the tree (a message
                // that needs a position parses the front matter again).
                s.release_body();
                s.release_tree();
            }
            std::sync::Arc::new(s)
        });
        return (None, read);
    };
    // The stamp is taken before reading: a file changed meanwhile has a
    // newer stamp next time and is read again.
    let now = std::time::SystemTime::now();
    let stamp = FileStamp::of(path).filter(|s| s.modified.is_some_and(|m| m + RACY_WINDOW < now));
    match previous.entries.get(rel) {
        Some((s, source)) if Some(*s) == stamp => (stamp, Ok(source.clone())),
        // Hashed here, in parallel (the cache and the model share it).
        _ => (
            stamp,
            read_source(root, rel, path).map(|s| {
                s.text_fingerprint();
                std::sync::Arc::new(s)
            }),
        ),
    }
}

/// The assets that cannot be opened.
fn unreadable_assets(root: &Path, assets: &[Asset]) -> Vec<Diagnostic> {
    assets
        .par_iter()
        .filter_map(|a| {
            let e = std::fs::File::open(&a.path).err()?;
            Some(
                Diagnostic::error("io", rel_to(root, &a.path), format!("cannot read the file: {e}"))
                    .help("check its permissions (reportsite must be able to read every file of the site), or remove it"),
            )
        })
        .collect()
}

/// Reads `content/glossary.yaml`.
fn read_glossary(path: &Path) -> std::result::Result<Vec<GlossaryEntry>, Diagnostic> {
    let file = format!("{CONTENT_DIR}/{GLOSSARY_FILE}");
    let text = read_text(path, &file)?;
    frontmatter::parse_glossary(&text, &file)
}

fn read_text(path: &Path, file: &str) -> std::result::Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error("io", file, format!("cannot read the file: {e}"))
            .help("check that the file exists and that you may read it")
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = String::from_utf8_lossy(&e.as_bytes()[..offset]).into_owned();
        let (line, col) = LineIndex::new(&valid).line_col(offset);
        Diagnostic::error("encoding", file, "the file is not valid UTF-8 text")
            .at(line, col)
            .help("save the file as UTF-8 (in most editors: Save As → Encoding → UTF-8)")
    })
}

fn read_source(root: &Path, rel: &str, path: &Path) -> std::result::Result<Source, Diagnostic> {
    let file = rel_to(root, path);
    let text = read_text(path, &file)?;
    if text.contains('\0') {
        let offset = text.find('\0').unwrap_or(0);
        let (line, col) = LineIndex::new(&text).line_col(offset);
        return Err(Diagnostic::error(
            "encoding",
            &file,
            "the file contains a NUL byte: it looks like a binary file",
        )
        .at(line, col)
        .help(
            "content files must be plain text; rename binary files so they do not end in `.md`",
        ));
    }
    Source::parse(rel, file, text)
}

/// The fingerprint of everything [`crate::model::Report::build_lenient`] reads:
/// each source's file name, the text before its body (the front matter, which
/// is all of a file the model and its checks look at) and its title (which an
/// untitled page takes from a heading in its body), the glossary, the other
/// files, the files that failed to load, and `drafts`. Two loads with the same
/// fingerprint give the same model but for the sources' bodies (see
/// [`crate::model::Report::with_sources`]).
pub(crate) fn fingerprint_of_model(loaded: &Loaded, drafts: bool) -> u128 {
    let mut fp = crate::fingerprint::Fingerprint::new();
    fp.num(u128::from(drafts)).num(loaded.sources.len() as u128);
    for s in &loaded.sources {
        fp.str(&s.rel)
            .str(&s.file)
            .str(s.head())
            .str(s.front.title.as_deref().unwrap_or(""));
    }
    fp.num(loaded.glossary.len() as u128);
    for g in &loaded.glossary {
        fp.str(&g.term)
            .str(g.expansion.as_deref().unwrap_or("\u{0}"))
            .str(g.definition.as_deref().unwrap_or("\u{0}"))
            .num(g.line as u128);
    }
    fp.num(loaded.assets.len() as u128);
    for a in &loaded.assets {
        fp.str(&a.rel).bytes(a.path.as_os_str().as_encoded_bytes());
    }
    fp.num(loaded.failed.len() as u128);
    for f in &loaded.failed {
        fp.str(f);
    }
    fp.finish()
}

/// `path` relative to `base`, with `/` separators (or the whole path if not under it).
pub(crate) fn rel_to(base: &Path, path: &Path) -> String {
    // The common case, a UTF-8 path that starts with `base` and a `/`, without
    // taking either apart.
    if cfg!(unix)
        && let (Some(b), Some(p)) = (base.to_str(), path.to_str())
        && let Some(rel) = p.strip_prefix(b).and_then(|r| r.strip_prefix('/'))
        && !rel.is_empty()
        && !rel.contains("//")
        && !rel.ends_with('/')
        && !rel.split('/').any(|c| c == "." || c == "..")
    {
        return rel.to_string();
    }
    let rel = path.strip_prefix(base).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An untitled page's title comes from its body, so a heading's edit is
    /// a change of the model even where the front matter is the same.
    #[test]
    fn a_title_from_a_heading_is_part_of_the_models_fingerprint() {
        let loaded = |heading: &str| Loaded {
            sources: vec![std::sync::Arc::new(
                Source::parse(
                    "a.md",
                    "content/a.md".into(),
                    format!("---\n---\nIntro.\n\n## {heading}\n"),
                )
                .expect("parses"),
            )],
            ..Loaded::default()
        };
        assert_eq!(
            fingerprint_of_model(&loaded("One"), false),
            fingerprint_of_model(&loaded("One"), false)
        );
        assert_ne!(
            fingerprint_of_model(&loaded("One"), false),
            fingerprint_of_model(&loaded("Two"), false)
        );
    }

    /// A file that appears or goes away after a load is seen by
    /// `listing_changed`; an edit of a file's bytes, or nothing, is not.
    #[test]
    fn listing_changed_sees_files_come_and_go() {
        let tmp = tempfile::tempdir().expect("tempdir");
        let root = tmp.path();
        let content = root.join(CONTENT_DIR);
        std::fs::create_dir_all(content.join("a")).expect("mkdir");
        let page = |name: &str| format!("---\ntitle: {name}\n---\nText.\n");
        std::fs::write(content.join("_index.md"), page("Report")).expect("write");
        std::fs::write(content.join("a/b.md"), page("B")).expect("write");
        let mut cache = SourceCache::default();
        assert!(!listing_changed(root, &cache), "nothing loaded yet");
        load_lenient_cached(root, Some(&mut cache), false).expect("load");
        assert!(!listing_changed(root, &cache));

        std::fs::write(content.join("a/b.md"), page("Bee")).expect("edit");
        assert!(!listing_changed(root, &cache), "an edit is not a new file");

        std::fs::write(content.join("a/new.md"), page("New")).expect("add");
        assert!(listing_changed(root, &cache), "a new page");
        load_lenient_cached(root, Some(&mut cache), false).expect("load");
        assert!(!listing_changed(root, &cache));

        std::fs::remove_file(content.join("a/new.md")).expect("remove");
        assert!(listing_changed(root, &cache), "a page gone");
        load_lenient_cached(root, Some(&mut cache), false).expect("load");

        std::fs::write(content.join("a/report.pdf"), b"%PDF").expect("asset");
        assert!(listing_changed(root, &cache), "a new asset");
        load_lenient_cached(root, Some(&mut cache), false).expect("load");

        std::fs::write(content.join(".b.md.swp"), b"x").expect("swap file");
        assert!(!listing_changed(root, &cache), "editor files do not count");
    }
}
