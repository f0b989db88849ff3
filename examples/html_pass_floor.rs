//! Benchmark (not a test): how fast the two whole-page HTML passes can go at
//! all, whatever reportsite does around them — the floor they put under a build.
//!
//! In: a built site folder, built with `minify_html = false` so its pages are
//! what the `minify` stage receives. Out, on stdout: for every HTML page, one
//! thread, the throughput of (1) the `minify` stage (minify-html with
//! reportsite's configuration), (2) lol_html with no handler at all (the least
//! an HTML rewriter can cost), (3) lol_html with one handler on every element
//! and one on all text (what a rewrite-and-audit of every element and all text
//! needs before any of its own work); and what minify-html alone implies for the
//! whole site on the machine's cores.
//!
//! ```text
//! cargo run --release --example html_pass_floor -- OUTPUT_FOLDER [--shells]
//! ```
//!
//! With `--shells`, each page's Markdown body is cut out first (what the civic
//! theme puts in `<div class="prose">`, up to its pager), so the figures are
//! those of the template's shell alone: what lol_html would cost the `a11y`
//! stage there (the stage now reads plain HTML with its own reader and uses
//! lol_html only for what that reader leaves; see benches/RESULTS.md).

use std::path::{Path, PathBuf};
use std::time::Instant;

use lol_html::{HtmlRewriter, Settings, doc_text, element};
use reportsite::plugins::minify::Minify;
use reportsite::plugins::{PageContext, PageStage};

// The allocator of the `reportsite` binary, so the figures are the build's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        fail("usage: html_pass_floor OUTPUT_FOLDER (built with minify_html = false)")
    };
    let mut files = Vec::new();
    html_files(Path::new(&dir), &mut files);
    files.sort();
    let pages: Vec<String> = files
        .iter()
        .map(|f| {
            std::fs::read_to_string(f)
                .unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", f.display())))
        })
        .collect();
    let pages: Vec<String> = if std::env::args().any(|a| a == "--shells") {
        pages.iter().filter_map(|p| shell_of(p)).collect()
    } else {
        pages
    };
    if pages.is_empty() {
        fail(&format!("no HTML pages in {dir}"));
    }
    let bytes: usize = pages.iter().map(String::len).sum();
    let mb = bytes as f64 / 1e6;
    println!("{} pages, {:.1} MB of HTML, one thread", pages.len(), mb);

    let minify = Minify::default();
    let ctx = PageContext::new("index.html", None);
    let secs = timed("minify stage (minify-html)", mb, || {
        pages
            .iter()
            .map(|p| minify.run(p.clone(), &ctx).html.len())
            .sum()
    });
    timed("lol_html, no handler", mb, || {
        pages.iter().map(|p| rewrite(p, Settings::new())).sum()
    });
    timed("lol_html, every element + all text", mb, || {
        pages
            .iter()
            .map(|p| {
                let settings = Settings::new()
                    .append_element_content_handler(element!("*", |_el| Ok(())))
                    .append_document_content_handler(doc_text!(|_t| Ok(())));
                rewrite(p, settings)
            })
            .sum()
    });
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!(
        "minify-html alone needs at least {:.2} s of wall time for these pages on {cores} cores",
        secs / cores as f64
    );
}

/// Runs `f` once, prints its time and throughput, returns the seconds.
fn timed(what: &str, mb: f64, f: impl FnOnce() -> usize) -> f64 {
    let start = Instant::now();
    let out = f();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{what:<38} {:>8.0} ms {:>7.1} MB/s  ({out} bytes out)",
        secs * 1000.0,
        mb / secs
    );
    secs
}

/// One lol_html pass over `page`; the length of what it wrote.
fn rewrite(page: &str, settings: Settings<'_, '_>) -> usize {
    let mut out = Vec::with_capacity(page.len());
    let mut rewriter = HtmlRewriter::new(settings, |c: &[u8]| out.extend_from_slice(c));
    let ok = rewriter
        .write(page.as_bytes())
        .and_then(|()| rewriter.end());
    if let Err(e) = ok {
        fail(&format!("lol_html: {e}"));
    }
    out.len()
}

/// The page without its Markdown body, when it has the civic theme's
/// `<div class="prose">` followed by its pager.
fn shell_of(page: &str) -> Option<String> {
    const OPEN: &str = "<div class=\"prose\">";
    let start = page.find(OPEN)? + OPEN.len();
    let end = start + page[start..].find("</div><nav class=\"pager\"")?;
    Some(format!("{}{}", &page[..start], &page[end..]))
}

fn html_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|e| fail(&format!("cannot list {}: {e}", dir.display())));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            html_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "html") {
            out.push(path);
        }
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("html_pass_floor: {msg}");
    std::process::exit(2)
}
