//! `smql doc`: the glossary of a rule set (SPEC §14.4), the vocabulary both teams agree on.
//!
//! [`glossary`] builds the model ([`Glossary`]: sections of entries, each with its kind, type,
//! doc text, formatted rule text, place, and what it uses and what uses it); the writers
//! ([`render_markdown`], [`render_html`]) only lay it out, so both say the same.
//!
//! Decisions where the SPEC is silent:
//! - A definition that is a stage is entered once, under Lifecycle (`#stage-mql`), not again
//!   under Definitions; the `stages`/`detours` declaration is an entry of its own (`#stages`),
//!   which is what an expression using `stage` uses.
//! - Entries are alphabetical within their section (ignoring case), except the stages (in path
//!   order) and the fields (in schema order), so the glossary does not depend on the order of
//!   the files. "Uses" and "used by" are direct references, in glossary order.
//! - Anchors are the kind and the name (`definition-work_email`, `sla-sales-works-70-of-mqls`);
//!   two names that give the same anchor are told apart by `--2`, `--3` in the order of the
//!   names as text.
//! - `--check-undocumented` asks for a doc comment on the stage path, each stage and detour
//!   (on its definition), each definition, score and grade; not on an undefined first stage,
//!   which has nowhere to hold one, nor on fields and SLAs, which SPEC §14.4 leaves out.

mod anchors;
mod build;
mod describe;
mod formatted;
mod html;
mod markdown;
mod model;
mod refs;
#[cfg(test)]
mod tests;

pub use build::glossary;
pub(crate) use html::page;
pub use html::{render_html, CSP};
pub use markdown::render_markdown;
/// Markdown's escaping of plain text and of code spans, for the other reports.
pub(crate) use markdown::{code as markdown_code, text as markdown_text};
pub use model::{
    doc_paragraphs, Entry, Glossary, Inline, Link, Location, ScoreRow, ScoreTable, Section,
    Undocumented,
};
