//! Numbers as exports write them (`$200,000 `, `R$ 100.000`, `146.536,25`), recognised for
//! `smql init`: the currency symbols to strip and which mark is the decimal one (the `numbers`
//! and `currency` lines of the `input` block).

/// Symbols recognised before or after a number, longest first.
pub(crate) const CURRENCIES: &[&str] = &["US$", "R$", "CHF", "$", "€", "£", "¥"];

/// What one value says about how numbers are written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Shape {
    pub currency: Option<&'static str>,
    /// A `,` that can only be a decimal mark (`146536,25`, `1.234,5`).
    pub decimal_comma: bool,
    /// A `.` that can only be a decimal mark (`12.5`, `1,234.56`).
    pub decimal_point: bool,
    /// A `,` or `.` followed by three digits that could be either (`1,234`, `100.000`).
    pub three_after: Option<char>,
    /// Grouping marks that can only be grouping (`1,234,567`, `1.234.567`).
    pub grouping: Option<char>,
    /// Whether the value has a fraction under either reading.
    pub fraction: bool,
}

/// The shape of `text` if it is a number with optional currency, sign, grouping and decimals.
pub(crate) fn shape(text: &str) -> Option<Shape> {
    let mut t = text.trim_matches(|c: char| c.is_whitespace());
    let mut s = Shape::default();
    for c in CURRENCIES {
        if let Some(rest) = t.strip_prefix(c).or_else(|| t.strip_suffix(c)) {
            s.currency = Some(c);
            t = rest.trim_matches(|c: char| c.is_whitespace());
            break;
        }
    }
    let body = t.strip_prefix('-').unwrap_or(t);
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if !body
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    {
        return None;
    }
    let marks: Vec<(usize, char)> = body
        .char_indices()
        .filter(|(_, c)| !c.is_ascii_digit())
        .collect();
    let groups: Vec<&str> = body.split(['.', ',']).collect();
    if groups.iter().any(|g| g.is_empty()) {
        return None;
    }
    match marks.as_slice() {
        [] => {}
        [(_, m)] => {
            let after = groups.last().map_or(0, |g| g.len());
            if after == 3 {
                s.three_after = Some(*m);
            } else if *m == ',' {
                s.decimal_comma = true;
                s.fraction = true;
            } else {
                s.decimal_point = true;
                s.fraction = true;
            }
        }
        _ => {
            let last = marks[marks.len() - 1].1;
            let first = marks[0].1;
            let all_same = marks.iter().all(|(_, m)| *m == first);
            // Every group but the first (and, with a decimal mark, the last) has three digits.
            let inner_ok =
                |n_groups_checked: usize| groups[1..n_groups_checked].iter().all(|g| g.len() == 3);
            if all_same {
                if !inner_ok(groups.len()) {
                    return None;
                }
                s.grouping = Some(first);
            } else {
                // Grouping marks first, one decimal mark last.
                if marks[..marks.len() - 1].iter().any(|(_, m)| *m == last)
                    || !inner_ok(groups.len() - 1)
                {
                    return None;
                }
                s.grouping = Some(first);
                s.fraction = true;
                if last == ',' {
                    s.decimal_comma = true;
                } else {
                    s.decimal_point = true;
                }
            }
        }
    }
    Some(s)
}

/// How a file writes its numbers, from the shapes of all its number-like values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Marks {
    /// `1234.56`: smql's default, no `numbers` line.
    Plain,
    /// `1,234.56`.
    CommaGroups,
    /// `1.234,56`.
    DecimalComma,
}

impl Marks {
    pub fn from_shapes<'a>(shapes: impl IntoIterator<Item = &'a Shape>) -> Marks {
        let (mut comma, mut point, mut comma_groups) = (false, false, false);
        for s in shapes {
            comma |= s.decimal_comma || s.grouping == Some('.');
            point |= s.decimal_point || s.grouping == Some(',');
            comma_groups |= s.grouping == Some(',') || s.three_after == Some(',');
        }
        if comma && !point {
            Marks::DecimalComma
        } else if comma_groups {
            Marks::CommaGroups
        } else {
            Marks::Plain
        }
    }

    /// The example for the `numbers` line, if one is needed.
    pub fn example(self) -> Option<&'static str> {
        match self {
            Marks::Plain => None,
            Marks::CommaGroups => Some("1,234.56"),
            Marks::DecimalComma => Some("1.234,56"),
        }
    }

    /// Whether a value of shape `s` reads as a number with these marks.
    pub fn reads(self, s: &Shape) -> bool {
        let (decimal, group) = match self {
            Marks::Plain => ('.', None),
            Marks::CommaGroups => ('.', Some(',')),
            Marks::DecimalComma => (',', Some('.')),
        };
        let decimal_ok = match decimal {
            ',' => !s.decimal_point,
            _ => !s.decimal_comma,
        };
        let group_ok = match s.grouping {
            None => true,
            g => g == group,
        };
        let three_ok = match s.three_after {
            None => true,
            Some(m) => m == decimal || Some(m) == group,
        };
        decimal_ok && group_ok && three_ok
    }

    /// Whether a value of shape `s` has a fraction when read with these marks.
    pub fn fraction(self, s: &Shape) -> bool {
        let decimal = if self == Marks::DecimalComma {
            ','
        } else {
            '.'
        };
        s.fraction || s.three_after == Some(decimal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_of_export_numbers() {
        let s = shape("$200,000 ").unwrap();
        assert_eq!((s.currency, s.three_after), (Some("$"), Some(',')));
        let s = shape("R$ 100.000").unwrap();
        assert_eq!((s.currency, s.three_after), (Some("R$"), Some('.')));
        let s = shape("146.536,25").unwrap();
        assert!(s.decimal_comma && s.grouping == Some('.'));
        assert!(shape("146536,25").unwrap().decimal_comma);
        assert!(shape("12.5").unwrap().decimal_point);
        assert_eq!(shape("1,234,567").unwrap().grouping, Some(','));
        for bad in [
            "",
            "abc",
            "1,,2",
            "1.2.3",
            "12,34,567",
            "$",
            "-",
            "1,234.5,6",
            "L-12",
        ] {
            assert_eq!(shape(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_file_s_marks_from_its_values() {
        let shapes: Vec<Shape> = ["R$ 100.000", "146.536,25"]
            .iter()
            .filter_map(|t| shape(t))
            .collect();
        let m = Marks::from_shapes(&shapes);
        assert_eq!(m, Marks::DecimalComma);
        assert!(shapes.iter().all(|s| m.reads(s)));
        let shapes: Vec<Shape> = ["$200,000 ", "12.5"]
            .iter()
            .filter_map(|t| shape(t))
            .collect();
        assert_eq!(Marks::from_shapes(&shapes), Marks::CommaGroups);
        let shapes: Vec<Shape> = ["12", "-3.25"].iter().filter_map(|t| shape(t)).collect();
        assert_eq!(Marks::from_shapes(&shapes), Marks::Plain);
    }
}
