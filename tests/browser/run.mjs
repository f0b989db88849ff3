#!/usr/bin/env node
// Browser accessibility test of a built reportsite site.
//
//   node tests/browser/run.mjs [SITE_DIR] [--base /sub/path/]
//
// Serves SITE_DIR on 127.0.0.1 (a free port), opens every .html file of it in
// Debian's headless Chromium (/usr/bin/chromium, never a downloaded browser)
// and, for each page:
//   - axe-core (WCAG 2.0/2.1/2.2 A and AA + best-practice) at 1280 and 320 CSS px,
//   - no sideways scrolling at 320 CSS px (WCAG 1.4.10 Reflow),
//   - HTML_CodeSniffer, standard WCAG2AA (errors fail, warnings are reported),
//   - the reader checks (what a person meets, which the engines do not see):
//     the h1 starts in the first screen at 320 x 256 CSS px (400 % zoom), no
//     text clipped, no empty sections, at most 6 tab stops before <main>, no
//     sideways scrolling in the dark scheme (320 px) or in print (A4 width).
//
//   node tests/browser/run.mjs --self-test
// runs the reader checks on the hand-written pages in fixtures/: each must fail
// exactly the check it names (and pass.html none), or the self-test fails.
//
// Exit status: 0 when nothing failed, 1 when something did, 2 when the test
// itself could not run (no Chromium, a page that does not load, bad usage).
// See README.md beside this file.

import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fs from 'node:fs';
import path from 'node:path';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

const CHROMIUM = '/usr/bin/chromium';
const WIDTHS = [1280, 320];
const HEIGHT = 900;
const REFLOW_WIDTH = 320;
// 400 % zoom of a 1280 x 1024 screen: the h1 must start within this first screen.
const ZOOM_VIEWPORT = { width: 320, height: 256 };
const MAX_TAB_STOPS = 6;
// Print media is checked at the width of the printed text on A4 paper: 794 CSS
// px less 2 cm margins each side (a stylesheet's @page margins are about that).
const PRINT_WIDTH = 640;
// Body text on wide screens, as GOV.UK sets it from 641 px.
const MIN_WIDE_TEXT_PX = 19;
// The reader checks, in the order they are reported. `sideways-scroll` is the
// reflow check above (counted under "overflow"); the others count as "reader".
const READER_CHECKS = {
  'h1-first-screen': 'the h1 starts within the first screen at 320 x 256 CSS px',
  'clipped-text': 'no text cut off by overflow: hidden/clip or text-overflow: ellipsis (outside labelled scroll regions)',
  'sideways-scroll': 'no sideways scrolling at 320 CSS px',
  'empty-section': 'no heading followed directly by a heading of the same or higher rank',
  'tab-stops': `at most ${MAX_TAB_STOPS} tab stops before <main>`,
  'dark-overflow': 'no sideways scrolling at 320 CSS px in the dark colour scheme',
  'print-overflow': `no sideways scrolling with print media at ${PRINT_WIDTH} CSS px (A4 less margins)`,
  'text-size': `body text at least ${MIN_WIDE_TEXT_PX} CSS px at 1280 px (GOV.UK's size from 641 px)`,
};
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];
const HTMLCS_STANDARD = 'WCAG2AA';
const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.csv': 'text/csv; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.vtt': 'text/vtt; charset=utf-8',
};

// ---------------------------------------------------------------- arguments

function usage(code, msg) {
  if (msg) process.stderr.write(`browser-a11y: ${msg}\n`);
  (code ? process.stderr : process.stdout).write(
    'usage: node run.mjs [SITE_DIR] [--base /sub/path/]\n' +
      '       node run.mjs --self-test\n' +
      '  SITE_DIR     folder of built HTML (default: public/ of the repository)\n' +
      '  --base       URL path the site is served under, e.g. /westmoor/ (default: /)\n' +
      '  --self-test  run the reader checks on fixtures/: each page must fail exactly its check\n',
  );
  process.exit(code);
}

function parseArgs(argv) {
  let site = null;
  let base = '/';
  let selfTest = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') usage(0);
    else if (a === '--base' || a.startsWith('--base=')) {
      const v = a === '--base' ? argv[++i] : a.slice('--base='.length);
      if (v === undefined || v === '') usage(2, '--base needs a path such as /westmoor/');
      base = v;
    } else if (a === '--self-test') selfTest = true;
    else if (a.startsWith('-')) usage(2, `unknown option ${a}`);
    else if (site === null) site = a;
    else usage(2, `one SITE_DIR only (got ${site} and ${a})`);
  }
  // Normalise the base to "/x/y/": one leading and one trailing slash.
  const parts = base.split('/').filter(Boolean);
  if (parts.some((p) => p === '.' || p === '..')) usage(2, `bad --base ${base}`);
  base = parts.length ? `/${parts.join('/')}/` : '/';
  if (selfTest) {
    if (site !== null) usage(2, '--self-test takes no SITE_DIR');
    site = path.join(HERE, 'fixtures');
  }
  if (site === null) {
    site = fs.existsSync('public') ? 'public' : path.resolve(HERE, '..', '..', 'public');
  }
  site = path.resolve(site);
  if (!fs.existsSync(site) || !fs.statSync(site).isDirectory()) usage(2, `no such folder: ${site}`);
  return { site: fs.realpathSync(site), base, selfTest };
}

// ---------------------------------------------------------------- the site

// Every .html file under root, as paths relative to root with "/" separators,
// skipping dot-folders and node_modules. Sorted so that the output is stable.
function findPages(root) {
  const out = [];
  const walk = (dir, rel) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const abs = path.join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(abs, r);
      else if (e.isFile() && /\.html?$/i.test(e.name)) out.push(r);
    }
  };
  walk(root, '');
  return out.sort((a, b) => (a === 'index.html' ? -1 : b === 'index.html' ? 1 : a < b ? -1 : a > b ? 1 : 0));
}

// The URL path a reader uses for a file: "x/index.html" is "x/".
function urlPathFor(rel, base) {
  const r = rel === 'index.html' ? '' : rel.replace(/(^|\/)index\.html$/, '$1');
  return base + r.split('/').map(encodeURIComponent).join('/');
}

// ---------------------------------------------------------------- the server

function startServer(root, base) {
  const notFoundFile = path.join(root, '404.html');
  const inside = (p) => p === root || p.startsWith(root + path.sep);

  const send = (req, res, status, headers, body) => {
    res.writeHead(status, { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...headers });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  const notFound = (req, res) => {
    let body = 'Not found\n';
    let type = MIME['.txt'];
    try {
      body = fs.readFileSync(notFoundFile);
      type = MIME['.html'];
    } catch {
      /* the site has no 404.html */
    }
    send(req, res, 404, { 'Content-Type': type }, body);
  };

  const server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, 405, { Allow: 'GET, HEAD', 'Content-Type': MIME['.txt'] }, 'Method not allowed\n');
    }
    let pathname;
    let rawPath;
    try {
      rawPath = new URL(req.url, 'http://127.0.0.1').pathname;
      pathname = decodeURIComponent(rawPath);
    } catch {
      return send(req, res, 400, { 'Content-Type': MIME['.txt'] }, 'Bad request\n');
    }
    if (pathname.includes('\0')) return send(req, res, 400, { 'Content-Type': MIME['.txt'] }, 'Bad request\n');
    if (base !== '/' && pathname === base.slice(0, -1)) return send(req, res, 301, { Location: base }, '');
    if (!pathname.startsWith(base)) return notFound(req, res);

    const rel = pathname.slice(base.length);
    const target = path.resolve(root, '.' + path.sep + rel);
    // Refuse anything outside the site folder: "..", and symbolic links out of it.
    if (!inside(target)) return send(req, res, 403, { 'Content-Type': MIME['.txt'] }, 'Forbidden\n');
    let real;
    try {
      real = fs.realpathSync(target);
    } catch {
      return notFound(req, res);
    }
    if (!inside(real)) return send(req, res, 403, { 'Content-Type': MIME['.txt'] }, 'Forbidden\n');

    let file = real;
    let st = fs.statSync(file);
    if (st.isDirectory()) {
      if (!pathname.endsWith('/')) {
        const q = req.url.indexOf('?');
        return send(req, res, 301, { Location: rawPath + '/' + (q >= 0 ? req.url.slice(q) : '') }, '');
      }
      file = path.join(real, 'index.html');
      try {
        st = fs.statSync(file);
      } catch {
        return notFound(req, res);
      }
    }
    if (!st.isFile()) return notFound(req, res);
    const type = MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
    send(req, res, 200, { 'Content-Type': type, 'Content-Length': st.size }, fs.readFileSync(file));
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------- in the page
// These functions are serialised by playwright and run inside the page.

async function axeInPage(tags) {
  const r = await window.axe.run(document, {
    runOnly: { type: 'tag', values: tags },
    resultTypes: ['violations'],
  });
  return r.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.length,
    targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
    summary: v.nodes[0] ? String(v.nodes[0].failureSummary || '').replace(/\s+/g, ' ').trim().slice(0, 300) : '',
  }));
}

function htmlcsInPage(standard) {
  // A short CSS path for an element, to say where a message is.
  const where = (el) => {
    if (!el || el.nodeType !== 1) return el === document ? 'document' : '(no element)';
    const parts = [];
    for (let e = el; e && e.nodeType === 1; e = e.parentElement) {
      if (e.id && document.querySelectorAll(`#${CSS.escape(e.id)}`).length === 1) {
        parts.unshift(`#${CSS.escape(e.id)}`);
        break;
      }
      let s = e.localName;
      const sibs = e.parentElement ? [...e.parentElement.children].filter((c) => c.localName === e.localName) : [];
      if (sibs.length > 1) s += `:nth-of-type(${sibs.indexOf(e) + 1})`;
      parts.unshift(s);
      if (e.localName === 'body' || e.localName === 'html') break;
    }
    return parts.join(' > ');
  };
  return new Promise((resolve, reject) => {
    const done = () => {
      const out = { errors: [], warnings: [] };
      for (const m of window.HTMLCS.getMessages()) {
        if (m.type !== 1 && m.type !== 2) continue; // 3 = notice
        const item = { code: m.code, msg: String(m.msg || '').slice(0, 300), where: where(m.element) };
        (m.type === 1 ? out.errors : out.warnings).push(item);
      }
      resolve(out);
    };
    try {
      window.HTMLCS.process(standard, document, done, (e) => reject(new Error(`HTML_CodeSniffer failed: ${e}`)), 'en');
    } catch (e) {
      reject(e);
    }
  });
}

// Sideways scrolling: the page fails when the root scrolls horizontally. Then
// name the widest element that sticks out past the right edge (skipping
// elements inside a box that clips or scrolls them, which cannot be the cause).
function overflowInPage() {
  const de = document.documentElement;
  const scrollWidth = de.scrollWidth;
  const clientWidth = de.clientWidth;
  if (scrollWidth <= clientWidth) return null;
  const describe = (el) => {
    let s = el.localName;
    if (el.id) s += `#${el.id}`;
    const cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean) : [];
    if (cls.length) s += '.' + cls.slice(0, 3).join('.');
    const parent = el.parentElement;
    if (parent && parent !== document.body && parent !== de) {
      let p = parent.localName;
      if (parent.id) p += `#${parent.id}`;
      const pc = typeof parent.className === 'string' ? parent.className.trim().split(/\s+/).filter(Boolean) : [];
      if (pc.length) p += '.' + pc.slice(0, 2).join('.');
      s = `${p} > ${s}`;
    }
    return s;
  };
  const clippedByAncestor = (el) => {
    for (let a = el.parentElement; a && a !== document.body && a !== de; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  let best = null;
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.right <= clientWidth + 0.5) continue;
    if (clippedByAncestor(el)) continue;
    // ">=": on a tie the later element (a descendant of the earlier one) wins.
    if (!best || r.width >= best.width) best = { el, width: r.width, right: r.right };
  }
  return {
    scrollWidth,
    clientWidth,
    element: best ? describe(best.el) : '(none found)',
    width: best ? Math.round(best.width) : null,
    right: best ? Math.round(best.right) : null,
    html: best ? best.el.outerHTML.slice(0, 160) : null,
  };
}

// ---- the reader checks (in the page)

// Elements a reader cannot see: not rendered, or hidden on purpose by the
// "visually hidden" pattern (a 1 px box that clips its content, or
// clip-path: inset(50%)), used for skip links and screen-reader-only text.
// Shared with the checks below as `window.__readerHidden`.
function installReaderHelpersInPage() {
  window.__readerHidden = (el) => {
    if (!el.checkVisibility({ visibilityProperty: true })) return true;
    const cs = getComputedStyle(el);
    if (/inset\(\s*50%/.test(cs.clipPath) || /^rect\(0(px)?,?\s*0(px)?/.test(cs.clip)) return true;
    const r = el.getBoundingClientRect();
    const clips = cs.overflowX !== 'visible' || cs.overflowY !== 'visible';
    return clips && (r.width <= 1 || r.height <= 1);
  };
  window.__readerDescribe = (el) => {
    let s = el.localName;
    if (el.id) s += `#${el.id}`;
    const cls = typeof el.className === 'string' ? el.className.trim().split(/\s+/).filter(Boolean) : [];
    if (cls.length) s += '.' + cls.slice(0, 3).join('.');
    const text = (el.textContent || '').replace(/\s+/g, ' ').trim();
    return text ? `${s} "${text.slice(0, 60)}${text.length > 60 ? '…' : ''}"` : s;
  };
  return true;
}

// The top of the first visible h1, with the page scrolled to the top.
function h1TopInPage() {
  window.scrollTo(0, 0);
  const h1 = [...document.querySelectorAll('h1')].find((h) => !window.__readerHidden(h));
  if (!h1) return { top: null, height: window.innerHeight };
  return { top: Math.round(h1.getBoundingClientRect().top), height: window.innerHeight };
}

// Text cut off: an element that clips its overflow (overflow hidden or clip,
// or text-overflow: ellipsis) and whose content is larger than its box.
// Visually hidden text and labelled scroll regions (role=region with a name)
// do not count.
function clippedTextInPage() {
  const out = [];
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    const cs = getComputedStyle(el);
    const clipX = cs.overflowX === 'hidden' || cs.overflowX === 'clip';
    const clipY = cs.overflowY === 'hidden' || cs.overflowY === 'clip';
    const ellipsis = cs.textOverflow === 'ellipsis';
    if (!clipX && !clipY && !ellipsis) continue;
    if (cs.display === 'inline' || cs.display === 'contents' || cs.display === 'none') continue;
    if (!/\S/.test(el.textContent || '')) continue;
    if (window.__readerHidden(el)) continue;
    if (el.closest('[role=region][aria-label], [role=region][aria-labelledby]')) continue;
    const cutX = (clipX || ellipsis) && el.scrollWidth > el.clientWidth + 1;
    const cutY = clipY && el.scrollHeight > el.clientHeight + 1;
    if (cutX || cutY) {
      out.push(
        `${window.__readerDescribe(el)}: content ${el.scrollWidth}x${el.scrollHeight} px in a ${el.clientWidth}x${el.clientHeight} px box` +
          (ellipsis ? ' (text-overflow: ellipsis)' : ''),
      );
    }
  }
  return out;
}

// Empty sections: a visible heading followed, with no visible content in
// between, by a heading of the same or higher rank (h2 then h2 or h1). One
// walk through the document in order; hidden subtrees are skipped.
function emptySectionsInPage() {
  const out = [];
  const levelOf = (el) => {
    if (el.getAttribute('role') === 'heading') return parseInt(el.getAttribute('aria-level') || '2', 10) || 2;
    const m = /^h([1-6])$/.exec(el.localName);
    return m ? parseInt(m[1], 10) : 0;
  };
  const MEDIA = new Set(['img', 'svg', 'video', 'audio', 'canvas', 'iframe', 'object', 'embed', 'input', 'select', 'textarea', 'button', 'meter', 'progress']);
  let open = null; // the last heading: { el, level, content }
  const walk = (node) => {
    for (let n = node.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) {
        if (open && /\S/.test(n.data)) open.content = true;
        continue;
      }
      if (n.nodeType !== 1 || window.__readerHidden(n)) continue;
      const level = levelOf(n);
      if (level) {
        if (open && !open.content && level <= open.level) {
          out.push(`${window.__readerDescribe(open.el)} (level ${open.level}) is followed directly by ${window.__readerDescribe(n)} (level ${level})`);
        }
        open = { el: n, level, content: false };
        continue; // a heading's own text is not the content of its section
      }
      if (open && MEDIA.has(n.localName)) open.content = true;
      walk(n);
    }
  };
  if (document.body) walk(document.body);
  return out;
}

// Where focus is: before <main> (not in it, not after it), or done.
function focusBeforeMainInPage() {
  const a = document.activeElement;
  if (!a || a === document.body || a === document.documentElement) return { done: true };
  const main = document.querySelector('main');
  if (main && (a === main || main.contains(a) || main.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING)) {
    return { done: true };
  }
  return { done: false, what: window.__readerDescribe(a) };
}

// Wait until the page has laid itself out at the current size.
// The body text size of <main>, in CSS px: the font size that most of the
// text of its visible paragraphs is set in (so a lede or a caption does not
// count as body text), or null without paragraphs.
function textSizeInPage() {
  // A redirect stub (an alias's old address) is not read: it moves on.
  if (document.querySelector('meta[http-equiv="refresh" i]')) return null;
  const chars = new Map();
  for (const p of document.querySelectorAll('main p')) {
    const n = p.textContent.trim().length;
    if (!n || window.__readerHidden(p)) continue;
    const size = parseFloat(getComputedStyle(p).fontSize);
    chars.set(size, (chars.get(size) || 0) + n);
  }
  let best = null;
  for (const [size, n] of chars) if (best === null || n > chars.get(best)) best = size;
  return best;
}

function settleInPage() {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(true))));
}

// ---------------------------------------------------------------- reader checks

// The tab stops before <main>, counted with the real Tab key from a freshly
// loaded page (so the browser decides what is focusable and shown).
async function tabStopsBeforeMain(page, limit = 40) {
  const stops = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab');
    const s = await page.evaluate(focusBeforeMainInPage);
    if (s.done) break;
    stops.push(s.what);
  }
  return stops;
}

// The reader checks at the wide size, on a page freshly loaded at 1280 px.
async function readerChecksWide(page) {
  await page.evaluate(installReaderHelpersInPage);
  return {
    tabs: await tabStopsBeforeMain(page),
    empty: await page.evaluate(emptySectionsInPage),
    clipped: await page.evaluate(clippedTextInPage),
    textSize: await page.evaluate(textSizeInPage),
  };
}

// The reader checks at 320 x 256 CSS px. Reloads the page at that size first,
// so that the tab order starts from the top of a fresh document.
async function readerChecksNarrow(page) {
  await page.setViewportSize(ZOOM_VIEWPORT);
  await page.reload({ waitUntil: 'load' });
  await page.evaluate(installReaderHelpersInPage);
  await page.evaluate(settleInPage);
  const out = {
    h1: await page.evaluate(h1TopInPage),
    clipped: await page.evaluate(clippedTextInPage),
    empty: await page.evaluate(emptySectionsInPage),
    tabs: await tabStopsBeforeMain(page),
  };
  await page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
  try {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(settleInPage);
    out.dark = await page.evaluate(overflowInPage);
    await page.emulateMedia({ colorScheme: 'light', media: 'print' });
    await page.setViewportSize({ width: PRINT_WIDTH, height: ZOOM_VIEWPORT.height });
    await page.evaluate(settleInPage);
    out.print = await page.evaluate(overflowInPage);
  } finally {
    await page.emulateMedia({ colorScheme: null, media: null });
  }
  return out;
}

// The failed reader checks of a page, as [{ check, message }]; the sideways
// scroll check is the reflow check's result (`overflow`).
function readerFailures(wide, narrow, overflow) {
  const f = [];
  const add = (check, message) => f.push({ check, message });
  if (narrow.h1.top === null) add('h1-first-screen', 'no visible h1');
  else if (narrow.h1.top < 0 || narrow.h1.top >= narrow.h1.height) {
    add('h1-first-screen', `the h1 starts ${narrow.h1.top} px down, below the first screen (${narrow.h1.height} px high)`);
  }
  const clipped = [...new Set([...narrow.clipped.map((c) => `at 320 px: ${c}`), ...wide.clipped.map((c) => `at 1280 px: ${c}`)])];
  if (clipped.length) add('clipped-text', clipped.slice(0, 5).join('; '));
  if (overflow) add('sideways-scroll', `scrollWidth ${overflow.scrollWidth} > clientWidth ${overflow.clientWidth}; widest element: ${overflow.element}`);
  const empty = [...new Set([...narrow.empty, ...wide.empty])];
  if (empty.length) add('empty-section', empty.slice(0, 5).join('; '));
  const most = narrow.tabs.length >= wide.tabs.length ? { width: 320, stops: narrow.tabs } : { width: 1280, stops: wide.tabs };
  if (most.stops.length > MAX_TAB_STOPS) {
    add('tab-stops', `${most.stops.length} tab stops before <main> at ${most.width} px (at most ${MAX_TAB_STOPS}): ${most.stops.join(', ')}`);
  }
  if (narrow.dark) add('dark-overflow', `scrollWidth ${narrow.dark.scrollWidth} > clientWidth ${narrow.dark.clientWidth}; widest element: ${narrow.dark.element}`);
  if (wide.textSize !== null && wide.textSize < MIN_WIDE_TEXT_PX) {
    add('text-size', `body text is ${wide.textSize} px at 1280 px (at least ${MIN_WIDE_TEXT_PX})`);
  }
  if (narrow.print) add('print-overflow', `at ${PRINT_WIDTH} px: scrollWidth ${narrow.print.scrollWidth} > clientWidth ${narrow.print.clientWidth}; widest element: ${narrow.print.element}`);
  return f;
}

// ---------------------------------------------------------------- output

function pad(s, n) {
  s = String(s);
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => pad(c, widths[i])).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

// ---------------------------------------------------------------- self-test

// Runs the reader checks (and the reflow check) on each hand-written page of
// fixtures/. A page names the one check it is made to break in
// <meta name="expect-fail" content="CHECK"> (empty on pass.html); the
// self-test passes only when every page fails exactly that check and every
// check has a page that breaks it. axe and HTML_CodeSniffer are not run here.
async function selfTest(dir) {
  const files = findPages(dir);
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`browser-a11y: no Chromium at ${CHROMIUM}; install it with: apt-get install -y chromium`);
    process.exit(2);
  }
  const { chromium } = require('playwright-core');
  const server = await startServer(dir, '/');
  const origin = `http://127.0.0.1:${server.address().port}`;
  const rows = [['fixture', 'expected to fail', 'failed', 'result']];
  const problems = [];
  const covered = new Set();
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
    const context = await browser.newContext({ viewport: { width: WIDTHS[0], height: HEIGHT }, deviceScaleFactor: 1, reducedMotion: 'reduce' });
    await context.route('**/*', (route) =>
      route.request().url().startsWith(origin + '/') ? route.continue() : route.abort('blockedbyclient'),
    );
    const page = await context.newPage();
    for (const file of files) {
      const html = fs.readFileSync(path.join(dir, file), 'utf8');
      const m = /<meta\s+name="expect-fail"\s+content="([^"]*)"/i.exec(html);
      if (!m) {
        problems.push(`${file}: no <meta name="expect-fail" content="CHECK"> (empty content for a page that must pass)`);
        continue;
      }
      const expected = m[1].trim();
      if (expected && !READER_CHECKS[expected]) problems.push(`${file}: unknown check "${expected}"`);
      await page.setViewportSize({ width: WIDTHS[0], height: HEIGHT });
      await page.goto(origin + urlPathFor(file, '/'), { waitUntil: 'load' });
      const wide = await readerChecksWide(page);
      await page.setViewportSize({ width: REFLOW_WIDTH, height: HEIGHT });
      await page.evaluate(settleInPage);
      const overflow = await page.evaluate(overflowInPage);
      const narrow = await readerChecksNarrow(page);
      const failed = readerFailures(wide, narrow, overflow);
      const got = failed.map((f) => f.check);
      const ok = expected ? got.length === 1 && got[0] === expected : got.length === 0;
      if (ok && expected) covered.add(expected);
      rows.push([file, expected || '(none)', got.join(',') || '(none)', ok ? 'ok' : 'WRONG']);
      if (!ok) problems.push(`${file}: expected to fail ${expected || 'nothing'}, failed ${got.join(', ') || 'nothing'}${failed.map((f) => `\n    ${f.check}: ${f.message}`).join('')}`);
    }
  } finally {
    if (browser) await browser.close().catch(() => {});
    server.close();
  }
  for (const c of Object.keys(READER_CHECKS)) {
    if (!covered.has(c)) problems.push(`check ${c} has no fixture page that it fails (and only it)`);
  }
  console.log(table(rows));
  if (problems.length) console.log(`\nProblems:\n  ${problems.join('\n  ')}`);
  console.log(`browser-a11y self-test: ${files.length} fixtures, ${problems.length} problems`);
  process.exit(problems.length ? 1 : 0);
}

// ---------------------------------------------------------------- main

async function main() {
  const t0 = Date.now();
  const { site, base, selfTest: selfTesting } = parseArgs(process.argv.slice(2));
  if (selfTesting) return selfTest(site);
  const files = findPages(site);
  if (files.length === 0) {
    console.error(`browser-a11y: no .html files in ${site}`);
    console.log(`browser-a11y: 0 pages, axe - violations, htmlcs - errors, overflow -, reader -`);
    process.exit(2);
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`browser-a11y: no Chromium at ${CHROMIUM}; install it with: apt-get install -y chromium`);
    process.exit(2);
  }

  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const htmlcsSource = fs.readFileSync(
    path.join(path.dirname(require.resolve('html_codesniffer/package.json')), 'build', 'HTMLCS.js'),
    'utf8',
  );
  const { chromium } = require('playwright-core');

  const server = await startServer(site, base);
  const origin = `http://127.0.0.1:${server.address().port}`;
  console.log(`browser-a11y: ${files.length} pages of ${site} at ${origin}${base}`);

  const results = [];
  const notes = [];
  const spent = { launch: 0, load: 0, axe: 0, htmlcs: 0, reader: 0 };
  const timed = async (key, fn) => {
    const t = Date.now();
    try {
      return await fn();
    } finally {
      spent[key] += Date.now() - t;
    }
  };
  let browser;
  let broken = 0; // pages that could not be loaded or checked
  try {
    // No userDataDir here: playwright's launch() gives Chromium a fresh
    // temporary --user-data-dir of its own and deletes it on close.
    browser = await timed('launch', () =>
      chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS }),
    );
    const context = await browser.newContext({
      viewport: { width: WIDTHS[0], height: HEIGHT },
      deviceScaleFactor: 1,
      reducedMotion: 'reduce',
      serviceWorkers: 'block',
      // The site's Content-Security-Policy forbids inline scripts, which would
      // also stop the engines injected below; it is checked by the Rust tests
      // (tests/integration/csp.rs), not here.
      bypassCSP: true,
    });
    // The engines go into every document before its own scripts run; init
    // scripts are compiled once for the context, not once per page.
    await context.addInitScript({ content: axeSource });
    await context.addInitScript({ content: htmlcsSource });

    let expected = null; // the URL under test
    let blocked = []; // what the page under test tried to load or open elsewhere
    // Stay offline and on the page under test: requests to other hosts are
    // refused, and so is the page navigating itself away (a meta refresh
    // redirect stub is audited as it is, not the page it points to).
    await context.route('**/*', (route) => {
      const req = route.request();
      const url = req.url();
      if (!url.startsWith(origin + '/')) {
        blocked.push(`request to ${url}`);
        return route.abort('blockedbyclient');
      }
      if (req.isNavigationRequest() && req.frame().parentFrame() === null && url !== expected) {
        blocked.push(`navigation to ${url}`);
        return route.abort('aborted');
      }
      return route.continue();
    });

    const page = await context.newPage();
    page.on('dialog', (d) => d.dismiss().catch(() => {}));
    page.on('popup', (p) => p.close().catch(() => {}));
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e.message || e)));

    for (const file of files) {
      const url = origin + urlPathFor(file, base);
      const r = { file, url, axe: {}, htmlcs: null, overflow: null, reader: [], error: null, blocked: [] };
      results.push(r);
      expected = url;
      blocked = [];
      pageErrors.length = 0;
      try {
        await page.setViewportSize({ width: WIDTHS[0], height: HEIGHT });
        const resp = await timed('load', () => page.goto(url, { waitUntil: 'load', timeout: 30000 }));
        if (!resp) throw new Error('no response');
        if (resp.status() !== 200) throw new Error(`HTTP ${resp.status()} for ${url}`);
        // Engines missing (a document the init script did not reach): inject them now.
        const have = await page.evaluate(() => ({ axe: !!window.axe, htmlcs: !!window.HTMLCS }));
        if (!have.axe) await page.addScriptTag({ content: axeSource });
        if (!have.htmlcs) await page.addScriptTag({ content: htmlcsSource });

        const wide = await timed('reader', () => readerChecksWide(page));
        await page.evaluate(() => document.activeElement && document.activeElement.blur && document.activeElement.blur());
        for (const [i, width] of WIDTHS.entries()) {
          if (i > 0) await page.setViewportSize({ width, height: HEIGHT });
          await page.evaluate(settleInPage);
          r.axe[width] = await timed('axe', () => page.evaluate(axeInPage, AXE_TAGS));
          if (i === 0) r.htmlcs = await timed('htmlcs', () => page.evaluate(htmlcsInPage, HTMLCS_STANDARD));
          if (width === REFLOW_WIDTH) r.overflow = await page.evaluate(overflowInPage);
        }
        const narrow = await timed('reader', () => readerChecksNarrow(page));
        // sideways-scroll is reported as "overflow" (the reflow check) already.
        r.reader = readerFailures(wide, narrow, null);
      } catch (e) {
        r.error = String((e && e.message) || e).split('\n')[0];
        broken++;
      }
      r.blocked = blocked.slice();
      for (const pe of pageErrors) notes.push(`${file}: script error: ${pe.slice(0, 200)}`);
      for (const b of r.blocked) notes.push(`${file}: blocked ${b}`);
    }
  } catch (e) {
    console.error(`browser-a11y: the browser could not run: ${(e && e.message) || e}`);
    broken = -1;
  } finally {
    if (browser) await browser.close().catch(() => {});
    server.close();
  }
  if (broken < 0) {
    console.log(`browser-a11y: ${files.length} pages, axe - violations, htmlcs - errors, overflow -, reader -`);
    process.exit(2);
  }

  // ------------------------------------------------------------ report
  let violations = 0; // (page, axe rule) pairs failing at one width or more
  let htmlcsErrors = 0;
  let htmlcsWarnings = 0;
  let overflowPages = 0;
  let readerFails = 0; // (page, reader check) pairs that fail
  const rows = [['page', ...WIDTHS.map((w) => `axe@${w}`), 'htmlcs err', 'htmlcs warn', `overflow@${REFLOW_WIDTH}`, 'reader']];
  const details = [];
  for (const r of results) {
    if (r.error) {
      rows.push([r.file, ...WIDTHS.map(() => '-'), '-', '-', 'ERROR', '-']);
      details.push(`${r.file} (${r.url})\n  could not be checked: ${r.error}`);
      continue;
    }
    const byRule = new Map();
    for (const w of WIDTHS) {
      for (const v of r.axe[w] || []) {
        if (!byRule.has(v.id)) byRule.set(v.id, { v, widths: [] });
        byRule.get(v.id).widths.push(w);
      }
    }
    violations += byRule.size;
    htmlcsErrors += r.htmlcs.errors.length;
    htmlcsWarnings += r.htmlcs.warnings.length;
    if (r.overflow) overflowPages++;
    readerFails += r.reader.length;
    const stub = r.blocked.some((b) => b.startsWith('navigation')) ? ' (redirect stub)' : '';
    rows.push([
      r.file + stub,
      ...WIDTHS.map((w) => (r.axe[w] || []).length),
      r.htmlcs.errors.length,
      r.htmlcs.warnings.length,
      r.overflow ? `YES ${r.overflow.scrollWidth}>${r.overflow.clientWidth}` : 'no',
      r.reader.length ? r.reader.map((f) => f.check).join(',') : 'ok',
    ]);

    const lines = [];
    for (const { v, widths } of byRule.values()) {
      lines.push(`  axe ${v.id} (${v.impact || 'n/a'}) at ${widths.join(' and ')} px: ${v.help}`);
      lines.push(`      ${v.nodes} element(s), first: ${v.targets.join(' | ')}`);
      if (v.summary) lines.push(`      ${v.summary}`);
      lines.push(`      ${v.helpUrl}`);
    }
    for (const m of r.htmlcs.errors) {
      lines.push(`  htmlcs error ${m.code.replace(/^WCAG2AA\./, '')}`);
      lines.push(`      at ${m.where}: ${m.msg}`);
    }
    if (r.overflow) {
      const o = r.overflow;
      lines.push(
        `  overflow at ${REFLOW_WIDTH} px: the page scrolls sideways (scrollWidth ${o.scrollWidth} > clientWidth ${o.clientWidth}); ` +
          `widest element sticking out: ${o.element}` +
          (o.width != null ? ` (${o.width} px wide, right edge at ${o.right} px)` : ''),
      );
      if (o.html) lines.push(`      ${o.html.replace(/\s+/g, ' ')}`);
    }
    for (const f of r.reader) lines.push(`  reader ${f.check} (${READER_CHECKS[f.check]}): ${f.message}`);
    if (lines.length) details.push(`${r.file} (${r.url})\n${lines.join('\n')}`);
  }

  console.log('');
  console.log(table(rows));
  if (details.length) {
    console.log('\nFailures:');
    console.log(details.join('\n'));
  }
  if (htmlcsWarnings) {
    console.log(`\nhtmlcs warnings (reported, not failures): ${htmlcsWarnings}; by check:`);
    const byCode = new Map();
    for (const r of results) {
      for (const m of (r.htmlcs && r.htmlcs.warnings) || []) {
        const c = m.code.replace(/^WCAG2AA\./, '');
        if (!byCode.has(c)) byCode.set(c, { n: 0, pages: new Set(), msg: m.msg });
        const x = byCode.get(c);
        x.n++;
        x.pages.add(r.file);
      }
    }
    for (const [c, x] of [...byCode].sort((a, b) => b[1].n - a[1].n)) {
      console.log(`  ${x.n} × ${c} on ${x.pages.size} page(s): ${x.msg.slice(0, 140)}`);
    }
  }
  if (notes.length) {
    console.log('\nNotes:');
    for (const n of notes) console.log(`  ${n}`);
  }
  const sec = (ms) => (ms / 1000).toFixed(1);
  console.log(
    `\ntime: ${sec(Date.now() - t0)} s (browser start ${sec(spent.launch)}, page loads ${sec(spent.load)}, ` +
      `axe ${sec(spent.axe)}, htmlcs ${sec(spent.htmlcs)}, reader checks ${sec(spent.reader)})`,
  );
  console.log(
    `browser-a11y: ${results.length} pages, axe ${violations} violations, htmlcs ${htmlcsErrors} errors, overflow ${overflowPages}, reader ${readerFails}`,
  );
  if (broken > 0) process.exit(2);
  process.exit(violations + htmlcsErrors + overflowPages + readerFails > 0 ? 1 : 0);
}

// Exported for checking the server by hand; the test runs only as a script.
export { startServer, findPages, urlPathFor };

if (process.argv[1] && import.meta.url === pathToFileURL(fs.realpathSync(process.argv[1])).href) {
  main().catch((e) => {
    console.error(`browser-a11y: ${(e && e.stack) || e}`);
    process.exit(2);
  });
}
