//! What the preview server serves, and how a new build replaces it.
//!
//! In: the outcome of a build (the files, or the diagnostics of a failure). Out: a
//! [`Snapshot`] — the last good site's files, the problems of the latest build, the
//! notice to show on every page — published in one step through [`Shared`], and the
//! [`LiveEvent`] to broadcast to open pages *after* it is published, so a page that
//! reloads always finds the new files.
//!
//! State is owned and passed around (`Arc<Shared>`), never a process-wide static,
//! so tests can run several servers in one process.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use tokio::sync::broadcast;

use crate::error::{Diagnostic, Severity};
use crate::output::OutputFile;

use super::overlay;

/// The files of a good build, by path relative to the output folder.
#[derive(Debug, Default)]
pub struct SiteFiles {
    /// The bytes of each file, as the build made them (no live-reload script).
    pub files: HashMap<String, Bytes>,
    /// The base URL the site was built with (the server's own address and the
    /// path part of `config.toml`'s `base_url`).
    pub base_url: String,
    /// The path the site lives under, starting and ending with `/`.
    pub base_path: String,
}

impl SiteFiles {
    /// The files of a build.
    pub fn new(files: Vec<OutputFile>, base_url: String, base_path: String) -> SiteFiles {
        SiteFiles {
            files: files.into_iter().map(|f| (f.path, f.bytes)).collect(),
            base_url,
            base_path,
        }
    }
}

/// Everything one response needs, replaced as a whole after each build.
#[derive(Debug)]
pub struct Snapshot {
    /// Identifies the build: changes with every publish and every server start.
    pub build_id: String,
    /// The last good build; `None` until one has succeeded.
    pub site: Option<Arc<SiteFiles>>,
    /// The errors of the latest build, when it failed.
    pub errors: Vec<Diagnostic>,
    /// The warnings of the latest build.
    pub warnings: Vec<Diagnostic>,
    /// The accessibility findings of the latest good build.
    pub findings: Vec<Diagnostic>,
    /// HTML put at the start of every page's `<body>`: the error overlay, or the
    /// warnings panel, or nothing.
    pub notice: Option<String>,
}

/// A message to the open pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// Reload the page: it, or something it shows, changed; or an error was fixed.
    Reload {
        /// The new build.
        build: String,
    },
    /// Only stylesheets changed: swap them without reloading.
    Css {
        /// The new build.
        build: String,
    },
    /// The build failed: show this overlay.
    Error {
        /// The new build.
        build: String,
        /// The overlay's HTML.
        overlay: String,
    },
}

impl LiveEvent {
    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            LiveEvent::Reload { .. } => "reload",
            LiveEvent::Css { .. } => "css",
            LiveEvent::Error { .. } => "error",
        }
    }

    /// The SSE data: the build id, or for an error a JSON object with the build id
    /// and the overlay (JSON, so the HTML travels on one line).
    pub fn data(&self) -> String {
        match self {
            LiveEvent::Reload { build } | LiveEvent::Css { build } => build.clone(),
            LiveEvent::Error { build, overlay } => {
                serde_json::json!({ "build": build, "html": overlay }).to_string()
            }
        }
    }
}

/// The state the server reads and the build loop writes.
#[derive(Debug)]
pub struct Shared {
    current: RwLock<Arc<Snapshot>>,
    events: broadcast::Sender<LiveEvent>,
    instance: String,
}

/// How a build changed the served files.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Published {
    /// The event sent to open pages, if any.
    pub event: Option<LiveEvent>,
    /// Output paths whose bytes changed, were added or went away (sorted).
    pub changed: Vec<String>,
    /// How many files the site has now.
    pub total: usize,
}

impl Shared {
    /// Empty state: no build yet. `instance` tells this server run apart from an
    /// earlier one, so pages left open across a restart reload.
    pub fn new(instance: String) -> Shared {
        let (events, _) = broadcast::channel(64);
        Shared {
            current: RwLock::new(Arc::new(Snapshot {
                build_id: format!("{instance}-0"),
                site: None,
                errors: Vec::new(),
                warnings: Vec::new(),
                findings: Vec::new(),
                notice: None,
            })),
            events,
            instance,
        }
    }

    /// The snapshot to answer one request from.
    pub fn current(&self) -> Arc<Snapshot> {
        // A poisoned lock only means a writer panicked between two whole values.
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// A receiver of every event published from now on.
    pub(crate) fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.events.subscribe()
    }

    fn replace(&self, snapshot: Snapshot) {
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(snapshot);
    }

    fn next_id(&self, previous: &Snapshot) -> String {
        let n = previous
            .build_id
            .rsplit('-')
            .next()
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
        format!("{}-{}", self.instance, n + 1)
    }

    /// Publishes a good build, then tells the open pages: `css` when only
    /// stylesheets changed, `reload` when anything else did or an error was fixed,
    /// nothing when no byte changed.
    pub fn publish_good(
        &self,
        site: SiteFiles,
        warnings: Vec<Diagnostic>,
        findings: Vec<Diagnostic>,
    ) -> Published {
        let previous = self.current();
        let changed = match &previous.site {
            Some(old) => changed_paths(&old.files, &site.files),
            None => {
                let mut all: Vec<String> = site.files.keys().cloned().collect();
                all.sort();
                all
            }
        };
        let total = site.files.len();
        let notice = overlay::warnings_panel(&warnings, &findings);
        let build_id = self.next_id(&previous);
        let healed = !previous.errors.is_empty();
        let notice_changed = notice != previous.notice;
        let event = if healed || notice_changed || (!changed.is_empty() && !only_css(&changed)) {
            Some(LiveEvent::Reload {
                build: build_id.clone(),
            })
        } else if !changed.is_empty() {
            Some(LiveEvent::Css {
                build: build_id.clone(),
            })
        } else {
            None
        };
        self.replace(Snapshot {
            build_id,
            site: Some(Arc::new(site)),
            errors: Vec::new(),
            warnings,
            findings,
            notice,
        });
        if let Some(e) = &event {
            // No receiver is not an error: no page is open.
            let _ = self.events.send(e.clone());
        }
        Published {
            event,
            changed,
            total,
        }
    }

    /// Publishes a failed build: the last good files stay, every page gets the
    /// overlay, and open pages are told to show it.
    pub(crate) fn publish_failed(&self, diagnostics: Vec<Diagnostic>) -> Published {
        let previous = self.current();
        let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = diagnostics
            .into_iter()
            .partition(|d| d.severity == Severity::Error);
        let has_site = previous.site.is_some();
        let html = overlay::error_overlay(&errors, &warnings, has_site);
        let build_id = self.next_id(&previous);
        let event = LiveEvent::Error {
            build: build_id.clone(),
            overlay: html.clone(),
        };
        self.replace(Snapshot {
            build_id,
            site: previous.site.clone(),
            errors,
            warnings,
            findings: Vec::new(),
            notice: Some(html),
        });
        let _ = self.events.send(event.clone());
        Published {
            event: Some(event),
            changed: Vec::new(),
            total: previous.site.as_ref().map_or(0, |s| s.files.len()),
        }
    }
}

/// Paths whose bytes differ between two builds, or that only one has (sorted).
pub(crate) fn changed_paths(
    old: &HashMap<String, Bytes>,
    new: &HashMap<String, Bytes>,
) -> Vec<String> {
    // Most files of a rebuild are the very same buffers as before (the build
    // reuses unchanged pages): compare where they point before their bytes.
    let same = |a: &Bytes, b: &Bytes| (a.as_ptr() == b.as_ptr() && a.len() == b.len()) || a == b;
    let mut out: Vec<String> = new
        .iter()
        .filter(|(k, v)| !old.get(*k).is_some_and(|o| same(o, v)))
        .map(|(k, _)| k.clone())
        .chain(old.keys().filter(|k| !new.contains_key(*k)).cloned())
        .collect();
    out.sort();
    out
}

fn only_css(paths: &[String]) -> bool {
    paths.iter().all(|p| p.ends_with(".css"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> SiteFiles {
        SiteFiles::new(
            files
                .iter()
                .map(|(p, b)| OutputFile {
                    path: p.to_string(),
                    bytes: b.as_bytes().to_vec().into(),
                })
                .collect(),
            "http://127.0.0.1:1/".into(),
            "/".into(),
        )
    }

    #[test]
    fn events_follow_what_changed() {
        let s = Shared::new("t".into());
        let mut rx = s.subscribe();
        let p = s.publish_good(site(&[("index.html", "a"), ("c.css", "x")]), vec![], vec![]);
        assert!(matches!(p.event, Some(LiveEvent::Reload { .. })));
        assert_eq!(rx.try_recv().map(|e| e.name()), Ok("reload"));

        // Same bytes: nothing to tell.
        let p = s.publish_good(site(&[("index.html", "a"), ("c.css", "x")]), vec![], vec![]);
        assert_eq!(p.event, None);
        assert!(rx.try_recv().is_err());

        // Only CSS: swap stylesheets.
        let p = s.publish_good(site(&[("index.html", "a"), ("c.css", "y")]), vec![], vec![]);
        assert_eq!(p.changed, vec!["c.css".to_string()]);
        assert_eq!(rx.try_recv().map(|e| e.name()), Ok("css"));

        // A failure keeps the files and shows the overlay.
        let d = Diagnostic::error("x", "content/a.md", "broken <here>").at(2, 1);
        let p = s.publish_failed(vec![d]);
        assert_eq!(p.event.as_ref().map(|e| e.name()), Some("error"));
        let now = s.current();
        assert!(
            now.site
                .as_ref()
                .is_some_and(|f| f.files.contains_key("index.html"))
        );
        let notice = now.notice.clone().unwrap_or_default();
        assert!(notice.contains("content/a.md:2:1") && notice.contains("broken &lt;here&gt;"));
        assert_eq!(rx.try_recv().map(|e| e.name()), Ok("error"));

        // Fixed, even with the same bytes: reload to clear the overlay.
        let p = s.publish_good(site(&[("index.html", "a"), ("c.css", "y")]), vec![], vec![]);
        assert!(matches!(p.event, Some(LiveEvent::Reload { .. })));
        assert!(s.current().notice.is_none());
    }

    #[test]
    fn build_ids_count_up() {
        let s = Shared::new("abc".into());
        assert_eq!(s.current().build_id, "abc-0");
        s.publish_good(site(&[]), vec![], vec![]);
        s.publish_failed(vec![]);
        assert_eq!(s.current().build_id, "abc-2");
    }

    #[test]
    fn error_data_is_one_line_of_json() {
        let e = LiveEvent::Error {
            build: "b".into(),
            overlay: "<p>\n</p>".into(),
        };
        assert!(!e.data().contains('\n'));
        let v: serde_json::Value = serde_json::from_str(&e.data()).expect("json");
        assert_eq!(v["html"], "<p>\n</p>");
    }
}
