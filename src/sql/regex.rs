//! `s matches "…"` for each dialect's regex engine: the pattern is parsed into `regex-syntax`'s
//! HIR (what the `regex` crate itself compiles, with smql's flags) and printed back for the
//! engine. The HIR has already resolved what engines disagree on: case-insensitive letters are
//! classes of their simple case variants (`(?i)é` is `[Éé]`), `.` is "any character but `\n`",
//! `\d`/`\w`/`\s` are their Unicode classes. So the printed pattern uses only literals written
//! as code points, classes of ranges, groups, alternation, repetition and a few assertions,
//! which every supported engine reads the same; what a dialect cannot say is refused.
//!
//! `matches` asks whether the pattern matches somewhere: greediness and capture groups change
//! nothing, so groups are printed non-capturing and repetitions greedy.

use super::dialect::Regex;
use regex_syntax::hir::{Class, Hir, HirKind, Look};
use std::fmt::Write;

/// The pattern for `flavor`, or why it cannot be said there.
pub fn translate(pattern: &str, flavor: Regex, max_repeat: u32) -> Result<String, String> {
    let hir = regex_syntax::Parser::new()
        .parse(pattern)
        .map_err(|e| format!("the pattern does not parse: {e}"))?;
    let mut p = Printer {
        flavor,
        max_repeat,
        out: String::new(),
    };
    p.hir(&hir)?;
    Ok(p.out)
}

struct Printer {
    flavor: Regex,
    max_repeat: u32,
    out: String,
}

impl Printer {
    fn group_open(&mut self) {
        // Snowflake's POSIX syntax has no non-capturing group; a capturing one means the same
        // to a yes/no match.
        self.out.push_str(if self.flavor == Regex::Posix {
            "("
        } else {
            "(?:"
        });
    }

    fn hir(&mut self, h: &Hir) -> Result<(), String> {
        match h.kind() {
            HirKind::Empty => Ok(()),
            HirKind::Literal(lit) => {
                let text = std::str::from_utf8(&lit.0)
                    .map_err(|_| "the pattern matches bytes that are not UTF-8".to_string())?;
                for c in text.chars() {
                    self.char(c, false)?;
                }
                Ok(())
            }
            HirKind::Class(class) => self.class(class),
            HirKind::Look(look) => self.look(*look),
            HirKind::Repetition(rep) => {
                if let Some(n) = rep.max.or(Some(rep.min)).filter(|&n| n > self.max_repeat) {
                    return Err(format!(
                        "a repetition bound of {n} is more than its regex engine allows ({})",
                        self.max_repeat
                    ));
                }
                self.atom(&rep.sub)?;
                match (rep.min, rep.max) {
                    (0, None) => self.out.push('*'),
                    (1, None) => self.out.push('+'),
                    (0, Some(1)) => self.out.push('?'),
                    (n, None) => {
                        let _ = write!(self.out, "{{{n},}}");
                    }
                    (n, Some(m)) if n == m => {
                        let _ = write!(self.out, "{{{n}}}");
                    }
                    (n, Some(m)) => {
                        let _ = write!(self.out, "{{{n},{m}}}");
                    }
                }
                Ok(())
            }
            // An alternation groups itself; anything else needs the group here.
            HirKind::Capture(cap) if matches!(cap.sub.kind(), HirKind::Alternation(_)) => {
                self.hir(&cap.sub)
            }
            HirKind::Capture(cap) => {
                self.group_open();
                self.hir(&cap.sub)?;
                self.out.push(')');
                Ok(())
            }
            HirKind::Concat(parts) => parts.iter().try_for_each(|p| self.atom_in_concat(p)),
            HirKind::Alternation(alts) => {
                self.group_open();
                for (i, a) in alts.iter().enumerate() {
                    if i > 0 {
                        self.out.push('|');
                    }
                    self.hir(a)?;
                }
                self.out.push(')');
                Ok(())
            }
        }
    }

    /// A concatenation's part: alternations are grouped by `hir` already.
    fn atom_in_concat(&mut self, h: &Hir) -> Result<(), String> {
        self.hir(h)
    }

    /// What a repetition applies to: one character, a class, or a group.
    fn atom(&mut self, h: &Hir) -> Result<(), String> {
        let grouped = match h.kind() {
            HirKind::Capture(_) | HirKind::Alternation(_) => true,
            HirKind::Literal(lit) => {
                std::str::from_utf8(&lit.0).is_ok_and(|s| s.chars().count() == 1)
            }
            HirKind::Class(_) => true,
            _ => false,
        };
        if grouped {
            self.hir(h)
        } else {
            self.group_open();
            self.hir(h)?;
            self.out.push(')');
            Ok(())
        }
    }

    /// One character, escaped unless it is an ASCII letter or digit.
    fn char(&mut self, c: char, in_class: bool) -> Result<(), String> {
        if c.is_ascii_alphanumeric() {
            self.out.push(c);
            return Ok(());
        }
        let n = c as u32;
        match self.flavor {
            Regex::Re2 | Regex::Java => {
                let _ = write!(self.out, "\\x{{{n:X}}}");
            }
            Regex::PostgresAre if n <= 0xFFFF => {
                let _ = write!(self.out, "\\u{n:04X}");
            }
            Regex::PostgresAre => {
                let _ = write!(self.out, "\\U{n:08X}");
            }
            Regex::Posix => {
                if !c.is_ascii() || c.is_ascii_control() {
                    return Err(
                        "its POSIX regular expressions are not known to match non-ASCII or control characters as smql does".to_string(),
                    );
                }
                if in_class {
                    // POSIX brackets have no escapes: `]` first, `-` last, `^` not first
                    // are literal; the caller orders them.
                    self.out.push(c);
                } else {
                    self.out.push('\\');
                    self.out.push(c);
                }
            }
        }
        Ok(())
    }

    fn class(&mut self, class: &Class) -> Result<(), String> {
        let ranges: Vec<(char, char)> = match class {
            Class::Unicode(u) => u.ranges().iter().map(|r| (r.start(), r.end())).collect(),
            Class::Bytes(b) => b
                .ranges()
                .iter()
                .map(|r| (char::from(r.start()), char::from(r.end())))
                .collect(),
        };
        if ranges.is_empty() {
            return Err("the pattern has a class that matches nothing".to_string());
        }
        if self.flavor == Regex::Posix {
            return self.posix_class(&ranges);
        }
        self.out.push('[');
        for (a, b) in ranges {
            self.char(a, true)?;
            if b != a {
                self.out.push('-');
                self.char(b, true)?;
            }
        }
        self.out.push(']');
        Ok(())
    }

    /// A POSIX bracket expression of printable ASCII ranges, with `]`, `^` and `-` placed
    /// where they are literal.
    fn posix_class(&mut self, ranges: &[(char, char)]) -> Result<(), String> {
        let mut body = String::new();
        let (mut close, mut dash, mut caret) = (false, false, false);
        for &(a, b) in ranges {
            if !a.is_ascii() || !b.is_ascii() || a.is_ascii_control() || b.is_ascii_control() {
                return Err(
                    "its POSIX regular expressions are not known to match non-ASCII or control characters as smql does".to_string(),
                );
            }
            for (c, flag) in [(']', &mut close), ('-', &mut dash), ('^', &mut caret)] {
                if a <= c && c <= b {
                    *flag = true;
                }
            }
            if a == b && matches!(a, ']' | '-' | '^') {
                continue;
            }
            if matches!(a, ']' | '-' | '^') || matches!(b, ']' | '-' | '^') {
                return Err("its POSIX bracket expressions cannot hold this range".to_string());
            }
            body.push(a);
            if b != a {
                body.push('-');
                body.push(b);
            }
        }
        self.out.push('[');
        if close {
            self.out.push(']');
        }
        self.out.push_str(&body);
        if caret {
            self.out.push('^');
        }
        if dash {
            self.out.push('-');
        }
        if self.out.ends_with('[') {
            // Only `^` would read as negation.
            return Err("its POSIX bracket expressions cannot hold this class".to_string());
        }
        self.out.push(']');
        Ok(())
    }

    fn look(&mut self, look: Look) -> Result<(), String> {
        let text = match (self.flavor, look) {
            (Regex::Re2 | Regex::Java | Regex::PostgresAre, Look::Start) => "\\A",
            (Regex::Re2 | Regex::Java, Look::End) => "\\z",
            (Regex::PostgresAre, Look::End) => "\\Z",
            (Regex::Posix, Look::Start) => "^",
            (Regex::Posix, Look::End) => "$",
            (Regex::Re2, Look::StartLF) => "(?m:^)",
            (Regex::Re2, Look::EndLF) => "(?m:$)",
            // Java's and PostgreSQL's multi-line modes know other line ends than `\n`: say it
            // with look-arounds instead.
            (Regex::Java, Look::StartLF) => "(?:\\A|(?<=\\x{A}))",
            (Regex::Java, Look::EndLF) => "(?:\\z|(?=\\x{A}))",
            (Regex::PostgresAre, Look::StartLF) => "(?:\\A|(?<=\\u000A))",
            (Regex::PostgresAre, Look::EndLF) => "(?:\\Z|(?=\\u000A))",
            (Regex::Re2, Look::WordAscii) => "\\b",
            (Regex::Re2, Look::WordAsciiNegate) => "\\B",
            (Regex::Java | Regex::PostgresAre, Look::WordAscii | Look::WordAsciiNegate) => {
                return self.ascii_boundary(look == Look::WordAsciiNegate);
            }
            (_, Look::WordUnicode | Look::WordUnicodeNegate) => {
                return Err(
                    "its regex engine has no Unicode word boundary (`\\b`); write `(?-u:\\b)` for an ASCII one"
                        .to_string(),
                )
            }
            _ => {
                return Err(format!(
                    "its regex engine has no `{}` with smql's meaning",
                    look_text(look)
                ))
            }
        };
        self.out.push_str(text);
        Ok(())
    }

    /// An ASCII word boundary as look-arounds (Java's and PostgreSQL's `\b` know other word
    /// characters).
    fn ascii_boundary(&mut self, negated: bool) -> Result<(), String> {
        let w = "[0-9A-Za-z_]";
        let text = if negated {
            format!("(?:(?<={w})(?={w})|(?<!{w})(?!{w}))")
        } else {
            format!("(?:(?<={w})(?!{w})|(?<!{w})(?={w}))")
        };
        self.out.push_str(&text);
        Ok(())
    }
}

fn look_text(look: Look) -> &'static str {
    match look {
        Look::StartLF | Look::StartCRLF => "(?m)^",
        Look::EndLF | Look::EndCRLF => "(?m)$",
        Look::WordStartAscii | Look::WordStartUnicode => "\\b{start}",
        Look::WordEndAscii | Look::WordEndUnicode => "\\b{end}",
        _ => "word boundary",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn re2(p: &str) -> String {
        translate(p, Regex::Re2, 1000).unwrap_or_else(|e| panic!("{p}: {e}"))
    }

    #[test]
    fn literals_are_code_points_and_case_is_resolved() {
        assert_eq!(re2("^ab$"), "\\Aab\\z");
        assert_eq!(re2("a.c"), "a[\\x{0}-\\x{9}\\x{B}-\\x{10FFFF}]c");
        assert_eq!(re2("(?i)k"), "[Kk\\x{212A}]");
        assert_eq!(re2("^\\+?[0-9 ]{7,}$"), "\\A\\x{2B}?[\\x{20}0-9]{7,}\\z");
        assert_eq!(re2("(a|bc)+"), "(?:a|bc)+");
        assert_eq!(re2("(ab)+"), "(?:ab)+");
    }

    #[test]
    fn every_translation_still_means_the_pattern() {
        // Printed for RE2, the pattern is also a Rust pattern: it must match what the original
        // matches.
        let texts = [
            "",
            "a",
            "abc",
            "A@B.co",
            "x\ny",
            "ÉCOLE",
            "école",
            "\u{212A}",
            "+1 555 0100",
        ];
        for p in [
            "^[a-z]+$",
            "(?i)é",
            "@",
            "^$",
            "(?i)^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$",
            "(?m)^y",
            "a|b|",
            "\\d{2}",
        ] {
            let original = regex::Regex::new(p).unwrap_or_else(|e| panic!("{e}"));
            let printed = regex::Regex::new(&re2(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
            for t in texts {
                assert_eq!(original.is_match(t), printed.is_match(t), "{p} on {t:?}");
            }
        }
    }

    #[test]
    fn what_a_flavor_cannot_say_is_refused() {
        assert!(
            translate("\\bvp\\b", Regex::Re2, 1000).is_err(),
            "Unicode \\b"
        );
        assert!(translate("(?-u:\\b)vp", Regex::Re2, 1000).is_ok());
        assert!(translate("a{300}", Regex::PostgresAre, 255).is_err());
        assert!(translate("é", Regex::Posix, 255).is_err());
        assert_eq!(
            translate("^a-b[-x]$", Regex::Posix, 255).as_deref(),
            Ok("^a\\-b[x-]$")
        );
        assert_eq!(
            translate("(?m)^x", Regex::Java, 1000).as_deref(),
            Ok("(?:\\A|(?<=\\x{A}))x")
        );
        assert_eq!(
            translate("é", Regex::PostgresAre, 255).as_deref(),
            Ok("\\u00E9")
        );
    }
}
