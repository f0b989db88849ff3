//! Live reload: the script every served page loads, and the event stream it
//! listens to.
//!
//! In: the [`LiveEvent`]s [`Shared`] broadcasts once a build is published, and
//! the server's stop signal. Out: [`LIVE_JS`] and the tag that loads it
//! ([`script_tag`], naming the build the page came from); and, for each open
//! page, a Server-Sent Events response ([`stream`]): `hello` with the current
//! build id, then `reload`, `css` and `error` as builds are published, until
//! the server stops.

use std::convert::Infallible;
use std::time::Duration;

use axum::http::{HeaderValue, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use tokio::sync::{OwnedSemaphorePermit, broadcast, watch};

use crate::html::escape;

use super::overlay::PREFIX;
use super::state::{LiveEvent, Shared};

/// The live-reload script, served at `/__reportsite/live.js`.
///
/// It builds the events URL from the page's own `location` (so IPv6 addresses,
/// any host name and any port work), reloads on `reload`, swaps same-origin
/// stylesheets on `css`, shows the overlay on `error`, and reloads when the
/// server's first message names another build than the one the page came from
/// (a build that finished while the page loaded, or a restarted server).
pub(crate) const LIVE_JS: &str = r#"// reportsite watch: live reload. Served and injected by the preview server only.
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me ? me.getAttribute("data-build") : null;
  var OVERLAY = "reportsite-overlay", PANEL = "reportsite-warnings";

  function dismiss(el) {
    if (!el) return;
    var hadFocus = el.contains(document.activeElement);
    el.remove();
    if (hadFocus) {
      var main = document.querySelector("main");
      if (main) { if (!main.hasAttribute("tabindex")) main.setAttribute("tabindex", "-1"); main.focus(); }
    }
  }
  function wire(el, focus) {
    if (!el || el.getAttribute("data-wired")) return;
    el.setAttribute("data-wired", "1");
    var b = el.querySelector("[data-reportsite-dismiss]");
    if (b) b.addEventListener("click", function () { dismiss(el); });
    el.addEventListener("keydown", function (e) { if (e.key === "Escape") dismiss(el); });
    if (focus) el.focus();
  }
  function showError(html) {
    dismiss(document.getElementById(OVERLAY));
    dismiss(document.getElementById(PANEL));
    var t = document.createElement("template");
    t.innerHTML = html;
    document.body.insertBefore(t.content, document.body.firstChild);
    wire(document.getElementById(OVERLAY), true);
  }
  function swapCss() {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (old) {
      var u = new URL(old.href, location.href);
      if (u.origin !== location.origin) return;
      u.searchParams.set("reportsite", String(Date.now()));
      var fresh = old.cloneNode(false);
      fresh.href = u.href;
      fresh.addEventListener("load", function () { old.remove(); });
      fresh.addEventListener("error", function () { old.remove(); });
      old.parentNode.insertBefore(fresh, old.nextSibling);
    });
  }

  wire(document.getElementById(OVERLAY), true);
  wire(document.getElementById(PANEL), false);
  if (!window.EventSource) return;
  var source = new EventSource(location.protocol + "//" + location.host + "/__reportsite/events");
  source.addEventListener("hello", function (e) {
    if (build !== null && e.data !== build) location.reload();
  });
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("css", function (e) { build = e.data; swapCss(); });
  source.addEventListener("error", function (e) {
    // A named "error" event from the server carries data; the EventSource's own
    // connection errors do not (it reconnects by itself).
    if (typeof e.data !== "string") return;
    try {
      var m = JSON.parse(e.data);
      build = m.build;
      showError(m.html);
    } catch (_) { location.reload(); }
  });
})();
"#;

/// The tag that loads [`LIVE_JS`], naming the build the page came from.
pub(crate) fn script_tag(build_id: &str) -> String {
    format!(
        "<script src=\"{PREFIX}live.js\" data-build=\"{}\"></script>",
        escape(build_id)
    )
}

/// One page's event stream between two events.
struct Stream {
    /// The build id to send first, until it is sent.
    hello: Option<String>,
    /// Holds one of the server's event-stream places while the stream is open.
    _slot: OwnedSemaphorePermit,
    rx: broadcast::Receiver<LiveEvent>,
    stop: watch::Receiver<bool>,
}

/// The event stream of one open page: `hello` with the current build id, then
/// every published event, until `stop` turns `true`. `slot` is one of the
/// server's event-stream places, held while the stream is open.
pub(crate) fn stream(
    shared: &Shared,
    stop: watch::Receiver<bool>,
    slot: OwnedSemaphorePermit,
) -> Response {
    // Subscribe before reading the build id, so no publish falls in between.
    let rx = shared.subscribe();
    let hello = Some(shared.current().build_id.clone());
    let state = Stream {
        hello,
        _slot: slot,
        rx,
        stop,
    };
    let stream = futures_util::stream::unfold(state, |mut st| async move {
        if let Some(id) = st.hello.take() {
            return Some((
                Ok::<Event, Infallible>(Event::default().event("hello").data(id)),
                st,
            ));
        }
        if *st.stop.borrow() {
            return None;
        }
        let next = tokio::select! {
            r = st.rx.recv() => match r {
                Ok(e) => Some(Event::default().event(e.name()).data(e.data())),
                // Too slow to keep up: reloading shows the latest build.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    Some(Event::default().event("reload").data("lagged"))
                }
                Err(broadcast::error::RecvError::Closed) => None,
            },
            _ = st.stop.wait_for(|s| *s) => None,
        };
        next.map(|ev| (Ok(ev), st))
    });
    let mut r = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    r.headers_mut().insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_tag_names_the_build() {
        assert_eq!(
            script_tag("a\"b-1"),
            "<script src=\"/__reportsite/live.js\" data-build=\"a&quot;b-1\"></script>"
        );
    }
}
