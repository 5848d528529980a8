//! Text in SQL with smql's meaning: string literals each dialect reads back exactly, and case
//! mapping written as `translate` tables derived from the same functions the evaluators use
//! (`crate::eval::text::fold_char`, `char::to_lowercase`, `char::to_uppercase`).
//!
//! No engine's `lower()` is smql's case folding: PostgreSQL's follows the database's locale
//! (ASCII only under `C`), DuckDB's maps `İ` to `i` and `ς` to itself, Java's knows another
//! Unicode version. A `translate` from the characters that change to what they become means the
//! same on every engine, as long as the mapping is one character to one character:
//! - simple case folding always is (that is why smql uses it for `contains`);
//! - `lower` is, except `İ` (→ `i̇`, two characters: a `replace` first) and the final-sigma rule
//!   of `Σ` (→ `ς` at the end of a word): a text with `Σ` stops the query with a message;
//! - `upper` is, except `ß` (→ `SS`: a `replace`) and about a hundred ligatures and
//!   precomposed letters (`ﬁ` → `FI`) that stop the query with a message.

use super::build::*;
use super::dialect::{Chr, Spec, Strings};
use super::lower::{Lower, R};
use crate::eval::text::fold_char;
use crate::source::Span;
use sqlparser::ast::{BinaryOperator as Op, Expr, Expr as Sql};
use std::sync::OnceLock;

/// A string literal that the dialect reads back as exactly `text`; `Err` with the reason when
/// it cannot hold it (PostgreSQL text has no NUL character).
pub fn literal(spec: &Spec, text: &str) -> Result<Expr, String> {
    if spec.name == "PostgreSQL" && text.contains('\0') {
        return Err("PostgreSQL text cannot hold the NUL character".to_string());
    }
    let Strings::Backslash { chr } = spec.strings else {
        return Ok(single_quoted(text));
    };
    let special = |c: char| c == '\'' || c == '\\' || (c as u32) < 0x20 || c == '\u{7f}';
    if !text.chars().any(special) {
        return Ok(single_quoted(text));
    }
    // Safe runs as literals, each special character as `chr(N)`, joined by `concat`.
    let mut parts = Vec::new();
    let mut run = String::new();
    for c in text.chars() {
        if special(c) {
            if !run.is_empty() {
                parts.push(single_quoted(&std::mem::take(&mut run)));
            }
            parts.push(code_point(chr, c));
        } else {
            run.push(c);
        }
    }
    if !run.is_empty() {
        parts.push(single_quoted(&run));
    }
    Ok(match parts.len() {
        1 => parts.remove(0),
        _ => call("concat", parts),
    })
}

fn code_point(chr: Chr, c: char) -> Expr {
    let n = super::build::int(c as i64);
    match chr {
        Chr::Chr => call("chr", vec![n]),
        Chr::CodePoints => call(
            "CODE_POINTS_TO_STRING",
            vec![Expr::Array(sqlparser::ast::Array {
                elem: vec![n],
                named: false,
            })],
        ),
    }
}

/// A one-to-one character mapping: `from[i]` becomes `to[i]`.
#[derive(Debug, Clone, Default)]
pub struct CharMap {
    pub from: String,
    pub to: String,
}

impl CharMap {
    fn push(&mut self, from: char, to: char) {
        self.from.push(from);
        self.to.push(to);
    }

    pub fn is_empty(&self) -> bool {
        self.from.is_empty()
    }
}

/// Every character and the single character it becomes, for each of three mappings, with the
/// characters that need more than a `translate`.
pub struct Tables {
    /// Simple case folding: every character whose fold is another character.
    pub fold: CharMap,
    /// `to_lowercase` where it is one character to one other character.
    pub lower: CharMap,
    /// `to_uppercase` where it is one character to one other character.
    pub upper: CharMap,
    /// Characters whose uppercase is several characters, except `ß`.
    pub upper_multi: String,
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// The tables, built once (a walk over every code point: a few milliseconds).
pub fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = Tables {
            fold: CharMap::default(),
            lower: CharMap::default(),
            upper: CharMap::default(),
            upper_multi: String::new(),
        };
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let f = fold_char(c);
            if f != c {
                t.fold.push(c, f);
            }
            match single(c.to_lowercase()) {
                Some(l) if l != c && c != 'Σ' => t.lower.push(c, l),
                _ => {}
            }
            match single(c.to_uppercase()) {
                Some(u) if u != c => t.upper.push(c, u),
                Some(_) => {}
                None if c == 'ß' => {}
                None => t.upper_multi.push(c),
            }
        }
        t
    })
}

/// The part of the fold table that matters for needles made of `needle_chars` (already
/// folded): a character whose fold is not in the needle can never match a needle character
/// whether it is folded or not (an unfolded character is never a fold), so it may stay.
pub fn fold_for(needle_chars: &str) -> CharMap {
    let mut m = CharMap::default();
    let t = tables();
    for (c, f) in t.fold.from.chars().zip(t.fold.to.chars()) {
        if needle_chars.contains(f) {
            m.push(c, f);
        }
    }
    m
}

/// The characters `str::trim` removes: Unicode `White_Space`.
pub fn white_space() -> String {
    (0..=0x10FFFFu32)
        .filter_map(char::from_u32)
        .filter(|c| c.is_whitespace())
        .collect()
}

impl Lower<'_> {
    pub(super) fn after_last_at(&mut self, span: Span, s: Sql) -> R<Sql> {
        use super::dialect::AfterLast;
        let at = self.string(span, "@")?;
        Ok(match self.spec.after_last_at {
            AfterLast::SplitPart(f) => call(f, vec![s, at, int(-1)]),
            AfterLast::SubstringIndex => call("substring_index", vec![s, at, int(-1)]),
            AfterLast::ReverseSplit => {
                let parts = call("ARRAY_REVERSE", vec![call("SPLIT", vec![s, at])]);
                Sql::CompoundFieldAccess {
                    root: Box::new(parts),
                    access_chain: vec![sqlparser::ast::AccessExpr::Subscript(
                        sqlparser::ast::Subscript::Index {
                            index: call("SAFE_OFFSET", vec![int(0)]),
                        },
                    )],
                }
            }
        })
    }

    /// `s` through a one-to-one character map.
    pub fn translate(&self, s: Sql, map: &CharMap) -> Sql {
        if map.is_empty() {
            return s;
        }
        // The maps hold no quote, backslash or control character that would need more than a
        // plain literal; `literal` handles them anyway.
        let lit = |t: &str| literal(self.spec, t).unwrap_or_else(|_| single_quoted(t));
        call("translate", vec![s, lit(&map.from), lit(&map.to)])
    }

    /// `s` stops the query with `message` when it holds any of `chars`.
    fn refuse_chars(&mut self, s: Sql, chars: &str, message: &str, then: Sql) -> Sql {
        let s = self.hoist(s);
        let lit = literal(self.spec, chars).unwrap_or_else(|_| single_quoted(chars));
        let kept = call(
            self.spec.char_length,
            vec![call("translate", vec![s.clone(), lit, single_quoted("")])],
        );
        let has = bin(kept, Op::NotEq, call(self.spec.char_length, vec![s]));
        if_then(has, self.fail_as(message, self.spec.types.string), then)
    }

    /// `str::to_lowercase`.
    pub(super) fn lower_text(&mut self, s: Sql) -> Sql {
        let s = self.hoist(s);
        let dotted = call(
            "replace",
            vec![s.clone(), single_quoted("İ"), single_quoted("i\u{307}")],
        );
        let lowered = self.translate(dotted, &tables().lower);
        self.refuse_chars(
            s,
            "Σ",
            "lower() of text with a capital sigma (its final form depends on the word) is not supported in SQL",
            lowered,
        )
    }

    /// `str::to_uppercase`.
    pub(super) fn upper_text(&mut self, s: Sql) -> Sql {
        let s = self.hoist(s);
        let sharp = call(
            "replace",
            vec![s.clone(), single_quoted("ß"), single_quoted("SS")],
        );
        let uppered = self.translate(sharp, &tables().upper);
        self.refuse_chars(
            s,
            &tables().upper_multi,
            "upper() of text with a ligature or a letter whose capital is several letters is not supported in SQL",
            uppered,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::text::fold;

    fn apply(m: &CharMap, s: &str) -> String {
        s.chars()
            .map(|c| match m.from.chars().position(|f| f == c) {
                Some(i) => m.to.chars().nth(i).unwrap_or(c),
                None => c,
            })
            .collect()
    }

    #[test]
    fn the_fold_table_is_the_fold() {
        for s in [
            "ÉCOLE",
            "ΣΑΣ σας",
            "straẞe",
            "\u{212A}elvin",
            "ſoft",
            "İı",
            "ABC",
        ] {
            assert_eq!(apply(&tables().fold, s), fold(s), "{s}");
        }
    }

    #[test]
    fn lower_and_upper_tables_agree_with_std_away_from_their_exceptions() {
        for s in ["ÉCOLE", "Ünited", "ABC xyz", "ǅ", "ΑΒΓ"] {
            assert_eq!(apply(&tables().lower, s), s.to_lowercase(), "{s}");
            assert_eq!(apply(&tables().upper, s), s.to_uppercase(), "{s}");
        }
        assert!(
            !tables().lower.from.contains('Σ'),
            "final sigma needs context"
        );
        assert!(tables().upper_multi.contains('ﬁ'));
        assert!(!tables().upper_multi.contains('ß'), "ß is replaced by SS");
    }

    #[test]
    fn a_needle_needs_only_its_characters_folds() {
        let m = fold_for("vp");
        assert_eq!(m.from, "PV");
        let s = fold_for("k");
        assert!(s.from.contains('K') && s.from.contains('\u{212A}'));
    }

    #[test]
    fn literals_avoid_escapes_where_backslashes_are_special() {
        let spark = super::super::dialect::Dialect::Spark.spec();
        let lit = |s| literal(spark, s).map(|e| e.to_string());
        assert_eq!(lit("plain").as_deref(), Ok("'plain'"));
        assert_eq!(
            lit("it's a \\d").as_deref(),
            Ok("concat('it', chr(39), 's a ', chr(92), 'd')")
        );
        let pg = super::super::dialect::Dialect::Postgres.spec();
        assert_eq!(
            literal(pg, "it's \\").map(|e| e.to_string()).as_deref(),
            Ok("'it''s \\'")
        );
        assert!(literal(pg, "a\0b").is_err());
    }
}
