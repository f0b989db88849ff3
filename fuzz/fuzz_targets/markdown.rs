//! Fuzz target `markdown`: a page body's bytes in; Markdown to HTML with the
//! site's options (raw HTML off and on) and as a front-matter item. A panic,
//! escaped-HTML leaks, unframed tables, repeated heading ids or unlocated link
//! errors are findings (see `reportsite_fuzz::checks::markdown`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| reportsite_fuzz::checks::markdown(data));
