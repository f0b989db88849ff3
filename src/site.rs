//! The loaded site: everything a build reads, read and checked once.
//!
//! In: a site folder (`config.toml`, `content/`, optional `templates/`, `static/`,
//! `themes/`) and [`LoadOptions`]. Out: a [`Site`]: its settings, the report
//! model, the theme, the site's own templates and static files, the problems
//! found while loading, and the page stages and generators a library user adds.
//! Building it is [`crate::build`]'s work ([`Site::build`], [`Site::build_into`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::config::{CONFIG_FILE, Config};
use crate::error::{Diagnostic, Error, Result};
use crate::load::{self, Loaded};
use crate::model::Report;
use crate::plugins::{Generator, PageStage};
use crate::theme::{self, Theme, ThemeFile};

/// Above this many chapters and pages, `/full-report/` is built only when
/// `build_full_report = true`.
pub(crate) const FULL_REPORT_AUTO_LIMIT: usize = 100;

/// Choices that change what is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// Replace `base_url` from `config.toml`.
    pub base_url: Option<String>,
    /// Keep only each Markdown file's front matter in memory after the load,
    /// and read its body again when its page is made: memory stays flat as a
    /// site grows (a one-shot build; the preview keeps every body).
    pub stream_bodies: bool,
}

/// A loaded, checked site, ready to build.
///
/// The page stages and generators added by a library user stay here with the
/// inputs: they are added to a loaded site before it is built (the documented
/// `site.add_stage(…)`), and a build reads them like any other setting.
pub struct Site {
    /// The site folder.
    pub root: PathBuf,
    /// Its settings.
    pub config: Config,
    /// The report model.
    pub report: Report,
    /// The theme's files.
    pub theme: Theme,
    /// The site's own `templates/`.
    pub site_templates: Vec<ThemeFile>,
    /// The site's own `static/`.
    pub site_static: Vec<ThemeFile>,
    /// How long [`Site::load`] took.
    pub load_time: Duration,
    /// Problems found while loading (errors in files and in the model, links
    /// not followed, files left out); every build reports them with its own, and
    /// fails when one is an error.
    pub load_problems: Vec<Diagnostic>,
    /// Page stages added with [`Site::add_stage`], run before the built-ins.
    stages: Vec<Box<dyn PageStage>>,
    /// Generators added with [`Site::add_generator`].
    generators: Vec<Box<dyn Generator>>,
}

impl Site {
    /// Reads and checks the site at `root`. On failure every problem found is
    /// reported: those of each file, of the model, and of links between pages.
    pub fn load(root: &Path, options: &LoadOptions) -> Result<Site> {
        Site::load_cached(root, options, None, None)
    }

    /// [`Site::load`], reusing the parsed Markdown files that have not changed on
    /// disk since the load that filled `cache`, and the model in `models` when
    /// no file name or front matter changed (the preview's rebuilds).
    pub fn load_cached(
        root: &Path,
        options: &LoadOptions,
        cache: Option<&mut load::SourceCache>,
        models: Option<&mut crate::model::ModelCache>,
    ) -> Result<Site> {
        let started = Instant::now();
        let config = read_config(root, options)?;
        let mut problems: Vec<Diagnostic> = config.ignored_keys_warning().into_iter().collect();
        let theme = match Theme::resolve(root, &config) {
            Ok(t) => Some(t),
            Err(Error::Content(d)) => {
                problems.extend(d);
                None
            }
            Err(e) => return Err(e),
        };
        let stream = options.stream_bodies && cache.is_none();
        let (loaded, load_problems) = load::load_lenient_cached(root, cache, stream)?;
        problems.extend(load_problems);
        let mut report = report_of(loaded, options, models, &mut problems)?;
        if let Some(r) = &mut report {
            r.name_plain_home(config.title.as_deref());
            if stream {
                // The model is made: the located trees of the front matter are
                // only needed for positions in messages now (parsed again then).
                for e in &mut r.entries {
                    if let Some(s) = std::sync::Arc::get_mut(&mut e.source) {
                        s.release_tree();
                    }
                }
            }
        }
        let site_templates = theme::read_tree(&root.join("templates"), "templates")?;
        let site_static = theme::read_tree(&root.join("static"), "static")?;
        // Without a model, or without templates, no page can be made: the build
        // can go no further.
        let (Some(report), Some(theme)) = (report, theme) else {
            return Err(Error::content(problems));
        };
        // Errors found so far do not stop here: the build goes on as far as it
        // can without the broken files, so the author sees every problem at once.
        Ok(Site {
            root: root.to_path_buf(),
            config,
            report,
            theme,
            site_templates,
            site_static,
            load_time: started.elapsed(),
            load_problems: problems,
            stages: Vec::new(),
            generators: Vec::new(),
        })
    }

    /// Adds a page stage of your own; it runs on every page before the built-in
    /// stages (`a11y`, then `minify`), so the audit sees what it produced.
    pub fn add_stage(&mut self, stage: Box<dyn PageStage>) {
        self.stages.push(stage);
    }

    /// Adds a generator of your own; it runs after every page is built.
    pub fn add_generator(&mut self, generator: Box<dyn Generator>) {
        self.generators.push(generator);
    }

    /// The page stages added with [`Site::add_stage`].
    pub(crate) fn own_stages(&self) -> &[Box<dyn PageStage>] {
        &self.stages
    }

    /// The generators added with [`Site::add_generator`].
    pub(crate) fn own_generators(&self) -> &[Box<dyn Generator>] {
        &self.generators
    }

    /// Whether the build writes `/full-report/` (`build_full_report`, or for up to
    /// [`FULL_REPORT_AUTO_LIMIT`] chapters and pages when it is unset).
    pub(crate) fn has_full_report(&self) -> bool {
        self.config
            .build_full_report
            .unwrap_or(self.report.entries.len() <= FULL_REPORT_AUTO_LIMIT)
    }

    /// The names of the page stages a build runs, in order: the site's own,
    /// then `[plugins] page_stages` with `minify` last (and only when
    /// `minify_html` is on).
    pub fn stage_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.stages.iter().map(|s| s.name()).collect();
        let configured = &self.config.plugins.page_stages;
        names.extend(
            configured
                .iter()
                .filter(|n| *n == crate::plugins::a11y::NAME)
                .map(|_| crate::plugins::a11y::NAME),
        );
        if self.config.minify_html && configured.iter().any(|n| n == "minify") {
            names.push("minify");
        }
        names
    }
}

/// `config.toml` (or Zola's newer name for it, `zola.toml`), read and parsed,
/// with `--base-url` applied.
fn read_config(root: &Path, options: &LoadOptions) -> Result<Config> {
    let config_name = crate::config::settings_file(root)?;
    let config_path = root.join(config_name);
    let config_text = match std::fs::read_to_string(&config_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::content(vec![
                Diagnostic::error("no-config", CONFIG_FILE, format!("no `{CONFIG_FILE}` in `{}`", root.display()))
                    .help("run reportsite in a site folder (with config.toml and content/), pass --root DIR, or create one with `reportsite new DIR`"),
            ]));
        }
        Err(e) => return Err(Error::io("cannot read", &config_path, e)),
    };
    let config_text = config_text
        .strip_prefix('\u{feff}')
        .unwrap_or(&config_text)
        .to_string();
    let mut config = Config::parse(&config_text, config_name)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url)?;
    }
    Ok(config)
}

/// The report model of the loaded sources (`None` when it cannot be made; its
/// problems are added to `problems`). The preview passes `models`: when no file
/// name or front matter changed, the model is the last one with the new sources.
fn report_of(
    loaded: Loaded,
    options: &LoadOptions,
    models: Option<&mut crate::model::ModelCache>,
    problems: &mut Vec<Diagnostic>,
) -> Result<Option<Report>> {
    let built = match models {
        Some(m) => m.build_lenient(
            load::fingerprint_of_model(&loaded, options.drafts),
            loaded,
            options.drafts,
        ),
        None => Report::build_lenient(loaded, options.drafts),
    };
    match built {
        Ok((report, p)) => {
            problems.extend(p);
            Ok(Some(report))
        }
        Err(Error::Content(d)) => {
            problems.extend(d);
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The folder a build writes to by default.
pub fn default_output(root: &Path) -> PathBuf {
    root.join("public")
}
