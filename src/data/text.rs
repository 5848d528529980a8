//! The `input` block as the readers apply it to text (a CSV cell, a JSON string): timestamps
//! in the block's layouts and time zone, numbers with grouping marks and currency symbols, and
//! the texts that mean missing. Also the help a bad value gets when a line of the block would
//! have read it, so that a user learns which line to add.
//!
//! Every conversion tries the standard reading first, which is what canonical data takes: a
//! file with an `input` block pays for the block only on the values that need it.

use crate::ir::{InputSpec, NumberMarks};
use crate::time::layout::{Layout, Reading};
use crate::time::zone::Zone;
use crate::time::{read_standard_int, read_standard_trimmed, Standard};
use std::sync::Arc;

/// The conversions of an `input` block (and a field's `format`) for one field's values.
#[derive(Debug)]
pub(crate) struct Texts {
    zone: Option<Zone>,
    /// The field's `format`, else the block's `timestamps`.
    layouts: Vec<Layout>,
    /// Whether a layout can read a string of digits (`%Y%m%d`, `%s`): digits are then offered
    /// to the layouts before the standard 8/10/11–13-digit readings.
    digit_layouts: bool,
    numbers: Option<NumberMarks>,
    /// The decimal and grouping marks as bytes, when they are ASCII (nearly always): numbers are
    /// then read byte by byte without building their plain text.
    ascii_marks: Option<(u8, Option<u8>)>,
    currency: Vec<String>,
}

fn ascii_marks(marks: NumberMarks) -> Option<(u8, Option<u8>)> {
    let byte = |c: char| u8::try_from(c).ok().filter(u8::is_ascii);
    let group = match marks.group {
        Some(g) => Some(byte(g)?),
        None => None,
    };
    Some((byte(marks.decimal)?, group))
}

/// `s.trim()`, without looking for Unicode spaces in text that starts and ends with a visible
/// ASCII character (nearly all of it), which is its own trimmed text.
#[inline]
fn trimmed(s: &str) -> &str {
    let b = s.as_bytes();
    let visible = |c: Option<&u8>| c.is_some_and(|&c| c > b' ' && c < 0x80);
    if visible(b.first()) && visible(b.last()) {
        s
    } else {
        s.trim()
    }
}

/// Why a text is not a value, beyond "not of the type".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Miss {
    /// Not of the type.
    Type,
    /// Ten digits, for a timestamp: epoch seconds, which only `format "%s"` reads.
    EpochSeconds,
}

impl Texts {
    /// The conversions for a field with layouts `format` (empty: the block's), or `None` when
    /// the standard conversions are all there is (no zone, layouts, numbers or currency).
    pub fn new(spec: &InputSpec, format: &[String]) -> Option<Arc<Texts>> {
        let layouts: Vec<Layout> = if format.is_empty() {
            &spec.timestamps
        } else {
            format
        }
        .iter()
        // Checked with the rules: a layout that does not compile here cannot occur.
        .filter_map(|l| Layout::new(l).ok())
        .collect();
        let zone = spec.time_zone.as_deref().and_then(|z| Zone::new(z).ok());
        if zone.is_none()
            && layouts.is_empty()
            && spec.numbers.is_none()
            && spec.currency.is_empty()
        {
            return None;
        }
        Some(Arc::new(Texts {
            digit_layouts: layouts.iter().any(Layout::reads_digits),
            zone,
            layouts,
            numbers: spec.numbers,
            ascii_marks: ascii_marks(spec.numbers.unwrap_or_default()),
            currency: spec.currency.clone(),
        }))
    }

    /// A timestamp from text: digits to a layout that reads digits, then the standard
    /// readings, then the layouts in order.
    pub fn timestamp(&self, s: &str) -> Result<i64, Miss> {
        let t = trimmed(s);
        if self.digit_layouts && t.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
            for l in self.layouts.iter().filter(|l| l.reads_digits()) {
                if let Some(r) = l.read_trimmed(t) {
                    return self.instant(r).ok_or(Miss::Type);
                }
            }
        }
        let standard = read_standard_trimmed(t);
        match standard {
            Standard::Instant(ms) => return Ok(ms),
            Standard::Local(ms) => return self.local(ms).ok_or(Miss::Type),
            Standard::EpochSeconds | Standard::No => {}
        }
        for l in &self.layouts {
            if let Some(r) = l.read_trimmed(t) {
                return self.instant(r).ok_or(Miss::Type);
            }
        }
        Err(if standard == Standard::EpochSeconds {
            Miss::EpochSeconds
        } else {
            Miss::Type
        })
    }

    /// A timestamp from a JSON integer, by the digit rule or a layout that reads digits.
    pub fn timestamp_int(&self, v: i64) -> Result<i64, Miss> {
        if self.digit_layouts {
            return self.timestamp(&v.to_string());
        }
        match read_standard_int(v) {
            Standard::Instant(ms) => Ok(ms),
            Standard::Local(ms) => self.local(ms).ok_or(Miss::Type),
            Standard::EpochSeconds => Err(Miss::EpochSeconds),
            Standard::No => Err(Miss::Type),
        }
    }

    fn instant(&self, r: Reading) -> Option<i64> {
        match r {
            Reading::Instant(ms) => Some(ms),
            Reading::Local(ms) => self.local(ms),
        }
    }

    /// A local time in the block's zone (UTC without one).
    pub(crate) fn local(&self, ms: i64) -> Option<i64> {
        match &self.zone {
            Some(z) => z.instant(ms),
            None => Some(ms),
        }
    }

    /// Whether the block's decimal mark is not `.`: then `1.200` is the block's twelve hundred,
    /// not the standard reading's 1.2, so numbers are read the block's way first.
    pub fn reads_numbers_first(&self) -> bool {
        self.numbers.is_some_and(|m| m.decimal != '.')
    }

    /// A number as `parse_number` reads [`Texts::plain_number`]'s text, without building that
    /// text: the digits go straight into an integer and a power of ten, which is the same `f64`
    /// (see [`exact_decimal`]) when both are exact; anything longer takes the general path.
    pub fn number(&self, s: &str) -> Option<f64> {
        let Some((decimal, group)) = self.ascii_marks else {
            return crate::data::convert::parse_number(&self.plain_number(s)?);
        };
        let (negative, t) = self.strip_number(s);
        if !point_groups_ok(t, self.numbers.unwrap_or_default()) {
            return None;
        }
        let b = t.as_bytes();
        let (mut mantissa, mut digits, mut fraction) = (0u64, 0usize, 0usize);
        let mut seen_decimal = false;
        for (i, &c) in b.iter().enumerate() {
            if c.is_ascii_digit() {
                // Nineteen digits always fit a u64; more take the general path below.
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
                digits += 1;
                fraction += usize::from(seen_decimal);
                continue;
            }
            let prev_digit = i > 0 && b[i - 1].is_ascii_digit();
            let next_digit = b.get(i + 1).is_some_and(u8::is_ascii_digit);
            if c == decimal && !seen_decimal && next_digit {
                seen_decimal = true;
            } else if Some(c) == group && prev_digit && next_digit && !seen_decimal {
                // A grouping mark between digits of the whole part: dropped.
            } else {
                return None;
            }
        }
        if digits == 0 {
            return None;
        }
        match exact_decimal(mantissa, fraction).filter(|_| digits <= 19) {
            Some(v) => Some(if negative { -v } else { v }),
            None => crate::data::convert::parse_number(&self.plain_number(s)?),
        }
    }

    /// The sign and the body of a number: trimmed, its currency symbol and the spaces around it
    /// removed, a `-` before or after the symbol taken as the sign.
    fn strip_number<'s>(&self, s: &'s str) -> (bool, &'s str) {
        let mut t = trimmed(s);
        let mut negative = false;
        if let Some(rest) = t.strip_prefix('-') {
            negative = true;
            t = rest.trim_start();
        }
        for symbol in &self.currency {
            if let Some(rest) = t.strip_prefix(symbol.as_str()) {
                t = rest.trim_start();
                break;
            }
            if let Some(rest) = t.strip_suffix(symbol.as_str()) {
                t = rest.trim_end();
                break;
            }
        }
        if let Some(rest) = t.strip_prefix('-').filter(|_| !negative) {
            negative = true;
            t = rest;
        }
        (negative, t)
    }

    /// The text of a number without its currency symbol and grouping marks, with `.` for a
    /// decimal mark: what `parse_number` reads. `None` if the marks are not where they may be.
    pub fn plain_number(&self, s: &str) -> Option<String> {
        let (negative, t) = self.strip_number(s);
        let marks = self.numbers.unwrap_or_default();
        if !point_groups_ok(t, marks) {
            return None;
        }
        let mut out = String::with_capacity(t.len() + 1);
        if negative {
            out.push('-');
        }
        let mut prev_digit = false;
        let mut seen_decimal = false;
        let mut chars = t.chars().peekable();
        while let Some(c) = chars.next() {
            let next_digit = chars.peek().is_some_and(char::is_ascii_digit);
            if c.is_ascii_digit() {
                out.push(c);
                prev_digit = true;
                continue;
            }
            if c == marks.decimal && !seen_decimal && next_digit {
                out.push('.');
                seen_decimal = true;
            } else if Some(c) == marks.group && prev_digit && next_digit && !seen_decimal {
                // A grouping mark between digits of the whole part: dropped.
            } else {
                return None;
            }
            prev_digit = false;
        }
        (!out.is_empty() && out != "-").then_some(out)
    }
}

/// With `.` as the grouping mark, each `.` must be followed by exactly three digits: `1.200` is
/// twelve hundred, while `1234.56` is not a grouped number (and is read the standard way).
fn point_groups_ok(t: &str, marks: NumberMarks) -> bool {
    if marks.group != Some('.') {
        return true;
    }
    let b = t.as_bytes();
    let mut from = 0;
    while let Some(k) = memchr::memchr(b'.', &b[from..]) {
        let start = from + k + 1;
        let run = b[start..].iter().take_while(|c| c.is_ascii_digit()).count();
        if run != 3 {
            return false;
        }
        from = start;
    }
    true
}

/// Powers of ten that an `f64` holds exactly.
const EXACT_POWERS: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `mantissa / 10^fraction` when both are exact `f64`s (a mantissa of at most 2^53, at most 22
/// decimals): one IEEE division of exact operands is the correctly rounded quotient, which is
/// what `str::parse::<f64>` gives for the same decimal (Clinger's fast path).
fn exact_decimal(mantissa: u64, fraction: usize) -> Option<f64> {
    if mantissa > 1 << 53 {
        return None;
    }
    Some(mantissa as f64 / *EXACT_POWERS.get(fraction)?)
}

/// The `missing` texts of the block, compared after trimming.
#[derive(Debug, Clone)]
pub(crate) struct MissingTexts {
    texts: Vec<String>,
    /// Lengths any text has: a value of another length is not one (one test for most).
    min_len: usize,
    max_len: usize,
}

impl MissingTexts {
    pub fn new(spec: &InputSpec) -> Option<Arc<MissingTexts>> {
        if spec.missing.is_empty() {
            return None;
        }
        let lens = spec.missing.iter().map(String::len);
        Some(Arc::new(MissingTexts {
            min_len: lens.clone().min().unwrap_or(0),
            max_len: lens.max().unwrap_or(0),
            texts: spec.missing.clone(),
        }))
    }

    /// Whether `s` (trimmed) is one of the texts.
    #[inline]
    pub fn contains(&self, s: &str) -> bool {
        if s.len() < self.min_len {
            return false;
        }
        let t = trimmed(s);
        t.len() <= self.max_len && self.texts.iter().any(|m| m == t)
    }
}

/// Texts that exports write for "no value"; a bad value that is one of them gets a help line
/// naming the `missing` line that would read it.
const PLACEHOLDERS: [&str; 16] = [
    "null",
    "none",
    "nil",
    "n/a",
    "na",
    "#n/a",
    "-",
    "--",
    "?",
    "undefined",
    "unknown",
    "select",
    "select one",
    "not provided",
    "[not provided]",
    "(blank)",
];

/// The help for a text that a field of `kind` could not read, when a line of the `input`
/// block would read it (or mean it): `missing`, `numbers`/`currency`, `timestamps`, `format "%s"`.
pub(crate) fn help_for(kind: HelpKind, text: &str, miss: Miss) -> Option<String> {
    let t = text.trim();
    if miss == Miss::EpochSeconds {
        return Some(
            "ten digits look like epoch seconds, which are not read as timestamps: if they are, \
             read them with `format \"%s\"` on the field"
                .to_string(),
        );
    }
    let lower = t.to_lowercase();
    if !t.is_empty()
        && (PLACEHOLDERS.contains(&lower.as_str()) || (t.starts_with('[') && t.ends_with(']')))
    {
        return Some(format!(
            "if `{t}` means no value, add `missing {t:?}` to the rule set's `input` block"
        ));
    }
    match kind {
        HelpKind::Number => number_help(t),
        HelpKind::Timestamp => timestamp_help(t),
        HelpKind::Other => None,
    }
}

/// What kind of value a help is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HelpKind {
    Number,
    Timestamp,
    Other,
}

/// `$200,000`, `146536,25`, `R$ 100.000`: the `currency` and `numbers` lines that read it.
fn number_help(t: &str) -> Option<String> {
    let body_start = t.find(|c: char| c.is_ascii_digit())?;
    let body_end = t.rfind(|c: char| c.is_ascii_digit())? + 1;
    let (prefix, body, suffix) = (&t[..body_start], &t[body_start..body_end], &t[body_end..]);
    let symbol = [prefix, suffix]
        .map(|s| s.trim().trim_start_matches('-').trim())
        .into_iter()
        .find(|s| !s.is_empty());
    if let Some(sym) = symbol {
        if sym.chars().any(|c| c.is_ascii_digit() || c.is_whitespace()) || sym.len() > 4 {
            return None;
        }
    }
    let has_comma = body.contains(',');
    let has_dot = body.contains('.');
    let after = |mark: char| body.rsplit(mark).next().map_or(0, str::len);
    let marks = match (has_comma, has_dot) {
        (true, true) if body.rfind(',') > body.rfind('.') => Some("1.234,56"),
        (true, true) => Some("1,234.56"),
        (true, false) if after(',') == 3 => Some("1,234.56"),
        (true, false) => Some("1.234,56"),
        (false, true) if after('.') == 3 && body.matches('.').count() >= 1 && symbol.is_some() => {
            Some("1.234,56")
        }
        (false, true) if body.matches('.').count() > 1 => Some("1.234,56"),
        _ => None,
    };
    let mut spec = InputSpec::default();
    let mut lines = Vec::new();
    if let Some(sym) = symbol {
        lines.push(format!("`currency {sym:?}`"));
        spec.currency.push(sym.to_string());
    }
    if let Some(example) = marks {
        lines.push(format!("`numbers {example:?}`"));
        spec.numbers = NumberMarks::from_example(example).ok();
    }
    // Only a suggestion that reads the value.
    let texts = Texts::new(&spec, &[])?;
    let plain = texts.plain_number(t)?;
    crate::data::convert::parse_number(&plain)?;
    Some(format!(
        "if this is a number, add {} to the rule set's `input` block",
        lines.join(" and ")
    ))
}

/// `1/23/2023 12:00 AM`, `23.01.2023`: a `timestamps` layout that reads it.
fn timestamp_help(t: &str) -> Option<String> {
    let layout = guess_layout(t)?;
    Layout::new(&layout).ok()?.read(t)?;
    let day_first = layout.starts_with("%d");
    let other = if day_first {
        None
    } else {
        // A US month-first guess: the day-first reading, when it is one too.
        let swapped = layout
            .replacen("%m", "%D", 1)
            .replacen("%d", "%m", 1)
            .replacen("%D", "%d", 1);
        Layout::new(&swapped)
            .ok()
            .and_then(|l| l.read(t).map(|_| swapped))
    };
    Some(match other {
        Some(other) => format!(
            "if this is a timestamp, add `timestamps {layout:?}` to the rule set's `input` block \
             (or {other:?} if the day comes first)"
        ),
        None => format!(
            "if this is a timestamp, add `timestamps {layout:?}` to the rule set's `input` block"
        ),
    })
}

/// A strftime layout for a date (and time) written the way exports and spreadsheets write
/// them: `1/23/2023 12:00 AM`, `2/5/24 1:51`, `23.01.2023 10:11:12`. The month comes first
/// unless the first number cannot be a month.
pub(crate) fn guess_layout(t: &str) -> Option<String> {
    let (date, time) = match t.split_once([' ', 'T']) {
        Some((d, rest)) => (d, Some(rest.trim())),
        None => (t, None),
    };
    let sep = date.chars().find(|c| matches!(c, '/' | '.' | '-'))?;
    let parts: Vec<&str> = date.split(sep).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let year = |p: &str| if p.len() == 4 { "%Y" } else { "%y" };
    let first: u32 = parts[0].parse().ok()?;
    let date_layout = if parts[0].len() == 4 {
        format!("%Y{sep}%m{sep}%d")
    } else if first > 12 || sep == '.' {
        format!("%d{sep}%m{sep}{}", year(parts[2]))
    } else {
        format!("%m{sep}%d{sep}{}", year(parts[2]))
    };
    let Some(time) = time.filter(|s| !s.is_empty()) else {
        return Some(date_layout);
    };
    let (clock, ampm) = match time.rsplit_once(' ') {
        Some((c, p)) if p.eq_ignore_ascii_case("am") || p.eq_ignore_ascii_case("pm") => (c, true),
        _ => (time, false),
    };
    let fields = clock.split(':').count();
    let hour = if ampm { "%I" } else { "%H" };
    let clock_layout = match fields {
        2 => format!("{hour}:%M"),
        3 => format!("{hour}:%M:%S"),
        _ => return None,
    };
    Some(if ampm {
        format!("{date_layout} {clock_layout} %p")
    } else {
        format!("{date_layout} {clock_layout}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(f: impl FnOnce(&mut InputSpec)) -> Arc<Texts> {
        let mut spec = InputSpec::default();
        f(&mut spec);
        Texts::new(&spec, &[]).expect("rules")
    }

    #[test]
    fn numbers_by_their_marks() {
        let t = texts(|s| {
            s.numbers = NumberMarks::from_example("1.234,56").ok();
            s.currency = vec!["R$".into(), "€".into()];
        });
        let plain = |s: &str| t.plain_number(s);
        assert_eq!(plain("146536,25").as_deref(), Some("146536.25"));
        assert_eq!(plain("146.536,25").as_deref(), Some("146536.25"));
        assert_eq!(plain("R$ 100.000").as_deref(), Some("100000"));
        assert_eq!(plain("-R$ 1.000,5").as_deref(), Some("-1000.5"));
        assert_eq!(plain("12,5 €").as_deref(), Some("12.5"));
        assert_eq!(plain("1.200").as_deref(), Some("1200"));
        assert_eq!(plain("12.345.678").as_deref(), Some("12345678"));
        // A `.` that does not group three digits is not this block's number.
        for bad in [
            "1,2,3", ".5", "1..000", "$5", "1.000,", "", "-", "1 000", "1.2.3,4", "1234.56", "0.5",
            "1.2000",
        ] {
            assert_eq!(plain(bad), None, "{bad}");
            assert_eq!(t.number(bad), None, "{bad}");
        }
        assert!(t.reads_numbers_first());
        let us = texts(|s| {
            s.numbers = NumberMarks::from_example("1,234.56").ok();
            s.currency = vec!["$".into()];
        });
        assert_eq!(us.plain_number("\"$200,000 ").as_deref(), None);
        assert_eq!(us.plain_number("$200,000 ").as_deref(), Some("200000"));
    }

    /// A xorshift generator: the same values on every run.
    struct Gen(u64);

    impl Gen {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        fn pick<'a>(&mut self, of: &[&'a str]) -> &'a str {
            of[self.below(of.len() as u64) as usize]
        }
    }

    /// A text in the shape of an export's number, right or wrong: signs, symbols, spaces,
    /// grouping and decimal marks in and out of place, from one digit to thirty.
    fn number_text(g: &mut Gen, marks: &[&str]) -> String {
        let mut s = String::new();
        s.push_str(g.pick(&["", "", "", " ", "-", "- ", "$", "-$", "$-", "R$ ", "€"]));
        let most = if g.below(4) == 0 { 30 } else { 12 };
        let digits = 1 + g.below(most);
        for k in 0..digits {
            let d = match g.below(10) {
                // Runs of nines and zeros reach the edges: 2^53, rounding ties, leading zeros.
                0 => '9',
                1 => '0',
                _ => char::from(b'0' + g.below(10) as u8),
            };
            s.push(d);
            if k + 1 < digits && g.below(5) == 0 {
                s.push_str(g.pick(marks));
            }
        }
        if g.below(3) == 0 {
            s.push_str(g.pick(marks));
            for _ in 0..g.below(25) {
                s.push(char::from(b'0' + g.below(10) as u8));
            }
        }
        s.push_str(g.pick(&["", "", "", " ", " €", "€", "$", "x", ".", ","]));
        s
    }

    #[test]
    fn numbers_read_directly_are_the_numbers_of_their_plain_text() {
        let mut g = Gen(0x2545_F491_4F6C_DD1D);
        for (example, marks) in [
            ("1.234,56", &[".", ",", ",", ".", " ", "'"][..]),
            ("1,234.56", &[",", ".", ".", ",", " "][..]),
            ("1 234,56", &[" ", ",", ".", "\u{a0}"][..]),
            ("1\u{a0}234,56", &["\u{a0}", ",", " ", "."][..]),
            ("1234.56", &[".", ","][..]),
        ] {
            let t = texts(|s| {
                s.numbers = NumberMarks::from_example(example).ok();
                s.currency = vec!["$".into(), "R$".into(), "€".into()];
            });
            let general =
                |s: &str| crate::data::convert::parse_number(&t.plain_number(s)?).map(f64::to_bits);
            let mut read = 0;
            for _ in 0..40_000 {
                let s = number_text(&mut g, marks);
                let fast = t.number(&s).map(f64::to_bits);
                assert_eq!(fast, general(&s), "{example}: {s:?}");
                read += usize::from(fast.is_some());
            }
            // The generated texts are not all refused.
            assert!(read > 5_000, "{example}: {read}");
        }
        let t = texts(|s| s.numbers = NumberMarks::from_example("1.234,56").ok());
        let bits = |s: &str| t.number(s).map(f64::to_bits);
        for s in [
            "9007199254740992",
            "9007199254740993",
            "9.007.199.254.740.993",
            "-0",
            "0,0",
            "-0,000",
            "1234567890123456789",
            "12345678901234567890",
            "0,1",
            "0,30000000000000004",
            "1,7976931348623157",
            "0,0000000000000000000000001",
            "17976931348623157000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
            "1797693134862315700000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        ] {
            let plain = t.plain_number(s);
            let general = plain
                .as_deref()
                .and_then(crate::data::convert::parse_number);
            assert_eq!(bits(s), general.map(f64::to_bits), "{s}");
        }
        assert_eq!(bits("-0"), Some((-0.0f64).to_bits()));
        assert_eq!(t.number("1.200.000,50"), Some(1_200_000.5));
        assert_eq!(t.number("1,2,3"), None);
    }

    #[test]
    fn missing_texts_without_trimming_are_the_trimmed_comparison() {
        let spec = InputSpec {
            missing: vec!["null".into(), "n/a".into(), "[not provided]".into()],
            ..InputSpec::default()
        };
        let m = MissingTexts::new(&spec).expect("texts");
        let mut g = Gen(0x9E37_79B9_7F4A_7C15);
        let pads = ["", "", " ", "\t", "\u{a0}", "\u{2003}", "\r\n", "x", "é"];
        let cores = [
            "null",
            "n/a",
            "[not provided]",
            "nul",
            "nulll",
            "",
            "Null",
            "a",
        ];
        for _ in 0..20_000 {
            let s = format!("{}{}{}", g.pick(&pads), g.pick(&cores), g.pick(&pads));
            let general = spec.missing.iter().any(|t| t == s.trim());
            assert_eq!(m.contains(&s), general, "{s:?}");
        }
    }

    #[test]
    fn missing_texts_after_trimming() {
        let spec = InputSpec {
            missing: vec!["null".into(), "[not provided]".into()],
            ..InputSpec::default()
        };
        let m = MissingTexts::new(&spec).expect("texts");
        assert!(m.contains("null") && m.contains(" [not provided] "));
        assert!(!m.contains("Null") && !m.contains("") && !m.contains("nullx"));
    }

    #[test]
    fn helps_name_the_line_that_reads_the_value() {
        let help = |kind, s: &str| help_for(kind, s, Miss::Type).unwrap_or_default();
        assert!(help(HelpKind::Number, "$200,000 ")
            .contains("`currency \"$\"` and `numbers \"1,234.56\"`"));
        assert!(help(HelpKind::Number, "146536,25").contains("`numbers \"1.234,56\"`"));
        assert!(help(HelpKind::Number, "R$ 100.000")
            .contains("`currency \"R$\"` and `numbers \"1.234,56\"`"));
        assert!(help(HelpKind::Timestamp, "1/23/2023 12:00 AM")
            .contains("`timestamps \"%m/%d/%Y %I:%M %p\"`"));
        assert!(help(HelpKind::Timestamp, "2/5/24 1:51").contains("\"%d/%m/%y %H:%M\""));
        assert!(help(HelpKind::Timestamp, "23.01.2023").contains("`timestamps \"%d.%m.%Y\"`"));
        assert!(
            help(HelpKind::Timestamp, "[not provided]").contains("`missing \"[not provided]\"`")
        );
        assert!(help(HelpKind::Other, "Select").contains("`missing \"Select\"`"));
        assert!(
            help_for(HelpKind::Timestamp, "1700000000", Miss::EpochSeconds)
                .is_some_and(|h| h.contains("format \"%s\""))
        );
        assert_eq!(help_for(HelpKind::Number, "abc", Miss::Type), None);
        assert_eq!(help_for(HelpKind::Timestamp, "yesterday", Miss::Type), None);
    }

    #[test]
    fn timestamps_in_a_zone_and_layouts() {
        let t = texts(|s| {
            s.time_zone = Some("America/New_York".into());
            s.timestamps = vec!["%m/%d/%Y %I:%M %p".into()];
        });
        let at = |iso| crate::time::parse_timestamp(iso).expect("iso");
        assert_eq!(
            t.timestamp("1/23/2023 12:00 AM"),
            Ok(at("2023-01-23T05:00:00Z"))
        );
        assert_eq!(
            t.timestamp("2023-07-01 08:00"),
            Ok(at("2023-07-01T12:00:00Z"))
        );
        assert_eq!(
            t.timestamp("2023-07-01T08:00:00Z"),
            Ok(at("2023-07-01T08:00:00Z"))
        );
        assert_eq!(t.timestamp("1700000000"), Err(Miss::EpochSeconds));
        assert_eq!(t.timestamp("1/23/2023"), Err(Miss::Type));
        let epoch = Texts::new(&InputSpec::default(), &["%s".into()]).expect("format");
        assert_eq!(epoch.timestamp("1700000000"), Ok(1_700_000_000_000));
        assert_eq!(epoch.timestamp_int(1_700_000_000), Ok(1_700_000_000_000));
        let dmy = Texts::new(&InputSpec::default(), &["%d%m%Y".into()]).expect("format");
        assert_eq!(dmy.timestamp("10112020"), Ok(at("2020-11-10T00:00:00Z")));
    }
}
