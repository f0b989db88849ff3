//! Themes: where templates and static files come from.
//!
//! In: the site folder and the theme name from `config.toml`. Out: the theme's
//! templates and static files as (name, bytes) pairs, read from the site's
//! `themes/<name>/` folder when it exists, otherwise from the themes built into
//! the binary (`civic`).

use std::path::Path;

use include_dir::{Dir, include_dir};

use crate::error::{Diagnostic, Error, Result};
use crate::load::{is_ignored_name, rel_to};

static BUILT_IN_CIVIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/civic");

/// Names of the themes built into reportsite.
pub const BUILT_IN: &[&str] = &["civic"];

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
    /// Finds theme `name` for the site at `root`.
    pub fn resolve(root: &Path, name: &str, config_text: &str) -> Result<Theme> {
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
        let line = config_text
            .lines()
            .position(|l| l.trim_start().starts_with("theme"))
            .map(|i| i + 1)
            .unwrap_or(1);
        Err(Error::content(vec![
            Diagnostic::error(
                "unknown-theme",
                crate::config::CONFIG_FILE,
                format!("there is no theme `{name}`: no folder `themes/{name}/` and no built-in theme of that name"),
            )
            .at_in(config_text, line, 1)
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
/// in messages.
pub fn read_tree(dir: &Path, display: &str) -> Result<Vec<ThemeFile>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io("cannot read", &path, e.into())
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = rel_to(dir, entry.path());
        let bytes =
            std::fs::read(entry.path()).map_err(|e| Error::io("cannot read", entry.path(), e))?;
        out.push(ThemeFile {
            display: format!("{display}/{name}"),
            name,
            bytes,
        });
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
