//! Output: the built files in memory, and writing them to disk in one step.
//!
//! In: the [`OutputFile`]s of a build. Out: a folder holding exactly those files.
//! They are written to a staging folder beside the output folder, which is then
//! swapped into place, so a failed or interrupted build never leaves a
//! half-written site: the output folder is either the previous build or the new one.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path relative to the output folder, with `/` separators (`background/index.html`).
    pub path: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// A marker file that says a folder was written by reportsite, so it may be replaced.
pub const MARKER: &str = ".reportsite";

/// Checks that writing to `out` cannot destroy the sources in `root`.
pub fn check_output_dir(root: &Path, out: &Path) -> Result<()> {
    let abs = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(p))
                .unwrap_or_else(|_| p.to_path_buf())
        };
        normalize(&p)
    };
    let (root_abs, out_abs) = (abs(root), abs(out));
    let root_real = root_abs.canonicalize().unwrap_or(root_abs.clone());
    let out_real = out_abs.canonicalize().unwrap_or(out_abs.clone());
    for (r, o) in [(&root_abs, &out_abs), (&root_real, &out_real)] {
        if r.starts_with(o) {
            return Err(Error::Usage(format!(
                "the output folder `{}` contains the site folder: writing there would delete the sources. Choose another --output",
                out.display()
            )));
        }
        for protected in ["content", "templates", "static", "themes"] {
            if o.starts_with(r.join(protected)) {
                return Err(Error::Usage(format!(
                    "the output folder `{}` is inside the site's `{protected}/` folder. Choose another --output, such as `public`",
                    out.display()
                )));
            }
        }
    }
    if out.exists()
        && out
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(false)
        && !out.join(MARKER).exists()
    {
        let looks_built = out.join("index.html").exists() || out.join("sitemap.xml").exists();
        if !looks_built {
            return Err(Error::Usage(format!(
                "the output folder `{}` has files that reportsite did not write; refusing to replace it. Choose an empty or new folder",
                out.display()
            )));
        }
    }
    Ok(())
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes `files` into `out` atomically (staging folder, then swap).
pub fn write_site(files: &[OutputFile], out: &Path) -> Result<()> {
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(|e| Error::io("cannot create", &parent, e))?;
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|e| Error::io("cannot remove", &staging, e))?;
    }
    let result = write_tree(files, &staging).and_then(|()| swap_in(&staging, out, &parent, &name));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn write_tree(files: &[OutputFile], dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io("cannot create", dir, e))?;
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| Path::new(&f.path).parent().map(|p| dir.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        std::fs::create_dir_all(d).map_err(|e| Error::io("cannot create", d, e))?;
    }
    files.par_iter().try_for_each(|f| {
        let path = dir.join(&f.path);
        std::fs::write(&path, &f.bytes).map_err(|e| Error::io("cannot write", &path, e))
    })?;
    let marker = dir.join(MARKER);
    std::fs::write(
        &marker,
        b"This folder is written by reportsite; it is replaced on every build.\n",
    )
    .map_err(|e| Error::io("cannot write", &marker, e))
}

fn swap_in(staging: &Path, out: &Path, parent: &Path, name: &str) -> Result<()> {
    if !out.exists() {
        return std::fs::rename(staging, out)
            .map_err(|e| Error::io("cannot move the new build into", out, e));
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(|e| Error::io("cannot remove", &old, e))?;
    }
    std::fs::rename(out, &old)
        .map_err(|e| Error::io("cannot move the previous build aside from", out, e))?;
    if let Err(e) = std::fs::rename(staging, out) {
        // Put the previous build back.
        let _ = std::fs::rename(&old, out);
        return Err(Error::io("cannot move the new build into", out, e));
    }
    std::fs::remove_dir_all(&old)
        .map_err(|e| Error::io("cannot remove the previous build", &old, e))
}

/// A redirect page for an alias.
pub fn redirect_page(to: &str, lang: &str) -> String {
    let to = escape(to);
    format!(
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>Moved</title>\
<meta http-equiv=\"refresh\" content=\"0; url={to}\"><link rel=\"canonical\" href=\"{to}\"></head>\
<body><main><h1>This page has moved</h1><p><a href=\"{to}\">Go to the new page</a></p></main></body></html>\n"
    )
}

/// Escapes text for HTML and XML attribute values and content.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_to_write_over_the_sources() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        assert!(check_output_dir(&root, &root).is_err());
        assert!(check_output_dir(&root, dir.path()).is_err());
        assert!(check_output_dir(&root, &root.join("content/out")).is_err());
        assert!(check_output_dir(&root, &root.join("public")).is_ok());
    }

    #[test]
    fn writes_and_replaces_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let f = |p: &str, b: &str| OutputFile {
            path: p.into(),
            bytes: b.into(),
        };
        write_site(&[f("index.html", "one"), f("a/index.html", "a")], &out).unwrap();
        write_site(&[f("index.html", "two")], &out).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "two"
        );
        assert!(!out.join("a").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging folders must be gone");
    }
}
