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

use std::path::{Path, PathBuf};
use std::time::Duration;

use reportsite::serve::Builder;
use reportsite::serve::watch::{Change, ChangeKind};

// The allocator of the `reportsite` binary, so the figures are the preview's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}

fn first_page(content: &Path) -> Option<PathBuf> {
    let mut dirs = vec![content.to_path_buf()];
    while let Some(d) = dirs.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&d)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .collect();
        entries.sort();
        for p in entries.iter().rev() {
            if p.is_dir() {
                dirs.push(p.clone());
            }
        }
        if let Some(p) = entries
            .iter()
            .find(|p| p.extension().is_some_and(|x| x == "md") && !p.ends_with("_index.md"))
        {
            return Some(p.clone());
        }
    }
    None
}

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
    for part in ["config.toml", "content", "templates", "static", "themes"] {
        let from = root.join(part);
        let to = tmp.path().join(part);
        let done = if from.is_dir() {
            copy_dir(&from, &to)
        } else if from.is_file() {
            std::fs::copy(&from, &to).map(|_| ())
        } else {
            Ok(())
        };
        done.unwrap_or_else(|e| fail(&format!("cannot copy {}: {e}", from.display())));
    }
    // The preview trusts a file's time stamp only once it is a few seconds old
    // (`reportsite::load::RACY_WINDOW`): freshly copied files would all be read
    // again at the first rebuilds, which no real editing session sees.
    std::thread::sleep(reportsite::load::RACY_WINDOW + Duration::from_millis(100));
    let page = first_page(&tmp.path().join("content")).unwrap_or_else(|| fail("no page to edit"));
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
