//! Faults: a build killed at any moment (`kill -9`), a full disk, a read-only,
//! unwritable or mounted output folder, an output folder that holds the sources,
//! and files in the output folder that reportsite did not write. The output
//! folder is always left as the last good build or the new one, byte for byte;
//! reportsite deletes only what it wrote; every message names the folder.
//!
//! The mount tests need root (`mount`, `umount`), as CI runs; without it they
//! fail with a message saying so, never pass silently.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::common::{
    Mount, Run, generate_report, hidden, reportsite_bin, run_within, tree, write_file,
};

/// Builds `root` into `out` with the binary.
fn build(root: &Path, out: &Path) -> Run {
    let mut cmd = reportsite_bin();
    cmd.args(["build", "--timings", "--root"])
        .arg(root)
        .arg("--output")
        .arg(out);
    run_within(cmd, Duration::from_secs(600))
}

fn built(root: &Path, out: &Path) -> Run {
    let run = build(root, out);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    run
}

/// A small site that builds quickly.
fn small_site(root: &Path) {
    write_file(
        root,
        "config.toml",
        format!("title = \"Small\"\n{}", crate::common::GENERATED_CONFIG),
    );
    write_file(
        root,
        "content/_index.md",
        "---\ntitle: Small report\nkind: report\norganisation: A Board\n---\nSummary.\n",
    );
    write_file(
        root,
        "content/background/_index.md",
        "---\ntitle: Background\n---\nWhy.\n",
    );
}

/// What differs between two trees, for a readable failure.
fn difference(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> String {
    let only_a: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).take(5).collect();
    let only_b: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).take(5).collect();
    let changed: Vec<&String> = a
        .iter()
        .filter(|(k, v)| b.get(*k).is_some_and(|w| w != *v))
        .map(|(k, _)| k)
        .take(5)
        .collect();
    format!("only in the first: {only_a:?}; only in the second: {only_b:?}; different: {changed:?}")
}

/// A small random number generator (xorshift), seeded so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// The seconds a `--timings` line gives, e.g. `  write    1234.5 ms`.
fn timing(stderr: &str, label: &str) -> f64 {
    stderr
        .lines()
        .find(|l| l.trim_start().starts_with(label))
        .and_then(|l| l.split_whitespace().rev().nth(1))
        .and_then(|n| n.parse::<f64>().ok())
        .map(|ms| ms / 1000.0)
        .unwrap_or_else(|| panic!("no `{label}` in --timings: {stderr}"))
}

/// Kills builds with SIGKILL at random moments, most of them while the output is
/// being written, alternating between two editions of a site whose builds differ
/// in every page and in their sets of files. After every kill the output folder
/// must be byte for byte one of the two complete builds, and at most one staging
/// folder (the killed build's) may be left; the next build removes it.
/// `KILL_SEED=n` replays a run.
#[cfg(unix)]
#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_or_the_new_build() {
    const PAGES: usize = 20;
    const ASSETS: usize = 1500;
    const MIN_TRIALS: usize = 30;
    const MIN_DURING_WRITE: usize = 5;
    const MAX_TRIALS: usize = 150;
    let dir = tempfile::tempdir().expect("tempdir");
    let sites = [dir.path().join("edition-1"), dir.path().join("edition-2")];
    generate_report(&sites[0], PAGES, ASSETS, 1);
    generate_report(&sites[1], PAGES, ASSETS, 2);

    // The two complete builds, uninterrupted, in the place of the kills: the
    // second replaces the first, and its time aims the kills.
    let work = dir.path().join("work");
    let out = work.join("public");
    let mut expected = Vec::new();
    built(&sites[0], &out);
    expected.push(tree(&out));
    let calibration = built(&sites[1], &out);
    expected.push(tree(&out));
    assert!(expected[0] != expected[1], "the two editions must differ");
    let total = calibration.elapsed.as_secs_f64();
    let write = timing(&calibration.stderr, "write");
    let mut current = 1;

    let seed: u64 = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
        | 1;
    let mut rng = Rng(seed);
    let started = Instant::now();
    let (mut trials, mut during_write, mut kept_previous, mut got_new, mut finished) =
        (0, 0, 0, 0, 0);
    let mut last_left = Vec::new();
    while trials < MIN_TRIALS || during_write < MIN_DURING_WRITE {
        assert!(
            trials < MAX_TRIALS,
            "after {trials} kills only {during_write} landed while the output was being written (seed {seed}, build {total:.2} s, write {write:.2} s)"
        );
        trials += 1;
        let next = 1 - current;
        // Half anywhere in the build, half around its write phase (which
        // ends the build), where the output folder changes.
        let (ms, write_ms) = ((total * 1000.0) as u64, (write * 1000.0) as u64);
        let delay = if rng.below(2) == 0 {
            rng.below(ms)
        } else {
            let from = ms.saturating_sub(write_ms + ms / 5);
            from + rng.below(ms - from)
        };
        let mut child = reportsite_bin()
            .args(["build", "--root"])
            .arg(&sites[next])
            .arg("--output")
            .arg(&out)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn");
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill(); // SIGKILL
        let status = child.wait().expect("wait");
        if status.success() {
            finished += 1;
        }

        assert!(
            out.is_dir(),
            "trial {trial}: the output folder is gone after a kill at {delay} ms (seed {seed})",
            trial = trials
        );
        let now = tree(&out);
        if now == expected[current] {
            kept_previous += 1;
        } else if now == expected[next] {
            got_new += 1;
            current = next;
        } else {
            panic!(
                "trial {trials}: after a kill at {delay} ms the output is neither build (seed {seed}): {}",
                difference(&now, &expected[next])
            );
        }
        let left = hidden(&work);
        assert!(
            left.len() <= 1,
            "trial {trials}: staging folders pile up: {left:?} (seed {seed})"
        );
        // A staging folder this build made: it was killed while writing.
        if !left.is_empty() && left != last_left {
            during_write += 1;
        }
        last_left = left;
    }
    // A complete build cleans up what the last kill left, and is the new edition.
    let next = 1 - current;
    built(&sites[next], &out);
    assert!(tree(&out) == expected[next], "the final build");
    assert_eq!(
        hidden(&work),
        Vec::<String>::new(),
        "staging folders remain"
    );
    eprintln!(
        "kill -9: {trials} trials in {:.0} s (seed {seed}; a build takes {total:.2} s, its write {write:.2} s): \
         {kept_previous} left the previous build, {got_new} the new one ({finished} had finished), \
         {during_write} were killed while writing",
        started.elapsed().as_secs_f64()
    );
}

#[cfg(unix)]
#[test]
fn a_full_disk_is_a_clear_error_and_the_previous_build_stays() {
    let dir = tempfile::tempdir().expect("tempdir");
    let disk = dir.path().join("disk");
    let _mount = Mount::tmpfs(&disk, "512k");
    let root = dir.path().join("site");
    small_site(&root);
    let out = disk.join("public");
    built(&root, &out);
    let before = tree(&out);

    // The next build needs more room than the disk has.
    write_file(&root, "static/video.bin", vec![7u8; 600 * 1024]);
    let run = build(&root, &out);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    let message = format!(
        "error: cannot write the site into `{}`: the disk is full (No space left on device",
        out.display()
    );
    assert!(run.stderr.contains(&message), "{}", run.stderr);
    assert!(
        run.stderr.contains("previous build in it is unchanged")
            && run.stderr.contains("free some space"),
        "{}",
        run.stderr
    );
    assert!(tree(&out) == before, "the previous build is intact");
    assert_eq!(
        hidden(&disk),
        Vec::<String>::new(),
        "the staging folder is removed"
    );

    // Once there is room again, the build goes through.
    std::fs::remove_file(root.join("static/video.bin")).expect("rm");
    write_file(&root, "static/small.bin", vec![7u8; 100 * 1024]);
    built(&root, &out);
    assert!(out.join("small.bin").is_file());
}

#[cfg(unix)]
#[test]
fn a_read_only_output_is_a_clear_error_and_stays_intact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    small_site(&root);
    let writable = dir.path().join("rw");
    built(&root, &writable.join("public"));
    let read_only = dir.path().join("ro");
    let _mount = Mount::read_only(&writable, &read_only);
    let out = read_only.join("public");
    let before = tree(&out);
    write_file(&root, "content/new.md", "---\ntitle: New\n---\nNew.\n");
    let run = build(&root, &out);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "error: cannot write the site into `{}`: it is on a read-only file system",
            out.display()
        )) && run
            .stderr
            .contains("choose an --output folder on a disk you can write to"),
        "{}",
        run.stderr
    );
    assert!(tree(&out) == before, "the previous build is intact");
}

#[cfg(unix)]
#[test]
fn an_output_folder_that_is_a_mount_point_is_a_clear_error() {
    // reportsite replaces the output folder as a whole, which a mount point
    // cannot be; the build goes in a folder inside it instead.
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    small_site(&root);
    let out = dir.path().join("public");
    let _mount = Mount::tmpfs(&out, "4m");
    let run = build(&root, &out);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "error: cannot write the site into `{}`: it is a mount point",
            out.display()
        )) && run
            .stderr
            .contains("give a folder inside the mount as --output"),
        "{}",
        run.stderr
    );
    assert_eq!(tree(&out), BTreeMap::new(), "nothing is written");
    assert_eq!(
        hidden(dir.path()),
        Vec::<String>::new(),
        "no staging folder is left"
    );
    built(&root, &out.join("site"));
}

#[cfg(unix)]
#[test]
fn an_output_folder_the_user_may_not_write_is_a_clear_error() {
    use crate::common::{as_nobody, open_up};
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    small_site(&root);
    let out = dir.path().join("public");
    built(&root, &out); // as root
    open_up(dir.path());
    let before = tree(&out);
    let run = as_nobody(
        &[
            "build".as_ref(),
            "--root".as_ref(),
            root.as_os_str(),
            "--output".as_ref(),
            out.as_os_str(),
        ],
        dir.path(),
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "error: cannot write the site into `{}`: you are not allowed to write there",
            out.display()
        )),
        "{}",
        run.stderr
    );
    assert!(tree(&out) == before, "the previous build is intact");
}

/// Where the output may not go: the site itself, a folder of its sources, or a
/// folder above them (`content/out` is in output.rs). The site stays untouched.
#[test]
fn an_output_folder_that_holds_the_sources_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    small_site(&root);
    write_file(&root, "templates/page.html", "{% extends \"base.html\" %}");
    write_file(&root, "static/logo.png", "png");
    let before = tree(dir.path());
    #[cfg(unix)]
    std::os::unix::fs::symlink(&root, dir.path().join("link-to-site")).expect("symlink");
    let cases: &[(&str, &str)] = &[
        (".", "contains the site folder"),
        ("..", "contains the site folder"),
        ("content", "is inside the site's `content/` folder"),
        ("content/../../site", "contains the site folder"),
        ("templates", "is inside the site's `templates/` folder"),
        ("static/site", "is inside the site's `static/` folder"),
        #[cfg(unix)]
        ("../link-to-site", "contains the site folder"),
    ];
    for (output, says) in cases {
        let mut cmd = reportsite_bin();
        cmd.current_dir(&root)
            .args(["build", "--root", ".", "--output", output]);
        let run = run_within(cmd, Duration::from_secs(120));
        assert_eq!(run.code, Some(2), "--output {output}: {}", run.stderr);
        assert!(
            run.stderr
                .contains(&format!("the output folder `{output}` {says}"))
                && run.stderr.contains("Choose another --output"),
            "--output {output}: {}",
            run.stderr
        );
    }
    #[cfg(unix)]
    std::fs::remove_file(dir.path().join("link-to-site")).expect("rm link");
    assert!(tree(dir.path()) == before, "the site is untouched");
}

#[test]
fn a_folder_that_reportsite_did_not_write_is_never_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    small_site(&root);
    let out = dir.path().join("www");
    write_file(&out, "index.html", "<h1>Someone's own site</h1>");
    write_file(&out, "notes.txt", "mine");
    let before = tree(&out);
    let run = build(&root, &out);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "the output folder `{}` is not empty and was not written by reportsite (it has no `.reportsite` file)",
            out.display()
        )) && run.stderr.contains("Choose a new or empty folder with --output"),
        "{}",
        run.stderr
    );
    assert!(tree(&out) == before, "nothing is deleted");

    // An empty folder is fine.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    built(&root, &empty);
}

#[test]
fn files_put_by_hand_into_the_output_stop_the_build_and_are_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    small_site(&root);
    let out = dir.path().join("public");
    built(&root, &out);
    write_file(&out, "CNAME", "report.example.org");
    write_file(&out, "extra/notes.txt", "mine");
    write_file(&out, "background/draft.html", "mine too");
    let before = tree(&out);
    let run = build(&root, &out);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "the output folder `{}` holds files that the last build did not write: `CNAME`, `background/draft.html`, `extra/`.",
            out.display()
        )) && run.stderr.contains("Move them into the site's `static/` folder"),
        "{}",
        run.stderr
    );
    assert!(tree(&out) == before, "nothing is deleted");

    // Published from static/ instead, they are the build's own.
    std::fs::rename(out.join("CNAME"), dir.path().join("CNAME")).expect("mv");
    write_file(&root, "static/CNAME", "report.example.org");
    std::fs::remove_dir_all(out.join("extra")).expect("rm");
    std::fs::remove_file(out.join("background/draft.html")).expect("rm");
    built(&root, &out);
    built(&root, &out);
    assert!(out.join("CNAME").is_file());
}

#[test]
fn an_output_of_an_older_reportsite_is_replaced() {
    // Its marker has no list of files: the whole folder is reportsite's.
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    small_site(&root);
    let out = dir.path().join("public");
    write_file(
        &out,
        ".reportsite",
        "This folder is written by reportsite; it is replaced on every build.\n",
    );
    write_file(&out, "old-page/index.html", "old");
    built(&root, &out);
    assert!(!out.join("old-page").exists());
    let marker = std::fs::read_to_string(out.join(".reportsite")).expect("marker");
    assert!(marker.lines().any(|l| l == "index.html"), "{marker}");
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_file_or_a_link_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    small_site(&root);
    let file = dir.path().join("public.html");
    write_file(dir.path(), "public.html", "mine");
    let run = build(&root, &file);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("is a file, not a folder"),
        "{}",
        run.stderr
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "mine");

    let target = dir.path().join("target");
    built(&root, &target);
    let link = dir.path().join("public");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let run = build(&root, &link);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("is a symbolic link")
            && run.stderr.contains("Give the folder it points to"),
        "{}",
        run.stderr
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn staging_folders_of_ended_builds_are_removed_and_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    small_site(&root);
    let out = dir.path().join("public");
    // A process that has ended, whose pid no build uses.
    let mut child = Command::new("true").spawn().expect("spawn true");
    let dead = child.id();
    child.wait().expect("wait");
    let ours = dir.path().join(format!(".public.staging-{dead}-0"));
    write_file(
        &ours,
        ".reportsite",
        "A build of reportsite in progress (removed when it ends).\n",
    );
    write_file(&ours, "half/index.html", "half written");
    let empty = dir.path().join(format!(".public.staging-{dead}-1"));
    std::fs::create_dir(&empty).expect("mkdir");
    // Not reportsite's (no marker), though named like it: kept.
    let theirs = dir.path().join(format!(".public.staging-{dead}-2"));
    write_file(&theirs, "notes.txt", "mine");
    // A running build's (this process is alive): kept.
    let running = dir
        .path()
        .join(format!(".public.staging-{}-0", std::process::id()));
    write_file(&running, ".reportsite", "in progress\n");
    built(&root, &out);
    let mut kept = vec![
        format!(".public.staging-{dead}-2"),
        format!(".public.staging-{}-0", std::process::id()),
    ];
    kept.sort();
    assert_eq!(hidden(dir.path()), kept);
    assert_eq!(
        std::fs::read_to_string(theirs.join("notes.txt")).expect("kept"),
        "mine"
    );
}

#[test]
fn the_current_folder_can_be_the_output() {
    // `--output .` has no name to put a staging folder beside: its absolute path does.
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("site");
    small_site(&root);
    let out = dir.path().join("www");
    std::fs::create_dir(&out).expect("mkdir");
    for _ in 0..2 {
        let mut cmd = reportsite_bin();
        cmd.current_dir(&out)
            .args(["build", "--root", "../site", "--output", "."]);
        let run = run_within(cmd, Duration::from_secs(120));
        assert_eq!(run.code, Some(0), "{}", run.stderr);
    }
    assert!(out.join("index.html").is_file() && out.join(".reportsite").is_file());
    assert_eq!(hidden(dir.path()), Vec::<String>::new());
}
