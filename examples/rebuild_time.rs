//! Benchmark (not a test): the preview's incremental rebuild alone, in process,
//! without the watcher, the server or the browser: how long
//! [`reportsite::serve::Builder::rebuild`] takes after one page is edited.
//!
//! In: a site folder (copied to a temporary folder first, so it is never edited)
//! and a number of edits. Out: the first (whole) build's time, then the median,
//! minimum and maximum of the rebuilds, on stdout.
//!
//! ```text
//! cargo run --release --example rebuild_time -- --root SITE --runs 10
//! ```

use std::path::PathBuf;
use std::time::Duration;

#[path = "support/site_copy.rs"]
mod site_copy;

use reportsite::serve::Builder;
use reportsite::serve::watch::{Change, ChangeKind};

// The allocator of the `reportsite` binary, so the figures are the preview's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut root = PathBuf::from(".");
    let mut runs = 10usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match (a.as_str(), args.next()) {
            ("--root", Some(v)) => root = PathBuf::from(v),
            ("--runs", Some(v)) => {
                runs = v.parse().unwrap_or_else(|_| fail("--runs takes a number"))
            }
            _ => fail("usage: rebuild_time [--root DIR] [--runs N]"),
        }
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| fail(&format!("no temporary folder: {e}")));
    site_copy::copy_site(&root, tmp.path())
        .unwrap_or_else(|e| fail(&format!("cannot copy {}: {e}", root.display())));
    let page = site_copy::first_page(tmp.path()).unwrap_or_else(|| fail("no page to edit"));
    let rel = page
        .strip_prefix(tmp.path())
        .unwrap_or(&page)
        .to_string_lossy()
        .replace('\\', "/");
    let mut builder = Builder::new(tmp.path(), "http://127.0.0.1:1111", false);
    let first = builder.rebuild(&[]);
    if let Err(e) = &first.result {
        fail(&format!("the site does not build: {e}"));
    }
    println!("whole build: {} ms", first.elapsed.as_millis());
    let original = std::fs::read_to_string(&page).unwrap_or_else(|e| fail(&e.to_string()));
    let mut times: Vec<Duration> = Vec::new();
    let mut cpus: Vec<Duration> = Vec::new();
    for run in 0..runs {
        let text = format!("{original}\nEdit number {run}.\n");
        std::fs::write(&page, text).unwrap_or_else(|e| fail(&e.to_string()));
        let change = Change {
            path: rel.clone(),
            kind: ChangeKind::Modified,
        };
        let cpu = cpu_time();
        let r = builder.rebuild(&[change]);
        let cpu = cpu_time().saturating_sub(cpu);
        if let Err(e) = &r.result {
            fail(&format!("rebuild {run} failed: {e}"));
        }
        println!(
            "rebuild {run}: {} ms ({} ms CPU), {} pages rendered",
            r.elapsed.as_millis(),
            cpu.as_millis(),
            r.rendered
        );
        if let Ok(b) = &r.result {
            let t = &b.timings;
            println!(
                "  load {} ms, markdown {} ms, pages {} ms, site pages and checks {} ms",
                t.load.as_millis(),
                t.markdown.as_millis(),
                t.render.as_millis(),
                t.assemble.as_millis()
            );
        }
        times.push(r.elapsed);
        cpus.push(cpu);
    }
    times.sort();
    cpus.sort();
    if let (Some(min), Some(max)) = (times.first(), times.last()) {
        println!(
            "rebuilds after editing {rel}: median {} ms, min {} ms, max {} ms; CPU median {} ms ({runs} runs)",
            times[times.len() / 2].as_millis(),
            min.as_millis(),
            max.as_millis(),
            cpus[cpus.len() / 2].as_millis()
        );
    }
}

/// CPU time of this process so far (user + system, all threads): unlike wall
/// time, hardly affected by other work on a shared machine.
#[cfg(unix)]
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes into the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) } != 0 {
        return Duration::ZERO;
    }
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(u.ru_utime) + tv(u.ru_stime)
}

#[cfg(not(unix))]
fn cpu_time() -> Duration {
    Duration::ZERO
}

fn fail(msg: &str) -> ! {
    eprintln!("rebuild_time: {msg}");
    std::process::exit(2)
}
