//! Numbers as text: the shortest form that reads back to the same value.

/// Writes an `i64` in decimal.
#[inline]
pub fn write_int(out: &mut Vec<u8>, n: i64) {
    if n < 0 {
        out.push(b'-');
    }
    write_u64(out, n.unsigned_abs());
}

fn write_u64(out: &mut Vec<u8>, mut n: u64) {
    // Scores and counts are mostly below 100: no digit buffer, no copy call.
    if n < 10 {
        out.push(b'0' + n as u8);
        return;
    }
    if n < 100 {
        out.extend_from_slice(&[b'0' + (n / 10) as u8, b'0' + (n % 10) as u8]);
        return;
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Integral values below this print as integers, the text `ryu` gives them without its `.0`.
const PLAIN_INT_LIMIT: f64 = 1e15;

/// Writes a float as the shortest text that parses back to the same value: `30` (no `.0` on
/// integral values), `12.5`, `0.1`; exponent form outside about 1e-5..1e16 (`1e21`, `1e-7`), as
/// `ryu` chooses. `-0.0` prints as `0` (it compares equal to `0`, and `-0` only confuses people
/// reading a score). Non-finite values (never produced by evaluation) print as `NaN`, `inf`,
/// `-inf`; JSON writers print `null` for them instead.
#[inline]
pub fn write_number(out: &mut Vec<u8>, x: f64) {
    if x == 0.0 {
        out.push(b'0');
        return;
    }
    // Scores are nearly always whole numbers: skip the shortest-float search for them. (A
    // round trip through `i64` rather than `fract`, which is a call to `trunc`; the cast
    // saturates, and the limit keeps the saturated ones out.)
    let whole = x as i64;
    if whole as f64 == x && x.abs() < PLAIN_INT_LIMIT {
        write_int(out, whole);
        return;
    }
    let mut buf = ryu::Buffer::new();
    let text = buf.format(x);
    out.extend_from_slice(text.strip_suffix(".0").unwrap_or(text).as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(x: f64) -> String {
        let mut out = Vec::new();
        write_number(&mut out, x);
        String::from_utf8(out).unwrap()
    }

    fn int(n: i64) -> String {
        let mut out = Vec::new();
        write_int(&mut out, n);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn shortest_forms() {
        assert_eq!(num(30.0), "30");
        assert_eq!(num(12.5), "12.5");
        assert_eq!(num(0.1), "0.1");
        assert_eq!(num(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(num(-4.5), "-4.5");
        assert_eq!(num(-0.0), "0");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(1e15), "1000000000000000");
        assert_eq!(num(1e21), "1e21");
        assert_eq!(num(1e-7), "1e-7");
        assert_eq!(num(1.5e-7), "1.5e-7");
        assert_eq!(num(f64::MAX), "1.7976931348623157e308");
        assert_eq!(num(f64::NAN), "NaN");
        // Values where the round trip through `i64` saturates or truncates: not whole, or past
        // the limit, so `ryu` prints them.
        assert_eq!(num(f64::INFINITY), "inf");
        assert_eq!(num(f64::NEG_INFINITY), "-inf");
        assert_eq!(num(9_223_372_036_854_775_808.0), "9.223372036854776e18");
        assert_eq!(num(-9_223_372_036_854_775_808.0), "-9.223372036854776e18");
        assert_eq!(num(1e16), "1e16");
        assert_eq!(num(0.5), "0.5");
        assert_eq!(num(-0.5), "-0.5");
        assert_eq!(num(-1.0), "-1");
        assert_eq!(int(i64::MIN), "-9223372036854775808");
        assert_eq!(int(i64::MAX), "9223372036854775807");
        assert_eq!(int(0), "0");
        for n in [
            -101i64, -100, -99, -10, -9, -1, 1, 9, 10, 42, 99, 100, 101, 12345,
        ] {
            assert_eq!(int(n), n.to_string());
        }
    }

    /// The integer shortcut prints what `ryu` prints.
    #[test]
    fn whole_numbers_as_ryu_prints_them() {
        let ryu = |x: f64| {
            let mut buf = ryu::Buffer::new();
            let text = buf.format(x).to_string();
            text.strip_suffix(".0").unwrap_or(&text).to_string()
        };
        let mut x = 1.0_f64;
        while x < 1e16 {
            for v in [x, -x, x + 1.0, x - 1.0, (x * 0.37).round()] {
                if v != 0.0 {
                    assert_eq!(num(v), ryu(v), "{v}");
                }
            }
            x *= 3.0;
        }
        assert_eq!(num(999_999_999_999_999.0), ryu(999_999_999_999_999.0));
    }

    #[test]
    fn every_form_reads_back_to_the_same_value() {
        let mut x = 1.0e-300_f64;
        while x < 1.0e300 {
            for v in [x, -x, x * 3.0, x / 7.0] {
                assert_eq!(num(v).parse::<f64>().unwrap(), v, "{v:e}");
            }
            x *= 13.7;
        }
    }
}
