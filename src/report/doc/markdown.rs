//! The glossary as GitHub-flavoured Markdown. Anchors are explicit (`<a id="…">` in each
//! heading), so links do not depend on how a renderer makes anchors of headings. Doc text is
//! written as it is: it is the authors' Markdown. Every other piece of user text (an SLA title,
//! a group name, an owner) is escaped, and code is quoted with enough backticks.

use std::fmt::Write;

use super::model::{Entry, Glossary, Inline, Link, ScoreTable};

/// The glossary as one Markdown document.
pub fn render_markdown(g: &Glossary) -> String {
    let mut out = String::from("# Glossary\n\n");
    out.push_str(&inlines(&g.intro(), false));
    out.push_str(
        " Written by `smql doc` from the rules and their `##` doc comments: change those, not \
         this page.\n\n",
    );
    if g.sections.len() > 1 {
        let contents: Vec<String> = g
            .sections
            .iter()
            .map(|s| format!("[{}](#{})", s.title, s.anchor))
            .collect();
        let _ = writeln!(out, "**Contents:** {}\n", contents.join(" · "));
    }
    for s in &g.sections {
        let _ = writeln!(out, "## <a id=\"{}\"></a>{}\n", s.anchor, s.title);
        if let Some(doc) = s.doc.as_deref().filter(|d| !d.trim().is_empty()) {
            let _ = writeln!(out, "{}\n", doc.trim_end());
        }
        for e in &s.entries {
            entry(&mut out, e);
        }
    }
    // One newline at the end of the file.
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    out
}

fn entry(out: &mut String, e: &Entry) {
    let name = if e.name_is_code {
        code(&e.name)
    } else {
        text(&e.name)
    };
    let _ = writeln!(out, "### <a id=\"{}\"></a>{name}\n", e.anchor);
    let mut meta = vec![format!("*{}*", text(&e.kind))];
    meta.extend(e.ty.as_deref().map(code));
    meta.extend(e.facts.iter().map(|f| inlines(f, false)));
    meta.push(format!("defined at {}", code(&e.location.to_string())));
    let _ = writeln!(out, "{}\n", meta.join(" · "));
    if let Some(doc) = e.doc.as_deref().filter(|d| !d.trim().is_empty()) {
        let _ = writeln!(out, "{}\n", doc.trim_end());
    }
    for p in &e.summary {
        let _ = writeln!(out, "{}\n", inlines(p, false));
    }
    if let Some(t) = &e.table {
        table(out, t);
    }
    if let Some(rule) = &e.rule {
        let block = code_block(rule);
        if e.table.is_some() {
            // The table says it all; the text is there for those who want it.
            let _ = writeln!(
                out,
                "<details><summary>Rule text</summary>\n\n{block}\n</details>\n"
            );
        } else {
            let _ = writeln!(out, "{block}");
        }
    }
    let refs = [("Uses", &e.uses), ("Used by", &e.used_by)];
    let mut any = false;
    for (label, links) in refs {
        if let Some(links) = links {
            let _ = writeln!(out, "- **{label}:** {}", link_list(links));
            any = true;
        }
    }
    if any {
        out.push('\n');
    }
}

fn table(out: &mut String, t: &ScoreTable) {
    out.push_str("| points | condition |\n|---:|---|\n");
    for r in &t.rows {
        let arrow = if r.in_group { "↳ " } else { "" };
        let _ = writeln!(
            out,
            "| {} | {arrow}{} |",
            text(&r.points),
            inlines(&r.condition, true)
        );
    }
    out.push('\n');
    for n in &t.notes {
        let _ = writeln!(out, "{}\n", inlines(n, false));
    }
}

fn link_list(links: &[Link]) -> String {
    if links.is_empty() {
        return "nothing".into();
    }
    let parts: Vec<String> = links.iter().map(|l| link(l, false)).collect();
    parts.join(", ")
}

fn link(l: &Link, in_table: bool) -> String {
    let label = if l.code {
        cell_code(&l.text, in_table)
    } else {
        text(&l.text)
    };
    format!("[{label}](#{})", l.anchor)
}

fn inlines(parts: &[Inline], in_table: bool) -> String {
    let mut out = String::new();
    for p in parts {
        match p {
            Inline::Text(t) => out.push_str(&text(t)),
            Inline::Code(c) => out.push_str(&cell_code(c, in_table)),
            Inline::Strong(t) => {
                let _ = write!(out, "**{}**", text(t));
            }
            Inline::Link(l) => out.push_str(&link(l, in_table)),
        }
    }
    out
}

/// In a table cell a `|` ends the cell even inside a code span; `\|` does not (GFM).
fn cell_code(c: &str, in_table: bool) -> String {
    let span = code(c);
    if in_table {
        span.replace('|', "\\|")
    } else {
        span
    }
}

/// Plain text with Markdown's special characters escaped, on one line.
pub(super) fn text(t: &str) -> String {
    let mut out = String::with_capacity(t.len());
    for c in t.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A code span: delimited by one backtick more than the longest run inside, padded when the
/// text starts or ends with a backtick.
pub(super) fn code(c: &str) -> String {
    let c: String = c
        .chars()
        .map(|ch| if ch.is_control() { ' ' } else { ch })
        .collect();
    let ticks = "`".repeat(longest_run(&c, '`') + 1);
    if c.starts_with('`') || c.ends_with('`') || c.starts_with(' ') && c.ends_with(' ') {
        format!("{ticks} {c} {ticks}")
    } else {
        format!("{ticks}{c}{ticks}")
    }
}

/// A fenced `smql` block whose fence is longer than any backtick run in the text.
fn code_block(text: &str) -> String {
    let fence = "`".repeat((longest_run(text, '`') + 1).max(3));
    format!("{fence}smql\n{text}\n{fence}\n")
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_outlast_the_backticks_inside() {
        assert_eq!(code("visits >= 3"), "`visits >= 3`");
        assert_eq!(code("a ` b"), "``a ` b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code_block("x = \"```\""), "````smql\nx = \"```\"\n````\n");
        assert_eq!(cell_code("pages \"/a|b\"", true), "`pages \"/a\\|b\"`");
    }

    #[test]
    fn text_is_escaped_and_kept_on_one_line() {
        assert_eq!(text("<b>*SQL*</b>\nnext"), "\\<b\\>\\*SQL\\*\\</b\\> next");
        assert_eq!(text("R&D #1"), "R\\&D \\#1");
    }
}
