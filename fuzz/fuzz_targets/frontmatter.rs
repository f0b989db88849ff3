//! Fuzz target `frontmatter`: a content file's bytes in; front-matter splitting,
//! YAML into the typed model and the one-file report model run over it. A panic,
//! an unlocated error or an unsafe page path is a finding (see
//! `reportsite_fuzz::checks::frontmatter`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| reportsite_fuzz::checks::frontmatter(data));
