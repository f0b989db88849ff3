//! A plugin of your own: a page stage and a generator, added to a site built with
//! the reportsite library.
//!
//! - `ExternalLinks` (a page stage) marks links to other sites with a class, so a
//!   theme can style them. It runs before the built-in `a11y` and `minify`
//!   stages, so the accessibility audit checks what it produced.
//! - `PagesJson` (a generator) writes `pages.json`: every page's title and URL,
//!   for a search box or another tool.
//!
//! Run it on a site: `cargo run --example custom_plugin -- SITE_DIR OUT_DIR`.
//! `cargo test` builds and tests it (`[[example]] test = true` in Cargo.toml).

use std::path::Path;

use reportsite::Diagnostic;
use reportsite::output::OutputFile;
use reportsite::plugins::{Generator, PageContext, PageStage, SiteContext, StageOutput};
use reportsite::site::{LoadOptions, Site};

/// Adds `class="external"` to links that leave the site.
struct ExternalLinks;

impl PageStage for ExternalLinks {
    fn name(&self) -> &'static str {
        "external-links"
    }

    fn run(&self, html: String, _page: &PageContext<'_>) -> StageOutput {
        use lol_html::{RewriteStrSettings, element, rewrite_str};
        let settings = RewriteStrSettings::new().append_element_content_handler(element!(
            "a[href^='http://'], a[href^='https://']",
            |el| {
                el.set_attribute("class", "external")?;
                Ok(())
            }
        ));
        let html = rewrite_str(&html, settings).unwrap_or(html);
        StageOutput {
            html,
            ..StageOutput::default()
        }
    }
}

/// Writes `pages.json` with the title and URL of every chapter and page.
struct PagesJson;

impl Generator for PagesJson {
    fn name(&self) -> &'static str {
        "pages-json"
    }

    fn generate(&self, site: &SiteContext<'_>) -> Result<Vec<OutputFile>, Diagnostic> {
        let base = site.config.base_path();
        let pages: Vec<serde_json::Value> = site
            .report
            .entries
            .iter()
            .map(|e| serde_json::json!({ "title": e.title(), "url": e.path.url_under(&base) }))
            .collect();
        let bytes = serde_json::to_vec_pretty(&pages)
            .map_err(|e| Diagnostic::error("pages-json", "pages.json", e.to_string()))?;
        Ok(vec![OutputFile {
            path: "pages.json".into(),
            bytes: bytes.into(),
        }])
    }
}

/// Builds the site at `root` with both plugins.
fn build(root: &Path) -> reportsite::Result<reportsite::Built> {
    let mut site = Site::load(root, &LoadOptions::default())?;
    site.add_stage(Box::new(ExternalLinks));
    site.add_generator(Box::new(PagesJson));
    site.build()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(root), Some(out)) = (args.first(), args.get(1)) else {
        eprintln!("usage: custom_plugin SITE_DIR OUT_DIR");
        std::process::exit(2);
    };
    match build(Path::new(root))
        .and_then(|b| reportsite::output::write_site(&b.files, Path::new(out)))
    {
        Ok(()) => eprintln!("built {root} into {out} with the example plugins"),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(e.exit_code());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites/second-report")
    }

    #[test]
    fn the_stage_marks_external_links_and_the_audit_still_passes() {
        let built = build(&sample()).expect("builds");
        let with_external = built
            .files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .any(|f| String::from_utf8_lossy(&f.bytes).contains("class=\"external\""));
        assert!(with_external, "some page links out of the site");
        assert!(built.findings.is_empty(), "{:?}", built.findings);
    }

    /// A stage of the site's own runs before the audit and may change a body
    /// (here: a link in it): what the audit finds there keeps its line.
    #[test]
    fn findings_in_a_body_the_stage_changed_keep_their_lines() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        copy_dir(&sample(), dir.path());
        // Plain Markdown (no footnote, image or raw HTML), which the audit
        // would otherwise read apart from its page.
        let text = "---\ntitle: A plain page\n---\nThe panel met.\n\nThe ZQXV panel met. See [the guidance](https://www.gov.uk/guidance).\n";
        std::fs::write(dir.path().join("content/foreword/plain.md"), text).expect("written");
        let built = build(dir.path()).expect("builds");
        let warning = built
            .warnings
            .iter()
            .chain(&built.findings)
            .find(|d| d.message.contains("ZQXV"))
            .expect("the unknown abbreviation is found");
        assert_eq!(warning.file, "content/foreword/plain.md");
        assert_eq!(warning.line, Some(6), "{warning:?}");
    }

    fn copy_dir(from: &Path, to: &Path) {
        for e in std::fs::read_dir(from).expect("a readable folder") {
            let e = e.expect("an entry");
            let target = to.join(e.file_name());
            if e.path().is_dir() {
                std::fs::create_dir_all(&target).expect("a folder");
                copy_dir(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), &target).expect("a copy");
            }
        }
    }

    #[test]
    fn the_generator_writes_pages_json() {
        let built = build(&sample()).expect("builds");
        let json = built
            .files
            .iter()
            .find(|f| f.path == "pages.json")
            .expect("pages.json");
        let list: Vec<serde_json::Value> = serde_json::from_slice(&json.bytes).expect("JSON");
        assert!(list.iter().any(|p| p["url"] == "/westmoor/priorities/"));
    }
}
