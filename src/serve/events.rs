//! What the preview tells whoever runs it, and how it is told to stop.
//!
//! In: the preview's own progress (the address it listens on, each build's
//! outcome, trouble it works around). Out: an [`Event`] for each, handed to the
//! caller's [`Events`]; the library prints nothing. The `reportsite` command
//! prints one terminal line per event (`src/cli/watch.rs`); a test or another
//! program may collect them instead.
//!
//! The other way, the caller holds a [`Stop`] and calls [`Stop::stop`] (from a
//! signal handler, a test, another thread): the server finishes its open
//! connections and [`super::run`] returns.

use std::net::IpAddr;
use std::path::Path;
use std::time::Duration;

use tokio::sync::watch;

use crate::build::Built;
use crate::error::Diagnostic;

use super::state::Published;
use super::watch::Change;

/// One thing the preview has to say. Borrowed: it lives for the call to
/// [`Events::event`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Event<'a> {
    /// The port asked for was taken: the server listens on `got` instead.
    PortMoved {
        /// The port asked for.
        asked: u16,
        /// The port used.
        got: u16,
    },
    /// The server listens on an address other machines can reach.
    Exposed {
        /// That address.
        ip: IpAddr,
    },
    /// The first build starts.
    Building {
        /// The site folder (canonical).
        root: &'a Path,
    },
    /// A build finished and its result is published.
    Built(&'a BuildReport<'a>),
    /// The preview answers at `url` (the site's address on the server) and
    /// rebuilds on every change to `root`. Sent once, after the first build.
    Listening {
        /// The site's address, ending in `/`.
        url: &'a str,
        /// The site folder (canonical).
        root: &'a Path,
    },
    /// The path part of `config.toml`'s `base_url` changed: the site moved to
    /// `url` (sent before that build's [`Event::Built`]).
    Moved {
        /// The site's new address, without the final `/`.
        url: &'a str,
    },
    /// Trouble the preview works around (a folder that cannot be watched, an
    /// `--output` folder that cannot be written), as one sentence.
    Warning(String),
}

/// One build, as the terminal line about it needs it.
#[derive(Debug)]
pub struct BuildReport<'a> {
    /// The changes that started it; `None` for the first build.
    pub trigger: Option<&'a [Change]>,
    /// How long it took.
    pub elapsed: Duration,
    /// Content pages rendered (the others were unchanged and reused).
    pub rendered: usize,
    /// Whether it succeeded, and what it left.
    pub outcome: Outcome<'a>,
}

/// How a build ended.
#[derive(Debug)]
pub enum Outcome<'a> {
    /// It succeeded and is served now.
    Good {
        /// The build (its files are with the server; `pages`, `warnings` and
        /// `findings` are here).
        built: &'a Built,
        /// What changed for the server and the open pages.
        published: &'a Published,
    },
    /// It failed: the problems are shown on every page.
    Failed {
        /// Its errors.
        errors: &'a [Diagnostic],
        /// Its warnings.
        warnings: &'a [Diagnostic],
        /// Whether an earlier good build is still served (else a placeholder page).
        serving_last_good: bool,
    },
}

/// Receives the preview's [`Event`]s, from the build thread and the server's
/// runtime: one at a time from each, so an implementation that prints keeps
/// each event's lines together but must be `Sync`.
pub trait Events: Send + Sync {
    /// Takes one event.
    fn event(&self, event: Event<'_>);
}

impl<F: Fn(Event<'_>) + Send + Sync> Events for F {
    fn event(&self, event: Event<'_>) {
        self(event)
    }
}

/// Tells a running preview to stop. Clones share one signal; it can be given
/// before the preview starts and from any thread.
#[derive(Debug, Clone)]
pub struct Stop {
    tx: std::sync::Arc<watch::Sender<bool>>,
}

impl Default for Stop {
    fn default() -> Self {
        Stop::new()
    }
}

impl Stop {
    /// A signal not given yet.
    pub fn new() -> Stop {
        let (tx, _) = watch::channel(false);
        Stop {
            tx: std::sync::Arc::new(tx),
        }
    }

    /// Gives the signal (again is harmless).
    pub fn stop(&self) {
        self.tx.send_replace(true);
    }

    /// Whether the signal was given.
    pub fn is_stopped(&self) -> bool {
        *self.tx.borrow()
    }

    /// What the server and its event streams watch.
    pub(crate) fn subscribe(&self) -> watch::Receiver<bool> {
        self.tx.subscribe()
    }

    /// Resolves once the signal is given.
    pub(crate) async fn stopped(&self) {
        let mut rx = self.subscribe();
        let _ = rx.wait_for(|s| *s).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_given_early_is_kept() {
        let stop = Stop::new();
        let other = stop.clone();
        assert!(!stop.is_stopped());
        other.stop();
        assert!(stop.is_stopped());
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("runtime");
        let waited = rt
            .block_on(async { tokio::time::timeout(Duration::from_secs(5), stop.stopped()).await });
        assert!(waited.is_ok());
    }
}
