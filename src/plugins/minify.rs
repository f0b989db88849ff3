//! The `minify` stage: minify-html with a conservative configuration.
//!
//! In: a page's HTML. Out: the same document, smaller. Closing tags, `<html>` and
//! `<head>` opening tags, and attribute quotes are kept; inline CSS is minified;
//! JavaScript is left as written.

use super::{PageContext, PageStage, StageOutput};

/// Minifies HTML pages.
pub struct Minify {
    cfg: minify_html::Cfg,
}

impl Default for Minify {
    fn default() -> Self {
        let mut cfg = minify_html::Cfg::new();
        cfg.keep_closing_tags = true;
        cfg.keep_html_and_head_opening_tags = true;
        cfg.keep_comments = false;
        cfg.minify_css = true;
        cfg.minify_js = false;
        cfg.minify_doctype = false;
        cfg.allow_noncompliant_unquoted_attribute_values = false;
        cfg.allow_removing_spaces_between_attributes = false;
        cfg.allow_optimal_entities = false;
        Minify { cfg }
    }
}

impl PageStage for Minify {
    fn name(&self) -> &'static str {
        "minify"
    }

    fn run(&self, html: String, _page: &PageContext<'_>) -> StageOutput {
        let bytes = minify_html::minify(html.as_bytes(), &self.cfg);
        // minify-html returns UTF-8 for UTF-8 input; keep the original if not.
        let html = String::from_utf8(bytes).unwrap_or(html);
        StageOutput {
            html,
            ..StageOutput::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_structure_and_entities() {
        let page = PageContext::new("index.html", None);
        let out = Minify::default().run(
            "<!doctype html>\n<html lang=\"en\">\n<head><title>A</title></head>\n<body>\n  <p>a &lt;b&gt;   c</p>\n</body>\n</html>\n".into(),
            &page,
        );
        assert!(
            out.html.contains("<html lang=en>") || out.html.contains("<html lang=\"en\">"),
            "{}",
            out.html
        );
        assert!(out.html.contains("</p>"), "{}", out.html);
        assert!(
            out.html.contains("&lt;b>") || out.html.contains("&lt;b&gt;"),
            "{}",
            out.html
        );
        assert!(out.html.len() < 110);
    }
}
