//! `reportsite watch`: the terminal side of the live preview.
//!
//! In: the watch command's options. Out: the preview running (the library's
//! [`reportsite::serve::run`]) until Ctrl-C or SIGTERM, one terminal line on
//! stderr per [`Event`] it reports, and with `--open` the preview in the
//! system's browser once it is served.
//!
//! The library prints nothing and handles no signals: this module turns its
//! events into lines and a signal into its [`Stop`]. Diagnostics are printed
//! plain (no colour), as the preview has always printed them.

use std::path::Path;
use std::sync::{Arc, Mutex};

use reportsite::Built;
use reportsite::error::{Diagnostic, Error};
use reportsite::serve::state::{LiveEvent, Published};
use reportsite::serve::watch::Change;
use reportsite::serve::{BuildReport, Event, Events, Outcome, Stop};

/// Runs the preview until Ctrl-C (or SIGTERM), then says `stopped`.
pub(crate) fn run(options: &reportsite::serve::WatchOptions, open: bool) -> Result<u8, Error> {
    let stop = Stop::new();
    on_signal(stop.clone())?;
    let terminal = Arc::new(Terminal {
        open,
        shown: Mutex::new(Vec::new()),
    });
    reportsite::serve::run(options, terminal, &stop)?;
    eprintln!("stopped");
    Ok(0)
}

/// Gives `stop` on Ctrl-C or SIGTERM, watched from a thread of its own.
fn on_signal(stop: Stop) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()
        .map_err(|e| Error::Usage(format!("cannot listen for Ctrl-C: {e}")))?;
    std::thread::Builder::new()
        .name("reportsite-signals".into())
        .spawn(move || {
            runtime.block_on(stop_signal());
            stop.stop();
        })
        .map_err(|e| Error::Usage(format!("cannot listen for Ctrl-C: {e}")))?;
    Ok(())
}

/// Resolves on Ctrl-C, or on SIGTERM where there is one.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Prints the preview's events on stderr, and opens the browser once.
struct Terminal {
    open: bool,
    /// The warnings and findings of the last good build, as printed: a rebuild
    /// prints only those not printed after the build before.
    shown: Mutex<Vec<Diagnostic>>,
}

impl Events for Terminal {
    fn event(&self, event: Event<'_>) {
        match event {
            Event::PortMoved { asked, got } => {
                eprintln!("port {asked} is in use; using port {got} instead")
            }
            Event::Exposed { ip } => eprintln!(
                "warning: listening on {ip}: anyone who can reach this machine on the network can read the preview; use --bind 127.0.0.1 to keep it private"
            ),
            Event::Building { root } => eprintln!("building {} ...", root.display()),
            Event::Built(report) => self.built(report),
            Event::Listening { url, root } => self.listening(url, root),
            Event::Moved { url } => {
                eprintln!("the base_url's path changed: the site is now at {url}/")
            }
            Event::Warning(line) => eprintln!("warning: {line}"),
            _ => {}
        }
    }
}

impl Terminal {
    fn listening(&self, url: &str, root: &Path) {
        eprintln!("serving {url}");
        eprintln!(
            "watching {} for changes; press Ctrl-C to stop",
            root.display()
        );
        if self.open {
            open_browser(url);
        }
    }

    /// The lines of one build: its diagnostics (for a good build, only the
    /// warnings and findings not printed after the build before), then one
    /// summary line.
    fn built(&self, report: &BuildReport<'_>) {
        let ms = report.elapsed.as_millis();
        let what = match report.trigger {
            Some(c) => format!("{}: ", describe_changes(c)),
            None => String::new(),
        };
        match &report.outcome {
            Outcome::Failed {
                errors,
                warnings,
                serving_last_good,
            } => {
                for d in errors.iter().chain(warnings.iter()) {
                    eprintln!("{}", d.render());
                }
                let n = errors.len();
                let keep = if *serving_last_good {
                    "still serving the last good build, with the errors shown on every page"
                } else {
                    "serving a page that lists them until they are fixed"
                };
                eprintln!(
                    "{} {what}build failed in {ms} ms with {n} error{}; {keep}",
                    clock(),
                    if n == 1 { "" } else { "s" }
                );
            }
            Outcome::Good { built, published } => {
                self.print_new_diagnostics(built);
                let notes = notes(built);
                if report.trigger.is_some() {
                    eprintln!(
                        "{} {what}rebuilt in {ms} ms ({} content page{} re-rendered); {}{}{notes}",
                        clock(),
                        report.rendered,
                        if report.rendered == 1 { "" } else { "s" },
                        describe_outputs(&published.changed, published.total),
                        live_event(published)
                    );
                } else {
                    eprintln!(
                        "built {} pages ({} files) in {ms} ms{notes}",
                        built.pages, published.total
                    );
                }
            }
        }
    }

    /// Prints the warnings and findings of a good build that were not printed
    /// after the build before.
    fn print_new_diagnostics(&self, built: &Built) {
        let all: Vec<Diagnostic> = built
            .warnings
            .iter()
            .chain(&built.findings)
            .cloned()
            .collect();
        // A poisoned lock only means an earlier event panicked while printing.
        let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
        let new = all
            .iter()
            .filter(|d| !shown.contains(d) && !reportsite::plain_english::is_reading_age(d));
        for d in new {
            eprintln!("{}", d.render());
        }
        *shown = all;
    }
}

/// `; 2 accessibility finding(s) and 1 warning(s) (listed in the preview)`, or
/// nothing.
fn notes(built: &Built) -> String {
    let mut notes = Vec::new();
    if !built.findings.is_empty() {
        notes.push(format!("{} accessibility finding(s)", built.findings.len()));
    }
    let advice = built
        .warnings
        .iter()
        .filter(|d| d.severity == reportsite::error::Severity::Advice)
        .count();
    let reading_ages = built
        .warnings
        .iter()
        .filter(|d| reportsite::plain_english::is_reading_age(d))
        .count();
    if built.warnings.len() > advice {
        notes.push(format!("{} warning(s)", built.warnings.len() - advice));
    }
    if advice > reading_ages {
        notes.push(format!("{} plain-English advice", advice - reading_ages));
    }
    if notes.is_empty() {
        String::new()
    } else {
        format!("; {} (listed in the preview)", notes.join(" and "))
    }
}

/// What open pages were told.
fn live_event(published: &Published) -> &'static str {
    match &published.event {
        Some(LiveEvent::Css { .. }) => "; stylesheets swapped",
        Some(LiveEvent::Reload { .. }) => "; pages reloaded",
        _ => "",
    }
}

fn open_browser(url: &str) {
    // The `open` crate knows each system's way (xdg-open, WSL, `start` on
    // Windows with URLs holding `&`, macOS `open`).
    if let Err(e) = open::that_detached(url) {
        eprintln!("warning: could not open a browser ({e}); open {url} yourself");
    }
}

fn clock() -> String {
    jiff::Zoned::now().strftime("%H:%M:%S").to_string()
}

fn describe_changes(changes: &[Change]) -> String {
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = changes.iter().take(SHOWN).map(Change::describe).collect();
    if changes.len() > SHOWN {
        parts.push(format!("and {} more", changes.len() - SHOWN));
    }
    parts.join(", ")
}

fn describe_outputs(changed: &[String], total: usize) -> String {
    const SHOWN: usize = 4;
    if changed.is_empty() {
        return "no page changed".to_string();
    }
    let pages = changed.iter().filter(|p| p.ends_with(".html")).count();
    let names: Vec<&str> = changed.iter().take(SHOWN).map(String::as_str).collect();
    let more = changed.len().saturating_sub(SHOWN);
    let tail = if more > 0 {
        format!(", and {more} more")
    } else {
        String::new()
    };
    format!(
        "{pages} page{} and {} other file{} changed of {total} ({}{tail})",
        if pages == 1 { "" } else { "s" },
        changed.len() - pages,
        if changed.len() - pages == 1 { "" } else { "s" },
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reportsite::serve::watch::ChangeKind;

    #[test]
    fn terminal_lines() {
        let c = vec![
            Change {
                path: "content/a.md".into(),
                kind: ChangeKind::Modified,
            },
            Change {
                path: "content/b.md".into(),
                kind: ChangeKind::Renamed {
                    to: "content/c.md".into(),
                },
            },
        ];
        assert_eq!(
            describe_changes(&c),
            "content/a.md, content/b.md → content/c.md"
        );
        assert_eq!(
            describe_outputs(&["a/index.html".into(), "sitemap.xml".into()], 19),
            "1 page and 1 other file changed of 19 (a/index.html, sitemap.xml)"
        );
        assert_eq!(describe_outputs(&[], 19), "no page changed");
    }
}
