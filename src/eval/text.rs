//! Text operations: case-insensitive search with Unicode simple case folding, and the string
//! functions of docs/language.md, "Functions". Both engines use these (the JIT runs them once per distinct dictionary
//! string), so there is one definition of "case-insensitive".
//!
//! Simple case folding (Unicode `CaseFolding.txt`, statuses C and S) maps every character to one
//! character, so `contains`/`starts with`/`ends with` on folded text behave like the same tests
//! on the original text, character by character. Full folding (status F, e.g. `ß` → `ss`) is not
//! used: the language asks for simple folding, and it is what `regex`'s `(?i)` does too, so `(?i)`
//! patterns and `contains` agree. Turkic mappings (status T) are not used either: `İ` and `ı`
//! fold to themselves.
//!
//! Rust's standard library has no case-folding table, so [`fold_char`] derives the fold from the
//! standard case mappings: `lowercase(uppercase(c))` when both are one character, else
//! `lowercase(c)` when that is one character, else `c`. Going through the uppercase catches the
//! characters whose fold is not their lowercase (`ς` → `σ`, `ſ` → `s`, `µ` → `μ`, `ϐ` → `β`,
//! U+0345 → `ι`); the one character where it would over-fold is `ı` (its uppercase is `I`, but it
//! has no simple fold), handled explicitly. The canonical form is not always the one
//! CaseFolding.txt picks (Cherokee folds to uppercase there), but two characters fold equal here
//! exactly when they fold equal there: the tests check this against `regex`'s own simple-folding
//! tables for every character that has a case mapping.

/// The simple case fold of one character (see the module docs).
pub fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    if c == '\u{0131}' {
        // Dotless ı: only a Turkic (T) mapping exists; simple folding leaves it alone.
        return c;
    }
    let base = single(c.to_uppercase()).unwrap_or(c);
    single(base.to_lowercase())
        .or_else(|| single(c.to_lowercase()))
        .unwrap_or(c)
}

fn single(mut it: impl Iterator<Item = char>) -> Option<char> {
    match (it.next(), it.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// `s` with every character simply case-folded.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars().map(fold_char).collect()
}

/// `haystack contains needle`, case-insensitive (an empty needle is always contained).
pub fn contains_ci(haystack: &str, needle: &str) -> bool {
    Haystack::new(haystack).contains_any_case(needle)
}

/// `s starts with prefix`, case-insensitive.
pub fn starts_with_ci(s: &str, prefix: &str) -> bool {
    if s.is_ascii() && prefix.is_ascii() {
        return Haystack::Ascii(s.as_bytes()).starts_with(prefix);
    }
    fold(s).starts_with(&fold(prefix))
}

/// `s ends with suffix`, case-insensitive.
pub fn ends_with_ci(s: &str, suffix: &str) -> bool {
    if s.is_ascii() && suffix.is_ascii() {
        return Haystack::Ascii(s.as_bytes()).ends_with(suffix);
    }
    fold(s).ends_with(&fold(suffix))
}

/// `fold(s).starts_with(needle)` for a folded `needle`, without folding (or allocating) more
/// of `s` than the needle's length: folding maps a character to one character, so only the
/// first characters of `s` matter.
pub fn starts_with_folded(s: &str, needle: &str) -> bool {
    match s.as_bytes().get(..needle.len()) {
        // ASCII bytes are whole characters, and fold as ASCII.
        Some(head) if head.is_ascii() && needle.is_ascii() => {
            head.eq_ignore_ascii_case(needle.as_bytes())
        }
        _ => {
            let mut hay = s.chars().map(fold_char);
            needle.chars().all(|n| hay.next() == Some(n))
        }
    }
}

/// `fold(s).ends_with(needle)` for a folded `needle` (see [`starts_with_folded`]).
pub fn ends_with_folded(s: &str, needle: &str) -> bool {
    let tail = s
        .len()
        .checked_sub(needle.len())
        .and_then(|at| s.as_bytes().get(at..));
    match tail {
        Some(tail) if tail.is_ascii() && needle.is_ascii() => {
            tail.eq_ignore_ascii_case(needle.as_bytes())
        }
        _ => {
            let mut hay = s.chars().rev().map(fold_char);
            needle.chars().rev().all(|n| hay.next() == Some(n))
        }
    }
}

/// A text searched case-insensitively for needles that are already folded ([`fold`]).
///
/// An ASCII text is compared in place with ASCII case-insensitive byte comparisons, without
/// allocating: its fold is its ASCII lowercase, byte for byte. Any other text is folded once.
/// The fast path needs the text to be ASCII, not just the needle: non-ASCII characters can fold
/// to ASCII ones (the Kelvin sign `K` to `k`, `ſ` to `s`).
pub enum Haystack<'a> {
    Ascii(&'a [u8]),
    Folded(String),
}

impl<'a> Haystack<'a> {
    pub fn new(s: &'a str) -> Haystack<'a> {
        if s.is_ascii() {
            Haystack::Ascii(s.as_bytes())
        } else {
            Haystack::Folded(s.chars().map(fold_char).collect())
        }
    }

    /// Whether the text contains `needle` (folded, or ASCII in any case).
    pub fn contains(&self, needle: &str) -> bool {
        match self {
            Haystack::Ascii(h) => {
                // The fold of an ASCII text is ASCII: it holds no folded non-ASCII character.
                needle.is_ascii() && contains_ascii_ci(h, needle.as_bytes())
            }
            Haystack::Folded(f) => f.contains(needle),
        }
    }

    /// Whether the text contains `needle`, in any case (folded here when it has to be).
    pub fn contains_any_case(&self, needle: &str) -> bool {
        match self {
            Haystack::Ascii(h) if needle.is_ascii() => contains_ascii_ci(h, needle.as_bytes()),
            _ => self.contains(&fold(needle)),
        }
    }

    pub fn starts_with(&self, needle: &str) -> bool {
        match self {
            Haystack::Ascii(h) => {
                needle.is_ascii()
                    && h.get(..needle.len())
                        .is_some_and(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
            }
            Haystack::Folded(f) => f.starts_with(needle),
        }
    }

    pub fn ends_with(&self, needle: &str) -> bool {
        match self {
            Haystack::Ascii(h) => {
                needle.is_ascii()
                    && h.len() >= needle.len()
                    && h.get(h.len() - needle.len()..)
                        .is_some_and(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
            }
            Haystack::Folded(f) => f.ends_with(needle),
        }
    }
}

/// ASCII case-insensitive substring search (an empty needle is always found).
fn contains_ascii_ci(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    if haystack.len() < needle.len() {
        return false;
    }
    let first = first.to_ascii_lowercase();
    let last_start = haystack.len() - needle.len();
    (0..=last_start).any(|i| {
        haystack[i].to_ascii_lowercase() == first
            && haystack[i + 1..i + needle.len()].eq_ignore_ascii_case(rest)
    })
}

/// `domain(email)`: the text after the last `@`, lowercased; the whole text lowercased when there
/// is no `@`. Lowercasing is Unicode full lowercasing (`str::to_lowercase`), like `lower()`.
pub fn domain(email: &str) -> String {
    domain_of(email).into_owned()
}

/// [`domain`], borrowing from `email` when the domain is already in lowercase ASCII (the
/// common case: no allocation).
pub fn domain_of(email: &str) -> std::borrow::Cow<'_, str> {
    // A byte loop: `rfind` goes through `memrchr`, slow to start on text this short. `@` is
    // ASCII, so its byte is never inside a multi-byte character.
    let after = match email.bytes().rposition(|b| b == b'@') {
        Some(i) => email.get(i + 1..).unwrap_or(""),
        None => email,
    };
    if after
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        std::borrow::Cow::Borrowed(after)
    } else {
        std::borrow::Cow::Owned(after.to_lowercase())
    }
}

/// `len(s)`: characters (Unicode scalar values), not bytes.
pub fn char_len(s: &str) -> i64 {
    s.chars().count() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_and_simple_unicode_folds() {
        assert_eq!(fold("VP Marketing"), "vp marketing");
        assert!(contains_ci("Head of Growth", "HEAD OF"));
        assert!(contains_ci("ÉCOLE", "école"));
        assert!(starts_with_ci("Ünited", "ü"));
        assert!(
            !ends_with_ci("straße", "SSE"),
            "no full folding: ß is not ss"
        );
        assert!(
            contains_ci("STRAẞE", "straße"),
            "capital sharp s folds to ß"
        );
    }

    #[test]
    fn sigma_forms_fold_together() {
        assert!(contains_ci("ΟΔΥΣΣΕΥΣ", "οδυσσευς"));
        assert_eq!(fold_char('Σ'), fold_char('ς'));
        assert_eq!(fold_char('σ'), fold_char('ς'));
    }

    #[test]
    fn kelvin_long_s_and_micro() {
        assert!(contains_ci("5 \u{212A}", "5 k"), "Kelvin sign folds to k");
        assert!(contains_ci("k", "\u{212A}"));
        assert_eq!(fold_char('ſ'), 's');
        assert_eq!(fold_char('µ'), fold_char('μ'));
    }

    #[test]
    fn turkic_dotted_and_dotless_i_fold_to_themselves() {
        assert_eq!(fold_char('İ'), 'İ');
        assert_eq!(fold_char('ı'), 'ı');
        assert!(!contains_ci("İstanbul", "istanbul"));
        assert!(!contains_ci("ı", "I"));
        assert!(contains_ci("İstanbul", "İSTANBUL"));
    }

    #[test]
    fn prefix_and_suffix_tests_fold_only_what_they_need() {
        let texts = [
            "",
            "a",
            "ab",
            "AB",
            "ß",
            "straße",
            "ſoft",
            "5 \u{212A}",
            "x@GMAIL.COM",
            "é@gmail.com",
            "ÉCOLE",
            "école",
            "İx",
            "ΟΔΥΣ",
            "aſ",
            "\u{212A}elvin",
        ];
        let needles = [
            "",
            "a",
            "ab",
            "s",
            "k",
            "e",
            "é",
            "école",
            "@gmail.com",
            "ß",
            "se",
            "σ",
            "ς",
            "x",
        ];
        for t in texts {
            for n in needles {
                let (ft, fnd) = (fold(t), fold(n));
                let prefix = starts_with_folded(t, &fnd);
                assert_eq!(prefix, ft.starts_with(&fnd), "{t:?} starts with {n:?}");
                let suffix = ends_with_folded(t, &fnd);
                assert_eq!(suffix, ft.ends_with(&fnd), "{t:?} ends with {n:?}");
            }
        }
    }

    #[test]
    fn empty_strings() {
        assert!(contains_ci("", ""));
        assert!(contains_ci("abc", ""));
        assert!(!contains_ci("", "a"));
        assert!(starts_with_ci("", ""));
        assert!(ends_with_ci("x", ""));
        assert_eq!(fold(""), "");
    }

    #[test]
    fn ascii_fast_path_agrees_with_folding() {
        let texts = [
            "Head of Growth",
            "VP",
            "vp marketing",
            "",
            "a",
            "aAa",
            "xHEAD OF",
            "Kelvin K",
            "5 \u{212A}",
            "ſoft",
            "CASE-study-1",
            "head of",
            "HEAD OFx",
        ];
        let needles = [
            "", "head of", "HEAD", "vp", "k", "\u{212A}", "s", "ſ", "a", "aa", "aaaa", "study",
            "x", "of",
        ];
        for t in texts {
            for n in needles {
                let (ft, fnd) = (fold(t), fold(n));
                assert_eq!(contains_ci(t, n), ft.contains(&fnd), "{t:?} contains {n:?}");
                assert_eq!(
                    starts_with_ci(t, n),
                    ft.starts_with(&fnd),
                    "{t:?} starts {n:?}"
                );
                assert_eq!(ends_with_ci(t, n), ft.ends_with(&fnd), "{t:?} ends {n:?}");
                let h = Haystack::new(t);
                assert_eq!(h.contains(&fnd), ft.contains(&fnd), "{t:?} ⊇ folded {n:?}");
                assert_eq!(h.starts_with(&fnd), ft.starts_with(&fnd));
                assert_eq!(h.ends_with(&fnd), ft.ends_with(&fnd));
            }
        }
    }

    #[test]
    fn non_ascii_text_that_folds_to_ascii_takes_the_unicode_path() {
        assert!(
            contains_ci("\u{212A}elvin", "kel"),
            "Kelvin sign in the text"
        );
        assert!(starts_with_ci("\u{212A}elvin", "KE"));
        assert!(ends_with_ci("bo\u{17F}", "OS"), "long s in the text");
        assert!(
            contains_ci("kelvin", "\u{212A}E"),
            "Kelvin sign in the needle"
        );
        assert!(
            contains_ci("\u{212A}ELVIN", "kEl"),
            "ASCII needle, non-ASCII text"
        );
        assert!(
            !Haystack::new("kelvin").contains("\u{212A}"),
            "needles must be folded"
        );
        assert!(Haystack::new("kelvin").contains(&fold("\u{212A}")));
        assert!(!contains_ci("abc", "ABCD"));
        assert!(!ends_with_ci("bc", "abc"));
    }

    #[test]
    fn domain_and_len() {
        assert!(matches!(
            domain_of("a@acme.com"),
            std::borrow::Cow::Borrowed("acme.com")
        ));
        assert_eq!(domain("a@ÉCOLE.fr"), "école.fr");
        assert_eq!(domain("İ@x"), "x");
        assert_eq!(domain("@"), "");
        assert_eq!(domain("Ana@Gmail.COM"), "gmail.com");
        assert_eq!(domain("a@b@Example.org"), "example.org");
        assert_eq!(domain("no-at-sign"), "no-at-sign");
        assert_eq!(domain("trailing@"), "");
        assert_eq!(domain(""), "");
        assert_eq!(char_len("héllo"), 5);
        assert_eq!(char_len(""), 0);
    }

    /// Two characters fold equal here exactly when `regex`'s `(?i)` (Unicode simple case
    /// folding) says they match, for every character and each of its one-character case
    /// mappings and fold.
    #[test]
    fn fold_agrees_with_regex_simple_case_folding() {
        // std may know a newer Unicode version than `regex`: compare only characters that both
        // have assigned.
        let assigned = regex::Regex::new(r"^\p{Assigned}$").expect("a valid pattern");
        let known = |c: char| assigned.is_match(c.encode_utf8(&mut [0; 4]));
        let mut checked = 0;
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| known(c))
        {
            let mut others: Vec<char> = Vec::new();
            others.extend(single(c.to_lowercase()));
            others.extend(single(c.to_uppercase()));
            others.push(fold_char(c));
            others.retain(|&d| d != c && known(d));
            if others.is_empty() {
                continue;
            }
            let re = regex::Regex::new(&format!("(?i)^{}$", regex::escape(&c.to_string())))
                .expect("a single escaped character is a valid pattern");
            for d in others {
                let regex_says = re.is_match(&d.to_string());
                let we_say = fold_char(c) == fold_char(d);
                assert_eq!(
                    regex_says, we_say,
                    "U+{:04X} vs U+{:04X}",
                    c as u32, d as u32
                );
                checked += 1;
            }
        }
        assert!(checked > 2000, "only {checked} pairs checked");
    }
}
