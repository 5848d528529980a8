//! The byte-level half of the scanner: whitespace, strings, numbers and literals as
//! `serde_json` reads them, and skipping whole values while checking their syntax.

use crate::data::fields::Got;
use wide::u8x16;

/// `None`: give up on this record (see the scanner's module doc).
pub(super) type Scan<T> = Option<T>;

/// Nesting of skipped values this scanner follows before handing the record to `serde_json`.
const MAX_SKIP_DEPTH: u32 = 32;

/// Bytes that end the fast scan of a string: `"`, `\` and control characters.
const STRING_STOP: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 0x20 {
        t[i] = true;
        i += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// `a == b`, without a call to `memcmp` for the short slices keys are: word compares (the last
/// word overlapping the one before it) instead of a library call per key of every record.
#[inline]
pub(super) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    fn word(s: &[u8], at: usize) -> u64 {
        s.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map_or(0, u64::from_le_bytes)
    }
    fn half(s: &[u8], at: usize) -> u32 {
        s.get(at..at + 4)
            .and_then(|w| <[u8; 4]>::try_from(w).ok())
            .map_or(0, u32::from_le_bytes)
    }
    match n {
        0..=3 => a == b,
        4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        _ => {
            let mut i = 0;
            while i + 8 < n {
                if word(a, i) != word(b, i) {
                    return false;
                }
                i += 8;
            }
            word(a, n - 8) == word(b, n - 8)
        }
    }
}

/// Bit `k` set: byte `k` of `block` ends the fast scan of a string (see [`STRING_STOP`]).
#[inline]
fn string_stops(block: [u8; 16]) -> u32 {
    let v = u8x16::new(block);
    let quote = v.simd_eq(u8x16::splat(b'"'));
    let backslash = v.simd_eq(u8x16::splat(b'\\'));
    let control = v.min(u8x16::splat(0x1f)).simd_eq(v);
    (quote | backslash | control).to_bitmask()
}

pub(super) struct Cursor<'t> {
    pub text: &'t str,
    pub bytes: &'t [u8],
    pub pos: usize,
}

impl<'t> Cursor<'t> {
    pub fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    pub fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    pub fn expect(&mut self, want: u8) -> Scan<()> {
        (self.next()? == want).then_some(())
    }

    /// After an item of a list (`close` is `]`) or a record (`}`), and any whitespace: `true`
    /// past a `,` and the whitespace after it (another item follows), `false` past `close` (that
    /// was the last), `None` at anything else. Every list and record loop of the scanner ends so.
    #[inline(always)]
    pub fn more_items(&mut self, close: u8) -> Scan<bool> {
        self.ws();
        match self.next()? {
            b',' => {
                self.ws();
                Some(true)
            }
            b if b == close => Some(false),
            _ => None,
        }
    }

    /// JSON whitespace.
    pub fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// `null`, `true` or `false` (word compares rather than a call to `memcmp`).
    #[inline]
    pub fn literal(&mut self, word: &[u8]) -> Scan<()> {
        let end = self.pos + word.len();
        let found = self.bytes.get(self.pos..end)?;
        same_bytes(found, word).then(|| self.pos = end)
    }

    /// After the opening quote: the position of the first `"`, `\` or control byte (or the
    /// end). Sixteen bytes at a time (SIMD), then eight (in a word), then one.
    pub fn string_stop(&self) -> usize {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGHS: u64 = 0x8080_8080_8080_8080;
        // The lowest flagged byte of each test is exact (later ones may be false positives).
        let zero_byte = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
        let mut i = match self.stop_in_blocks() {
            Ok(at) => return at,
            Err(i) => i,
        };
        while let Some(word) = self.bytes.get(i..i + 8) {
            let Ok(word) = <[u8; 8]>::try_from(word) else {
                break;
            };
            let w = u64::from_le_bytes(word);
            let stops = zero_byte(w ^ (ONES * u64::from(b'"')))
                | zero_byte(w ^ (ONES * u64::from(b'\\')))
                | (w.wrapping_sub(ONES * 0x20) & !w & HIGHS);
            if stops != 0 {
                return i + (stops.trailing_zeros() / 8) as usize;
            }
            i += 8;
        }
        while i < self.bytes.len() && !STRING_STOP[self.bytes[i] as usize] {
            i += 1;
        }
        i
    }

    /// After the opening quote of a key: its bytes, if it has no escapes.
    pub fn raw_key(&mut self) -> Scan<&'t [u8]> {
        let start = self.pos;
        let end = self.string_stop();
        if self.bytes.get(end) != Some(&b'"') {
            return None;
        }
        self.pos = end + 1;
        Some(&self.bytes[start..end])
    }

    /// After the opening quote: the string's text, unescaped into `scratch` if it has escapes.
    #[inline(always)]
    pub fn string<'s>(&mut self, scratch: &'s mut String) -> Scan<&'s str>
    where
        't: 's,
    {
        let start = self.pos;
        if let Some(end) = self.simple_string_end() {
            self.pos = end + 1;
            // Both ends are next to an ASCII quote: character boundaries.
            return self.text.get(start..end);
        }
        let end = self.string_stop();
        match self.bytes.get(end)? {
            b'"' => {
                self.pos = end + 1;
                // Both ends are next to an ASCII quote, so this is a character boundary check
                // that cannot fail.
                self.text.get(start..end)
            }
            b'\\' => {
                scratch.clear();
                scratch.push_str(self.text.get(start..end)?);
                self.pos = end;
                loop {
                    match self.next()? {
                        b'"' => return Some(scratch.as_str()),
                        b'\\' => scratch.push(match self.next()? {
                            b'"' => '"',
                            b'\\' => '\\',
                            b'/' => '/',
                            b'b' => '\u{8}',
                            b'f' => '\u{c}',
                            b'n' => '\n',
                            b'r' => '\r',
                            b't' => '\t',
                            // `\u` (surrogate pairs and their errors): left to serde_json.
                            _ => return None,
                        }),
                        _ => {
                            let from = self.pos - 1;
                            let to = self.string_stop();
                            if to == from {
                                return None; // a control character
                            }
                            scratch.push_str(self.text.get(from..to)?);
                            self.pos = to;
                        }
                    }
                }
            }
            _ => None,
        }
    }

    /// A scalar value as `serde_json` would have visited it.
    // Inlined so that the value stays in registers on its way to `push_value`.
    #[inline(always)]
    pub fn scalar<'s>(&mut self, scratch: &'s mut String) -> Scan<Got<'s>>
    where
        't: 's,
    {
        match self.peek()? {
            b'"' => {
                self.pos += 1;
                self.string(scratch).map(Got::Str)
            }
            b'n' => self.literal(b"null").map(|()| Got::Null),
            b't' => self.literal(b"true").map(|()| Got::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Got::Bool(false)),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// A number: `U64` if non-negative, `I64` if negative (as `serde_json` parses integers),
    /// `F64` if it has a fraction or an exponent.
    // Always inlined into `scalar`: as a call (an `inline` hint was not taken) its setup cost
    // about as much as the digits of a count.
    #[inline(always)]
    fn number<'s>(&mut self) -> Scan<Got<'s>> {
        let start = self.pos;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.pos += 1;
        }
        let digits = self.pos;
        let mut value: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            value = value * 10 + u64::from(d - b'0');
            self.pos += 1;
            if self.pos - digits > 18 {
                return None; // near or past the integer range: serde_json's business
            }
        }
        let n = self.pos - digits;
        if n == 0 || (n > 1 && self.bytes[digits] == b'0') {
            return None;
        }
        if let Some(b'.' | b'e' | b'E') = self.peek() {
            self.fraction_and_exponent()?;
            // The same float parser as the slow path, so the same bits.
            return serde_json::from_str::<f64>(self.text.get(start..self.pos)?)
                .ok()
                .map(Got::F64);
        }
        match (negative, value) {
            (false, v) => Some(Got::U64(v)),
            // `-0` is a float for serde_json.
            (true, 0) => None,
            (true, v) => Some(Got::I64(-i64::try_from(v).ok()?)),
        }
    }

    fn fraction_and_exponent(&mut self) -> Scan<()> {
        if self.peek() == Some(b'.') {
            self.pos += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            self.digits()?;
        }
        Some(())
    }

    /// One or more digits.
    fn digits(&mut self) -> Scan<()> {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        (self.pos > start).then_some(())
    }

    /// Skips a value, checking its syntax as `serde_json` does. Inlined where it is called, so
    /// that strings, numbers, literals and lists of them (most values skipped) are skipped in
    /// place, without a call and a dispatch each.
    #[inline(always)]
    pub fn skip_value(&mut self, depth: u32) -> Scan<()> {
        match self.peek()? {
            b'"' => {
                self.pos += 1;
                self.skip_string()
            }
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'-' | b'0'..=b'9' => self.skip_number(),
            b'[' => self.skip_list(depth),
            b'{' => self.skip_record(depth),
            _ => None,
        }
    }

    /// [`Cursor::skip_value`] as a call: the step by which skipping recurses into nested values.
    #[inline(never)]
    fn skip_item(&mut self, depth: u32) -> Scan<()> {
        self.skip_value(depth)
    }

    /// At a `[` at nesting `depth`: skips the list, its string items in place.
    #[inline(always)]
    fn skip_list(&mut self, depth: u32) -> Scan<()> {
        if depth >= MAX_SKIP_DEPTH {
            return None;
        }
        self.pos += 1;
        self.ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Some(());
        }
        loop {
            if self.peek() == Some(b'"') {
                self.pos += 1;
                self.skip_string()?;
            } else {
                self.skip_item(depth + 1)?;
            }
            if !self.more_items(b']')? {
                return Some(());
            }
        }
    }

    /// At a `{` at nesting `depth`: skips the record.
    #[inline(never)]
    fn skip_record(&mut self, depth: u32) -> Scan<()> {
        if depth >= MAX_SKIP_DEPTH {
            return None;
        }
        self.pos += 1;
        self.ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Some(());
        }
        loop {
            self.expect(b'"')?;
            self.skip_string()?;
            self.ws();
            self.expect(b':')?;
            self.ws();
            self.skip_item(depth + 1)?;
            if !self.more_items(b'}')? {
                return Some(());
            }
        }
    }

    /// After the opening quote: where the string ends, if nothing in it is to be unescaped
    /// and its closing quote is at least 16 bytes before the end of the record (most strings).
    /// Inlined into the scanner's loops, where the SIMD constants stay in registers: a call per
    /// string cost more than the scan.
    #[inline(always)]
    fn simple_string_end(&self) -> Option<usize> {
        let at = self.stop_in_blocks().ok()?;
        (self.bytes[at] == b'"').then_some(at)
    }

    /// From the position on, 16 bytes at a time while 16 are left (SIMD): the first `"`, `\` or
    /// control byte, or where the blocks ended without one.
    #[inline(always)]
    fn stop_in_blocks(&self) -> Result<usize, usize> {
        let mut i = self.pos;
        while let Some(block) = self
            .bytes
            .get(i..i + 16)
            .and_then(|b| b.first_chunk::<16>())
        {
            let stops = string_stops(*block);
            if stops != 0 {
                return Ok(i + stops.trailing_zeros() as usize);
            }
            i += 16;
        }
        Err(i)
    }

    /// After the opening quote.
    #[inline(always)]
    pub fn skip_string(&mut self) -> Scan<()> {
        if let Some(end) = self.simple_string_end() {
            self.pos = end + 1;
            return Some(());
        }
        self.skip_long_string()
    }

    #[inline(never)]
    fn skip_long_string(&mut self) -> Scan<()> {
        loop {
            self.pos = self.string_stop();
            match self.next()? {
                b'"' => return Some(()),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        let hex = self.bytes.get(self.pos..self.pos + 4)?;
                        if !hex.iter().all(u8::is_ascii_hexdigit) {
                            return None;
                        }
                        self.pos += 4;
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    #[inline]
    fn skip_number(&mut self) -> Scan<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = self.pos;
        self.digits()?;
        if self.pos - digits > 1 && self.bytes[digits] == b'0' {
            return None;
        }
        self.fraction_and_exponent()
    }
}
