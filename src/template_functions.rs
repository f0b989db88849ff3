//! What templates can call beyond Tera's own built-ins, named and shaped as
//! Zola 0.23 names them, so a Zola theme's templates move over unchanged.
//!
//! In: a `Tera` being set up, and a [`FunctionContext`] (the site's base URL,
//! where data files are, the build's clock, and a handle the build fills with
//! the pages before templates run). Out: the same `Tera` with
//! - `tera-contrib`'s filters and tests as Zola registers them (`date`,
//!   `filesizeformat`, `slugify`, `urlencode`, `json_encode`, `regex_replace`,
//!   `striptags`, `format`, `matching`, `before`, `after`, …);
//! - Zola's functions: `get_url`, `get_page`, `get_section`, `load_data` (the
//!   loader of [`crate::data`], shared with charts), `now`,
//!   `get_image_metadata`;
//! - for each Zola feature reportsite leaves out (taxonomies, image resizing,
//!   translations, random values), a function of the same name whose call is
//!   an error naming the feature, so nothing is dropped silently.
//!
//! Builds stay reproducible: `now()` reads `SOURCE_DATE_EPOCH` (the
//! reproducible-builds convention); without it the clock is read and
//! [`Clock::was_read`] tells the build to warn. `get_random` and `shuffle` are
//! left out for the same reason.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::data::{DataRoots, Format, LoadError};

/// The time `now()` gives.
#[derive(Debug, Clone)]
pub struct Clock {
    fixed: Option<jiff::Timestamp>,
    read: Arc<AtomicBool>,
}

impl Clock {
    /// A clock fixed at `SOURCE_DATE_EPOCH` when `epoch` (that variable's
    /// value) is given; else the system clock. An `epoch` that is not a whole
    /// number of seconds is an error naming the variable.
    pub fn from_source_date_epoch(epoch: Option<&str>) -> Result<Clock, String> {
        let fixed = match epoch {
            None => None,
            Some(text) => {
                let seconds: i64 = text.trim().parse().map_err(|_| {
                    format!("SOURCE_DATE_EPOCH is `{text}`: expected a whole number of seconds since 1970-01-01 UTC")
                })?;
                Some(jiff::Timestamp::from_second(seconds).map_err(|e| {
                    format!("SOURCE_DATE_EPOCH is `{text}`, which is not a usable time: {e}")
                })?)
            }
        };
        Ok(Clock {
            fixed,
            read: Arc::new(AtomicBool::new(false)),
        })
    }

    /// Whether a template read the system clock (no `SOURCE_DATE_EPOCH`): the
    /// output then depends on when it was built.
    pub fn was_read(&self) -> bool {
        self.read.load(Ordering::Relaxed)
    }

    /// Whether `now()` reads the system clock (no `SOURCE_DATE_EPOCH`).
    pub fn is_system(&self) -> bool {
        self.fixed.is_none()
    }

    fn now(&self) -> jiff::Timestamp {
        match self.fixed {
            Some(t) => t,
            None => {
                self.read.store(true, Ordering::Relaxed);
                jiff::Timestamp::now()
            }
        }
    }
}

/// What `get_url`, `get_page` and `get_section` look up: filled by the build
/// once the pages' Markdown is rendered, before any template runs.
#[derive(Debug, Default)]
pub struct SiteIndex {
    /// Page values (as `page` in a page template) by content path (`a/b.md`).
    pub pages: BTreeMap<String, Value>,
    /// Section values by content path of their `_index.md` (`a/_index.md`).
    pub sections: BTreeMap<String, Value>,
    /// The URL path (under the base path) of each content file, by content path.
    pub urls: BTreeMap<String, String>,
}

/// A shared, replaceable [`SiteIndex`]: each build puts in its own.
pub type SiteIndexHandle = Arc<RwLock<Arc<SiteIndex>>>;

/// Everything the functions need.
#[derive(Debug, Clone)]
pub struct FunctionContext {
    /// The site's origin and base path, ending in `/` (`https://x.org/report/`).
    pub base_url: String,
    /// Where data files and images are looked for.
    pub roots: DataRoots,
    /// What `now()` reads.
    pub clock: Clock,
    /// The pages and sections, once the build has them.
    pub index: SiteIndexHandle,
}

/// Registers the filters, tests and functions listed in the module docs.
pub fn register(tera: &mut Tera, ctx: &FunctionContext) {
    register_contrib(tera);
    register_clock(tera, ctx.clock.clone());
    register_data(tera, ctx.roots.clone());
    register_urls(tera, ctx);
    register_lookups(tera, ctx.index.clone());
    register_left_out(tera);
}

fn register_contrib(tera: &mut Tera) {
    use tera_contrib as c;
    tera.register_filter("base64_encode", c::base64::b64_encode);
    tera.register_filter("base64_decode", c::base64::b64_decode);
    tera.register_filter("regex_replace", c::regex::RegexReplace::default());
    tera.register_filter("striptags", c::regex::striptags);
    tera.register_filter("spaceless", c::regex::spaceless);
    tera.register_filter("urlencode", c::urlencode::urlencode);
    tera.register_filter("urlencode_strict", c::urlencode::urlencode_strict);
    tera.register_filter("json_encode", c::json::json_encode);
    tera.register_filter("filesizeformat", c::filesize_format::filesize_format);
    tera.register_filter("format", c::format::format);
    tera.register_filter("slugify", c::slug::slug);
    // reportsite's dates are `{iso, display}` maps (the civic theme reads
    // both): the date filter and tests take such a map as its `iso` date.
    tera.register_filter(
        "date",
        |v: &Value, kwargs: Kwargs, state: &State| -> TeraResult<String> {
            c::dates::date(&iso_date(v), kwargs, state)
        },
    );
    tera.register_test("matching", c::regex::Matching::default());
    tera.register_test(
        "before",
        |v: &Value, kwargs: Kwargs, state: &State| -> TeraResult<bool> {
            c::dates::is_before(&iso_date(v), kwargs, state)
        },
    );
    tera.register_test(
        "after",
        |v: &Value, kwargs: Kwargs, state: &State| -> TeraResult<bool> {
            c::dates::is_after(&iso_date(v), kwargs, state)
        },
    );
}

/// A date value as tera-contrib reads it: a `{iso, display}` map (how
/// reportsite's views give dates) becomes its `iso` text; anything else is kept.
fn iso_date(v: &Value) -> Value {
    match v.get_from_path("iso") {
        Some(iso) if v.is_map() => iso.clone(),
        _ => v.clone(),
    }
}

fn register_clock(tera: &mut Tera, clock: Clock) {
    tera.register_function(
        "now",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            // Zola's arguments: `utc` changes nothing for a timestamp (always
            // UTC here), `timestamp=true` gives seconds instead of the date.
            let _utc: bool = kwargs.get("utc")?.unwrap_or(false);
            let seconds: bool = kwargs.get("timestamp")?.unwrap_or(false);
            let now = clock.now();
            Ok(if seconds {
                Value::from(now.as_second())
            } else {
                Value::from(now.to_string())
            })
        },
    );
}

fn register_data(tera: &mut Tera, roots: DataRoots) {
    let images = roots.clone();
    tera.register_function(
        "load_data",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> { load_data(&roots, &kwargs) },
    );
    tera.register_function(
        "get_image_metadata",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> { image_metadata(&images, &kwargs) },
    );
}

/// `load_data(path=…, format=…, required=…)` or `load_data(literal=…, format=…)`.
fn load_data(roots: &DataRoots, kwargs: &Kwargs) -> TeraResult<Value> {
    if kwargs.get::<&str>("url")?.is_some() {
        return Err(tera::Error::message(
            "load_data(url=…) is not supported: a reportsite build reads only the site folder, so the same input gives the same site; save the data in the site (e.g. `data/figures.json`) and use path=",
        ));
    }
    let format = match kwargs.get::<&str>("format")? {
        Some(name) => Some(Format::from_name(name).map_err(tera::Error::message)?),
        None => None,
    };
    if let Some(text) = kwargs.get::<&str>("literal")? {
        let data = crate::data::parse(
            "load_data(literal=…)",
            text,
            format.unwrap_or(Format::Plain),
        )
        .map_err(|d| tera::Error::message(d.message))?;
        return Ok(Value::from_serializable(&data.to_json()));
    }
    let path: &str = kwargs.must_get("path")?;
    let required: bool = kwargs.get("required")?.unwrap_or(true);
    match roots.load(path, format) {
        Ok(Some(data)) => Ok(Value::from_serializable(&data.to_json())),
        Ok(None) if !required => Ok(Value::none()),
        Ok(None) => Err(tera::Error::message(format!(
            "load_data: there is no data file `{path}` (looked in the site folder, static/, content/ and the theme's static/); check the path, or pass required=false"
        ))),
        Err(LoadError::Request(m)) => Err(tera::Error::message(format!("load_data: {m}"))),
        Err(LoadError::File(d)) => Err(tera::Error::message(format!(
            "load_data: {}: {}",
            d.location(),
            d.message
        ))),
    }
}

/// `get_image_metadata(path=…, allow_missing=…)`: width, height, format and mime.
fn image_metadata(roots: &DataRoots, kwargs: &Kwargs) -> TeraResult<Value> {
    let path: &str = kwargs.must_get("path")?;
    let allow_missing: bool = kwargs.get("allow_missing")?.unwrap_or(false);
    let found = roots
        .find(path)
        .map_err(|m| tera::Error::message(format!("get_image_metadata: {m}")))?;
    let Some(found) = found else {
        return if allow_missing {
            Ok(Value::none())
        } else {
            Err(tera::Error::message(format!(
                "get_image_metadata: there is no image `{path}` in the site folder, static/, content/ or the theme's static/"
            )))
        };
    };
    let size = imagesize::size(&found.path).map_err(|e| {
        tera::Error::message(format!(
            "get_image_metadata: cannot read `{}` as an image: {e}",
            found.rel
        ))
    })?;
    let kind = image_header(&found.path).and_then(|h| imagesize::image_type(&h).ok());
    let (format, mime) = kind.map(image_format).unwrap_or(("", ""));
    let mut map = tera::Map::new();
    map.insert("width".into(), Value::from(size.width));
    map.insert("height".into(), Value::from(size.height));
    map.insert("format".into(), Value::from(format));
    map.insert("mime".into(), Value::from(mime));
    Ok(Value::from(map))
}

/// The first bytes of a file, enough for `imagesize` to tell its type.
fn image_header(path: &std::path::Path) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::with_capacity(4096);
    std::fs::File::open(path)
        .ok()?
        .take(4096)
        .read_to_end(&mut head)
        .ok()?;
    Some(head)
}

fn image_format(kind: imagesize::ImageType) -> (&'static str, &'static str) {
    use imagesize::ImageType as T;
    match kind {
        T::Png => ("png", "image/png"),
        T::Jpeg => ("jpg", "image/jpeg"),
        T::Gif => ("gif", "image/gif"),
        T::Webp => ("webp", "image/webp"),
        T::Bmp => ("bmp", "image/bmp"),
        T::Ico => ("ico", "image/x-icon"),
        T::Tiff => ("tiff", "image/tiff"),
        _ => ("", ""),
    }
}

fn register_urls(tera: &mut Tera, ctx: &FunctionContext) {
    let base = ctx.base_url.clone();
    let index = ctx.index.clone();
    tera.register_function("get_url", move |kwargs: Kwargs, _: &State| -> TeraResult<String> {
        let path: &str = kwargs.must_get("path")?;
        let trailing: bool = kwargs.get("trailing_slash")?.unwrap_or(false);
        if kwargs.get::<bool>("cachebust")?.unwrap_or(false) {
            return Err(tera::Error::message(
                "get_url(cachebust=true) is not supported: reportsite fingerprints nothing by query string; leave cachebust out",
            ));
        }
        url_for(&base, &read(&index), path, trailing)
    });
}

/// The permalink of `path`: `@/x.md` is a content file's page (which must
/// exist), anything else a file under the base URL.
fn url_for(base: &str, index: &SiteIndex, path: &str, trailing: bool) -> TeraResult<String> {
    if let Some(content) = path.strip_prefix("@/") {
        let content = content.split('#').next().unwrap_or(content);
        let fragment = path.find('#').map(|i| &path[i..]).unwrap_or("");
        return match index.urls.get(content) {
            Some(url) => Ok(format!("{base}{}{fragment}", url.trim_start_matches('/'))),
            None => Err(tera::Error::message(format!(
                "get_url: there is no page for `{path}`: the path is relative to content/ (`@/chapter/page.md`, `@/chapter/_index.md`), and a draft's pages are not published"
            ))),
        };
    }
    let mut url = format!("{base}{}", path.trim_start_matches('/'));
    if trailing && !url.ends_with('/') {
        url.push('/');
    }
    Ok(url)
}

fn read(index: &SiteIndexHandle) -> Arc<SiteIndex> {
    index.read().unwrap_or_else(|e| e.into_inner()).clone()
}

fn register_lookups(tera: &mut Tera, index: SiteIndexHandle) {
    let sections = index.clone();
    tera.register_function(
        "get_page",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            lookup(
                "get_page",
                &read(&index).pages,
                &kwargs,
                "`chapter/page.md`",
            )
        },
    );
    tera.register_function(
        "get_section",
        move |kwargs: Kwargs, _: &State| -> TeraResult<Value> {
            lookup(
                "get_section",
                &read(&sections).sections,
                &kwargs,
                "`chapter/_index.md`",
            )
        },
    );
}

fn lookup(
    name: &str,
    map: &BTreeMap<String, Value>,
    kwargs: &Kwargs,
    example: &str,
) -> TeraResult<Value> {
    // A path, or a value with a `relative_path` (an entry of `page.ancestors`,
    // which in reportsite are links rather than Zola's bare paths).
    let given: Value = kwargs.must_get("path")?;
    let path: &str = match given.as_str() {
        Some(p) => p,
        None => given
            .get_from_path("relative_path")
            .and_then(Value::as_str)
            .ok_or_else(|| {
                tera::Error::message(format!(
                    "{name}: `path` must be a content path such as {example}"
                ))
            })?,
    };
    let allow_missing: bool = kwargs.get("allow_missing")?.unwrap_or(false);
    let key = path.trim_start_matches("@/").trim_start_matches('/');
    match map.get(key) {
        Some(v) => Ok(v.clone()),
        None if allow_missing => Ok(Value::none()),
        None => Err(tera::Error::message(format!(
            "{name}: there is no `{path}`: the path is relative to content/ ({example}), and a draft's pages are not published; pass allow_missing=true to accept that"
        ))),
    }
}

/// Zola functions for features reportsite leaves out, each with why.
const LEFT_OUT: &[(&str, &str)] = &[
    ("get_taxonomy", "taxonomies"),
    ("get_taxonomy_term", "taxonomies"),
    ("get_taxonomy_url", "taxonomies"),
    ("resize_image", "image processing"),
    ("trans", "translations (multilingual sites)"),
    ("get_hash", "subresource hashes"),
    (
        "get_random",
        "random values (a build must give the same output every time)",
    ),
];

fn register_left_out(tera: &mut Tera) {
    for &(name, feature) in LEFT_OUT {
        tera.register_function(name, move |_: Kwargs, _: &State| -> TeraResult<Value> {
            Err(tera::Error::message(format!(
                "`{name}` is a Zola function for {feature}, which reportsite does not have; see docs/from-zola.md for what to use instead"
            )))
        });
    }
    tera.register_filter("shuffle", |_: &Value, _: Kwargs, _: &State| -> TeraResult<Value> {
        Err(tera::Error::message(
            "`shuffle` is left out: a reportsite build must give the same output every time; sort the list instead",
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tera_with(ctx: &FunctionContext, template: &str) -> Tera {
        let mut tera = Tera::new();
        register(&mut tera, ctx);
        tera.add_raw_template("t.html", template).unwrap();
        tera
    }

    fn ctx(site: &std::path::Path, epoch: Option<&str>) -> FunctionContext {
        FunctionContext {
            base_url: "https://example.gov.uk/report/".into(),
            roots: DataRoots {
                site: site.to_path_buf(),
                theme_static: None,
            },
            clock: Clock::from_source_date_epoch(epoch).unwrap(),
            index: SiteIndexHandle::default(),
        }
    }

    fn render(ctx: &FunctionContext, template: &str) -> Result<String, String> {
        tera_with(ctx, template)
            .render("t.html", &tera::Context::new())
            .map_err(|e| format!("{e:?}"))
    }

    fn temp_site(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("reportsite-fns-{name}-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("static/data")).unwrap();
        dir
    }

    #[test]
    fn now_reads_source_date_epoch_and_only_then_is_reproducible() {
        let c = ctx(std::path::Path::new("."), Some("1700000000"));
        assert_eq!(
            render(&c, "{{ now(timestamp=true) }}").unwrap(),
            "1700000000"
        );
        assert_eq!(render(&c, "{{ now() }}").unwrap(), "2023-11-14T22:13:20Z");
        assert!(!c.clock.was_read());
        let c = ctx(std::path::Path::new("."), None);
        render(&c, "{{ now() }}").unwrap();
        assert!(c.clock.was_read());
        assert!(
            Clock::from_source_date_epoch(Some("yesterday"))
                .unwrap_err()
                .contains("SOURCE_DATE_EPOCH")
        );
    }

    #[test]
    fn load_data_reads_csv_as_zola_does_and_refuses_urls() {
        let dir = temp_site("load");
        std::fs::write(dir.join("static/data/r.csv"), "Year,N\n2012,3\n").unwrap();
        let c = ctx(&dir, Some("0"));
        let t =
            "{% set d = load_data(path=\"data/r.csv\") %}{{ d.headers[1] }}={{ d.records[0][1] }}";
        assert_eq!(render(&c, t).unwrap(), "N=3");
        let t = "{% set j = load_data(literal='{\"a\": 2}', format=\"json\") %}{{ j.a }}";
        assert_eq!(render(&c, t).unwrap(), "2");
        let missing = render(&c, "{{ load_data(path=\"nope.csv\") }}").unwrap_err();
        assert!(missing.contains("no data file `nope.csv`"), "{missing}");
        assert_eq!(
            render(&c, "{{ load_data(path=\"nope.csv\", required=false) }}").unwrap(),
            ""
        );
        let url = render(&c, "{{ load_data(url=\"https://x.org/a.json\") }}").unwrap_err();
        assert!(url.contains("not supported"), "{url}");
        std::fs::write(dir.join("static/data/bad.json"), "{\n\"a\" 1}").unwrap();
        let bad = render(&c, "{{ load_data(path=\"data/bad.json\") }}").unwrap_err();
        assert!(bad.contains("static/data/bad.json:2:5"), "{bad}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn get_url_and_lookups_use_the_site_index() {
        let c = ctx(std::path::Path::new("."), Some("0"));
        let mut index = SiteIndex::default();
        index.urls.insert("a/b.md".into(), "/a/b/".into());
        index.pages.insert("a/b.md".into(), Value::from("page b"));
        *c.index.write().unwrap() = Arc::new(index);
        assert_eq!(
            render(
                &c,
                "{{ get_url(path=\"@/a/b.md#x\") }} {{ get_url(path=\"/css/s.css\") }}"
            )
            .unwrap(),
            "https://example.gov.uk/report/a/b/#x https://example.gov.uk/report/css/s.css"
        );
        assert_eq!(
            render(&c, "{{ get_page(path=\"a/b.md\") }}").unwrap(),
            "page b"
        );
        let e = render(&c, "{{ get_url(path=\"@/a/c.md\") }}").unwrap_err();
        assert!(e.contains("no page for `@/a/c.md`"), "{e}");
        assert_eq!(
            render(
                &c,
                "{{ get_section(path=\"a/_index.md\", allow_missing=true) }}"
            )
            .unwrap(),
            ""
        );
    }

    #[test]
    fn contrib_filters_work_and_left_out_features_are_named() {
        let c = ctx(std::path::Path::new("."), Some("0"));
        assert_eq!(
            render(&c, "{{ \"Hello World\" | slugify }}").unwrap(),
            "hello-world"
        );
        assert_eq!(
            render(&c, "{{ \"2024-03-01\" | date(format=\"%d %B %Y\") }}").unwrap(),
            "01 March 2024"
        );
        assert_eq!(render(&c, "{{ 2048 | filesizeformat }}").unwrap(), "2 KiB");
        let e = render(&c, "{{ get_taxonomy(kind=\"tags\") }}").unwrap_err();
        assert!(e.contains("taxonomies"), "{e}");
        let e = render(&c, "{{ [1, 2] | shuffle }}").unwrap_err();
        assert!(e.contains("same output"), "{e}");
    }

    #[test]
    fn image_metadata_reads_the_header() {
        let dir = temp_site("img");
        // A 1×1 PNG.
        let png: &[u8] = &[
            0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R', 0,
            0, 0, 3, 0, 0, 0, 2, 8, 6, 0, 0, 0, 0, 0, 0, 0,
        ];
        std::fs::write(dir.join("static/p.png"), png).unwrap();
        let c = ctx(&dir, Some("0"));
        let t = "{% set m = get_image_metadata(path=\"p.png\") %}{{ m.width }}x{{ m.height }} {{ m.mime }}";
        assert_eq!(render(&c, t).unwrap(), "3x2 image/png");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
