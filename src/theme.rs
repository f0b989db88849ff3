//! Themes: where templates and static files come from.
//!
//! In: the site folder and the theme name from `config.toml`. Out: the theme's
//! templates and static files as (name, bytes) pairs, read from the site's
//! `themes/<name>/` folder when it exists, otherwise from the themes built into
//! the binary (`civic`).

use std::path::Path;

use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};
use crate::load::{is_ignored_name, rel_to};

static BUILT_IN_CIVIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/civic");

/// Names of the themes built into reportsite.
pub(crate) const BUILT_IN: &[&str] = &["civic"];

/// One file of a theme or site folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThemeFile {
    /// Path inside `templates/` or `static/`, with `/` separators.
    pub name: String,
    /// Path shown in messages (`themes/civic/templates/page.html`).
    pub display: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A theme's files.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// Its name.
    pub name: String,
    /// Files of `templates/`, sorted by name.
    pub templates: Vec<ThemeFile>,
    /// Files of `static/`, sorted by name.
    pub statics: Vec<ThemeFile>,
}

impl Theme {
    /// Finds the theme `config` names for the site at `root`; an unknown
    /// theme is an error at the `theme` key.
    pub fn resolve(root: &Path, config: &Config) -> Result<Theme> {
        let name = config.theme.as_str();
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            return Ok(Theme {
                name: name.to_string(),
                templates: read_tree(&dir.join("templates"), &format!("themes/{name}/templates"))?,
                statics: read_tree(&dir.join("static"), &format!("themes/{name}/static"))?,
            });
        }
        if name == "civic" {
            return Ok(Theme {
                name: name.to_string(),
                templates: embedded(&BUILT_IN_CIVIC, "templates", name),
                statics: embedded(&BUILT_IN_CIVIC, "static", name),
            });
        }
        let line = config.spans.line("theme").unwrap_or(1);
        Err(Error::content(vec![
            Diagnostic::error(
                "unknown-theme",
                crate::config::CONFIG_FILE,
                format!("there is no theme `{name}`: no folder `themes/{name}/` and no built-in theme of that name"),
            )
            .at_in(&config.source, line, 1)
            .help(format!("use one of the built-in themes ({}) or create `themes/{name}/templates/`", BUILT_IN.join(", "))),
        ]))
    }
}

fn embedded(dir: &Dir<'static>, sub: &str, theme: &str) -> Vec<ThemeFile> {
    let mut out = Vec::new();
    if let Some(d) = dir.get_dir(sub) {
        collect_embedded(d, sub, theme, &mut out);
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out
}

fn collect_embedded(d: &Dir<'static>, sub: &str, theme: &str, out: &mut Vec<ThemeFile>) {
    for f in d.files() {
        let path = f.path().to_string_lossy().replace('\\', "/");
        let name = path
            .strip_prefix(&format!("{sub}/"))
            .unwrap_or(&path)
            .to_string();
        if is_ignored_name(name.rsplit('/').next().unwrap_or(&name)) {
            continue;
        }
        out.push(ThemeFile {
            display: format!("themes/{theme}/{path} (built into reportsite)"),
            name,
            bytes: f.contents().to_vec(),
        });
    }
    for sd in d.dirs() {
        collect_embedded(sd, sub, theme, out);
    }
}

/// Reads every file under `dir` (absent folder: nothing). `display` prefixes names
/// in messages. A file or folder that cannot be read is a located error (every
/// one is reported), not a failure of the whole program.
pub(crate) fn read_tree(dir: &Path, display: &str) -> Result<Vec<ThemeFile>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let mut problems = Vec::new();
    let unreadable = |name: &str, e: &std::io::Error| {
        let file = if name.is_empty() {
            display.to_string()
        } else {
            format!("{display}/{name}")
        };
        Diagnostic::error("io", file, format!("cannot read it: {e}"))
            .help("check its permissions (reportsite must be able to read every file of the site), or remove it")
    };
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let name = e.path().map(|p| rel_to(dir, p)).unwrap_or_default();
                let io = e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("a folder loop"));
                problems.push(unreadable(&name, &io));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let name = rel_to(dir, entry.path());
        match std::fs::read(entry.path()) {
            Ok(bytes) => out.push(ThemeFile {
                display: format!("{display}/{name}"),
                name,
                bytes,
            }),
            Err(e) => problems.push(unreadable(&name, &e)),
        }
    }
    if !problems.is_empty() {
        return Err(Error::content(problems));
    }
    Ok(out)
}

/// Writes the built-in theme `name` into `dest` (for `reportsite new`).
pub fn write_built_in(name: &str, dest: &Path) -> Result<()> {
    if name != "civic" {
        return Err(Error::Usage(format!("no built-in theme `{name}`")));
    }
    for sub in ["templates", "static"] {
        for f in embedded(&BUILT_IN_CIVIC, sub, name) {
            let path = dest.join(sub).join(&f.name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| Error::io("cannot create", parent, e))?;
            }
            std::fs::write(&path, &f.bytes).map_err(|e| Error::io("cannot write", &path, e))?;
        }
    }
    Ok(())
}

/// How deep templates may nest through `{% include %}` and `{% extends %}`.
/// Rendering each level takes stack; Tera 2 bounds components (20 levels) but not
/// include chains, and a few dozen levels overflow a default thread stack.
pub(crate) const MAX_TEMPLATE_NESTING: usize = 16;

/// The stack of each thread that renders pages ([`with_render_stack`]). The
/// deepest nesting that [`check_nesting`] and Tera allow (20 component levels,
/// each with a chain of [`MAX_TEMPLATE_NESTING`] templates) needed under 4 MiB in
/// a debug build, where a chain of 28 includes overflowed the default 2 MiB; this
/// leaves ample room. Only the pages of it that are used take memory.
pub(crate) const RENDER_STACK_BYTES: usize = 64 << 20;

/// Runs `f` on a thread pool whose threads have [`RENDER_STACK_BYTES`] of stack;
/// the parallel work inside it runs there too. Without such a pool (threads
/// cannot be started), runs `f` here.
pub(crate) fn with_render_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(RENDER_STACK_BYTES)
            .thread_name(|i| format!("reportsite-render-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(p) => p.install(f),
        None => f(),
    }
}

/// Checks how the templates refer to each other, before Tera sees them: a
/// template that includes or extends itself (directly or through others), or a
/// chain of more than [`MAX_TEMPLATE_NESTING`] templates, is an error located at
/// the `{% include %}` or `{% extends %}` that closes the loop or goes too deep.
/// Site templates override the theme's of the same name, as when rendering.
pub fn check_nesting(theme: &Theme, site_templates: &[ThemeFile]) -> Vec<Diagnostic> {
    let graph = Graph::of(theme, site_templates);
    let mut problems = Vec::new();
    let depth = graph.depths(&mut problems);
    if !problems.is_empty() {
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        problems.dedup_by(|a, b| a.file == b.file && a.line == b.line);
        return problems;
    }
    graph.too_deep(&depth)
}

/// What the renderer stores a theme's templates under, as Zola 0.23 does:
/// `civic/templates/page.html`. Site templates are stored by their own name
/// and win; a site template extends the theme's by this path.
pub(crate) fn template_prefix(theme: &str) -> String {
    format!("{theme}/templates/")
}

/// The templates and the references of each to others.
struct Graph<'a> {
    /// Stored name, file, references.
    nodes: Vec<(String, &'a ThemeFile, Vec<Reference>)>,
    index: std::collections::HashMap<String, usize>,
    /// What theme templates' stored names start with.
    prefix: String,
}

impl<'a> Graph<'a> {
    fn of(theme: &'a Theme, site_templates: &'a [ThemeFile]) -> Graph<'a> {
        let mut nodes: Vec<(String, &ThemeFile, Vec<Reference>)> = Vec::new();
        let theme_prefix = template_prefix(&theme.name);
        for (prefix, files) in [
            (theme_prefix.as_str(), &theme.templates[..]),
            ("", site_templates),
        ] {
            for f in files {
                let text = String::from_utf8_lossy(&f.bytes);
                nodes.push((format!("{prefix}{}", f.name), f, references(&text)));
            }
        }
        let index = nodes
            .iter()
            .enumerate()
            .map(|(i, (n, _, _))| (n.clone(), i))
            .collect();
        Graph {
            nodes,
            index,
            prefix: theme_prefix,
        }
    }

    /// The template a reference names, a site template before the theme's.
    fn resolve(&self, name: &str) -> Option<usize> {
        self.index
            .get(name)
            .or_else(|| self.index.get(format!("{}{name}", self.prefix).as_str()))
            .copied()
    }

    fn shown(&self, i: usize) -> String {
        self.nodes[i].1.name.clone()
    }

    /// The longest chain starting at each template, depth-first without
    /// recursion (a hostile theme may have thousands of templates); each loop
    /// found goes to `problems`.
    fn depths(&self, problems: &mut Vec<Diagnostic>) -> Vec<Option<usize>> {
        let mut depth: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut on_path = vec![false; self.nodes.len()];
        for start in 0..self.nodes.len() {
            if depth[start].is_some() {
                continue;
            }
            // (template, index of its next reference to follow)
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            on_path[start] = true;
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let refs = &self.nodes[node].2;
                if *next < refs.len() {
                    let r = &refs[*next];
                    *next += 1;
                    let Some(target) = self.resolve(&r.name) else {
                        continue; // a missing template: Tera names it
                    };
                    if on_path[target] {
                        problems.push(self.loop_error(&stack, node, r, target));
                    } else if depth[target].is_none() {
                        on_path[target] = true;
                        stack.push((target, 0));
                    }
                    continue;
                }
                // All references followed: the longest chain from here.
                let d = 1 + refs
                    .iter()
                    .filter_map(|r| self.resolve(&r.name))
                    .filter_map(|t| depth[t])
                    .max()
                    .unwrap_or(0);
                depth[node] = Some(d);
                on_path[node] = false;
                stack.pop();
            }
        }
        depth
    }

    /// The error for reference `r` of template `node`, to `target`, which is on
    /// the path being followed (`stack`): a loop.
    fn loop_error(
        &self,
        stack: &[(usize, usize)],
        node: usize,
        r: &Reference,
        target: usize,
    ) -> Diagnostic {
        let from = stack.iter().position(|(n, _)| *n == target).unwrap_or(0);
        let mut chain: Vec<String> = stack[from..].iter().map(|(n, _)| self.shown(*n)).collect();
        chain.push(self.shown(target));
        let f = self.nodes[node].1;
        let what = if chain.len() == 2 {
            format!("the template `{}` {} itself", chain[0], r.keyword)
        } else {
            format!(
                "templates include or extend each other in a loop: {}",
                chain.join(" → ")
            )
        };
        Diagnostic::error("template", &f.display, what)
            .at_in(&String::from_utf8_lossy(&f.bytes), r.line, r.column)
            .help(format!("remove this `{{% {} \"{}\" %}}` or name another template: rendering would never end", r.tag(), r.name))
    }

    /// Chains longer than [`MAX_TEMPLATE_NESTING`], reported only where they
    /// start, not at every link.
    fn too_deep(&self, depth: &[Option<usize>]) -> Vec<Diagnostic> {
        let mut referenced = vec![false; self.nodes.len()];
        for (_, _, refs) in &self.nodes {
            for t in refs.iter().filter_map(|r| self.resolve(&r.name)) {
                referenced[t] = true;
            }
        }
        let mut problems = Vec::new();
        for (i, (_, f, refs)) in self.nodes.iter().enumerate() {
            if depth[i].unwrap_or(0) <= MAX_TEMPLATE_NESTING || referenced[i] {
                continue;
            }
            let mut chain = vec![self.shown(i)];
            let mut at = i;
            while let Some(next) = self.nodes[at]
                .2
                .iter()
                .filter_map(|r| self.resolve(&r.name))
                .max_by_key(|t| depth[*t])
            {
                chain.push(self.shown(next));
                at = next;
            }
            let first = refs
                .iter()
                .filter(|r| self.resolve(&r.name).is_some())
                .max_by_key(|r| self.resolve(&r.name).and_then(|t| depth[t]));
            let shown_chain = if chain.len() > 8 {
                format!(
                    "{} → … → {}",
                    chain[..5].join(" → "),
                    chain[chain.len() - 2..].join(" → ")
                )
            } else {
                chain.join(" → ")
            };
            let mut d = Diagnostic::error(
                "template",
                &f.display,
                format!(
                    "templates nest {} deep through include and extends (at most {MAX_TEMPLATE_NESTING}): {}",
                    chain.len(),
                    shown_chain
                ),
            )
            .help("put the shared parts in components, or include them from fewer levels");
            if let Some(r) = first {
                d = d.at_in(&String::from_utf8_lossy(&f.bytes), r.line, r.column);
            }
            problems.push(d);
        }
        problems
    }
}

/// A `{% include "name" %}` or `{% extends "name" %}` in a template.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Reference {
    /// `includes` or `extends`.
    keyword: &'static str,
    /// The template named.
    name: String,
    /// 1-based line and column of the `{%`.
    line: usize,
    column: usize,
}

impl Reference {
    /// The tag's keyword: `include` or `extends`.
    fn tag(&self) -> &'static str {
        if self.keyword == "includes" {
            "include"
        } else {
            "extends"
        }
    }
}

/// The include and extends tags of a template, skipping comments and raw blocks.
fn references(text: &str) -> Vec<Reference> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut raw = false;
    // Line counting moves forward only, so a huge template costs one pass.
    let (mut line, mut line_start, mut counted) = (1, 0, 0);
    while let Some(open) = text[pos..].find('{') {
        let at = pos + open;
        let tail = &text[at..];
        let (closing, is_tag) = if tail.starts_with("{#") {
            ("#}", false)
        } else if tail.starts_with("{%") {
            ("%}", true)
        } else {
            pos = at + 1;
            continue;
        };
        let inner_end = tail[2..].find(closing).map(|e| e + 2).unwrap_or(tail.len());
        pos = (at + inner_end + 2).min(text.len());
        if !is_tag {
            continue;
        }
        let body = tail[2..inner_end]
            .trim_start_matches(['-', '+'])
            .trim_end_matches(['-', '+'])
            .trim();
        let word: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        match word.as_str() {
            "raw" => raw = true,
            "endraw" => raw = false,
            "include" | "extends" if !raw => {
                let arg = body[word.len()..].trim_start();
                let Some(q) = arg.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) else {
                    continue;
                };
                let Some(close) = arg[1..].find(q) else {
                    continue;
                };
                for (i, b) in text[counted..at].bytes().enumerate() {
                    if b == b'\n' {
                        line += 1;
                        line_start = counted + i + 1;
                    }
                }
                counted = at;
                out.push(Reference {
                    keyword: if word == "include" {
                        "includes"
                    } else {
                        "extends"
                    },
                    name: arg[1..1 + close].to_string(),
                    line,
                    column: text[line_start..at].chars().count() + 1,
                });
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, text: &str) -> ThemeFile {
        ThemeFile {
            name: name.into(),
            display: format!("themes/t/templates/{name}"),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn finds_include_and_extends_tags_but_not_in_comments_or_raw_blocks() {
        let refs = references(
            "{% extends 'base.html' %}\n{# {% include \"no.html\" %} #}\n  {%- include \"a.html\" -%}\n{% raw %}{% include \"raw.html\" %}{% endraw %}{% include `b.html` %}",
        );
        let found: Vec<(&str, &str, usize, usize)> = refs
            .iter()
            .map(|r| (r.keyword, r.name.as_str(), r.line, r.column))
            .collect();
        assert_eq!(
            found,
            [
                ("extends", "base.html", 1, 1),
                ("includes", "a.html", 3, 3),
                ("includes", "b.html", 4, 46)
            ]
        );
    }

    #[test]
    fn site_templates_override_the_themes_when_following_includes() {
        let theme = Theme {
            name: "t".into(),
            templates: vec![
                file("page.html", "{% include \"part.html\" %}"),
                file("part.html", "theme part"),
            ],
            statics: Vec::new(),
        };
        assert!(check_nesting(&theme, &[]).is_empty());
        // The site's part.html includes page.html, which includes part.html: a loop.
        let site = [ThemeFile {
            display: "templates/part.html".into(),
            ..file("part.html", "{% include \"page.html\" %}")
        }];
        let d = check_nesting(&theme, &site);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].file, "templates/part.html");
        assert!(
            d[0].message.contains("page.html → part.html → page.html"),
            "{}",
            d[0].message
        );
    }

    #[test]
    fn a_chain_of_exactly_the_limit_is_allowed() {
        let chain = |n: usize| -> Theme {
            let templates = (0..n)
                .map(|i| {
                    let body = if i + 1 < n {
                        format!("{{% include \"t{}.html\" %}}", i + 1)
                    } else {
                        String::new()
                    };
                    file(&format!("t{i}.html"), &body)
                })
                .collect();
            Theme {
                name: "t".into(),
                templates,
                statics: Vec::new(),
            }
        };
        assert!(check_nesting(&chain(MAX_TEMPLATE_NESTING), &[]).is_empty());
        let d = check_nesting(&chain(MAX_TEMPLATE_NESTING + 1), &[]);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].file, "themes/t/templates/t0.html");
    }
}
