//! File watching: which changes on disk matter to the site, and the watcher that
//! reports them.
//!
//! In: raw `notify` events (through `notify-debouncer-full`, which merges bursts,
//! pairs the two halves of a rename and drops duplicates). Out: [`Change`]s, each a
//! path relative to the site folder (`content/a.md`, `config.toml`) and what
//! happened to it, sent to the build loop as [`Message`]s.
//!
//! What is watched: `config.toml` (through a non-recursive watch of the site folder,
//! so an editor that replaces the file by a rename is seen too) and `content/`,
//! `templates/`, `static/` and `themes/`, recursively. Never the output folder, and
//! never anything else in the site folder (`public/`, `target/`, `.git/`): the site
//! folder's own watch is not recursive, and [`site_path`] drops every path outside
//! those five places. Editor temporary and swap files are dropped by
//! [`crate::load::is_ignored_name`] on every component of the path, so a save that
//! writes `.a.md.swp` then renames it onto `a.md` is one change to `a.md`.
//!
//! Platform quirks, written down where they are handled in [`map_event`]:
//! - inotify reports every open and close of a file; the build itself opens every
//!   source, so `Access` events other than "closed after writing" are ignored, or
//!   every build would trigger the next one.
//! - A rename into the site from an ignored name (an editor's atomic save) arrives
//!   as a rename whose first path is ignored: it counts as a creation of the second.
//! - A rename whose halves could not be paired (`RenameMode::Any`, or `From`/`To`
//!   alone) is a creation or a removal depending on whether the path exists now.
//! - A queue overflow (`need_rescan`) means events were lost: rebuild everything.

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind, RenameMode};
use notify::{Event, EventKind, PollWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, NoCache, RecommendedCache};

use crate::config::CONFIG_FILE;
use crate::load::is_ignored_name;

/// The folders of a site that are watched recursively.
pub(crate) const WATCHED_DIRS: &[&str] = &["content", "templates", "static", "themes"];

/// How long the debouncer waits before passing an event on. Editors' atomic saves
/// (write a temporary file, rename it over the original) take well under a
/// millisecond; this is short enough to keep save → reload under 100 ms on a small
/// site. Events that arrive while a build runs are merged by the build loop anyway.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(30);

/// How often the debouncer checks for events old enough to pass on.
const TICK: Duration = Duration::from_millis(10);

/// How often `--poll` looks at the files (it reads every watched file each
/// time, so this is a trade between latency and work on big sites).
pub(crate) const POLL_INTERVAL: Duration = Duration::from_millis(500);

/// What happened to a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// A file or folder appeared.
    Created,
    /// Its bytes (or permissions) changed.
    Modified,
    /// It went away.
    Removed,
    /// It was renamed to this path (relative to the site folder).
    Renamed {
        /// The new path.
        to: String,
    },
    /// Events were lost: anything may have changed.
    Rescan,
}

/// One change to the site's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Path relative to the site folder, with `/` separators (empty for a rescan).
    pub path: String,
    /// What happened.
    pub kind: ChangeKind,
}

impl Change {
    fn new(path: String, kind: ChangeKind) -> Change {
        Change { path, kind }
    }

    /// The change as the terminal shows it: `content/a.md`, `content/a.md (removed)`,
    /// `content/a.md → content/b.md`. A creation is shown like a change: an
    /// editor's atomic save replaces the file, so it arrives as one.
    pub fn describe(&self) -> String {
        match &self.kind {
            ChangeKind::Created | ChangeKind::Modified => self.path.clone(),
            ChangeKind::Removed => format!("{} (removed)", self.path),
            ChangeKind::Renamed { to } => format!("{} → {to}", self.path),
            ChangeKind::Rescan => "missed file events (rescanned everything)".to_string(),
        }
    }

    /// The paths this change touches (both names of a rename).
    pub fn paths(&self) -> Vec<&str> {
        match &self.kind {
            ChangeKind::Renamed { to } => vec![self.path.as_str(), to.as_str()],
            _ => vec![self.path.as_str()],
        }
    }
}

/// What the watcher sends to the build loop.
#[derive(Debug)]
pub(crate) enum Message {
    /// Changes that matter to the site.
    Changes(Vec<Change>),
    /// The watcher itself had trouble (an event queue overflow, a folder that
    /// could not be watched).
    Trouble(Vec<String>),
    /// The preview is stopping: the build loop ends (sent by `serve::run`).
    Stop,
}

/// The path of `path` relative to the site folder `root`, when it is a file the
/// build reads: `config.toml`, or anything under the watched folders whose name is
/// not an editor's temporary or swap file. `None` for everything else.
pub(crate) fn site_path(root: &Path, path: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => {
                let s = s.to_str()?;
                if is_ignored_name(s) {
                    return None;
                }
                parts.push(s);
            }
            Component::CurDir => {}
            _ => return None,
        }
    }
    let first = *parts.first()?;
    if parts.len() == 1 && (first == CONFIG_FILE || first == crate::config::ZOLA_CONFIG_FILE) {
        return Some(first.to_string());
    }
    if WATCHED_DIRS.contains(&first) {
        return Some(parts.join("/"));
    }
    None
}

/// Maps one notify event to the changes that matter to the site (often none).
pub(crate) fn map_event(root: &Path, event: &Event) -> Vec<Change> {
    if event.need_rescan() {
        return vec![Change::new(String::new(), ChangeKind::Rescan)];
    }
    let each = |kind: ChangeKind| -> Vec<Change> {
        event
            .paths
            .iter()
            .filter_map(|p| site_path(root, p))
            .map(|p| Change::new(p, kind.clone()))
            .collect()
    };
    // Created or removed, by what is on disk now (for renames notify could not pair).
    let by_existence = || -> Vec<Change> {
        event
            .paths
            .iter()
            .filter_map(|p| {
                let rel = site_path(root, p)?;
                let kind = if p.exists() {
                    ChangeKind::Created
                } else {
                    ChangeKind::Removed
                };
                Some(Change::new(rel, kind))
            })
            .collect()
    };
    match &event.kind {
        // Reads (including the build's own) change nothing; a close after writing
        // is the end of a save.
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => each(ChangeKind::Modified),
        EventKind::Access(_) => Vec::new(),
        EventKind::Create(_) => each(ChangeKind::Created),
        EventKind::Remove(_) => each(ChangeKind::Removed),
        EventKind::Modify(ModifyKind::Name(mode)) => match mode {
            RenameMode::Both => {
                let from = event.paths.first().and_then(|p| site_path(root, p));
                let to = event.paths.get(1).and_then(|p| site_path(root, p));
                match (from, to) {
                    (Some(from), Some(to)) => vec![Change::new(from, ChangeKind::Renamed { to })],
                    // An atomic save: a temporary file renamed onto the real one.
                    (None, Some(to)) => vec![Change::new(to, ChangeKind::Created)],
                    // Moved out of the site, or to an ignored name (a backup).
                    (Some(from), None) => vec![Change::new(from, ChangeKind::Removed)],
                    (None, None) => Vec::new(),
                }
            }
            RenameMode::From => each(ChangeKind::Removed),
            RenameMode::To => each(ChangeKind::Created),
            RenameMode::Any | RenameMode::Other => by_existence(),
        },
        // Access times change on every read; nothing else about metadata does.
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => Vec::new(),
        EventKind::Modify(ModifyKind::Metadata(_))
        | EventKind::Modify(ModifyKind::Data(_))
        | EventKind::Modify(ModifyKind::Any)
        | EventKind::Modify(ModifyKind::Other) => each(ChangeKind::Modified),
        // Back ends that cannot say what happened.
        EventKind::Any | EventKind::Other => each(ChangeKind::Modified),
    }
}

/// Keeps the last change per path, in order of first appearance, so a burst of
/// saves to one file is one change.
pub(crate) fn merge(changes: Vec<Change>) -> Vec<Change> {
    let mut out: Vec<Change> = Vec::new();
    for c in changes {
        if c.kind == ChangeKind::Rescan {
            if !out.iter().any(|o| o.kind == ChangeKind::Rescan) {
                out.push(c);
            }
            continue;
        }
        match out.iter_mut().find(|o| o.path == c.path) {
            Some(o) => {
                // Added then changed is still added; anything else: the latest wins.
                if !(o.kind == ChangeKind::Created && c.kind == ChangeKind::Modified) {
                    o.kind = c.kind;
                }
            }
            None => out.push(c),
        }
    }
    out
}

/// The two kinds of watcher behind one interface, so the build loop can add a
/// watch when a watched folder is created after start.
pub(crate) trait Watching: Send {
    /// Starts watching `path`.
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()>;
    /// Stops watching `path`.
    fn unwatch(&mut self, path: &Path) -> notify::Result<()>;
}

impl<T: notify::Watcher + Send, C: notify_debouncer_full::FileIdCache + Send> Watching
    for Debouncer<T, C>
{
    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> notify::Result<()> {
        Debouncer::watch(self, path, mode)
    }
    fn unwatch(&mut self, path: &Path) -> notify::Result<()> {
        Debouncer::unwatch(self, path)
    }
}

/// A running watcher over the site folder `root` (absolute, canonical).
pub(crate) struct SiteWatcher {
    root: PathBuf,
    inner: Box<dyn Watching>,
}

impl SiteWatcher {
    /// Starts watching `root`, sending what matters to `tx`. `poll` uses a
    /// watcher that compares the files every [`POLL_INTERVAL`] instead of the
    /// system's notifications (for network drives, WSL, containers). Returns the
    /// watcher and any folders that could not be watched.
    pub(crate) fn start(
        root: &Path,
        poll: bool,
        tx: Sender<Message>,
    ) -> notify::Result<(SiteWatcher, Vec<String>)> {
        let handler_root = root.to_path_buf();
        let handler = move |result: DebounceEventResult| {
            let msg = match result {
                Ok(events) => {
                    let changes: Vec<Change> = events
                        .iter()
                        .flat_map(|e| map_event(&handler_root, e))
                        .collect();
                    if changes.is_empty() {
                        return;
                    }
                    Message::Changes(changes)
                }
                Err(errors) => Message::Trouble(errors.iter().map(|e| e.to_string()).collect()),
            };
            // The build loop has stopped: the program is exiting.
            let _ = tx.send(msg);
        };
        let inner: Box<dyn Watching> = if poll {
            // notify's poller compares modification times in whole seconds, so
            // two saves within a second would look like one: compare contents too.
            let config = notify::Config::default()
                .with_poll_interval(POLL_INTERVAL)
                .with_compare_contents(true);
            Box::new(
                notify_debouncer_full::new_debouncer_opt::<_, PollWatcher, _>(
                    DEBOUNCE,
                    Some(TICK),
                    handler,
                    NoCache,
                    config,
                )?,
            )
        } else {
            Box::new(notify_debouncer_full::new_debouncer_opt::<
                _,
                notify::RecommendedWatcher,
                _,
            >(
                DEBOUNCE,
                Some(TICK),
                handler,
                RecommendedCache::new(),
                notify::Config::default(),
            )?)
        };
        let mut w = SiteWatcher {
            root: root.to_path_buf(),
            inner,
        };
        w.inner.watch(root, RecursiveMode::NonRecursive)?;
        let mut trouble = Vec::new();
        for dir in WATCHED_DIRS {
            if let Err(e) = w.watch_dir(dir) {
                trouble.push(format!("cannot watch `{dir}/`: {e}"));
            }
        }
        Ok((w, trouble))
    }

    /// Watches `root/dir` recursively when it is a folder (again, if it was
    /// deleted and created anew).
    pub(crate) fn watch_dir(&mut self, dir: &str) -> notify::Result<()> {
        let path = self.root.join(dir);
        if !path.is_dir() {
            return Ok(());
        }
        // A folder that was removed and created again needs a fresh watch.
        let _ = self.inner.unwatch(&path);
        self.inner.watch(&path, RecursiveMode::Recursive)
    }

    /// Follows changes to the watched folders themselves: a `static/` created
    /// after start gets watched. Returns any trouble.
    pub(crate) fn follow(&mut self, changes: &[Change]) -> Vec<String> {
        let mut trouble = Vec::new();
        for c in changes {
            for p in c.paths() {
                if WATCHED_DIRS.contains(&p)
                    && let Err(e) = self.watch_dir(p)
                {
                    trouble.push(format!("cannot watch `{p}/`: {e}"));
                }
            }
        }
        trouble
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, DataChange, RemoveKind};

    fn ev(kind: EventKind, paths: &[&str]) -> Event {
        let mut e = Event::new(kind);
        for p in paths {
            e = e.add_path(PathBuf::from(p));
        }
        e
    }

    const ROOT: &str = "/site";

    fn map(kind: EventKind, paths: &[&str]) -> Vec<Change> {
        map_event(Path::new(ROOT), &ev(kind, paths))
    }

    #[test]
    fn only_site_files_count() {
        let root = Path::new(ROOT);
        let p = |s: &str| site_path(root, Path::new(s));
        assert_eq!(p("/site/config.toml").as_deref(), Some("config.toml"));
        assert_eq!(p("/site/content/a/b.md").as_deref(), Some("content/a/b.md"));
        assert_eq!(p("/site/content").as_deref(), Some("content"));
        assert_eq!(
            p("/site/themes/civic/static/civic.css").as_deref(),
            Some("themes/civic/static/civic.css")
        );
        assert_eq!(
            p("/site/public/index.html"),
            None,
            "never the output folder"
        );
        assert_eq!(p("/site/target/x"), None);
        assert_eq!(p("/site/README.md"), None);
        assert_eq!(p("/site/config.toml~"), None);
        assert_eq!(p("/elsewhere/content/a.md"), None);
        // Editor temporary and swap files, at any depth.
        assert_eq!(p("/site/content/.a.md.swp"), None);
        assert_eq!(p("/site/content/a.md~"), None);
        assert_eq!(p("/site/content/#a.md#"), None);
        assert_eq!(p("/site/content/4913"), None);
        assert_eq!(p("/site/content/.git/HEAD"), None);
        assert_eq!(p("/site/content/x/.#lock/a.md"), None);
    }

    #[test]
    fn reads_are_not_changes() {
        let a = &["/site/content/a.md"];
        assert!(map(EventKind::Access(AccessKind::Open(AccessMode::Any)), a).is_empty());
        assert!(map(EventKind::Access(AccessKind::Close(AccessMode::Read)), a).is_empty());
        assert!(
            map(
                EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)),
                a
            )
            .is_empty()
        );
        assert_eq!(
            map(EventKind::Access(AccessKind::Close(AccessMode::Write)), a),
            vec![Change::new("content/a.md".into(), ChangeKind::Modified)]
        );
    }

    #[test]
    fn writes_creations_removals() {
        let a = &["/site/content/a.md"];
        let one = |k| vec![Change::new("content/a.md".into(), k)];
        assert_eq!(
            map(EventKind::Modify(ModifyKind::Data(DataChange::Content)), a),
            one(ChangeKind::Modified)
        );
        assert_eq!(
            map(EventKind::Create(CreateKind::File), a),
            one(ChangeKind::Created)
        );
        assert_eq!(
            map(EventKind::Remove(RemoveKind::File), a),
            one(ChangeKind::Removed)
        );
        assert_eq!(map(EventKind::Any, a), one(ChangeKind::Modified));
        assert!(
            map(
                EventKind::Create(CreateKind::File),
                &["/site/public/a.html"]
            )
            .is_empty()
        );
    }

    #[test]
    fn renames() {
        let both = EventKind::Modify(ModifyKind::Name(RenameMode::Both));
        assert_eq!(
            map(both, &["/site/content/a.md", "/site/content/b.md"]),
            vec![Change::new(
                "content/a.md".into(),
                ChangeKind::Renamed {
                    to: "content/b.md".into()
                }
            )]
        );
        // An editor's atomic save: temp file renamed onto the page.
        assert_eq!(
            map(both, &["/site/content/.a.md.tmp", "/site/content/a.md"]),
            vec![Change::new("content/a.md".into(), ChangeKind::Created)]
        );
        // A page renamed to a backup name is gone.
        assert_eq!(
            map(both, &["/site/content/a.md", "/site/content/a.md~"]),
            vec![Change::new("content/a.md".into(), ChangeKind::Removed)]
        );
        assert_eq!(
            map(
                EventKind::Modify(ModifyKind::Name(RenameMode::From)),
                &["/site/content/a.md"]
            ),
            vec![Change::new("content/a.md".into(), ChangeKind::Removed)]
        );
        // Unpaired: decided by what is on disk (nothing is, under /site).
        assert_eq!(
            map(
                EventKind::Modify(ModifyKind::Name(RenameMode::Any)),
                &["/site/content/a.md"]
            ),
            vec![Change::new("content/a.md".into(), ChangeKind::Removed)]
        );
    }

    #[test]
    fn lost_events_rebuild_everything() {
        let e = ev(EventKind::Other, &[]).set_flag(notify::event::Flag::Rescan);
        assert_eq!(map_event(Path::new(ROOT), &e)[0].kind, ChangeKind::Rescan);
    }

    #[test]
    fn bursts_merge_per_path() {
        let c = |p: &str, k| Change::new(p.into(), k);
        let merged = merge(vec![
            c("content/a.md", ChangeKind::Created),
            c("content/a.md", ChangeKind::Modified),
            c("content/b.md", ChangeKind::Modified),
            c("content/b.md", ChangeKind::Removed),
            c("content/a.md", ChangeKind::Modified),
        ]);
        assert_eq!(
            merged,
            vec![
                c("content/a.md", ChangeKind::Created),
                c("content/b.md", ChangeKind::Removed)
            ]
        );
    }
}
