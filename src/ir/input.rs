//! How the export is written: the checked `input` block (docs/language.md, "Your CRM's
//! export"). Every setting has a default that is the behaviour without the block.

/// The `input` block, checked. `InputSpec::default()` is a rule set without one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputSpec {
    /// `delimiter ";"`: the CSV separator; `None` detects it from the header.
    pub delimiter: Option<u8>,
    /// `time zone "America/New_York"`: an IANA name of the bundled database; timestamps
    /// written without an offset are local time there (UTC without it).
    pub time_zone: Option<String>,
    /// `timestamps "%m/%d/%Y %I:%M %p", …`: strftime layouts tried, in order, after the
    /// standard readings (each one checked).
    pub timestamps: Vec<String>,
    /// `missing "null", …`: texts (compared after trimming) that mean a missing value.
    pub missing: Vec<String>,
    /// `numbers "1.234,56"`: the marks numbers are written with.
    pub numbers: Option<NumberMarks>,
    /// `currency "$", "R$"`: symbols stripped from numbers.
    pub currency: Vec<String>,
    /// `footer "Grand Totals"`: a CSV row starting with one of these texts ends the records.
    pub footer: Vec<String>,
}

impl InputSpec {
    /// Whether a text cell or string needs more than the standard conversions.
    pub fn is_default(&self) -> bool {
        *self == InputSpec::default()
    }
}

/// The grouping and decimal marks of numbers, from an example such as `1.234,56`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberMarks {
    /// `None`: digits are not grouped.
    pub group: Option<char>,
    pub decimal: char,
}

impl Default for NumberMarks {
    /// `1234.56`.
    fn default() -> NumberMarks {
        NumberMarks {
            group: None,
            decimal: '.',
        }
    }
}

/// Marks that may group digits (NBSP and the narrow NBSP are what French and Swiss exports use).
const GROUP_MARKS: [char; 6] = [',', '.', ' ', '\'', '\u{a0}', '\u{202f}'];

impl NumberMarks {
    /// The marks of an example number (`1,234.56`, `1.234,56`, `1 234,56`, `1234,5`), or what
    /// is wrong with it and how to write it.
    pub fn from_example(example: &str) -> Result<NumberMarks, (String, String)> {
        let help = "write a number with its decimal part, as the export writes it: \
                    `1,234.56`, `1.234,56`, `1 234,56` or `1234,56`";
        let bad = |what: String| Err((what, help.to_string()));
        let text = example.strip_prefix(['-', '+']).unwrap_or(example);
        if !text.starts_with(|c: char| c.is_ascii_digit()) {
            return bad(format!(
                "`{example}` is not a number that starts with a digit"
            ));
        }
        let marks: Vec<(usize, char)> = text
            .char_indices()
            .filter(|(_, c)| !c.is_ascii_digit())
            .collect();
        let Some(&(last_at, decimal)) = marks.last() else {
            return Ok(NumberMarks::default());
        };
        let after: &str = &text[last_at + decimal.len_utf8()..];
        if after.is_empty() {
            return bad(format!("`{example}` ends with a mark"));
        }
        if !matches!(decimal, '.' | ',') {
            return bad(format!(
                "`{decimal}` cannot be a decimal mark (only `.` or `,`)"
            ));
        }
        let groups: Vec<char> = marks[..marks.len() - 1].iter().map(|&(_, c)| c).collect();
        let group = match groups.first() {
            None if after.len() == 3 => {
                return bad(format!(
                    "`{example}` could be a thousand or a fraction: `{decimal}` is followed by three digits"
                ))
            }
            None => None,
            Some(&g) => {
                if g == decimal || groups.iter().any(|&c| c != g) || !GROUP_MARKS.contains(&g) {
                    return bad(format!("`{example}` mixes its marks"));
                }
                // The digits between group marks come in threes.
                let body = &text[..last_at];
                let mut parts = body.split(g);
                let first_ok = parts.next().is_some_and(|p| (1..=3).contains(&p.len()));
                if !first_ok || parts.any(|p| p.len() != 3) {
                    return bad(format!(
                        "`{example}` groups its digits unevenly (groups of three are expected)"
                    ));
                }
                Some(g)
            }
        };
        Ok(NumberMarks { group, decimal })
    }

    /// The example of these marks, for messages (`1.234,56`).
    pub fn example(self) -> String {
        match self.group {
            Some(g) => format!("1{g}234{}56", self.decimal),
            None => format!("1234{}56", self.decimal),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_from_examples() {
        let marks = |s: &str| NumberMarks::from_example(s).map_err(|e| e.0);
        let m = |group, decimal| Ok(NumberMarks { group, decimal });
        assert_eq!(marks("1.234,56"), m(Some('.'), ','));
        assert_eq!(marks("1,234.56"), m(Some(','), '.'));
        assert_eq!(marks("1 234,56"), m(Some(' '), ','));
        assert_eq!(marks("1\u{a0}234\u{a0}567,8"), m(Some('\u{a0}'), ','));
        assert_eq!(marks("1234,5"), m(None, ','));
        assert_eq!(marks("1234.56"), m(None, '.'));
        assert_eq!(marks("1234"), m(None, '.'));
        for bad in [
            "1,234",
            "1.234",
            "abc",
            "1,23,4.5",
            "12,34,567.8",
            "1.234.56",
            "1;5",
            "1,",
        ] {
            assert!(marks(bad).is_err(), "{bad}");
        }
        assert_eq!(NumberMarks::default().example(), "1234.56");
        assert_eq!(
            NumberMarks {
                group: Some('.'),
                decimal: ','
            }
            .example(),
            "1.234,56"
        );
    }
}
