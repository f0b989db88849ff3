//! `reportsite watch` (alias `serve`): a live-reloading local preview.
//!
//! In: a site folder and [`WatchOptions`], an [`Events`] receiver and a [`Stop`]
//! signal. Out: an HTTP server on 127.0.0.1 that serves the latest good build
//! from memory, rebuilds on every change to the site's files, reloads open pages
//! when a new build is published, and shows the build's errors in the page; an
//! [`Event`] for each build and each thing worth saying. Runs until the stop
//! signal is given. The library prints nothing, opens no browser and installs no
//! signal handler: the `reportsite` command does that (`src/cli/watch.rs`).
//!
//! The flow, one module each:
//! 1. [`watch`]: notify events → [`watch::Change`]s (paths relative to the site
//!    folder), through a debouncer, ignoring editors' temporary files and
//!    everything outside `config.toml`, `content/`, `templates/`, `static/`,
//!    `themes/`.
//! 2. `build_loop`: one thread, one build at a time; changes that arrive during
//!    a build join the next one. Each build is one [`Builder::rebuild`]
//!    (`builder`): incremental, with the result of a whole build.
//! 3. [`state`]: the published snapshot, swapped in one step, then the
//!    [`state::LiveEvent`] for open pages.
//! 4. [`listener`]: the port and the accept loop, within [`listener::Limits`];
//!    [`routes`]: each request → a typed `Route` → its response;
//!    `reload`: the live-reload script and event stream; `overlay`: what the
//!    server (and only the server) adds to pages.
//! 5. `events`: what the caller is told ([`Event`]) and how it stops the
//!    preview ([`Stop`]).
//!
//! Nothing here panics or exits on a content error: a failed build keeps the last
//! good pages and shows the overlay; a panic inside the library is caught and
//! shown the same way.

mod build_loop;
mod builder;
mod events;
pub mod listener;
mod overlay;
mod reload;
pub mod routes;
pub mod state;
pub mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::Duration;

use crate::error::{Error, Result};
use crate::output;

pub use builder::{Builder, Rebuilt};
pub use events::{BuildReport, Event, Events, Outcome, Stop};

use build_loop::BuildLoop;
use routes::App;
use state::Shared;
use watch::{Message, SiteWatcher};

/// How `reportsite watch` was asked to run.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// The site folder.
    pub root: PathBuf,
    /// The first port to try; 0 lets the system choose a free one.
    pub port: u16,
    /// The address to listen on (127.0.0.1 unless asked otherwise).
    pub bind: IpAddr,
    /// Poll the files instead of using the system's notifications.
    pub poll: bool,
    /// Also write each good build to this folder.
    pub output: Option<PathBuf>,
    /// Include pages marked `draft: true`.
    pub drafts: bool,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            root: PathBuf::from("."),
            port: 1111,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            poll: false,
            output: None,
            drafts: false,
        }
    }
}

/// Runs the preview until `stop` is given, telling `events` what happens (the
/// build thread ends after the build under way, if any). Fails only on bad
/// usage (a folder that does not exist, no free port, an output folder that
/// would overwrite the sources) or when files cannot be watched; content errors
/// are shown, never fatal.
pub fn run(options: &WatchOptions, events: Arc<dyn Events>, stop: &Stop) -> Result<()> {
    let root = site_folder(&options.root)?;
    if let Some(out) = &options.output {
        output::check_output_dir(&root, out)?;
    }
    let (listener, addr) = listen(options, events.as_ref())?;
    let origin = listener::origin(addr);
    let (watcher, tx, rx) = start_watcher(&root, options.poll, events.as_ref())?;
    let builder = Builder::new(&root, &origin, options.drafts);
    let site_url = format!("{origin}{}", builder.base_url().1);
    events.event(Event::Building { root: &root });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Usage(format!("cannot start the server: {e}")))?;
    let shared = Arc::new(Shared::new(instance_id()));
    let (ready_tx, ready_rx) = tokio::sync::oneshot::channel();
    let build_loop = BuildLoop {
        builder,
        watcher,
        rx,
        shared: shared.clone(),
        output: options.output.clone(),
        events: events.clone(),
    };
    std::thread::Builder::new()
        .name("reportsite-build".into())
        .spawn(move || build_loop.run(ready_tx))
        .map_err(|e| Error::Usage(format!("cannot start the build thread: {e}")))?;

    let app = App {
        shared,
        shutdown: stop.subscribe(),
        local_hosts_only: addr.ip().is_loopback(),
    };
    let listening = Event::Listening {
        url: &site_url,
        root: &root,
    };
    let served = runtime.block_on(serve_until_stopped(
        listener,
        app,
        ready_rx,
        stop,
        events.as_ref(),
        listening,
    ));
    // The build thread ends after the build under way, if any (not waited for).
    let _ = tx.send(Message::Stop);
    runtime.shutdown_timeout(Duration::from_millis(200));
    served
}

/// The site folder, canonical; a usage error when it is not a folder.
fn site_folder(root: &Path) -> Result<PathBuf> {
    let canonical = root.canonicalize().map_err(|e| {
        Error::Usage(format!(
            "cannot use `{}` as the site folder: {e}",
            root.display()
        ))
    })?;
    if !canonical.is_dir() {
        return Err(Error::Usage(format!(
            "`{}` is not a folder; pass the site folder with --root",
            root.display()
        )));
    }
    Ok(canonical)
}

/// Binds the port (or the next free one), says when it is not the one asked
/// for or can be reached from other machines, and readies it for tokio.
fn listen(
    options: &WatchOptions,
    events: &dyn Events,
) -> Result<(std::net::TcpListener, SocketAddr)> {
    let listener = listener::bind(options.bind, options.port)?;
    let addr = listener
        .local_addr()
        .map_err(|e| Error::Usage(format!("cannot read the server's address: {e}")))?;
    if options.port != 0 && addr.port() != options.port {
        events.event(Event::PortMoved {
            asked: options.port,
            got: addr.port(),
        });
    }
    if !addr.ip().is_loopback() {
        events.event(Event::Exposed { ip: addr.ip() });
    }
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::Usage(format!("cannot set up the server: {e}")))?;
    Ok((listener, addr))
}

/// Starts watching the site folder; folders that cannot be watched are
/// reported and left out. Returns the watcher, a sender to the build loop's
/// channel (for [`Message::Stop`]) and the receiving end.
fn start_watcher(
    root: &Path,
    poll: bool,
    events: &dyn Events,
) -> Result<(SiteWatcher, Sender<Message>, Receiver<Message>)> {
    let (tx, rx) = channel();
    let (watcher, trouble) = SiteWatcher::start(root, poll, tx.clone()).map_err(|e| {
        Error::Usage(format!(
            "cannot watch `{}` for changes: {e}{}",
            root.display(),
            if poll { "" } else { " (try --poll)" }
        ))
    })?;
    for t in trouble {
        events.event(Event::Warning(t));
    }
    Ok((watcher, tx, rx))
}

/// Tells this server run apart from an earlier one, so pages left open across
/// a restart reload.
fn instance_id() -> String {
    format!(
        "{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0)
    )
}

/// Once the first build is published, serves until `stop` is given (then gives
/// open connections two seconds to end) or the server fails; `listening` is
/// told to the caller when the server starts.
async fn serve_until_stopped(
    listener: std::net::TcpListener,
    app: App,
    ready: tokio::sync::oneshot::Receiver<()>,
    stop: &Stop,
    events: &dyn Events,
    listening: Event<'_>,
) -> Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener)
        .map_err(|e| Error::Usage(format!("cannot set up the server: {e}")))?;
    tokio::select! {
        // A build thread that died without a word is found by the server's
        // placeholder page; serve anyway.
        _ = ready => {}
        _ = stop.stopped() => return Ok(()),
    }
    let mut server = tokio::spawn(listener::serve(listener, app));
    events.event(listening);
    tokio::select! {
        _ = stop.stopped() => {}
        r = &mut server => {
            return match r {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(Error::Usage(format!("the server stopped: {e}"))),
                Err(e) => Err(Error::Usage(format!("the server stopped: {e}"))),
            };
        }
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), server).await;
    Ok(())
}
