//! Fuzz target `a11y`: a page's HTML in; the accessibility stage (rewrite and
//! audit) runs over it as a Markdown page and as the glossary page. A panic, a
//! finding with an unknown rule, or output beyond a linear bound of the input is
//! a finding (see `reportsite_fuzz::checks::a11y`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| reportsite_fuzz::checks::a11y(data));
