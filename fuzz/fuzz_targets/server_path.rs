//! Fuzz target `server_path`: a request target in; the preview server's path
//! cleaning is checked directly, then (for a target that fits on a request line)
//! the real server answers it over loopback and the answer is checked against the
//! documented mapping from path to file (see `reportsite_fuzz::checks` and
//! `reportsite_fuzz::live`).

#![no_main]

use std::sync::Mutex;

use libfuzzer_sys::fuzz_target;
use reportsite_fuzz::live::{self, Live};

static SERVER: Mutex<Option<Live>> = Mutex::new(None);

fuzz_target!(|data: &[u8]| {
    reportsite_fuzz::paths::server_path(data);
    let Ok(target) = std::str::from_utf8(data) else {
        return;
    };
    if !live::sendable(target) {
        return;
    }
    let mut guard = SERVER.lock().unwrap_or_else(|e| e.into_inner());
    let server = guard.get_or_insert_with(Live::start);
    if let Some(answer) = server.get(target) {
        live::check(target, &answer);
    }
});
