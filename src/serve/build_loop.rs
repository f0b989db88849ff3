//! The build loop: one thread, one build at a time.
//!
//! In: the watcher's [`Message`]s. Out: each build published to the server's
//! [`Shared`] state (pages reload), an [`Event::Built`] for it, and, with
//! `--output`, each good build written to disk after it is served.
//!
//! The first build runs at once; then each batch of changes is one rebuild, and
//! changes that arrive during a build are merged into the next one. Once no event
//! has come for [`SETTLE`] after a build, the files it read are checked against
//! the disk: a file created and removed again within the watcher's debounce time
//! gives no event, yet the build may have read it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use crate::build::Built;
use crate::error::{Diagnostic, Error};
use crate::output;

use super::builder::{Builder, Rebuilt};
use super::events::{BuildReport, Event, Events, Outcome};
use super::state::{Published, Shared, SiteFiles};
use super::watch::{self, Change, ChangeKind, Message, SiteWatcher};

/// How long the build loop waits, after a build, for events before it checks
/// the files against the disk: well over the watcher's debounce time.
const SETTLE: Duration = Duration::from_millis(100);

/// Everything the build thread owns.
pub(crate) struct BuildLoop {
    pub(crate) builder: Builder,
    /// Owned here, so the loop's channel stays open while it runs.
    pub(crate) watcher: SiteWatcher,
    pub(crate) rx: Receiver<Message>,
    pub(crate) shared: Arc<Shared>,
    /// `--output`: where each good build is also written.
    pub(crate) output: Option<PathBuf>,
    pub(crate) events: Arc<dyn Events>,
}

impl BuildLoop {
    /// Builds once, tells `ready`, then rebuilds on every batch of changes,
    /// until [`Message::Stop`] comes (a build under way is finished first).
    pub(crate) fn run(mut self, ready: tokio::sync::oneshot::Sender<()>) {
        let rebuilt = self.builder.rebuild(&[]);
        self.publish(None, rebuilt);
        let _ = ready.send(());
        let mut settled = false;
        while let Some(changes) = self.next_changes(&mut settled) {
            for line in self.watcher.follow(&changes) {
                self.warn(line);
            }
            settled = false;
            let rebuilt = self.builder.rebuild(&changes);
            let moved = self
                .shared
                .current()
                .site
                .as_ref()
                .is_some_and(|s| s.base_path != rebuilt.base_path)
                && rebuilt.result.is_ok();
            if moved {
                self.events.event(Event::Moved {
                    url: &rebuilt.base_url,
                });
            }
            self.publish(Some(&changes), rebuilt);
        }
    }

    /// Waits for the next batch of changes that matter: everything the watcher
    /// sent meanwhile (during the last build) joins the first message. `None`
    /// when the preview stops.
    fn next_changes(&self, settled: &mut bool) -> Option<Vec<Change>> {
        loop {
            let first = if *settled {
                self.rx.recv().ok()?
            } else {
                match self.rx.recv_timeout(SETTLE) {
                    Ok(m) => m,
                    Err(RecvTimeoutError::Timeout) => {
                        *settled = true;
                        if !self.builder.listing_changed() {
                            continue;
                        }
                        Message::Changes(vec![Change {
                            path: String::new(),
                            kind: ChangeKind::Rescan,
                        }])
                    }
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
            };
            let mut changes = Vec::new();
            for m in std::iter::once(first).chain(self.rx.try_iter()) {
                match m {
                    Message::Changes(c) => changes.extend(c),
                    Message::Trouble(t) => {
                        for line in t {
                            self.warn(format!("watching files: {line}"));
                        }
                    }
                    Message::Stop => return None,
                }
            }
            let changes = watch::merge(changes);
            if !changes.is_empty() {
                return Some(changes);
            }
        }
    }

    /// Publishes one build, reports it, and writes it to `--output` when it is
    /// good and changed something (the first build always).
    fn publish(&self, trigger: Option<&[Change]>, rebuilt: Rebuilt) {
        let elapsed = rebuilt.elapsed;
        let rendered = rebuilt.rendered;
        let (published, built) = publish(&self.shared, rebuilt);
        let snap = self.shared.current();
        let outcome = match &built {
            Some(built) => Outcome::Good {
                built,
                published: &published,
            },
            None => Outcome::Failed {
                errors: &snap.errors,
                warnings: &snap.warnings,
                serving_last_good: snap.site.is_some(),
            },
        };
        self.events.event(Event::Built(&BuildReport {
            trigger,
            elapsed,
            rendered,
            outcome,
        }));
        if built.is_some() && (trigger.is_none() || !published.changed.is_empty()) {
            self.write_output();
        }
    }

    /// Writes the current good build to `--output` (after it is served and pages
    /// are told: the preview does not wait for the disk).
    fn write_output(&self) {
        let Some(out) = &self.output else { return };
        let snap = self.shared.current();
        let Some(site) = &snap.site else { return };
        let mut files: Vec<output::OutputFile> = site
            .files
            .iter()
            .map(|(p, b)| output::OutputFile {
                path: p.clone(),
                bytes: b.clone(),
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        if let Err(e) = output::write_site(&files, out) {
            self.warn(format!(
                "could not write the build to {}: {e}",
                out.display()
            ));
        }
    }

    fn warn(&self, line: String) {
        self.events.event(Event::Warning(line));
    }
}

/// Publishes one rebuild; returns what changed, and the build when it is good.
/// An error that is not about content (a file that cannot be read) is shown like
/// one.
fn publish(shared: &Shared, rebuilt: Rebuilt) -> (Published, Option<Built>) {
    match rebuilt.result {
        Ok(mut built) => {
            let files = std::mem::take(&mut built.files);
            let site = SiteFiles::new(files, rebuilt.base_url, rebuilt.base_path);
            let warnings = built.warnings.clone();
            let findings = built.findings.clone();
            (shared.publish_good(site, warnings, findings), Some(built))
        }
        Err(Error::Content(diagnostics)) => (shared.publish_failed(diagnostics), None),
        Err(other) => {
            let d = Diagnostic::error("io", "(site folder)", other.to_string()).help(
                "check that the file exists and can be read; the preview rebuilds when it changes",
            );
            (shared.publish_failed(vec![d]), None)
        }
    }
}
