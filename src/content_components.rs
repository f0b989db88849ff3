//! Content templating as Zola 0.23 has it: Tera 2 components called from
//! Markdown, `{{ <name arg="…" other={value} /> }}` or, with a body,
//! `{% <name arg="…"> %}body{% </name> %}`.
//!
//! In: a Markdown body (and where it starts in its file), and something that
//! renders one call ([`CallRenderer`]: the build's templates, whose components
//! come from the site's templates, the theme's — the built-in theme's too — or
//! reportsite's own). Out: the Markdown with each call replaced by a
//! placeholder ([`Expanded::text`]), and, after the Markdown is rendered,
//! [`Expanded::fill`] puts each call's HTML in its place: a call alone in its
//! paragraph replaces the paragraph when its HTML starts with a tag (as an
//! HTML block would in Zola), any other is put inline. The HTML is template
//! output, so the content's raw-HTML rule does not apply to it.
//!
//! Calls in code (fenced or indented blocks, backtick spans) are left alone.
//! Other `{{ … }}` text is left as it is (reportsite does not run a page's
//! whole text through Tera). A call that cannot be read, or whose component is
//! unknown, or whose arguments the component refuses, is an error located at
//! the call (file, line, column) — never dropped.

use crate::error::Diagnostic;

/// Renders one component call (its whole text, e.g. `{{ <note kind="tip" /> }}`)
/// to HTML; an error is the reason, without a location. `names` lists the
/// components known, for "did you mean".
pub(crate) trait CallRenderer: Sync {
    /// The HTML of `call`, for the page whose content path is `rel`; `body`
    /// is the Markdown between a call's opening and closing tags, as written
    /// (templates see it as `component_body`: a chart reads its table there).
    fn render_call(&self, call: &str, rel: &str, body: Option<&str>) -> Result<String, String>;
    /// The names of the components that exist.
    fn component_names(&self) -> Vec<String>;
}

/// Where the Markdown text is: its file (as shown in messages), the whole
/// file's text (for the source line under a message), and the line the
/// Markdown starts on.
pub(crate) struct Origin<'a> {
    /// The file, relative to the site.
    pub(crate) file: &'a str,
    /// The file's content path (`blog/post.md`).
    pub(crate) rel: &'a str,
    /// The whole file.
    pub(crate) text: &'a str,
    /// The line of the file the Markdown starts on (1-based).
    pub(crate) first_line: usize,
}

/// Markdown with its component calls taken out.
#[derive(Debug, Default)]
pub(crate) struct Expanded {
    /// The Markdown, each call replaced by a placeholder.
    pub(crate) text: String,
    /// Each call's HTML, in order.
    outputs: Vec<String>,
}

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

fn placeholder(i: usize) -> String {
    format!("{OPEN}{i}{CLOSE}")
}

impl Expanded {
    /// Puts each call's HTML in place of its placeholder in `html` (the
    /// Markdown's rendering).
    pub(crate) fn fill(&self, html: String) -> String {
        let mut html = html;
        for (i, out) in self.outputs.iter().enumerate() {
            let ph = placeholder(i);
            let Some(at) = html.find(&ph) else { continue };
            // Alone in a paragraph (`<p>` or `<p data-sourcepos="…">`): the
            // paragraph goes when the HTML starts with a tag, as a block, or
            // is empty (no `<p></p>` left behind).
            let open = html[..at].rfind('<').filter(|&lt| {
                let tag = &html[lt..at];
                (tag == "<p>" || tag.starts_with("<p ")) && tag.ends_with('>')
            });
            let close = at + ph.len();
            match open {
                Some(lt)
                    if html[close..].starts_with("</p>")
                        && (out.trim().is_empty() || out.trim_start().starts_with('<')) =>
                {
                    html.replace_range(lt..close + 4, out.trim());
                }
                _ => html.replace_range(at..close, out),
            }
        }
        html
    }
}

/// [`expand`] for the body of a content file.
pub(crate) fn expand_source(
    source: &crate::source::Source,
    renderer: &dyn CallRenderer,
) -> Result<Option<Expanded>, Vec<Diagnostic>> {
    let origin = Origin {
        file: &source.file,
        rel: &source.rel,
        text: &source.text,
        first_line: source.body_line,
    };
    expand(source.body(), &origin, renderer)
}

/// Stands for a call's body while its component is rendered.
const BODY: &str = "\u{E002}body\u{E002}";

/// A call found in the text: its byte range, and its body's when it has one.
#[derive(Debug, PartialEq, Eq)]
struct Call {
    start: usize,
    end: usize,
    body: Option<(usize, usize)>,
}

/// Expands every component call of `md`; none when it has no call (the
/// common case: the text is then used as it is, not copied).
pub(crate) fn expand(
    md: &str,
    origin: &Origin<'_>,
    renderer: &dyn CallRenderer,
) -> Result<Option<Expanded>, Vec<Diagnostic>> {
    if !md.contains("{{") && !md.contains("{%") {
        return Ok(None);
    }
    let (calls, mut problems) = find_calls(md, origin);
    if calls.is_empty() && problems.is_empty() {
        return Ok(None);
    }
    let mut out = Expanded::default();
    let mut last = 0;
    for call in calls {
        let text = &md[call.start..call.end];
        out.text.push_str(&md[last..call.start]);
        last = call.end;
        let Some((body_start, body_end)) = call.body else {
            match renderer.render_call(text, origin.rel, None) {
                Ok(html) => {
                    out.text.push_str(&placeholder(out.outputs.len()));
                    // Keep the lines of the file where they are for later messages.
                    for _ in 0..text.matches('\n').count() {
                        out.text.push('\n');
                    }
                    out.outputs.push(html);
                }
                Err(reason) => {
                    problems.push(call_error(md, origin, &call, text, &reason, renderer))
                }
            }
            continue;
        };
        // A body is Markdown, as in Zola (where the component's HTML goes into
        // the Markdown): the component is rendered around a marker, and the
        // body stays in the Markdown between the HTML before and after it.
        let marked = format!(
            "{}{BODY}{}",
            &md[call.start..body_start],
            &md[body_end..call.end]
        );
        match renderer.render_call(&marked, origin.rel, Some(&md[body_start..body_end])) {
            Ok(html) => {
                let (before, after) = html.split_once(BODY).unwrap_or((html.as_str(), ""));
                let head_lines = md[call.start..body_start].matches('\n').count();
                let tail_lines = md[body_end..call.end].matches('\n').count();
                let body = &md[body_start..body_end];
                let inner = body.trim_matches('\n');
                let lead = body.len() - body.trim_start_matches('\n').len();
                let trail = body.len() - body.trim_end_matches('\n').len();
                // A blank line each side, so the body is Markdown blocks of its
                // own; the file's line count is kept when the body has them.
                out.text.push_str(&placeholder(out.outputs.len()));
                out.outputs.push(before.to_string());
                out.text.push_str(&"\n".repeat((head_lines + lead).max(2)));
                out.text.push_str(inner);
                out.text.push_str(&"\n".repeat((trail + tail_lines).max(2)));
                out.text.push_str(&placeholder(out.outputs.len()));
                out.outputs.push(after.to_string());
            }
            Err(reason) => problems.push(call_error(md, origin, &call, text, &reason, renderer)),
        }
    }
    out.text.push_str(&md[last..]);
    if problems.is_empty() {
        Ok(Some(out))
    } else {
        Err(problems)
    }
}

/// The diagnostic for a call Tera refused.
fn call_error(
    md: &str,
    origin: &Origin<'_>,
    call: &Call,
    text: &str,
    reason: &str,
    renderer: &dyn CallRenderer,
) -> Diagnostic {
    let name = call_name(text).unwrap_or_default();
    let names = renderer.component_names();
    let (message, help) = if !names.iter().any(|n| n == name) {
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let help = match crate::suggest::did_you_mean(name, &refs) {
            Some(s) => format!("did you mean `{s}`?"),
            None if names.is_empty() => "define it in a template, e.g. `templates/components/NAME.html` with `{% component NAME(arg) %}…{% endcomponent %}`".replace("NAME", name),
            None => format!(
                "define it in a template (e.g. `templates/components/{name}.html`), or use one of: {}",
                names.join(", ")
            ),
        };
        (format!("there is no component `{name}`"), help)
    } else {
        let reason = clean(reason);
        // A chart's data error says how to fix it after `Help: `.
        let fix = format!(" {}", crate::charts::HELP);
        let (reason, help) = match reason.split_once(&fix) {
            Some((problem, fix)) => (problem.to_string(), fix.to_string()),
            None => (
                reason,
                format!(
                    "check the arguments given to `{name}` against its definition (`{{% component {name}(…) %}}` in the templates)"
                ),
            ),
        };
        (
            format!("the component `{name}` could not be rendered: {reason}"),
            help,
        )
    };
    locate(md, origin, call.start, message).help(help)
}

/// Tera's message without its report framing (`error:`, the `-->` lines
/// pointing into the one-off template).
fn clean(reason: &str) -> String {
    let lines: Vec<&str> = reason
        .lines()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && !l.starts_with("-->") && !l.starts_with('|'))
        .filter(|l| !l.contains("__tera_one_off"))
        .filter(|l| !l.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .map(|l| l.trim_start_matches("error: "))
        .collect();
    lines.join(": ")
}

/// A diagnostic at byte `at` of the Markdown.
fn locate(md: &str, origin: &Origin<'_>, at: usize, message: String) -> Diagnostic {
    let before = &md[..at];
    let line = origin.first_line + before.matches('\n').count();
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    Diagnostic::error("content-component", origin.file, message).at_in(origin.text, line, col)
}

/// The component's name in a call's text.
fn call_name(call: &str) -> Option<&str> {
    let lt = call.find('<')?;
    let rest = call[lt + 1..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// Every call outside code, in order, and the calls that cannot be read.
fn find_calls(md: &str, origin: &Origin<'_>) -> (Vec<Call>, Vec<Diagnostic>) {
    let code = code_ranges(md);
    let mut calls = Vec::new();
    let mut problems = Vec::new();
    let bytes = md.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] != b'{' || !(bytes[i + 1] == b'{' || bytes[i + 1] == b'%') {
            i += 1;
            continue;
        }
        if let Some(&(_, end)) = code.iter().find(|(s, e)| *s <= i && i < *e) {
            i = end;
            continue;
        }
        let after = md[i + 2..].trim_start_matches(['-', ' ', '\t']);
        let is_call = after.starts_with('<')
            && after[1..]
                .chars()
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_');
        if !is_call {
            i += 2;
            continue;
        }
        let end = if bytes[i + 1] == b'{' {
            self_closing_end(md, i).map(|e| (e, None))
        } else {
            body_end(md, i).map(|(body, e)| (e, Some(body)))
        };
        match end {
            Some((end, body)) => {
                calls.push(Call {
                    start: i,
                    end,
                    body,
                });
                i = end;
            }
            None => {
                let name = call_name(&md[i..]).unwrap_or_default();
                let (message, help) = if bytes[i + 1] == b'{' {
                    (
                        format!("the call of the component `{name}` is not closed"),
                        format!(
                            "write it as `{{{{ <{name} arg=\"value\" /> }}}}`, on one line or several"
                        ),
                    )
                } else {
                    (
                        format!("the component `{name}` is opened with a body but not closed"),
                        format!("end the body with `{{% </{name}> %}}`"),
                    )
                };
                problems.push(locate(md, origin, i, message).help(help));
                i += 2;
            }
        }
    }
    (calls, problems)
}

/// The end (after `}}`) of the self-closing call starting at `start` (`{{`).
fn self_closing_end(md: &str, start: usize) -> Option<usize> {
    let tag_end = tag_end(md, start + 2)?;
    // `/>` then `}}` (or `-}}`), spaces between.
    let rest = &md[tag_end..];
    let trimmed = rest.trim_start();
    let trimmed = trimmed.strip_prefix('-').unwrap_or(trimmed);
    let close = trimmed.strip_prefix("}}")?;
    if !md[..tag_end].ends_with("/>") {
        return None;
    }
    Some(md.len() - close.len())
}

/// The byte after the `>` ending the tag that begins after `from` (at its
/// `<`), skipping quoted strings and `{…}` values.
fn tag_end(md: &str, from: usize) -> Option<usize> {
    let lt = from + md[from..].find('<')?;
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (off, c) in md[lt + 1..].char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => quote = Some(c),
            (None, '{' | '[' | '(') => depth += 1,
            (None, '}' | ']' | ')') => depth = depth.checked_sub(1)?,
            (None, '>') if depth == 0 => return Some(lt + 1 + off + 1),
            _ => {}
        }
    }
    None
}

/// The body's range and the end (after the closing tag's `%}`) of the call
/// with a body starting at `start` (`{%`).
fn body_end(md: &str, start: usize) -> Option<((usize, usize), usize)> {
    let name = call_name(&md[start..])?;
    let open_end = tag_end(md, start + 2)?;
    let rest = md[open_end..].trim_start_matches([' ', '-']);
    let body_start = md.len() - rest.strip_prefix("%}")?.len();
    // The first `{% </name> %}` after the opening tag.
    let mut search = body_start;
    while let Some(off) = md[search..].find("{%") {
        let at = search + off;
        let inner = md[at + 2..].trim_start_matches(['-', ' ', '\t']);
        if let Some(after) = inner.strip_prefix("</")
            && let Some(after) = after.strip_prefix(name)
            && let Some(after) = after.trim_start().strip_prefix('>')
        {
            let after = after.trim_start_matches([' ', '-']);
            if let Some(done) = after.strip_prefix("%}") {
                return Some(((body_start, at), md.len() - done.len()));
            }
        }
        search = at + 2;
    }
    None
}

/// Byte ranges of code in `md`: fenced blocks, indented blocks (after a blank
/// line) and backtick spans.
fn code_ranges(md: &str) -> Vec<(usize, usize)> {
    let mut ranges = Vec::new();
    let mut fence: Option<(char, usize, usize)> = None; // char, length, start
    let mut pos = 0;
    let mut prev_blank = true;
    let mut in_indented = false;
    for line in md.split_inclusive('\n') {
        let start = pos;
        pos += line.len();
        let content = line.trim_end_matches(['\n', '\r']);
        let indent = content.len() - content.trim_start_matches(' ').len();
        let stripped = content.trim_start_matches(' ');
        if let Some((c, n, from)) = fence {
            let run = stripped.chars().take_while(|&x| x == c).count();
            if indent < 4 && run >= n && stripped[run..].trim().is_empty() {
                ranges.push((from, pos));
                fence = None;
            }
            continue;
        }
        let fc = stripped.chars().next().filter(|c| *c == '`' || *c == '~');
        if let Some(c) = fc
            && indent < 4
        {
            let run = stripped.chars().take_while(|&x| x == c).count();
            if run >= 3 {
                fence = Some((c, run, start));
                prev_blank = false;
                continue;
            }
        }
        let blank = content.trim().is_empty();
        let indented = !blank && (content.starts_with('\t') || indent >= 4);
        if indented && (prev_blank || in_indented) {
            in_indented = true;
            ranges.push((start, pos));
        } else if !blank {
            in_indented = false;
            spans(md, start, content, &mut ranges);
        }
        prev_blank = blank;
    }
    if let Some((_, _, from)) = fence {
        ranges.push((from, md.len()));
    }
    ranges
}

/// Backtick code spans on one line (a span across lines is rare in practice
/// and left to the Markdown).
fn spans(_md: &str, line_start: usize, line: &str, out: &mut Vec<(usize, usize)>) {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'`' {
            i += 1;
            continue;
        }
        let run = b[i..].iter().take_while(|&&c| c == b'`').count();
        let ticks = &line[i..i + run];
        let after = i + run;
        let close = line[after..]
            .match_indices(ticks)
            .find(|(off, _)| {
                let at = after + off;
                b.get(at + run) != Some(&b'`') && (at == 0 || b[at - 1] != b'`')
            })
            .map(|(off, _)| after + off + run);
        match close {
            Some(end) => {
                out.push((line_start + i, line_start + end));
                i = end;
            }
            None => i = after,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;
    impl CallRenderer for Fake {
        fn render_call(&self, call: &str, _: &str, _: Option<&str>) -> Result<String, String> {
            match call_name(call) {
                Some("note") => Ok(format!("<aside>{}</aside>", call.len())),
                Some("em") => Ok("word".into()),
                _ => Err("error: Unknown component".into()),
            }
        }
        fn component_names(&self) -> Vec<String> {
            vec!["note".into(), "em".into()]
        }
    }

    fn origin(text: &str) -> Origin<'_> {
        Origin {
            file: "content/a.md",
            rel: "a.md",
            text,
            first_line: 3,
        }
    }

    #[test]
    fn finds_calls_outside_code_only() {
        let md = "A {{ <em /> }} b.\n\n`{{ <em /> }}` and\n\n```\n{{ <note /> }}\n```\n\n    {{ <note /> }}\n\n{{ <note x={a.b} s=\"}}\" /> }}\n";
        let (calls, problems) = find_calls(md, &origin(md));
        assert!(problems.is_empty());
        let texts: Vec<&str> = calls.iter().map(|c| &md[c.start..c.end]).collect();
        assert_eq!(
            texts,
            vec!["{{ <em /> }}", "{{ <note x={a.b} s=\"}}\" /> }}"]
        );
    }

    #[test]
    fn body_calls_end_at_their_closing_tag() {
        let md = "{% <note kind=\"tip\"> %}\nSome *text*.\n{% </note> %}\nafter";
        let (calls, _) = find_calls(md, &origin(md));
        assert_eq!(calls.len(), 1);
        assert_eq!(&md[calls[0].end..], "\nafter");
        let (s, e) = calls[0].body.unwrap();
        assert_eq!(&md[s..e], "\nSome *text*.\n");
    }

    #[test]
    fn expands_and_fills_block_and_inline() {
        let md = "x {{ <em /> }} y\n\n{{ <note /> }}\n";
        let e = expand(md, &origin(md), &Fake).unwrap().unwrap();
        assert_eq!(e.text, "x \u{E000}0\u{E001} y\n\n\u{E000}1\u{E001}\n");
        let html = e.fill("<p>x \u{E000}0\u{E001} y</p>\n<p>\u{E000}1\u{E001}</p>\n".into());
        assert_eq!(html, "<p>x word y</p>\n<aside>14</aside>\n");
    }

    #[test]
    fn unknown_and_unclosed_calls_are_located() {
        let md = "line one\n  {{ <nott a=1 /> }}\n{{ <note a=1 }}\n";
        let errs = expand(md, &origin(md), &Fake).unwrap_err();
        assert_eq!(errs.len(), 2);
        let unclosed = &errs[0];
        assert_eq!((unclosed.line, unclosed.column), (Some(5), Some(1)));
        assert!(
            unclosed.message.contains("not closed"),
            "{}",
            unclosed.message
        );
        let unknown = &errs[1];
        assert_eq!(unknown.file, "content/a.md");
        assert_eq!((unknown.line, unknown.column), (Some(4), Some(3)));
        assert_eq!(unknown.message, "there is no component `nott`");
        assert_eq!(unknown.help.as_deref(), Some("did you mean `note`?"));
    }

    #[test]
    fn an_empty_output_alone_in_its_paragraph_leaves_no_paragraph() {
        let e = Expanded {
            text: String::new(),
            outputs: vec![String::new()],
        };
        let html = e.fill("<p>a</p>\n<p>\u{E000}0\u{E001}</p>\n".into());
        assert_eq!(html, "<p>a</p>\n\n");
    }

    #[test]
    fn text_without_calls_is_kept() {
        let md = "Braces {{ like this }} stay.";
        assert!(expand(md, &origin(md), &Fake).unwrap().is_none());
        let code = "Code: `{{ <note /> }}`";
        assert!(expand(code, &origin(code), &Fake).unwrap().is_none());
    }
}
