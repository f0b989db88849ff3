//! The `reportsite` command: a thin shell over the library.
//!
//! In: command-line arguments. Out: a built site on disk, diagnostics on stderr,
//! and an exit code: 0 ok, 1 content errors (all reported), 2 bad usage or I/O.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand, ValueEnum};
use reportsite::AdviceListing;
use reportsite::build::LeftOut;
use reportsite::error::{Diagnostic, Error, Policy, Severity};
use reportsite::output;
use reportsite::plain_english::is_reading_age;
use reportsite::site::{self, LoadOptions, Site};

/// mimalloc: the build allocates many short-lived strings on every worker thread,
/// where glibc's allocator spent about a fifth of the build in profiles.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "reportsite",
    version,
    about = "Publish a public-sector report as an accessible static microsite"
)]
struct Cli {
    /// When to colour messages: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether messages on stderr are coloured.
    fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                    && std::io::stderr().is_terminal()
            }
        }
    }
}

/// What makes a build fail, from `--strict` and `--allow`.
#[derive(clap::Args, Clone)]
struct Strictness {
    /// Treat warnings as errors (as rustc's `-D warnings`): any warning fails, unless allowed.
    #[arg(long)]
    strict: bool,
    /// Let warnings of this rule pass even with --strict (repeatable; also `[a11y] allow`).
    #[arg(long = "allow", value_name = "RULE")]
    allow: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder (default: ROOT/public); any error fails and writes nothing.
    Build {
        /// The site folder (with config.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Where to write the site.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Publish at this address instead of config.toml's base_url (e.g. https://example.org/reports/2017).
        #[arg(long)]
        base_url: Option<String>,
        #[command(flatten)]
        strictness: Strictness,
        /// Include pages marked `draft: true` (and everything in draft chapters).
        #[arg(long)]
        drafts: bool,
        /// Print the time each stage took and the peak memory.
        #[arg(long)]
        timings: bool,
    },
    /// Check the site without writing anything; exits 1 when a build would fail.
    Check {
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// How to print findings.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        strictness: Strictness,
        /// Include pages marked `draft: true` (and everything in draft chapters).
        #[arg(long)]
        drafts: bool,
    },
    /// Serve a live-reloading preview: rebuild on every change, show errors in the page.
    #[cfg(feature = "serve")]
    #[command(alias = "serve")]
    Watch {
        /// The site folder (with config.toml and content/).
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// The port to listen on; the next free one is used when it is taken (0: any free port).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on. Anything but 127.0.0.1 or ::1 shares the preview with the network.
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the preview in the default browser.
        #[arg(long)]
        open: bool,
        /// Look for changes by polling (for network drives, WSL and containers that drop file events).
        #[arg(long)]
        poll: bool,
        /// Also write each good build to this folder.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
    },
    /// Create a small site to start from in DIR: config.toml (the accessibility
    /// statement's contact and dates commented out, to fill in), a report home page
    /// (content/_index.md), one chapter with one page, and a glossary. It builds as
    /// it is, with a warning for each statement detail still to fill in.
    New {
        /// The folder to create (must not exist or be empty).
        dir: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let out = Out {
        color: cli.color.enabled(),
    };
    let result = match cli.command {
        Command::Build {
            root,
            output,
            base_url,
            strictness,
            drafts,
            timings,
        } => build(&out, &root, output, base_url, &strictness, drafts, timings),
        Command::Check {
            root,
            format,
            strictness,
            drafts,
        } => check(&out, &root, format, &strictness, drafts),
        #[cfg(feature = "serve")]
        Command::Watch {
            root,
            port,
            bind,
            open,
            poll,
            output,
            drafts,
        } => watch(
            reportsite::serve::WatchOptions {
                root,
                port,
                bind,
                poll,
                output,
                drafts,
            },
            open,
        ),
        Command::New { dir } => new_site(&dir),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            out.error(&e);
            ExitCode::from(e.exit_code() as u8)
        }
    }
}

/// Builds `site` into the staging folder with a progress bar, keeping in
/// full only the plain-English advice `build` lists: the build and the
/// listing (with the advice counted instead), or the exit code of a failed
/// build that counted some (reported here, its advice listed as a build that
/// succeeds lists it).
fn build_listing(
    out_msg: &Out,
    site: &Site,
    staging: &output::Staging,
) -> Result<Result<(reportsite::Built, AdviceListing), u8>, Error> {
    let progress = Progress::new();
    let mut listing = AdviceListing::new(ADVICE_SHOWN);
    let built = site.build_into_listing(
        staging,
        &|done, total| progress.update(done, total),
        &mut listing,
    );
    progress.finish();
    match built {
        Err(Error::Content(list)) if listing.left_out_total() > 0 => {
            out_msg.diagnostics_capped(&list, ADVICE_SHOWN, &listing.left_out);
            eprintln!(
                "error: build failed with {}; nothing was written",
                counts_with(&list, listing.left_out_total())
            );
            Ok(Err(1))
        }
        built => Ok(Ok((built?, listing))),
    }
}

/// How many pieces of plain-English advice `build` prints in full.
const ADVICE_SHOWN: usize = 50;

/// Where messages go: stderr, coloured or not.
struct Out {
    color: bool,
}

impl Out {
    /// Prints each diagnostic but the pages' reading ages (`check` lists
    /// those apart: [`reading_ages`]).
    fn diagnostics(&self, list: &[Diagnostic]) {
        self.diagnostics_capped(list, usize::MAX, &LeftOut::new());
    }

    /// Prints each diagnostic but the pages' reading ages, and at most
    /// `advice_shown` pieces of plain-English advice, then how many more
    /// there are by rule, with those the build counted without keeping
    /// (`left_out`; `build`: a long report can have thousands; `check` lists
    /// them all).
    fn diagnostics_capped(&self, list: &[Diagnostic], advice_shown: usize, left_out: &LeftOut) {
        let mut more: std::collections::BTreeMap<&str, usize> = left_out.clone();
        let mut shown = 0;
        for d in list.iter().filter(|d| !is_reading_age(d)) {
            if d.severity == Severity::Advice {
                if shown == advice_shown {
                    *more.entry(d.code).or_default() += 1;
                    continue;
                }
                shown += 1;
            }
            eprintln!("{}", d.render_styled(self.color));
        }
        if !more.is_empty() {
            let total: usize = more.values().sum();
            let by_rule: Vec<String> = more.iter().map(|(r, n)| format!("{r} {n}")).collect();
            eprintln!(
                "… and {total} more pieces of plain-English advice ({}): `reportsite check` lists them all\n",
                by_rule.join(", ")
            );
        }
    }

    /// Prints an error that stopped a command (content problems in full).
    fn error(&self, e: &Error) {
        match e {
            Error::Content(list) => {
                self.diagnostics(list);
                eprintln!(
                    "error: build failed with {}; nothing was written",
                    counts(list)
                );
            }
            other => eprintln!("error: {other}"),
        }
    }
}

/// "2 errors and 1 warning", and "and 3 pieces of plain-English advice"
/// when there is any (reading ages are not counted).
fn counts(list: &[Diagnostic]) -> String {
    counts_with(list, 0)
}

/// [`counts`], with `advice_left_out` pieces of advice the build counted
/// without keeping them in `list`.
fn counts_with(list: &[Diagnostic], advice_left_out: usize) -> String {
    let of = |s: Severity| {
        list.iter()
            .filter(|d| d.severity == s && !is_reading_age(d))
            .count()
            + if s == Severity::Advice {
                advice_left_out
            } else {
                0
            }
    };
    let plural = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    let errors = plural(of(Severity::Error), "error");
    let warnings = plural(of(Severity::Warning), "warning");
    match of(Severity::Advice) {
        0 => format!("{errors} and {warnings}"),
        1 => format!("{errors}, {warnings} and 1 piece of plain-English advice"),
        n => format!("{errors}, {warnings} and {n} pieces of plain-English advice"),
    }
}

/// The reading age of each page `check` found (plain English), one line each.
fn reading_ages(list: &[Diagnostic]) {
    let ages: Vec<&Diagnostic> = list.iter().filter(|d| is_reading_age(d)).collect();
    if ages.is_empty() {
        return;
    }
    eprintln!("reading age (Flesch–Kincaid grade level + 5) of each page; GOV.UK writes for 9:");
    for d in ages {
        if let Some(r) = d.reading_age.as_deref() {
            eprintln!(
                "  {:>5.1}  {}  ({} words, {} sentences)",
                r.age(),
                d.file,
                r.words,
                r.sentences
            );
        }
    }
}

/// The policy of a command: its flags and `[a11y] allow`.
fn policy(strictness: &Strictness, config_allow: &[String]) -> Policy {
    let mut allow = strictness.allow.clone();
    allow.extend(config_allow.iter().cloned());
    Policy {
        strict: strictness.strict,
        allow,
    }
}

/// A site folder that does not exist is a usage error (exit 2).
fn check_root(root: &Path) -> Result<(), Error> {
    if root.is_dir() {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "`{}` is not a folder: pass --root with the site folder (the one with config.toml and content/), or create one with `reportsite new DIR`",
        root.display()
    )))
}

/// A progress bar on a terminal, shown only once a build has taken a second.
struct Progress {
    bar: indicatif::ProgressBar,
    start: Instant,
    enabled: bool,
}

impl Progress {
    fn new() -> Progress {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} rendering {pos}/{len} pages {wide_bar} {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        Progress {
            bar,
            start: Instant::now(),
            enabled: std::io::stderr().is_terminal(),
        }
    }

    fn update(&self, done: usize, total: usize) {
        if !self.enabled {
            return;
        }
        if self.bar.is_hidden() && self.start.elapsed() > Duration::from_secs(1) {
            self.bar
                .set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
        self.bar.set_length(total as u64);
        self.bar.set_position(done as u64);
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

fn build(
    out_msg: &Out,
    root: &Path,
    output: Option<PathBuf>,
    base_url: Option<String>,
    strictness: &Strictness,
    drafts: bool,
    timings: bool,
) -> Result<u8, Error> {
    let start = Instant::now();
    check_root(root)?;
    let out = output.unwrap_or_else(|| site::default_output(root));
    output::check_output_dir(root, &out)?;
    // Load; meanwhile check that the previous build may be replaced (it reads
    // all of it) and open the staging folder. A content error is reported first.
    let (site, staging) = std::thread::scope(|scope| {
        let staging = scope.spawn(|| output::Staging::new(&out));
        let options = LoadOptions {
            drafts,
            base_url,
            stream_bodies: true,
        };
        let site = Site::load(root, &options);
        let staging = staging
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (site, staging)
    });
    let (site, staging) = (site?, staging?);
    // Build: every file goes to the staging folder as it is made, so a large
    // site is never held in memory. A build that fails drops the staging
    // folder: the output folder is not touched.
    let (mut built, listing) = match build_listing(out_msg, &site, &staging)? {
        Ok(built) => built,
        Err(code) => return Ok(code),
    };
    let left_total = listing.left_out_total();
    // Moved, not cloned: a long report has thousands of pieces of advice.
    let mut all = std::mem::take(&mut built.warnings);
    all.append(&mut built.findings);
    reportsite::error::sort_diagnostics(&mut all);
    out_msg.diagnostics_capped(&all, ADVICE_SHOWN, &listing.left_out);
    let policy = policy(strictness, &site.config.a11y.allow);
    let failing = all.iter().filter(|d| policy.fails(d)).count();
    if failing > 0 {
        eprintln!(
            "error: build failed with {}: --strict makes {failing} warning{} fail (let a rule pass with --allow RULE); nothing was written",
            counts_with(&all, left_total),
            if failing == 1 { "" } else { "s" }
        );
        return Ok(1);
    }
    // Finish: the staging folder takes the output folder's place.
    let finish_start = Instant::now();
    staging.finish(built.written.iter().map(String::as_str))?;
    if timings {
        print_timings(&built.timings, finish_start.elapsed(), start.elapsed());
    }
    eprintln!(
        "built {} pages ({} files) into {} in {} ms with {} (page stages: {})",
        built.pages,
        built.written.len(),
        out.display(),
        start.elapsed().as_millis(),
        counts_with(&all, left_total),
        match site.stage_names() {
            names if names.is_empty() => "none".to_string(),
            names => names.join(", "),
        }
    );
    // The process ends next: the list is not freed a piece at a time. A long
    // report's thousands of pieces of plain-English advice were made on the
    // build's threads, and freeing them here, one by one on this thread, took
    // ~15 ms of a 1,000-page build's 0.2 s, with nothing else running.
    std::mem::forget(all);
    Ok(0)
}

/// Peak resident memory of this process, from /proc (Linux), in bytes.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn print_timings(t: &reportsite::Timings, swap: Duration, total: Duration) {
    let ms = |d: Duration| format!("{:>8.1} ms", d.as_secs_f64() * 1000.0);
    eprintln!("timings (wall):");
    eprintln!("  load (read, front matter, model) {}", ms(t.load));
    eprintln!("  markdown before the pages        {}", ms(t.markdown));
    eprintln!("  render, write pages              {}", ms(t.render));
    eprintln!("  checks, redirects, static, gen.  {}", ms(t.assemble));
    eprintln!("  write: swap the new build in     {}", ms(swap));
    eprintln!("  total                            {}", ms(total));
    eprintln!("cpu time summed over threads:");
    eprintln!("  markdown with the pages          {}", ms(t.markdown_cpu));
    eprintln!("  templates                        {}", ms(t.templates_cpu));
    for (name, d) in &t.stages_cpu {
        eprintln!("  stage {name:<26} {}", ms(*d));
    }
    match peak_memory() {
        Some(b) => eprintln!("peak memory: {:.1} MiB", b as f64 / (1024.0 * 1024.0)),
        None => eprintln!("peak memory: not available on this system"),
    }
}

fn check(
    out: &Out,
    root: &Path,
    format: Format,
    strictness: &Strictness,
    drafts: bool,
) -> Result<u8, Error> {
    check_root(root)?;
    let site = Site::load(
        root,
        &LoadOptions {
            drafts,
            base_url: None,
            stream_bodies: true,
        },
    );
    let config_allow = site
        .as_ref()
        .map(|s| s.config.a11y.allow.clone())
        .unwrap_or_default();
    let findings = match site.and_then(|s| s.build()) {
        Ok(built) => {
            let mut all = built.warnings;
            all.extend(built.findings);
            reportsite::error::sort_diagnostics(&mut all);
            all
        }
        Err(Error::Content(d)) => d,
        Err(e) => return Err(e),
    };
    let policy = policy(strictness, &config_allow);
    let code = u8::from(findings.iter().any(|d| policy.fails(d)));
    match format {
        Format::Json => {
            let json = serde_json::to_string_pretty(&findings).unwrap_or_else(|_| "[]".into());
            println!("{json}");
        }
        Format::Human => {
            out.diagnostics(&findings);
            reading_ages(&findings);
            eprintln!("{}", counts(&findings));
        }
    }
    Ok(code)
}

#[cfg(feature = "serve")]
#[path = "cli/watch.rs"]
mod watch;

/// `reportsite watch`: runs until Ctrl-C; content errors are shown, not fatal.
#[cfg(feature = "serve")]
fn watch(options: reportsite::serve::WatchOptions, open: bool) -> Result<u8, Error> {
    watch::run(&options, open)
}

fn new_site(dir: &Path) -> Result<u8, Error> {
    if dir.exists()
        && dir
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(Error::Usage(format!(
            "`{}` already exists and is not empty; choose a new folder",
            dir.display()
        )));
    }
    let write = |rel: &str, text: &str| -> Result<(), Error> {
        let path = dir.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|e| Error::io("cannot create", p, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io("cannot write", &path, e))
    };
    write(
        "config.toml",
        "base_url = \"https://example.org\"\ntitle = \"My report\"\ndefault_language = \"en-GB\"\ntheme = \"civic\"\nminify_html = true\n\n# The accessibility statement (/accessibility/): fill these in before you publish.\n# Until you do, each build warns about them (and `reportsite build --strict` fails).\n[accessibility]\n# contact_email = \"you@example.org\"\n# response_time = \"5 working days\"\n# prepared = \"2025-01-31\"\n# reviewed = \"2025-01-31\"\n# tested = \"2025-01-31\"\n\n[extra]\n",
    )?;
    write(
        "content/_index.md",
        "---\ntitle: My Board Annual Report 2024-25\nshort_title: Annual Report 2024-25\nkind: report\norganisation: My Board\npresented_to: My Council\nperiod: { start: 2024-04-01, end: 2025-03-31 }\nstrategy:\n  - { id: P1, label: Priority 1, title: Children are safe }\nrecommendations:\n  - text: notes the report.\n    refs: [P1]\n---\nThe summary of the report goes here.\n",
    )?;
    write(
        "content/background/_index.md",
        "---\ntitle: Background\nweight: 1\n---\nWhy this report exists.\n",
    )?;
    write(
        "content/background/what-the-report-covers.md",
        "---\ntitle: What the report covers\nweight: 1\n---\nThe scope of the report.\n",
    )?;
    write("content/glossary.yaml", "HR: Human Resources\n")?;
    eprintln!(
        "created a new site in {}; build it with `reportsite build --root {}`",
        dir.display(),
        dir.display()
    );
    Ok(0)
}
