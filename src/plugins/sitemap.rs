//! The `sitemap` generator: `sitemap.xml` and `robots.txt`.
//!
//! In: the built site's paths and its base URL. Out: a sitemap listing every
//! HTML page (except `404.html` and redirects) with its absolute URL, and a
//! `robots.txt` that points to it. Without an absolute `base_url` the sitemap
//! lists root-relative paths and robots.txt names no sitemap.

use super::OutputFile;
use super::{Generator, SiteContext};
use crate::error::Diagnostic;
use crate::html::escape;
use crate::source::url_of_output;

/// Writes `sitemap.xml` and `robots.txt`.
pub(crate) struct Sitemap;

impl Generator for Sitemap {
    fn name(&self) -> &'static str {
        "sitemap"
    }

    fn generate(&self, site: &SiteContext<'_>) -> Result<Vec<OutputFile>, Diagnostic> {
        let origin = site.config.origin();
        let base = site.config.base_path();
        let redirects: std::collections::HashSet<String> = site
            .report
            .entries
            .iter()
            .flat_map(|e| e.source.front.aliases.iter().flatten())
            .map(|a| crate::source::alias_output(a, &base).1)
            .collect();
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for path in &site.paths {
            if !path.ends_with(".html") || *path == "404.html" || redirects.contains(*path) {
                continue;
            }
            let url = format!("{origin}{base}{}", url_of_output(path));
            xml.push_str(&format!("  <url><loc>{}</loc></url>\n", escape(&url)));
        }
        xml.push_str("</urlset>\n");
        let mut robots = String::from("User-agent: *\nAllow: /\n");
        if !origin.is_empty() {
            robots.push_str(&format!("Sitemap: {origin}{base}sitemap.xml\n"));
        }
        Ok(vec![
            OutputFile {
                path: "sitemap.xml".into(),
                bytes: xml.into(),
            },
            OutputFile {
                path: "robots.txt".into(),
                bytes: robots.into(),
            },
        ])
    }
}
