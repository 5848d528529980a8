//! The glossary as one self-contained HTML page: no script, no font, image or style from
//! anywhere else (a `Content-Security-Policy` of `default-src 'none'; style-src 'unsafe-inline'`
//! says so to the browser), every piece of user text escaped by the template (maud). Readable on
//! a phone (one column, tables and code scroll sideways) and printed (no contents, entries kept
//! whole, code wrapped).

use maud::{html, Markup, PreEscaped, DOCTYPE};

use super::model::{doc_paragraphs, Entry, Glossary, Inline, Link, ScoreTable, Section};

/// The Content-Security-Policy of the page (the same as `smql report --html`'s, SPEC §14.3).
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'";

const STYLE: &str = r#"
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0;
  --code: #f6f8fa; --link: #0969da; --bg: #ffffff; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --code: #151b23; --link: #4493f8;
    --bg: #0d1117; }
}
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 52rem; padding: 1rem; color: var(--fg); background: var(--bg);
  font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; overflow-wrap: anywhere; }
h1 { font-size: 1.8rem; margin: .5rem 0; }
h2 { font-size: 1.4rem; margin: 2.5rem 0 1rem; padding-bottom: .3rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.1rem; margin: 0 0 .25rem; }
article { padding: 1rem 0; border-bottom: 1px solid var(--line); }
a { color: var(--link); }
code, pre { font: .875rem/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
code { background: var(--code); padding: .1em .3em; border-radius: 4px; }
pre { background: var(--code); padding: .75rem; border-radius: 6px; overflow-x: auto; }
pre code { padding: 0; background: none; }
.meta { color: var(--muted); margin: 0 0 .5rem; }
.intro, .note { color: var(--muted); }
nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.points { text-align: right; white-space: nowrap; }
td.in-group { padding-left: 1.6rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .75rem; margin: .5rem 0 0; }
dt { font-weight: 600; }
dd { margin: 0; }
:target { scroll-margin-top: 1rem; }
article:target h3 { text-decoration: underline var(--link) 2px; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; color: #000; background: #fff; }
  nav { display: none; }
  a { color: inherit; text-decoration: none; }
  article { break-inside: avoid; }
  h2 { break-after: avoid; }
  pre { white-space: pre-wrap; overflow: visible; }
  .scroll { overflow: visible; }
  details::details-content { content-visibility: visible; display: contents; }
}
"#;

/// The glossary as one HTML document.
pub fn render_html(g: &Glossary) -> String {
    let header = html! {
        p.intro {
            (inlines(&g.intro()))
            " Written by " code { "smql doc" } " from the rules and their "
            code { "##" } " doc comments: change those, not this page."
        }
        @if g.sections.len() > 1 {
            nav aria-label="Contents" {
                ul {
                    @for s in &g.sections {
                        li { a href={ "#" (s.anchor) } { (s.title) } }
                    }
                }
            }
        }
    };
    let main = html! { @for s in &g.sections { (section(s)) } };
    page("smql doc", "Glossary", STYLE, header, main)
}

/// The self-contained page `smql doc --html` and `smql report --html` write: the [`CSP`], no
/// script, `title` as the heading, then `header` and `main`, one block element per source line.
pub(crate) fn page(
    generator: &str,
    title: &str,
    style: &str,
    header: Markup,
    main: Markup,
) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(CSP);
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                meta name="generator" content=(generator);
                title { (title) }
                style { (PreEscaped(style)) }
            }
            body {
                header {
                    h1 { (title) }
                    (header)
                }
                main { (main) }
            }
        }
    };
    let mut out = break_lines(&page.into_string());
    out.push('\n');
    out
}

/// Block elements that start a line of the page's source, so that it reads (and diffs) line by
/// line; whitespace between blocks changes nothing on screen.
const BLOCKS: &[&str] = &[
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "nav",
    "ul",
    "li",
    "main",
    "section",
    "article",
    "h1",
    "h2",
    "h3",
    "p",
    "pre",
    "div",
    "table",
    "thead",
    "tbody",
    "tr",
    "dl",
    "dt",
    "dd",
    "details",
    "figure",
    "figcaption",
    "svg",
    "caption",
    "/figure",
    "/section",
    "/main",
    "/body",
    "/html",
    "/ul",
    "/nav",
    "/header",
    "/table",
    "/tbody",
    "/div",
    "/dl",
    "/details",
    "/article",
];

/// A line break before each block tag outside `<pre>`. Every `<` of the page is a tag's: the
/// template escapes all text.
pub(crate) fn break_lines(html: &str) -> String {
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut in_pre = false;
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let name_end = rest[1..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '/'))
            .map_or(rest.len(), |n| n + 1);
        let name = &rest[1..name_end];
        if !in_pre && BLOCKS.contains(&name) && !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        match name {
            "pre" => in_pre = true,
            "/pre" => in_pre = false,
            _ => {}
        }
        out.push('<');
        rest = &rest[1..];
    }
    out.push_str(rest);
    out
}

fn section(s: &Section) -> Markup {
    html! {
        section id=(s.anchor) {
            h2 { (s.title) }
            @if let Some(doc) = &s.doc {
                @for p in doc_paragraphs(doc) { p { (inlines(&p)) } }
            }
            @for e in &s.entries { (entry(e)) }
        }
    }
}

fn entry(e: &Entry) -> Markup {
    html! {
        article id=(e.anchor) {
            h3 {
                @if e.name_is_code { code { (e.name) } } @else { (e.name) }
            }
            p.meta {
                em { (e.kind) }
                @if let Some(ty) = &e.ty { " · " code { (ty) } }
                @for f in &e.facts { " · " (inlines(f)) }
                " · defined at " code { (e.location.to_string()) }
            }
            @if let Some(doc) = &e.doc {
                @for p in doc_paragraphs(doc) { p { (inlines(&p)) } }
            }
            @for p in &e.summary { p { (inlines(p)) } }
            @if let Some(t) = &e.table { (table(t)) }
            @if let Some(rule) = &e.rule {
                @if e.table.is_some() {
                    details {
                        summary { "Rule text" }
                        pre { code { (rule) } }
                    }
                } @else {
                    pre { code { (rule) } }
                }
            }
            @if e.uses.is_some() || e.used_by.is_some() {
                dl {
                    @if let Some(links) = &e.uses { dt { "Uses" } dd { (link_list(links)) } }
                    @if let Some(links) = &e.used_by { dt { "Used by" } dd { (link_list(links)) } }
                }
            }
        }
    }
}

fn table(t: &ScoreTable) -> Markup {
    html! {
        div.scroll {
            table {
                thead { tr { th { "points" } th { "condition" } } }
                tbody {
                    @for r in &t.rows {
                        tr {
                            td.points { (r.points) }
                            td class=[r.in_group.then_some("in-group")] { (inlines(&r.condition)) }
                        }
                    }
                }
            }
        }
        @for n in &t.notes { p.note { (inlines(n)) } }
    }
}

fn link_list(links: &[Link]) -> Markup {
    html! {
        @if links.is_empty() {
            "nothing"
        } @else {
            @for (i, l) in links.iter().enumerate() {
                @if i > 0 { ", " }
                (link(l))
            }
        }
    }
}

fn link(l: &Link) -> Markup {
    html! {
        a href={ "#" (l.anchor) } {
            @if l.code { code { (l.text) } } @else { (l.text) }
        }
    }
}

fn inlines(parts: &[Inline]) -> Markup {
    html! {
        @for p in parts {
            @match p {
                Inline::Text(t) => { (t) }
                Inline::Code(c) => { code { (c) } }
                Inline::Strong(t) => { strong { (t) } }
                Inline::Link(l) => { (link(l)) }
            }
        }
    }
}
