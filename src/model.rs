//! The typed report model: the tree of chapters and pages, numbered and ordered.
//!
//! In: the [`Loaded`] sources. Out: a [`Report`] whose entries are in reading order
//! (home, chapter 1, its pages, chapter 2, …), each with its URL path, number,
//! parent and children (a site without `content/_index.md` gets a plain home
//! page, as a Zola site does; a page bundle's files follow its page) — or every cross-check that failed: a kind used in the wrong
//! file, keys that do not belong to the kind, required fields missing, duplicate
//! output paths, duplicate strategy ids, recommendations that refer to undeclared
//! strategy items, periods that end before they start. [`ModelCache`] keeps the
//! last model for a caller that loads again (the preview). Positions come from
//! each source's located front matter ([`crate::source::Source::located`]).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::BTreeMap;

use crate::error::{Diagnostic, Error, Result};
use crate::frontmatter::{self, GlossaryEntry, KIND_KEYS, Kind};
use crate::source::{Asset, ContentPath, Loaded, Source, place_of};
use crate::yaml::Step::{Index, Key};
use std::sync::Arc;

/// One chapter or page of the report.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The file it came from.
    pub source: Arc<Source>,
    /// What it is.
    pub kind: Kind,
    /// Where it is: its source file, its URL path below the base path (`""` for
    /// the home page, `background/` for a chapter) and its output file.
    pub path: ContentPath,
    /// The chapter number (`1.2`) or none for the home page.
    pub number: Option<String>,
    /// Index of the parent chapter in [`Report::entries`].
    pub parent: Option<usize>,
    /// Indices of the children, in order.
    pub children: Vec<usize>,
    /// 0 for the home page, 1 for a top-level chapter, …
    pub depth: usize,
}

impl Entry {
    /// The title (always present after loading).
    pub fn title(&self) -> &str {
        self.source.front.title.as_deref().unwrap_or("")
    }

    /// Whether it is a chapter (`_index.md`).
    pub(crate) fn is_section(&self) -> bool {
        self.source.is_section()
    }
}

/// The whole report.
#[derive(Debug, Clone)]
pub struct Report {
    /// Chapters and pages in reading order; `entries[0]` is the home page.
    pub entries: Vec<Entry>,
    /// The glossary's entries, sorted by term (ignoring case).
    pub glossary: Vec<GlossaryEntry>,
    /// Non-Markdown files of `content/`.
    pub assets: Vec<Asset>,
    /// Entry index by path relative to `content/` (`background/_index.md`).
    pub by_rel: HashMap<String, usize>,
    /// Entry index by URL path (`background/`).
    pub by_path: HashMap<String, usize>,
    /// Content files left out of this build as drafts, or because they are in a
    /// draft chapter.
    pub drafts: Vec<Draft>,
    /// Paths (relative to `content/`) of files that failed to load; links to
    /// them are not reported as broken (the file's own error is).
    pub unreadable: Vec<String>,
    /// Whether the home page is the plain one made because there is no
    /// `content/_index.md` (as in a Zola site): a chapter titled after the
    /// site that lists the top-level chapters and pages.
    pub plain_home: bool,
}

/// The title of the plain home page of a site without `content/_index.md`
/// and without a `title` in its settings.
pub(crate) const PLAIN_HOME_TITLE: &str = "Home";

/// The last model built and the fingerprint of the load it was built from
/// (`load::fingerprint_of_model`), so that a rebuild whose file names and front
/// matter did not change reuses it (the preview).
#[derive(Debug, Default)]
pub struct ModelCache {
    last: Option<(u128, Report, Vec<Diagnostic>)>,
}

impl ModelCache {
    /// [`Report::build_lenient`], or the cached model with `loaded`'s sources when
    /// `key` is the fingerprint of the load it was built from; a model built is kept.
    pub fn build_lenient(
        &mut self,
        key: u128,
        loaded: Loaded,
        drafts: bool,
    ) -> Result<(Report, Vec<Diagnostic>)> {
        if let Some((k, report, problems)) = &self.last
            && *k == key
        {
            return Ok((report.with_sources(loaded), problems.clone()));
        }
        let (report, problems) = Report::build_lenient(loaded, drafts)?;
        self.last = Some((key, report.clone(), problems.clone()));
        Ok((report, problems))
    }

    /// Forgets the model.
    pub fn clear(&mut self) {
        self.last = None;
    }
}

/// A content file left out of a build as a draft.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Draft {
    /// Its path relative to `content/`.
    pub rel: String,
    /// The file marked `draft: true` that hides it (relative to `content/`): the
    /// file itself, or the `_index.md` of the draft chapter it is in.
    pub by: String,
}

impl Report {
    /// The home page entry.
    pub fn root(&self) -> &Entry {
        &self.entries[0]
    }

    /// Builds the model. Drafts are left out unless `drafts` is true.
    pub fn build(loaded: Loaded, drafts: bool) -> Result<Report> {
        let (report, problems) = Report::build_lenient(loaded, drafts)?;
        if problems
            .iter()
            .any(|d| d.severity == crate::error::Severity::Error)
        {
            return Err(Error::content(problems));
        }
        Ok(report)
    }

    /// The model of `loaded` made from an earlier one whose load had the same
    /// fingerprint (`load::fingerprint_of_model`): the same entries, each with its
    /// new source.
    pub(crate) fn with_sources(&self, loaded: Loaded) -> Report {
        let mut report = self.clone();
        for s in loaded.sources {
            if let Some(&i) = report.by_rel.get(&s.rel) {
                report.entries[i].source = s;
            }
        }
        report
    }

    /// Builds the model as far as possible, returning the problems found beside it
    /// (errors too), so that later stages can still run and every error is
    /// reported at once. Fails only when the home page's file failed to load or
    /// two pages would be written to one path.
    pub fn build_lenient(loaded: Loaded, drafts: bool) -> Result<(Report, Vec<Diagnostic>)> {
        let mut problems = Vec::new();
        let Loaded {
            sources,
            mut glossary,
            assets,
            failed,
        } = loaded;
        refuse_draft_home(&sources)?;
        let (mut sources, mut assets, drafts_left_out) = leave_out_drafts(sources, assets, drafts);
        // Without `content/_index.md` the site has a plain home page, as a Zola
        // site does: a chapter listing the top-level chapters and pages.
        let plain_home = !sources.iter().any(|s| s.rel == "_index.md");
        if plain_home {
            if failed.iter().any(|f| f == "_index.md") {
                // Its own error says what is wrong with it.
                return Err(Error::content(Vec::new()));
            }
            sources.push(Arc::new(Source::plain_home(PLAIN_HOME_TITLE)));
        }
        let Some(root_idx) = sources.iter().position(|s| s.rel == "_index.md") else {
            return Err(Error::content(Vec::new()));
        };
        let tree = Tree::of(&sources, root_idx);
        let (paths, mut numbers) = tree.paths_and_numbers(&sources);
        place_bundle_files(&sources, &paths, &mut assets);

        check_kinds(&sources, root_idx, &mut problems);
        check_report_fields(&sources[root_idx], &mut problems);
        check_duplicate_paths(&sources, &tree.order, &paths, &mut problems);

        glossary.sort_by(|a, b| {
            (a.term.to_lowercase(), &a.term).cmp(&(b.term.to_lowercase(), &b.term))
        });
        // Two pages at one path make no site; every other problem leaves a
        // model the build can go on with (skipping the files at fault), so the
        // author sees the problems of the later stages in the same run.
        if problems.iter().any(|d| d.code == "duplicate-path") {
            return Err(Error::content(problems));
        }

        let mut new_index = vec![usize::MAX; sources.len()];
        for (pos, &i) in tree.order.iter().enumerate() {
            new_index[i] = pos;
        }
        let mut slots: Vec<Option<Arc<Source>>> = sources.into_iter().map(Some).collect();
        let mut entries = Vec::with_capacity(tree.order.len());
        for &i in &tree.order {
            let Some(source) = slots[i].take() else {
                continue;
            };
            entries.push(Entry {
                kind: source.kind(),
                path: ContentPath::new(&source, &paths[i]),
                source,
                number: numbers[i].take(),
                parent: tree.parent[i].map(|p| new_index[p]),
                children: tree.children[i].iter().map(|&c| new_index[c]).collect(),
                depth: tree.depth[i],
            });
        }
        let mut report = Report::of_entries(entries, glossary, assets, drafts_left_out, failed);
        report.plain_home = plain_home;
        Ok((report, problems))
    }

    /// The report of entries in reading order, with its indices.
    fn of_entries(
        entries: Vec<Entry>,
        glossary: Vec<GlossaryEntry>,
        assets: Vec<Asset>,
        drafts: Vec<Draft>,
        unreadable: Vec<String>,
    ) -> Report {
        let by_rel = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.source.rel.clone(), i))
            .collect();
        let by_path = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.path.url().to_string(), i))
            .collect();
        Report {
            entries,
            glossary,
            assets,
            by_rel,
            by_path,
            drafts,
            unreadable,
            plain_home: false,
        }
    }

    /// Names the plain home page (made when there is no `content/_index.md`)
    /// after the site: `config.toml`'s `title`, when it has one. A report's
    /// own home page keeps its title.
    pub fn name_plain_home(&mut self, site_title: Option<&str>) {
        let Some(title) = site_title.map(str::trim).filter(|t| !t.is_empty()) else {
            return;
        };
        if self.plain_home && self.root().title() != title {
            self.entries[0].source = Arc::new(Source::plain_home(title));
        }
    }

    /// The entries from the home page down to the parent of `index`.
    pub fn ancestors(&self, index: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut cur = self.entries[index].parent;
        while let Some(p) = cur {
            out.push(p);
            cur = self.entries[p].parent;
        }
        out.reverse();
        out
    }
}

/// The home page cannot be a draft: there would be no report.
fn refuse_draft_home(sources: &[Arc<Source>]) -> Result<()> {
    let Some(root) = sources
        .iter()
        .find(|s| s.rel == "_index.md" && s.front.draft == Some(true))
    else {
        return Ok(());
    };
    Err(Error::content(vec![
        root.at_key(
            Diagnostic::error(
                "draft-home",
                &root.file,
                "the report's home page is marked `draft: true`",
            ),
            "draft",
        )
        .help("remove `draft: true` from content/_index.md: the home page cannot be a draft"),
    ]))
}

/// Places the files of each page bundle beside its page: a bundle whose URL
/// is not its folder (a `slug` or `path`) takes them there
/// (`a/b/index.md` with `slug: c` → `a/b/photo.png` is written as `a/c/photo.png`).
fn place_bundle_files(sources: &[Arc<Source>], paths: &[String], assets: &mut [Asset]) {
    for (s, url) in sources.iter().zip(paths) {
        let Some(dir) = s.bundle_dir() else {
            continue;
        };
        let folder = format!("{dir}/");
        if *url == folder {
            continue;
        }
        for a in assets.iter_mut() {
            if let Some(rest) = a.rel.strip_prefix(&folder) {
                a.output = format!("{url}{rest}");
            }
        }
    }
}

/// The sources and assets of this build, and the drafts left out (none when
/// `drafts` is true). A draft chapter hides everything below it, files beside
/// the Markdown included, and so does a draft page bundle.
fn leave_out_drafts(
    sources: Vec<Arc<Source>>,
    assets: Vec<Asset>,
    drafts: bool,
) -> (Vec<Arc<Source>>, Vec<Asset>, Vec<Draft>) {
    if drafts {
        return (sources, assets, Vec::new());
    }
    // The folders of draft chapters, each with its `_index.md`.
    // A draft page bundle's folder is hidden with it, its files included.
    let draft_dirs: Vec<(String, String)> = sources
        .iter()
        .filter(|s| s.front.draft == Some(true))
        .filter_map(|s| {
            let dir = match s.bundle_dir() {
                Some(dir) => dir,
                None if s.is_section() => parent_dir(&s.rel),
                None => return None,
            };
            Some((format!("{dir}/"), s.rel.clone()))
        })
        .collect();
    let hidden_by = |s: &Source| -> Option<String> {
        if s.front.draft == Some(true) {
            return Some(s.rel.clone());
        }
        draft_dirs
            .iter()
            .filter(|(dir, _)| s.rel.starts_with(dir.as_str()))
            .min_by_key(|(dir, _)| dir.len())
            .map(|(_, index)| index.clone())
    };
    let mut left_out: Vec<Draft> = Vec::new();
    let mut kept = Vec::with_capacity(sources.len());
    for s in sources {
        match hidden_by(&s) {
            Some(by) => left_out.push(Draft {
                rel: s.rel.clone(),
                by,
            }),
            None => kept.push(s),
        }
    }
    let assets = assets
        .into_iter()
        .filter(|a| {
            !draft_dirs
                .iter()
                .any(|(dir, _)| a.rel.starts_with(dir.as_str()))
        })
        .collect();
    (kept, assets, left_out)
}

/// The chapters and pages as a tree, by index into the sources: each one's
/// parent (the nearest enclosing chapter), children in order, depth, and the
/// reading order (depth-first, pre-order).
struct Tree {
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    /// 1-based place of each source among its parent's children.
    position: Vec<usize>,
    depth: Vec<usize>,
    order: Vec<usize>,
}

impl Tree {
    fn of(sources: &[Arc<Source>], root_idx: usize) -> Tree {
        // Section folder ("" for root) → source index.
        let mut sections: BTreeMap<String, usize> = BTreeMap::new();
        for (i, s) in sources.iter().enumerate() {
            if s.is_section() {
                sections.insert(parent_dir(&s.rel).to_string(), i);
            }
        }
        let mut parent: Vec<Option<usize>> = vec![None; sources.len()];
        let mut children: Vec<Vec<usize>> = vec![Vec::new(); sources.len()];
        for (i, s) in sources.iter().enumerate() {
            if i == root_idx {
                continue;
            }
            let mut dir = place_of(&s.rel).0;
            let p = loop {
                if let Some(&p) = sections.get(dir) {
                    break p;
                }
                if dir.is_empty() {
                    break root_idx;
                }
                dir = parent_dir(dir);
            };
            parent[i] = Some(p);
            children[p].push(i);
        }
        let mut position = vec![0usize; sources.len()];
        for list in &mut children {
            list.sort_by(|&a, &b| sort_key(&sources[a]).cmp(&sort_key(&sources[b])));
            for (k, &c) in list.iter().enumerate() {
                position[c] = k + 1;
            }
        }
        let mut order = Vec::with_capacity(sources.len());
        let mut stack = vec![root_idx];
        while let Some(i) = stack.pop() {
            order.push(i);
            stack.extend(children[i].iter().rev());
        }
        let mut depth = vec![0usize; sources.len()];
        for &i in &order {
            if let Some(p) = parent[i] {
                depth[i] = depth[p] + 1;
            }
        }
        Tree {
            parent,
            children,
            position,
            depth,
            order,
        }
    }

    /// Each source's URL path and number, parents before children.
    fn paths_and_numbers(&self, sources: &[Arc<Source>]) -> (Vec<String>, Vec<Option<String>>) {
        let mut paths = vec![String::new(); sources.len()];
        let mut numbers: Vec<Option<String>> = vec![None; sources.len()];
        for &i in &self.order {
            let s = &sources[i];
            let Some(p) = self.parent[i] else {
                numbers[i] = s.front.number.as_ref().map(|n| n.0.clone());
                continue;
            };
            paths[i] = match (&s.front.path, &s.front.slug) {
                (Some(path), _) => path_of_key(path),
                (None, slug) => {
                    let segment = slug.as_deref().map_or_else(|| default_segment(s), slugify);
                    let mut path = paths[p].clone();
                    // Folders without an `_index.md` between the chapter and
                    // the file stay in the URL, as in Zola.
                    let (dir, _) = place_of(&s.rel);
                    let chapter_dir = parent_dir(&sources[p].rel);
                    let between = match dir.strip_prefix(chapter_dir) {
                        Some(rest) if !chapter_dir.is_empty() => rest,
                        _ => dir,
                    };
                    for folder in between.split('/').filter(|f| !f.is_empty()) {
                        path.push_str(&slugify(folder));
                        path.push('/');
                    }
                    path.push_str(&segment);
                    path.push('/');
                    path
                }
            };
            let position = self.position[i];
            numbers[i] = Some(match (&s.front.number, &numbers[p]) {
                (Some(n), _) => n.0.clone(),
                (None, Some(pn)) => format!("{pn}.{position}"),
                (None, None) => position.to_string(),
            });
        }
        (paths, numbers)
    }
}

/// Two pages that would be written to one path.
fn check_duplicate_paths(
    sources: &[Arc<Source>],
    order: &[usize],
    paths: &[String],
    problems: &mut Vec<Diagnostic>,
) {
    let mut seen: HashMap<&str, usize> = HashMap::default();
    for &i in order {
        let Some(&first) = seen.get(paths[i].as_str()) else {
            seen.insert(&paths[i], i);
            continue;
        };
        let (a, b) = (&sources[first], &sources[i]);
        let key = if b.front.path.is_some() {
            "path"
        } else {
            "slug"
        };
        let d = b.at_key(
            Diagnostic::error(
                "duplicate-path",
                &b.file,
                format!(
                    "this page would be written to `/{}`, which `{}` also uses",
                    paths[i], a.file
                ),
            ),
            key,
        );
        problems.push(d.help("give one of the two pages a different `slug:` or file name"));
    }
}

fn sort_key(s: &Source) -> (bool, i64, &str) {
    (
        s.front.weight.is_none(),
        s.front.weight.unwrap_or(0),
        s.rel.as_str(),
    )
}

/// The folder part of a `/`-separated path (`a/b/c.md` → `a/b`, `c.md` → ``).
fn parent_dir(rel: &str) -> &str {
    rel.rfind('/').map(|i| &rel[..i]).unwrap_or("")
}

/// The URL segment made from a file's name: its own for a page, its folder's
/// for a chapter or a page bundle (`a/b/index.md` is the page `a/b/`).
fn default_segment(s: &Source) -> String {
    slugify(place_of(&s.rel).1)
}

/// The URL path of Zola's `path` key (`about/team`, `/about/team/`): each
/// segment made URL-safe, ending in `/`.
fn path_of_key(path: &str) -> String {
    let mut out = String::new();
    for segment in path.split('/').filter(|p| !p.trim().is_empty()) {
        out.push_str(&slugify(segment));
        out.push('/');
    }
    out
}

/// A URL-safe form of a file name or slug: lower-case letters, digits and `-`.
pub fn slugify(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut dash = false;
    for c in s.chars() {
        if c.is_ascii() {
            // The common case, without Unicode tables.
            if c.is_ascii_alphanumeric() || c == '_' || c == '.' {
                out.push(c.to_ascii_lowercase());
                dash = false;
            } else if !dash && !out.is_empty() {
                out.push('-');
                dash = true;
            }
        } else if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                out.push(l);
            }
            dash = false;
        } else if !dash && !out.is_empty() {
            out.push('-');
            dash = true;
        }
    }
    let trimmed = out.trim_matches(|c| c == '-' || c == '.');
    if trimmed.is_empty() {
        "page".to_string()
    } else {
        trimmed.to_string()
    }
}

fn check_kinds(sources: &[Arc<Source>], root_idx: usize, problems: &mut Vec<Diagnostic>) {
    for (i, s) in sources.iter().enumerate() {
        let kind = s.kind();
        let wrong = match kind {
            Kind::Report if i != root_idx => Some((
                "`kind: report` is only allowed in content/_index.md",
                "use `kind: chapter` for a folder's _index.md or `kind: page` for a page",
            )),
            Kind::Chapter if !s.is_section() => Some((
                "`kind: chapter` is for a folder's `_index.md`, not a page",
                "remove `kind: chapter`, or move the file to FOLDER/_index.md",
            )),
            Kind::Page if s.is_section() => Some((
                "`kind: page` is for a page, but `_index.md` is a chapter",
                "remove `kind: page` (chapters default to `kind: chapter`)",
            )),
            _ => None,
        };
        if let Some((message, help)) = wrong {
            let d = Diagnostic::error("wrong-kind", &s.file, message);
            problems.push(s.at_key(d, "kind").help(help));
        }
        check_keys_of_kind(s, kind, problems);
        if kind == Kind::CaseReview && s.front.case_review.status.is_none() {
            problems.push(
                s.at_key(
                    Diagnostic::error("missing-key", &s.file, "a case review needs `status`"),
                    "kind",
                )
                .help("add `status: published` or `status: in-progress`"),
            );
        }
    }
}

/// Top-level keys that belong to another kind than `kind`.
fn check_keys_of_kind(s: &Source, kind: Kind, problems: &mut Vec<Diagnostic>) {
    // Every top-level key of another kind, reported in the order of `KIND_KEYS`.
    let mut found: Vec<(usize, usize, (usize, usize))> = Vec::new();
    for &(token, place) in s.kind_keys() {
        for (o, (owner, keys)) in KIND_KEYS.iter().enumerate() {
            if *owner == kind {
                continue;
            }
            if let Some(k) = keys.iter().position(|k| *k == token) {
                found.push((o, k, place));
            }
        }
    }
    found.sort_unstable();
    for (o, k, (line, col)) in found {
        let (owner, key) = (&KIND_KEYS[o].0, KIND_KEYS[o].1[k]);
        problems.push(
            Diagnostic::error(
                "key-not-for-kind",
                &s.file,
                format!(
                    "`{key}` belongs to `kind: {}`, but this file is `kind: {}`",
                    owner.as_str(),
                    kind.as_str()
                ),
            )
            .at_in(&s.text, line, col)
            .help(format!(
                "set `kind: {}`, or move `{key}` under `extra:`",
                owner.as_str()
            )),
        );
    }
}

fn check_report_fields(s: &Source, problems: &mut Vec<Diagnostic>) {
    let f = &s.front;
    if f.kind != Some(Kind::Report) {
        return;
    }
    if f.report
        .organisation
        .as_deref()
        .is_none_or(|o| o.trim().is_empty())
    {
        problems.push(
            s.at_key(
                Diagnostic::error(
                    "missing-key",
                    &s.file,
                    "a report needs `organisation`: who publishes it",
                ),
                "kind",
            )
            .help("add a line such as `organisation: Somerset Safeguarding Children Board`"),
        );
    }
    if let Some(p) = &f.report.period
        && p.end < p.start
    {
        problems.push(
            s.at_key(
                Diagnostic::error(
                    "invalid-date",
                    &s.file,
                    format!(
                        "the period ends ({}) before it starts ({})",
                        p.end.iso(),
                        p.start.iso()
                    ),
                ),
                "period",
            )
            .help("swap `start` and `end`"),
        );
    }
    check_strategy_refs(s, problems);
    for imp in f.report.implications.iter().flatten() {
        if imp.area == frontmatter::Area::Other && imp.label.is_none() {
            problems.push(
                s.at_key(
                    Diagnostic::error(
                        "missing-key",
                        &s.file,
                        "an implication with `area: other` needs a `label`",
                    ),
                    "implications",
                )
                .help("add `label: ...` saying what kind of implication it is"),
            );
        }
    }
}

/// Strategy ids declared twice, and recommendations' references to ids no
/// strategy item declares.
fn check_strategy_refs(s: &Source, problems: &mut Vec<Diagnostic>) {
    let f = &s.front;
    let mut ids = HashSet::default();
    for (i, item) in f.report.strategy.iter().flatten().enumerate() {
        if !ids.insert(item.id.0.as_str()) {
            // Point at this (repeated) declaration, not the first one.
            let (line, col) = s
                .located()
                .value(&[Key("strategy".into()), Index(i), Key("id".into())])
                .unwrap_or((1, 1));
            problems.push(
                Diagnostic::error(
                    "duplicate-id",
                    &s.file,
                    format!("strategy id `{}` is declared twice", item.id.0),
                )
                .at_in(&s.text, line, col)
                .help("give each strategy item its own id"),
            );
        }
    }
    let mut known: Vec<&str> = ids.iter().copied().collect();
    known.sort_unstable();
    for (i, rec) in f.report.recommendations.iter().flatten().enumerate() {
        for (j, r) in rec.refs.iter().enumerate() {
            if ids.contains(r.0.as_str()) {
                continue;
            }
            let path = [
                Key("recommendations".into()),
                Index(i),
                Key("refs".into()),
                Index(j),
            ];
            let (line, col) = s.located().value(&path).unwrap_or((1, 1));
            problems.push(
                Diagnostic::error(
                    "unknown-ref",
                    &s.file,
                    format!(
                        "recommendation refers to `{}`, which is not a `strategy` id",
                        r.0
                    ),
                )
                .at_in(&s.text, line, col)
                .help(unknown_ref_help(&r.0, &known)),
            );
        }
    }
}

/// What to do about a reference to `id`, which no strategy item declares.
fn unknown_ref_help(id: &str, known: &[&str]) -> String {
    match crate::suggest::did_you_mean(id, known) {
        Some(s) => format!("did you mean `{s}`, or is `{id}` missing from `strategy:`?"),
        None if known.is_empty() => {
            "declare it under `strategy:` (e.g. `- { id: P1, label: \"HWBB P1\" }`)".to_string()
        }
        None => format!(
            "declare it under `strategy:`, or use one of: {}",
            known.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slugify("Key Themes & Lessons"), "key-themes-lessons");
        assert_eq!(slugify("00006-case-audits"), "00006-case-audits");
        assert_eq!(slugify("---"), "page");
        assert_eq!(slugify("Café"), "café");
    }

    #[test]
    fn parent_dirs() {
        assert_eq!(parent_dir("a/b/c.md"), "a/b");
        assert_eq!(parent_dir("c.md"), "");
    }
}
